"""Dates as members read them: Asia/Tokyo, Japanese format with the weekday."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

TOKYO = ZoneInfo("Asia/Tokyo")
_WEEKDAYS_JA = "月火水木金土日"


def now_tokyo() -> datetime:
    return datetime.now(TOKYO)


def fmt_date(value: datetime, lang: str) -> str:
    """「2026年12月25日(金)」 or "Fri 25 Dec 2026", always in Tokyo time."""
    local = value.astimezone(TOKYO)
    if lang == "en":
        return local.strftime("%a %d %b %Y").replace(" 0", " ")
    return f"{local.year}年{local.month}月{local.day}日({_WEEKDAYS_JA[local.weekday()]})"


def fmt_datetime(value: datetime, lang: str) -> str:
    local = value.astimezone(TOKYO)
    return f"{fmt_date(local, lang)} {local:%H:%M}"
