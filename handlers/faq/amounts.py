"""Read money, ownership percentages, months and dates out of free text, in Japanese or English.

People write 「資本金5000万円」「1億」「五千万円」「３億円」, "300M yen", "2 billion yen",
"¥80,000,000"; 「親会社が60%出資」「過半数」, "majority-owned"; 「11月に入会」「来月」, "in May",
"2027-01-15", 「12月3日」. Everything works on the folded text (NFKC, lower case), so full-width
digits need no special case. These functions only read; deciding the class is fees.py's job.

Every pattern runs in time linear in the text, whatever it holds: a match may only start where
a run of digits (or kanji numerals) starts, and repeats that could split one stretch of text in
many ways are possessive. A number too long to be an amount (`MAX_DIGITS`) is no amount,
and at most `MAX_NUMBERS` figures are read from one message.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from itertools import islice
from typing import Literal

from handlers.faq.normalise import fold

Role = Literal["capital", "revenue", "fee", "foreign", "threshold", "unknown"]
HalfId = Literal["first_half", "second_half"]

# ----- kanji numerals ------------------------------------------------------------------------

_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
                 "八": 8, "九": 9}
_KANJI_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_KANJI_CHARS = "〇零一二三四五六七八九十百千"
# starts only where a run starts: a run not followed by a unit has no prefix that is
_KANJI_NUMBER = re.compile(rf"(?<![\d.{_KANJI_CHARS}])[{_KANJI_CHARS}]++(?=[万億円月日%])")
MAX_DIGITS = 16  # 10^16 yen is no company's capital; longer numbers are not read as amounts
MAX_NUMBERS = 64  # figures read per message: a question states a few, not thousands


def _kanji_to_int(text: str) -> int:
    """「五千」→5000, 「十一」→11, 「二〇」→20 (below 万; 万 and 億 stay as units)."""
    total, digit, positional = 0, None, ""
    for char in text:
        if char in _KANJI_DIGITS:
            digit = _KANJI_DIGITS[char]
            positional += str(digit)
        else:
            total += (digit if digit is not None else 1) * _KANJI_SMALL_UNITS[char]
            digit, positional = None, ""
    if total == 0 and positional:
        return int(positional)  # 「二〇」 written digit by digit
    return total + (digit or 0)


@lru_cache(maxsize=64)
def arabic(text: str) -> str:
    """Fold the text and write kanji numbers before 万/億/円/月/日/% as digits (cached: every
    reader of one message starts here)."""
    folded = fold(text)
    return _KANJI_NUMBER.sub(_kanji_digits, folded)


def _kanji_digits(match: re.Match[str]) -> str:
    run = match.group(0)
    return run if len(run) > MAX_DIGITS else str(_kanji_to_int(run))


# ----- money ---------------------------------------------------------------------------------

_NUM = r"(?<![\d,])\d[\d,]*+(?:\.\d++)?"  # from the start of a run, never backtracking
_JA_AMOUNT = re.compile(  # starts at a digit: no empty match at every other position
    rf"(?=\d)(?:(?P<oku>{_NUM})\s*+億\s*+)?"
    rf"(?:(?P<man>{_NUM})\s*+(?P<man_unit>千万|百万|万)\s*+)?"
    rf"(?:(?P<plain>{_NUM})\s*+)?"
    r"(?P<yen>円)?"
)
_EN_AMOUNT = re.compile(
    rf"(?:(?P<pre>¥|\\|jpy|yen)\s*+)?(?P<num>{_NUM})\s*+"
    r"(?P<unit>billion|bn|b|million|mil|mn|m|oku|thousand|k)?\b\s*+(?P<post>yen|jpy|円)?"
)
_UNITS = {"千万": 10_000_000, "百万": 1_000_000, "万": 10_000, "billion": 10**9, "bn": 10**9,
          "b": 10**9, "oku": 10**8, "million": 10**6, "mil": 10**6, "mn": 10**6, "m": 10**6,
          "thousand": 1000, "k": 1000}
_CAPITAL_WORDS = re.compile(r"資本金|資本|capital|capitali[sz]")
_REVENUE_WORDS = re.compile(r"売上|売り上げ|年商|revenue|sales|turnover|従業員|employees")
_FEE_WORDS = re.compile(r"会費|入会費|年会費|入会金|fee|dues")
_FOREIGN = re.compile(r"\$|usd|dollars?|ドル|どる|€|eur|euros?|ユーロ|ゆーろ|£|gbp|pounds?|ポンド|ぽんど")
_CONTEXT = 14  # characters before an amount that decide what it is
# The class limit named as such (「1億円の基準」, "the ¥100M threshold", "threshold of 100M"):
# a figure the question quotes from the guide, not the company's capital.
_THRESHOLD_WORDS = re.compile(
    r"基準|閾値|しきい値|ぼーだー|ボーダー|境目|線引き|threshold|cut-?off|limit|boundary|ceiling")
_THRESHOLD_AFTER = re.compile(
    r"^\s*+(?:の|という|って|\))?\s*+(?:基準|閾値|しきい値|ぼーだー|ボーダー|らいん|ライン|境目|線引き|"
    r"上限|壁|threshold|cut-?off|limit|boundary|line\b|ceiling|cap\b|mark\b|rule\b)")


Qualifier = Literal["at_most", "above", "at_least"]


@dataclass(frozen=True)
class Amount:
    value: int  # yen
    start: int
    end: int
    role: Role
    qualifier: Qualifier | None = None  # 「1億円以下」, "more than 100 million yen"


_AT_MOST_AFTER = re.compile(r"^\s*(?:以下|未満|or less|or under|and under|or below)")
_ABOVE_AFTER_AMOUNT = re.compile(r"^\s*(?:超|を超え|より大き|より多|plus)")
_AT_LEAST_AFTER = re.compile(r"^\s*(?:以上|or more|and above|and up)")
_AT_MOST_BEFORE = re.compile(r"(?:under|less than|below|up to|at most|no more than)\s*$")
_ABOVE_BEFORE_AMOUNT = re.compile(r"(?:over|more than|above|greater than|exceeding)\s*$")
_AT_LEAST_BEFORE = re.compile(r"(?:at least)\s*$")


def _qualifier(before: str, after: str) -> Qualifier | None:
    if _AT_MOST_AFTER.search(after) or _AT_MOST_BEFORE.search(before):
        return "at_most"
    if _ABOVE_AFTER_AMOUNT.search(after) or _ABOVE_BEFORE_AMOUNT.search(before):
        return "above"
    if _AT_LEAST_AFTER.search(after) or _AT_LEAST_BEFORE.search(before):
        return "at_least"
    return None


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _too_long(*numbers: str | None) -> bool:
    """A figure of more digits than any real amount (and than a float holds exactly)."""
    return any(n is not None and len(n) > MAX_DIGITS + n.count(",") + 3 for n in numbers)


def _ja_amounts(text: str) -> list[tuple[int, int, int]]:
    found = []
    for m in islice(_JA_AMOUNT.finditer(text), MAX_NUMBERS):
        oku, man, plain, yen = m["oku"], m["man"], m["plain"], m["yen"]
        if not (oku or man or (plain and yen)) or _too_long(oku, man, plain):
            continue
        value = 0.0
        if oku:
            value += _number(oku) * 100_000_000
        if man:
            value += _number(man) * _UNITS[m["man_unit"]]
        if plain and yen:
            value += _number(plain)  # 「100,000,000円」, or the tail of 「1億5000万500円」
        found.append((round(value), m.start(), m.end()))
    return found


_GROUPED = re.compile(r"\d{1,3}(?:,\d{3}){2,}")


def _en_amounts(text: str) -> list[tuple[int, int, int]]:
    found = []
    for m in islice(_EN_AMOUNT.finditer(text), MAX_NUMBERS):
        bare = not (m["pre"] or m["unit"] or m["post"])
        if bare and not _GROUPED.fullmatch(m["num"]):
            continue  # a bare "100,000,000" counts, a bare "30" does not
        if _too_long(m["num"]):
            continue
        value = _number(m["num"]) * _UNITS.get(m["unit"] or "", 1)
        found.append((round(value), m.start(), m.end()))
    return found


def find_amounts(text: str) -> list[Amount]:
    """Every yen amount in the text, with what the words just before it make it."""
    folded = arabic(text)
    spans = _ja_amounts(folded)
    taken = [(s, e) for _, s, e in spans]
    for value, start, end in _en_amounts(folded):
        if not any(s <= start < e or start <= s < end for s, e in taken):
            spans.append((value, start, end))
    amounts = []
    for value, start, end in sorted(spans, key=lambda x: x[1]):
        before = folded[max(0, start - _CONTEXT) : start]
        role: Role = "unknown"
        nearest = {
            "capital": _last(_CAPITAL_WORDS, before),
            "revenue": _last(_REVENUE_WORDS, before),
            "fee": _last(_FEE_WORDS, before),
            "threshold": _last(_THRESHOLD_WORDS, before),
        }
        hits = {k: v for k, v in nearest.items() if v >= 0}
        if hits:
            role = max(hits, key=hits.__getitem__)  # the closest word wins
        if _THRESHOLD_AFTER.search(folded[end : end + 12]):
            role = "threshold"  # 「1億円の基準」: the limit itself, whatever word came before
        if _FOREIGN.search(folded[max(0, start - 2) : end + 9]):
            role = "foreign"  # "$5 million" is not 5 million yen: better to ask
        qualifier = _qualifier(before, folded[end : end + 10])
        amounts.append(Amount(value, start, end, role, qualifier))
    return amounts


def _last(pattern: re.Pattern[str], text: str) -> int:
    positions = [m.end() for m in pattern.finditer(text)]
    return positions[-1] if positions else -1


def capital_amount(text: str) -> Amount | None:
    """The company's capital: an amount named as capital, else a company-sized unnamed one."""
    amounts = find_amounts(text)
    named = [a for a in amounts if a.role == "capital"]
    if named:
        return named[0]
    unnamed = [a for a in amounts if a.role == "unknown" and a.value >= 1_000_000]
    return unnamed[0] if unnamed else None


