"""Does a fee change with the half-year one joins in? 「入会金は下期だと半額？」, "Is the
entrance fee lower if we join in the second half?"

Members ask this as a yes/no question and want the yes or no first. The class table gives one
entrance fee per class and an annual fee for each half-year, so the answer is read from `classes`
in membership.yaml, never from here: the entrance fee is the same in both half-years, the annual
fee changes where its two figures differ. A question is one of these when it names the entrance
or the annual fee, the half-year (or a month, or "when we join") and a change (変わる, 半額,
"lower", "same"). Its class is the one named, else the one its capital gives, else every class
that pays fees. A question naming two classes (「上期だと通常枠とSMB枠で年会費は違う？」) is a
class comparison (compare.py), and one asking how much or how (「10月と9月で年会費はいくら違う？」)
is the fee calculator's: neither is a yes/no about the half-year.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from handlers.faq.amounts import months_named
from handlers.faq.fees import FeeFacts, band_of, parent_excludes_smb
from handlers.faq.knowledge import ClassId, Knowledge
from handlers.faq.wordsets import Words

FeeKind = Literal["entrance", "annual"]
PAYING: tuple[ClassId, ...] = ("regular", "smb")
# A silent topic this answer settles: a half-year "discount" on a fee is what the table shows.
SETTLES_SILENT = frozenset({"discounts"})

_FEES: dict[FeeKind, Words] = {
    "entrance": Words("入会費", "入会金", "入会料", "入会時の費用", "entrance fee", "entrance fees",
                      "entry fee", "joining fee", "joining fees", "admission fee",
                      "initiation fee", "sign-up fee", "signup fee", "enrolment fee",
                      "enrollment fee", "one-time fee", "one-off fee"),
    "annual": Words("年会費", "年額", "annual fee", "annual fees", "yearly fee", "yearly fees",
                    "annual dues", "annual membership fee", "annual charge"),
}
_HALF_NAMED = (Words("上期", "上半期", "first half", "1st half", "h1"),
               Words("下期", "下半期", "second half", "2nd half", "h2"))
# The half-year as what varies: both named, or the half-year / the time of joining in general.
_EITHER_HALF = Words("半期", "時期によ", "時期で", "入会時期", "いつ入会", "入会するタイミング",
                     "half-year", "half year", "half of the year", "time of year",
                     "when we join", "when you join", "when i join", "depending on when",
                     "which half")
_CHANGE = Words("変わ", "かわ", "違", "ちが", "異な", "同じ", "おなじ", "一緒", "共通", "半額", "半分",
                "安く", "やすく", "安い", "高く", "高い", "割引", "割安", "下が", "上が", "減", "差",
                "change", "changes", "changed", "differ", "differs", "different", "difference",
                "same", "lower", "cheaper", "higher", "more expensive", "less", "half price",
                "half-price", "halved", "half as much", "reduced", "discount", "discounted",
                "vary", "varies", "depend", "depends")
# The question asks whether it stays the same (「同じですか」), so "yes" means "no change".
_SAME = Words("同じ", "おなじ", "一緒", "共通", "変わらな", "変わりません", "かわらな", "据え置",
              "same", "unchanged", "not change", "doesn't change", "does not change",
              "stay the same", "stays the same")
# How much or how it differs (「いくら違う？」「どう違う？」): not a yes/no, the fee calculator's
# both-half-years answer or the class comparison gives that.
_HOW = Words("いくら", "幾ら", "何円", "どう違", "どう変わ", "どれくらい", "どのくらい", "how much",
             "how does", "how do", "how different")


@dataclass(frozen=True)
class HalfQuestion:
    """The fees asked about (entrance first) and the classes to answer for."""

    fees: tuple[FeeKind, ...]
    classes: tuple[ClassId, ...]
    asks_same: bool = False  # 「同じですか」: "yes" is "it does not change"


def find(folded: str, facts: FeeFacts, kb: Knowledge,
         classes_named: set[str]) -> HalfQuestion | None:
    """The fee-by-half-year question `folded` asks, or None when it is not one.
    `classes_named`: the classes the message names by word (the engine's word sets)."""
    fees = tuple(kind for kind in ("entrance", "annual") if _FEES[kind].search(folded))
    if not fees or not _CHANGE.search(folded) or _HOW.search(folded):
        return None
    named = tuple(c for c in (*PAYING, "expert") if c in classes_named)
    if len(named) > 1:
        return None  # 「SMB枠の上期と通常枠の下期、どっちが高い？」 compares classes
    halves = sum(1 for words in _HALF_NAMED if words.search(folded))
    both_halves = halves == 2
    one_half = halves == 1 or bool(months_named(folded))
    if not (both_halves or one_half or _EITHER_HALF.search(folded)):
        return None
    return HalfQuestion(fees, named or _class_of(facts, kb),  # type: ignore[arg-type]
                        asks_same=_SAME.search(folded))


def _class_of(facts: FeeFacts, kb: Knowledge) -> tuple[ClassId, ...]:
    """The class the capital given settles, else every class that pays fees."""
    if facts.expert:
        return ("expert",)
    band = band_of(facts, kb)
    if band == "above":
        return ("regular",)
    if band == "at_most" and parent_excludes_smb(facts, kb) is False:
        return ("smb",)
    return PAYING


def annual_differs(kb: Knowledge, classes: tuple[ClassId, ...]) -> bool:
    """Whether the annual fee of any of these classes depends on the half-year."""
    return any(kb.member_class(c).annual_fee.first_half != kb.member_class(c).annual_fee.second_half
               for c in classes)
