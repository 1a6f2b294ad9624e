"""The secretariat's FAQ chat commands, read by one `CommandSyntax` (help lists them from it)."""

from __future__ import annotations

from handlers.commands import CommandSyntax
from handlers.context import Turn
from handlers.faq import curation, loop
from handlers.types import Reply

FAQ_COMMANDS = CommandSyntax(
    {"faq": ("answer", "add", "remove", "entries")},
    {"回答": "faq answer", "answer": "faq answer", "faq追加": "faq add", "faq削除": "faq remove",
     "追加faq一覧": "faq entries"},
)


def handle_faq_command(turn: Turn, words: list[str]) -> list[Reply] | None:
    """None only for 「回答 …」 typed by a member without a number: a question, not a command."""
    if words[1] == "answer":
        return loop.answer_command(turn, words)
    return curation.on_command(turn, words)
