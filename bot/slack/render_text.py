"""Plain text → Slack mrkdwn that shows exactly that text.

Slack's mrkdwn has entities for `&`, `<` and `>` (without them 「<!channel>」 in a company name
would notify everyone, and `<url|text>` would be a disguised link) but no escape for its
formatting marks: 「*AI* _Lab_」 turns bold and italic, `~` strikes through, a backtick starts
code. A mark only formats next to a space or the start of a line, so each one gets a zero-width
space on both sides: shown unchanged, never paired. Web addresses are left alone, so they stay
links. Numbers such as 「12.」 at a line's start are not lists in Slack and need nothing.
"""

from __future__ import annotations

import re

ZWSP = "\u200b"
_MARKS = re.compile(r"([*_~`])")
_URL = re.compile(r"(https?://[^\s<>]+)")


def _entities(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape(text: str) -> str:
    """mrkdwn showing `text` as written: entities, and formatting marks made inert."""
    pieces = _URL.split(text)
    return "".join(_entities(piece) if index % 2 else
                   _MARKS.sub(ZWSP + r"\1" + ZWSP, _entities(piece))
                   for index, piece in enumerate(pieces))


def bold(text: str) -> str:
    """Already escaped text in bold (the marks must touch the words: no space inside)."""
    text = text.strip()
    return f"*{text}*" if text else ""