def capital_of(text: str) -> int | None:
    """The capital as an exact figure (None when absent or only a bound such as 「1億円以下」)."""
    amount = capital_amount(text)
    return amount.value if amount is not None and amount.qualifier is None else None


def mentions_revenue(text: str) -> bool:
    return any(a.role == "revenue" for a in find_amounts(text))


# ----- parent company ------------------------------------------------------------------------


@dataclass(frozen=True)
class ParentShare:
    """A parent's share of the capital: exactly `pct`, or more than `pct` when `above`."""

    pct: float
    above: bool = False


_PERCENT = re.compile(
    r"(?<!\d)(\d++(?:\.\d++)?)\s*+(?:%|パーセント|ぱーせんと|percent|per cent|pct)")
_ABOVE_AFTER = re.compile(r"^\s*(?:超|を超え|より多|以上では|強)")
_ABOVE_BEFORE = re.compile(r"(?:more than|over|above|greater than|exceeding)\s*$")
_AT_LEAST = re.compile(r"^\s*(?:以上)|(?:at least)\s*$")
_MAJORITY = re.compile(r"過半数|過半|majority")
_WHOLLY = re.compile(r"完全子会社|wholly[- ]owned|100%子会社")
_NO_PARENT = re.compile(
    r"親会社(?:は|が)?(?:なし|無し|ない|ありません|いない|いません|おりません)|独立系|独立した|"
    r"no parent|not a subsidiary|independent|親会社を持たない|親会社もない|単独"
)


