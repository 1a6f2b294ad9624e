"""Membership FAQ (issue 5): answers from the association's guide, a fee calculator, forwarding.

Modules: knowledge (validated data), normalise + retrieval (Japanese-aware matching), amounts
(money / percent / month / date parsing), wordsets (word lists found by substring search), fees,
approval, gaps (words of a question the guide never uses), halves (does a fee change with the
half-year?), step_order (is this order of the procedure's steps right?), engine (one message →
what it asks, pure), render (neutral replies), dialogue (state in turn.data["faq"], forwarding; the typed
text through the table FAQ_TEXT, drawn in faq_text.mmd), and the
forwarded-question loop (issue 14): loop (an admin answers from chat, the member's inbox),
notices (what the secretariat and the member are sent), curation + supplements (answers turned
into FAQ entries searched with the guide's), commands (the secretariat's chat commands).
"""

from __future__ import annotations

from handlers.context import Turn
from handlers.faq import loop
from handlers.faq.commands import handle_faq_command
from handlers.faq.dialogue import FaqDialogue, state_name
from handlers.faq.engine import Engine, engine
from handlers.faq.render import say
from handlers.faq.topics import is_past_event_question
from handlers.flow import START, FlowTable, Transition
from handlers.types import Reply, Text

__all__ = ["FAQ", "FaqHandler", "is_past_event_question"]


class FaqHandler:
    """Answers membership questions; the router calls it for 'faq:' actions and free text.

    The knowledge is loaded and indexed when the handler is built, so a broken data file stops
    the bot at start-up with the entry and field named, not in the middle of a conversation.
    """

    def __init__(self, faq_engine: Engine | None = None) -> None:
        self.dialogue = FaqDialogue(faq_engine or engine())

    def handle_action(self, turn: Turn, value: str) -> list[Reply]:
        """A button whose value starts with 'faq:' was pressed: dispatched through `FAQ`."""
        head, *rest = value.split(":")[1:] or [""]
        transition = FAQ.route(state_name(turn), head)
        if transition is None:
            return [Text(say(turn.lang, "stale"))]
        return transition.handler(self, turn, rest)

    def entry(self, turn: Turn, args: list[str]) -> list[Reply]:
        return self.dialogue.on_entry_action(turn, args[0]) if args else [
            Text(say(turn.lang, "stale"))]

    def fee(self, turn: Turn, args: list[str]) -> list[Reply]:
        return self.dialogue.on_fee_action(turn, args)

    def forward(self, turn: Turn, args: list[str]) -> list[Reply]:
        return self.dialogue.forward(turn, confirmed=args != ["no"])

    def done(self, turn: Turn, args: list[str]) -> list[Reply]:
        return self.dialogue.mark_done(turn, args[0]) if args else [Text(say(turn.lang, "stale"))]

    def reply(self, turn: Turn, args: list[str]) -> list[Reply]:
        return loop.on_action(turn, "reply", args)

    def send(self, turn: Turn, args: list[str]) -> list[Reply]:
        return loop.on_action(turn, "send", args)

    def command(self, turn: Turn, words: list[str]) -> list[Reply] | None:
        """The secretariat's chat commands (「回答 12 …」, 「faq追加 12」, …)."""
        return handle_faq_command(turn, words)

    def reply_text(self, turn: Turn, text: str) -> list[Reply] | None:
        """The console admin's answer typed after the prompt of a 「回答する」 choice."""
        return loop.pending_reply_text(turn, text)

    def inbox(self, turn: Turn) -> list[Reply]:
        """Answers a console member has not seen yet (the console cannot speak first)."""
        return loop.inbox(turn)

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


# The FAQ's buttons by dialogue state (`state_name`): the choice of an entry, the fee
# calculator's answers, the forward offer, the secretariat's "done", "answer" (a form or, on
# the console, a prompt) and the form's "send". Each button carries what it
# needs, so each works in every state; the table says where it leads (drawn in faq.mmd).
FAQ = FlowTable("faq", [
    *[Transition(state, "entry", START, FaqHandler.entry) for state in (START, "asking", "offered")],
    *[Transition(state, "fee", "asking", FaqHandler.fee) for state in (START, "asking", "offered")],
    *[Transition(state, "fwd", START, FaqHandler.forward)
      for state in (START, "asking", "offered")],
    *[Transition(state, "done", state, FaqHandler.done) for state in (START, "asking", "offered")],
    *[Transition(state, "reply", state, FaqHandler.reply)
      for state in (START, "asking", "offered")],
    *[Transition(state, "send", state, FaqHandler.send) for state in (START, "asking", "offered")],
])
