"""Text normalisation shared by every handler: width, case, language guess, typed numbers."""

from __future__ import annotations

import re
import unicodedata

from handlers.types import Lang

_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")
_LATIN = re.compile(r"[A-Za-z]")


def normalise(text: str) -> str:
    """NFKC folds full-width digits and letters (「３」→"3"), then trim and lower-case."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().lower()


def guess_lang(text: str) -> Lang | None:
    """'ja' if the text has any Japanese script, 'en' if it has Latin letters only, else None."""
    if _JAPANESE.search(text):
        return "ja"
    if _LATIN.search(text):
        return "en"
    return None


def locale_to_lang(locale: str | None) -> Lang | None:
    """Map a platform locale ("en-US", "ja-JP", "ja") to one of our two languages."""
    if not locale:
        return None
    folded = locale.lower()
    if folded.startswith("en"):
        return "en"
    return "ja" if folded.startswith("ja") else None


def as_number(text: str) -> int | None:
    """A typed choice number, half- or full-width ("3", "３", " 3 ", "3." ); else None.

    `isdecimal`, not `isdigit`: "⓵" or "²" are digits to Unicode yet not numbers to `int`.
    """
    folded = normalise(text).rstrip(".)")
    return int(folded) if folded.isdecimal() and len(folded) <= 4 else None