def parent_share(text: str) -> ParentShare | None:
    """How much of the capital a parent holds, as said; None when the text does not say."""
    folded = arabic(text)
    if _NO_PARENT.search(folded):
        return ParentShare(0.0)
    if _WHOLLY.search(folded):
        return ParentShare(100.0)
    for m in _PERCENT.finditer(folded):
        pct = float(m.group(1))
        if pct > 100:
            continue
        after, before = folded[m.end() : m.end() + 6], folded[max(0, m.start() - 16) : m.start()]
        if _ABOVE_AFTER.search(after) or _ABOVE_BEFORE.search(before):
            return ParentShare(pct, above=True)
        if _AT_LEAST.search(after) or re.search(r"at least\s*$", before):
            return None  # 「50%以上」 could be exactly 50 or more: ask instead of guessing
        return ParentShare(pct)
    if _MAJORITY.search(folded):
        return ParentShare(50.0, above=True)
    return None


# ----- months, half-years, dates -------------------------------------------------------------

MONTHS_EN = ("january", "february", "march", "april", "may", "june", "july", "august",
             "september", "october", "november", "december")
_EN_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
# 「4月」, and 「4がつ」 as typed in kana (「4がつ」, 「４ガツ」 after folding)
_JA_MONTH = re.compile(r"(?<![\d.])(\d{1,2})\s*(?:月|がつ)(?!間)")
_EN_MONTH_WORD = re.compile(rf"\b{_EN_MONTH}\b")
_MAY_AS_MONTH = re.compile(
    r"\b(?:in|from|on|of|during|by|until|early|late|mid|around|this|next)\s+may\b|"
    r"\bmay\s+\d|\d(?:\s*+(?:st|nd|rd|th))?\s++(?:of\s++)?may\b"
)
_ISO_MONTH = re.compile(r"\b(20\d{2})\s*[-/.]\s*(\d{1,2})\b(?!\s*[-/.]\s*\d)")
_ISO_DATE = re.compile(r"\b(20\d{2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})\b")
_JA_DATE = re.compile(r"(?:(20\d{2})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_SLASH_DATE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?![\d/])")
_EN_DATE_MD = re.compile(rf"\b{_EN_MONTH}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s*(20\d{{2}}))?")
_EN_DATE_DM = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_EN_MONTH}\b\.?(?:,?\s*(20\d{{2}}))?"
)
_RELATIVE_DAY = {
    "today": 0, "今日": 0, "本日": 0, "tomorrow": 1, "明日": 1, "next week": 7, "来週": 7,
}
_RELATIVE_MONTH = {
    "this month": 0, "今月": 0, "next month": 1, "来月": 1, "らいげつ": 1, "再来月": 2,
    "the month after next": 2,
}
_NOW = re.compile(r"今すぐ|すぐに|今から|今申し込|いま申し込|right away|right now|immediately|\bnow\b")
_HALF = {
    "first_half": re.compile(r"上期|上半期|first half|1st half|\bh1\b"),
    "second_half": re.compile(r"下期|下半期|second half|2nd half|\bh2\b"),
}


