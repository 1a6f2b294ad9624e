"""Long text cut into pieces a platform accepts, shared by every renderer."""

from __future__ import annotations

SENTENCE_ENDS = ("。", ". ", "！", "？")


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, cut at a line, then a sentence, then anywhere."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        cut = window.rfind("\n")
        if cut < limit // 2:
            cut = max(window.rfind(mark) + len(mark) - 1 for mark in SENTENCE_ENDS)
        if cut < limit // 2:
            cut = limit - 1
        pieces.append(rest[: cut + 1].strip())
        rest = rest[cut + 1:].strip()
    if rest:
        pieces.append(rest)
    return pieces
