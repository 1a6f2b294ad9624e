"""Plain text → what Teams shows as that text: escaped Markdown, one TextBlock per line.

Teams reads a TextBlock (and a message's text) as Markdown. There a single newline is not a
line break (the to-do list after submitting ran into one paragraph), 「12. …」 at the start of a
line is a numbered list (indented, renumbered), and a company name such as 「*AI* & _Co_」 turns
bold or italic. So every neutral text is escaped with Markdown's backslash escapes (which
Teams' renderer honours, as the Agents Playground shows) and every line gets its own
TextBlock; a blank line becomes space above the next block, not an empty element.
"""

from __future__ import annotations

import re

# Markdown punctuation that formats anywhere in a line (emphasis, code, strike, links, HTML,
# entities) and the backslash itself
_INLINE = re.compile(r"([\\`*_~\[\]<>&|])")
# what formats only at the start of a line: headings, quotes, bullets, rules, numbered lists
_LIST_NUMBER = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")
_LINE_START = ("#", "-", "+", "=", ">")


def escape(line: str) -> str:
    """One line as Markdown that shows exactly these characters."""
    line = _INLINE.sub(r"\\\1", line)
    stripped = line.lstrip(" \t")
    indent = len(line) - len(stripped)
    # leading spaces would make a code block (4+) or be dropped: keep them as no-break spaces
    prefix = "\u00a0" * indent
    if stripped.startswith(_LINE_START):
        stripped = "\\" + stripped
    else:
        stripped = _LIST_NUMBER.sub(r"\1\\\2", stripped)
    return prefix + stripped


def escape_text(text: str) -> str:
    """Every line escaped; lines kept apart as paragraphs (for a FactSet value)."""
    return "\n\n".join(escape(line) for line in text.splitlines() if line.strip()) or " "


def needs_card(text: str) -> bool:
    """True when sent as message text Teams would change it: several lines or Markdown."""
    lines = text.strip().splitlines()
    return len(lines) > 1 or any(escape(line) != line for line in lines)


def text_blocks(text: str, **style: object) -> list[dict]:
    """A TextBlock per non-blank line; the first block of a paragraph gets a little space."""
    blocks: list[dict] = []
    gap = False
    for line in text.splitlines():
        if not line.strip():
            gap = bool(blocks)
            continue
        element = {"type": "TextBlock", "text": escape(line.rstrip()), "wrap": True, **style}
        if blocks:
            element["spacing"] = "Medium" if gap else "None"
        blocks.append(element)
        gap = False
    return blocks