@dataclass(frozen=True)
class YearMonth:
    year: int
    month: int


def _month_number(word: str) -> int:
    return next(i for i, name in enumerate(MONTHS_EN, start=1) if name.startswith(word[:3]))


def _upcoming(today: date, month: int, day: int, year: int | None) -> date | None:
    """The date meant by month/day: this year's, or next year's once it has passed."""
    try:
        if year is not None:
            return date(year, month, day)
        candidate = date(today.year, month, day)
        return candidate if candidate >= today else date(today.year + 1, month, day)
    except ValueError:
        return None


def find_date(text: str, today: date) -> date | None:
    """A calendar day the text names (explicit or relative), or None."""
    folded = arabic(text)
    if m := _ISO_DATE.search(folded):
        return _upcoming(today, int(m[2]), int(m[3]), int(m[1]))
    if m := _JA_DATE.search(folded):
        return _upcoming(today, int(m[2]), int(m[3]), int(m[1]) if m[1] else None)
    m = _EN_DATE_MD.search(folded)
    if m and (m[1] != "may" or _MAY_AS_MONTH.search(folded)):
        return _upcoming(today, _month_number(m[1]), int(m[2]), int(m[3]) if m[3] else None)
    if m := _EN_DATE_DM.search(folded):
        return _upcoming(today, _month_number(m[2]), int(m[1]), int(m[3]) if m[3] else None)
    if m := _SLASH_DATE.search(folded):
        month, day = int(m[1]), int(m[2])
        if month > 12 >= day:
            month, day = day, month  # 15/12 can only be day/month
        return _upcoming(today, month, day, None)
    for word, days in _RELATIVE_DAY.items():
        if word in folded:
            return today + timedelta(days=days)
    if _NOW.search(folded):
        return today
    return None


def find_month(text: str, today: date) -> YearMonth | None:
    """The month the text names (a date, 「11月」, "in May", 「来月」), resolved to a year."""
    if (day := find_date(text, today)) is not None:
        return YearMonth(day.year, day.month)
    folded = arabic(text)
    if (iso := _ISO_MONTH.search(folded)) and 1 <= int(iso[2]) <= 12:
        return YearMonth(int(iso[1]), int(iso[2]))  # "2026-10"
    month: int | None = None
    ja, en = _JA_MONTH.search(folded), _EN_MONTH_WORD.search(folded)
    if ja:
        month = int(ja[1]) if 1 <= int(ja[1]) <= 12 else None
    elif en and (en[1] != "may" or _MAY_AS_MONTH.search(folded)):
        month = _month_number(en[1])
    if month is not None:
        year = today.year if month >= today.month else today.year + 1
        if re.search(r"来年|next year", folded) and year == today.year:
            year += 1
        return YearMonth(year, month)
    for word, ahead in _RELATIVE_MONTH.items():
        if word in folded:
            index = today.year * 12 + today.month - 1 + ahead
            return YearMonth(index // 12, index % 12 + 1)
    return None


def find_half(text: str) -> HalfId | None:
    """「上期」/「下期」 or "first half"/"second half", as the association's half-years; None when
    both are named (「上期と下期で違う？」 asks about both)."""
    folded = fold(text)
    found = [half for half, pattern in _HALF.items() if pattern.search(folded)]
    return found[0] if len(found) == 1 else None  # type: ignore[return-value]


def months_named(text: str) -> set[int]:
    """Every month the text names as 「N月」 or an English month word (for comparisons)."""
    folded = arabic(text)
    found = {int(m[1]) for m in _JA_MONTH.finditer(folded) if 1 <= int(m[1]) <= 12}
    for m in _EN_MONTH_WORD.finditer(folded):
        if m[1] != "may" or _MAY_AS_MONTH.search(folded):
            found.add(_month_number(m[1]))
    return found


def spans_both_halves(text: str, today: date, half_of: Callable[[int], str]) -> bool:
    """「10月と4月では」: months in both half-years, so neither one is the joining month."""
    del today  # months are compared as named; the year does not change the half
    return len({half_of(m) for m in months_named(text)}) > 1
