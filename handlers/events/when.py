"""Reading a typed date and time the way the secretariat and members write them.

「2026-12-17 12:00」, 「12月17日 12時」, 「12/17 12:00」, 「来週木曜 12:00」, 「明日 15時半」,
「2027年1月20日（水）16:00」, "next Thursday 12:00", "Dec 17 noon", "tomorrow 3pm". Relative
words count from the turn's `now` (Asia/Tokyo). Tried first: dateparser 1.2 (offline, ~5 ms a
call once warm) read 「12月17日 12時」 as 2112-11-17 and could not read 「来週木曜」 or 「明日 15時半」,
so this is a small reader of our own: one anchored regular expression per date form and one for
the time, no nested repetition, and a length cap before any of them — linear on any input.

What is not clear is refused, never guessed: a date without a year that has already passed this
year (and is more than half a year away next year), "next Thursday" typed early in the week
(this week's or next week's?), a weekday that does not match the date, a bare hour ("12").
Every refusal names the field; the sentences are in handlers/events/texts.py.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from handlers.dates import TOKYO, fmt_date
from handlers.text import normalise

MAX_CHARS = 80  # the longest form above is ~30 characters; longer is not a date
YEARLESS_AHEAD_DAYS = 183  # 「1月20日」 typed in December means next January, not last
WEEKDAY_WORDS = {"月": 0, "火": 1, "水": 2, "木": 3, "金": 4, "土": 5, "日": 6,
                 "mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_EN_DAY = r"(mon|tue|wed|thu|fri|sat|sun)[a-z]{0,6}\.?"
_MON = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}\.?"

# each: (name, pattern) matched at the start of the folded text
DATE_FORMS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((n, re.compile(p)) for n, p in (
    ("ymd", r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"),
    ("md", r"(\d{1,2})\s*(?:月\s*(\d{1,2})\s*日|/\s*(\d{1,2})(?![\d/]))"),
    ("rel", r"(今日|本日|明日|あした|あす|明後日|あさって|today|tomorrow)"),
    ("jaweek", r"(今週|来週|再来週)?\s*の?\s*([月火水木金土日])曜日?"),
    ("enweek", r"(?:(this|next)\s+)?" + _EN_DAY),
    ("mon_d", _MON + r"\s*(\d{1,2})(?:st|nd|rd|th)?(?:,?\s*(\d{4}))?"),
    ("d_mon", r"(\d{1,2})(?:st|nd|rd|th)?\s+" + _MON + r"(?:,?\s*(\d{4}))?"),
))
_NOTE = re.compile(r"\(\s*([月火水木金土日]|[a-z]{3})[a-z]{0,6}\.?\s*(?:曜日?)?\s*\)")
_TIME = re.compile(r"(午前|午後|昼の?)?\s*(\d{1,2})\s*(?::\s*(\d{2})|時\s*(?:(\d{1,2})\s*分|(半))?)?"
                   r"\s*(a\.?m\.?|p\.?m\.?)?")
_NOON = re.compile(r"(noon|midday|正午|お昼)")
_JOIN = re.compile(r"(?:\s|,|、|の|at\b|t(?=\d))*")
_RELATIVE_DAYS = {"今日": 0, "本日": 0, "today": 0, "明日": 1, "あした": 1, "あす": 1,
                  "tomorrow": 1, "明後日": 2, "あさって": 2}


class WhenError(ValueError):
    """Why a typed date cannot be read: a catalogue key and its values (made an EventError
    by handlers/events/values.py, which names the field)."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key, self.values = key, values


def read_when(value: str, now: datetime) -> datetime:
    """The typed date and time → an aware Tokyo datetime; WhenError when unclear."""
    if len(value) > MAX_CHARS * 4:  # refuse before folding a huge paste
        raise WhenError("unreadable")
    text = normalise(value)  # NFKC: full-width digits, 「（水）」→"(水)", 「：」→":"
    if not text or len(text) > MAX_CHARS:
        raise WhenError("unreadable")
    noted, text = _weekday_note(text)
    day, rest = read_date(text, now.astimezone(TOKYO).date())
    if noted is not None and noted != day.weekday():
        raise WhenError("weekday_mismatch", date_ja=fmt_date(_noon(day), "ja"),
                        date_en=fmt_date(_noon(day), "en"))
    clock = read_time(_JOIN.sub("", rest, count=1).strip())
    return datetime.combine(day, clock, TOKYO)


