"""Membership FAQ (issue 5). Interface used by the router; the implementation lands with issue 5."""

from __future__ import annotations

from handlers.context import Turn
from handlers.types import Reply


class FaqHandler:
    """Answers membership questions; the router calls it for 'faq:' actions and free text."""

    def handle_action(self, turn: Turn, value: str) -> list[Reply]:
        """A button whose value starts with 'faq:' was pressed."""
        return []

    def handle_text(self, turn: Turn, text: str, *, strict: bool = False) -> list[Reply] | None:
        """Answer `text` if it is an FAQ question (or continues an FAQ dialogue); else None.

        strict=True while the user is in the middle of an assessment item: only confident
        matches and replies to a pending FAQ question, so "abc" still gets the item re-prompt.
        """
        return None

    def help_lines(self, lang: str) -> list[str]:
        """Lines the router adds to its help message."""
        return []
