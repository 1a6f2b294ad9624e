"""Two or more membership classes compared on what the question asks (fees, voting, taking part).

「通常枠とSMB枠でWGへの参加に差は？」 is answered by the class table's row for each class named,
and says plainly whether they are the same; 「上期に入会すると通常枠とSMB枠で総額はいくら違う？」
also gets the difference. Only a question that names at least two classes, asks about a difference
and names an attribute is a comparison; one that gives the company's own capital is not (its own
class is then calculated). The values come from `classes` in membership.yaml, never from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from handlers.faq.knowledge import ClassId, HalfId, Knowledge
from handlers.faq.normalise import fold
from handlers.faq.wordsets import SMB_WORDS, Words

Attr = Literal["fees", "voting", "participation", "eligibility"]
ATTR_ORDER: tuple[Attr, ...] = ("eligibility", "voting", "participation", "fees")

_ATTRS: dict[Attr, Words] = {
    "voting": Words("議決権", "総会", "投票", "票", "権利", "vote", "votes", "voting", "rights"),
    "participation": Words("wg", "ワーキンググループ", "イベント", "参加", "出席", "working group",
                           "working groups", "event", "events", "participate", "participation",
                           "take part", "attend", "attendance"),
    "fees": Words("会費", "入会費", "年会費", "費用", "料金", "金額", "総額", "合計", "支払", "いくら",
                  "fee", "fees", "cost", "costs", "price", "prices", "dues", "how much", "total",
                  "pay"),
    "eligibility": Words("要件", "条件", "対象", "資格", "requirement", "requirements", "eligibility",
                         "eligible", "criteria", "who can"),
}
_DIFF = Words("違い", "違う", "違いま", "異な", "差", "変わ", "同じ", "比較", "比べ", "くらべ",
              "difference", "differences", "differ", "differs", "different", "compare", "compared",
              "comparison", "versus", "vs", "vs.", "same", "between")
_CLASS_WORDS: dict[ClassId, Words] = {
    "regular": Words("通常枠", "通常", "一般枠", "大企業", "regular", "standard", "large company",
                     "large companies"),
    "smb": SMB_WORDS,
    "expert": Words("有識者", "個人会員", "expert", "experts", "individual member"),
}
# 「正会員」 / "corporate member" on its own: both corporate classes, as the table says.
_CORPORATE = Words("正会員", "法人会員", "corporate member", "corporate members", "full member",
                   "full members")
# 「会費以外で」, "apart from the price": an attribute the question sets aside.
_EXCEPT = re.compile(
    r"(?:apart from|other than|besides|aside from|except for|except)\s+(?:the\s+)?[a-z]+"
    r"|[^\s、,。]{1,6}(?:以外|を除いて|を除けば|を除くと|はさておき|は別として)")
_REGULAR_NOT_CLASS = re.compile(fold(r"regular (?:meeting|meetings|event|events|basis)"))


@dataclass(frozen=True)
class Comparison:
    classes: tuple[ClassId, ...]
    attrs: tuple[Attr, ...]
    half: HalfId | None = None  # fees: the half-year named, else both are shown


def asks_difference(folded: str) -> bool:
    """「違いは？」, "what's the difference", "same?": the question compares things."""
    return _DIFF.search(folded)


def find(folded: str, half: HalfId | None) -> Comparison | None:
    """The comparison a question asks for, or None when it is not one."""
    if not _DIFF.search(folded):
        return None
    excluded = {a for piece in _EXCEPT.findall(folded) for a in ATTR_ORDER
                if _ATTRS[a].search(piece)}
    rest = _EXCEPT.sub(" ", folded)
    attrs = tuple(a for a in ATTR_ORDER if a not in excluded and _ATTRS[a].search(rest))
    if not attrs:  # 「違いは？」, "apart from the fee, what's the difference?": all (the rest)
        attrs = tuple(a for a in ATTR_ORDER if a not in excluded)
    plain = _REGULAR_NOT_CLASS.sub(" ", folded)
    named = [c for c in ("regular", "smb", "expert") if _CLASS_WORDS[c].search(plain)]
    if _CORPORATE.search(folded):
        named += [c for c in ("regular", "smb") if c not in named]
    if len(named) < 2:
        return None
    order: tuple[ClassId, ...] = ("regular", "smb", "expert")
    return Comparison(tuple(c for c in order if c in named), attrs, half)


def rows(kb: Knowledge, cmp: Comparison, attr: Attr, lang: str) -> list[tuple[str, str]]:
    """(class name, what the class table says of `attr`) for each class compared."""
    from handlers.faq.money import yen

    out = []
    for cid in cmp.classes:
        cls = kb.member_class(cid)
        if attr == "voting":
            value = cls.voting.get(lang)
        elif attr == "participation":
            value = cls.participation.get(lang)
        elif attr == "eligibility":
            value = cls.eligibility.get(lang)
        elif cls.entrance_fee == 0 and cls.annual_fee.first_half == 0:
            value = "なし" if lang == "ja" else "none"
        else:
            halves = [cmp.half] if cmp.half else list(kb.half_years)
            parts = []
            for h in halves:
                annual = cls.annual_fee.for_half(h)  # type: ignore[arg-type]
                name = kb.half_years[h].name.get(lang)  # type: ignore[index]
                span = kb.half_years[h].span.get(lang)  # type: ignore[index]
                total = yen(cls.entrance_fee + annual, lang)
                parts.append(
                    f"{name}（{span}）入会: 入会費{yen(cls.entrance_fee, lang)}＋年会費"
                    f"{yen(annual, lang)}＝合計{total}" if lang == "ja" else
                    f"joining in the {name} ({span}): entrance fee {yen(cls.entrance_fee, lang)}"
                    f" + annual fee {yen(annual, lang)} = total {total}")
            value = "／".join(parts) if lang == "ja" else "; ".join(parts)
        out.append((cls.name.get(lang), value))
    return out


def first_year_totals(kb: Knowledge, cmp: Comparison) -> list[tuple[ClassId, int]] | None:
    """Each fee-paying class's first-year total in the half named (None without a half)."""
    if cmp.half is None:
        return None
    return [(c, kb.member_class(c).entrance_fee + kb.member_class(c).annual_fee.for_half(cmp.half))
            for c in cmp.classes if c != "expert"]