def read_time(text: str) -> time:
    """「12時」「15時半」「12:00」「午後3時」"3pm" "noon" → time; a bare number is refused."""
    if not text:
        raise WhenError("no_time")
    if _NOON.fullmatch(text):
        return time(12, 0)
    match = _TIME.fullmatch(text)
    if match is None:
        raise WhenError("unreadable")
    before, hour_s, colon_m, ja_m, half, after = match.groups()
    if colon_m is None and "時" not in text and after is None:
        raise WhenError("unreadable")  # "12": twelve o'clock, or the 12th?
    hour, minute = int(hour_s), int(colon_m or ja_m or (30 if half else 0))
    meridiem = after[0] if after else {"午前": "a", "午後": "p"}.get(before or "")
    if meridiem:
        if not 1 <= hour <= 12:
            raise WhenError("unreadable")
        hour = hour % 12 + (12 if meridiem == "p" else 0)
    if hour > 23 or minute > 59:
        raise WhenError("unreadable")
    return time(hour, minute)


def read_date(text: str, today: date) -> tuple[date, str]:
    """The date at the start of `text` and what follows it."""
    for name, pattern in DATE_FORMS:
        match = pattern.match(text)
        if match is not None:
            return _resolve(name, match.groups(), today), text[match.end():]
    raise WhenError("unreadable")


def _resolve(name: str, g: tuple[str | None, ...], today: date) -> date:
    if name == "ymd":
        return _day(int(g[0] or 0), int(g[1] or 0), int(g[2] or 0))
    if name == "md":
        return _yearless(int(g[0] or 0), int(g[1] or g[2] or 0), today)
    if name == "rel":
        return today + timedelta(days=_RELATIVE_DAYS[g[0] or ""])
    if name == "jaweek":
        weeks = {"今週": 0, "来週": 1, "再来週": 2}.get(g[0] or "")
        return _weekday(today, WEEKDAY_WORDS[g[1] or ""], weeks)
    if name == "enweek":
        wanted = WEEKDAY_WORDS[g[1] or ""]
        if g[0] == "next":
            this_week = _weekday(today, wanted, 0)
            if this_week > today:  # Monday's "next Thursday": this week's, or next week's?
                raise WhenError("next_weekday")
            return _weekday(today, wanted, 1)
        return _weekday(today, wanted, 0 if g[0] == "this" else None)
    month_s, day_s, year_s = (g[0], g[1], g[2]) if name == "mon_d" else (g[1], g[0], g[2])
    month = MONTHS.index(month_s or "") + 1
    if year_s:
        return _day(int(year_s), month, int(day_s or 0))
    return _yearless(month, int(day_s or 0), today)


def _day(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise WhenError("unreadable") from None


def _yearless(month: int, day: int, today: date) -> date:
    """This year's date if it is still ahead, else next year's if that is near; else unclear."""
    _day(2000, month, day)  # a day no year has (2月30日, 13/1) cannot be read
    for year in (today.year, today.year + 1):
        try:
            found = date(year, month, day)
        except ValueError:  # 2月29日 outside a leap year
            continue
        if found >= today:
            if (found - today).days > YEARLESS_AHEAD_DAYS and year > today.year:
                break
            return found
    raise WhenError("which_year", year=today.year + 1, month=month, day=day)


def _weekday(today: date, wanted: int, weeks: int | None) -> date:
    """The weekday in this week (0), next week (1), … (weeks start on Monday); None: the first
    such day from today on."""
    if weeks is None:
        return today + timedelta(days=(wanted - today.weekday()) % 7)
    monday = today - timedelta(days=today.weekday())
    return monday + timedelta(days=7 * weeks + wanted)


def _weekday_note(text: str) -> tuple[int | None, str]:
    """「（水）」 or "(Wed)" written after a date: the weekday it claims, and the text without it."""
    match = _NOTE.search(text)
    if match is None:
        return None, text
    word = match.group(1)[:3]
    if word not in WEEKDAY_WORDS:
        raise WhenError("unreadable")
    return WEEKDAY_WORDS[word], (text[:match.start()] + " " + text[match.end():]).strip()


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12, 0), TOKYO)
