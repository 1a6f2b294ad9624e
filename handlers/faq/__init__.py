"""Membership FAQ (issue 5): answers from the association's guide, a fee calculator, forwarding.

Modules: knowledge (validated data), normalise + retrieval (Japanese-aware matching), amounts
(money / percent / month / date parsing), fees, approval, engine (one message → what it asks,
pure), render (neutral replies), dialogue (state in turn.data["faq"], forwarding, admin list).
"""

from __future__ import annotations

from handlers.context import Turn
from handlers.faq.dialogue import FaqDialogue
from handlers.faq.engine import Engine, engine
from handlers.faq.render import say
from handlers.types import Reply, Text


class FaqHandler:
    """Answers membership questions; the router calls it for 'faq:' actions and free text.

    The knowledge is loaded and indexed when the handler is built, so a broken data file stops
    the bot at start-up with the entry and field named, not in the middle of a conversation.
    """

    def __init__(self, faq_engine: Engine | None = None) -> None:
        self.dialogue = FaqDialogue(faq_engine or engine())

    def handle_action(self, turn: Turn, value: str) -> list[Reply]:
        """A button whose value starts with 'faq:' was pressed."""
        head, *rest = value.split(":")[1:] or [""]
        if head == "entry" and rest:
            return self.dialogue.on_entry_action(turn, rest[0])
        if head == "fee":
            return self.dialogue.on_fee_action(turn, rest)
        if head == "fwd":
            return self.dialogue.forward(turn, confirmed=rest != ["no"])
        if head == "done" and rest:
            return self.dialogue.mark_done(turn, rest[0])
        return [Text(say(turn.lang, "stale"))]

    def handle_text(self, turn: Turn, text: str, *, strict: bool = False) -> list[Reply] | None:
        """Answer `text` if it is an FAQ question (or continues an FAQ dialogue); else None.

        strict=True while the user is in the middle of an assessment item: only confident
        matches and replies to a pending FAQ question, so "abc" still gets the item re-prompt.
        """
        if not text or not text.strip():
            return None
        return self.dialogue.on_text(turn, text, strict=strict)

    def help_lines(self, lang: str) -> list[str]:
        """Lines the router adds to its help message."""
        return [say(lang, "help_1"), say(lang, "help_2")]
