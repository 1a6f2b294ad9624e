"""Yen amounts written the way the guide writes them (「10万円」「1億円」) and in English ("¥100,000")."""

from __future__ import annotations

OKU = 100_000_000
MAN = 10_000


def yen_ja(amount: int) -> str:
    """Japanese style used by the guide: 100000 → 「10万円」, 150000000 → 「1億5000万円」, 0 → 「0円」."""
    if amount <= 0:
        return "0円"
    if amount % MAN:
        return f"{amount:,}円"
    oku, rest = divmod(amount, OKU)
    man = rest // MAN
    text = (f"{oku}億" if oku else "") + (f"{man}万" if man else "")
    return text + "円"


def yen_en(amount: int) -> str:
    """English style: 100000 → "¥100,000"."""
    return f"¥{amount:,}"


def yen(amount: int, lang: str) -> str:
    return yen_en(amount) if lang == "en" else yen_ja(amount)


def capital_words(amount: int, lang: str) -> str:
    """A capital figure as people say it: 「5000万円」 / "¥50,000,000 (50 million yen)"."""
    if lang != "en":
        return yen_ja(amount)
    if amount >= 1_000_000_000 and amount % 1_000_000_000 == 0:
        return f"¥{amount:,} ({amount // 1_000_000_000} billion yen)"
    if amount >= 1_000_000 and amount % 1_000_000 == 0:
        return f"¥{amount:,} ({amount // 1_000_000} million yen)"
    return yen_en(amount)
