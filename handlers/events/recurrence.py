"""The recurring rule (the monthly All-Hands): which day of which month it meets.

Pure calendar reasoning over a rule's numbers, tested on fixed dates; the service
(handlers/events/rules.py `ensure_occurrences`) creates the events it finds.
A rule meets on the nth (1…4, or -1 = the last) weekday of each month at a fixed time; a public
holiday (jpholiday) or a secretariat closed day moves the meeting to the next or the previous
business day, or skips that month, as the rule says.
"""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date, datetime, time, timedelta

from handlers.dates import TOKYO
from handlers.events.values import refusal
from handlers.rounds.reminders import ReminderPolicy
from store.events import EventRule

HOLIDAY_RULES = ("next", "previous", "skip")


def check_rule(nth: int, weekday: int, start_time: str, holiday: str, months_ahead: int,
               minutes: int) -> None:
    """Refuse a rule that cannot meet: the week, weekday, time and limits."""
    if nth not in (1, 2, 3, 4, -1) or not 0 <= weekday <= 6:
        raise refusal("err_rule_week")
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", start_time):
        raise refusal("err_rule_time", value=start_time)
    if holiday not in HOLIDAY_RULES or not 1 <= months_ahead <= 12 or not 5 <= minutes <= 600:
        raise refusal("err_rule_limits")


def month_bounds(when: datetime) -> tuple[datetime, datetime]:
    """The Tokyo month holding `when`: [its first day 00:00, the next month's) (aware)."""
    local = when.astimezone(TOKYO)
    first = datetime(local.year, local.month, 1, tzinfo=TOKYO)
    following = datetime(local.year + local.month // 12, local.month % 12 + 1, 1, tzinfo=TOKYO)
    return first, following


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    """The nth (1…5; -1 = last) given weekday of a month."""
    if nth == -1:
        last = date(year, month, monthrange(year, month)[1])
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    day = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    if day.month != month:
        raise ValueError("no such weekday in this month")
    return day


def occurrence_day(rule_nth: int, weekday: int, holiday: str, year: int, month: int,
                   business: ReminderPolicy) -> date | None:
    """The rule's day in a month after the holiday rule: a public holiday (jpholiday) or a
    closed day moves to the next / previous business day, or the month is skipped."""
    try:
        day = nth_weekday(year, month, weekday, rule_nth)
    except ValueError:
        return None
    if business.is_business_day(day):
        return day
    if holiday == "skip":
        return None
    if holiday == "previous":
        return business.business_day_on_or_before(day)
    return business.business_day_after(day)


def rule_occurrences(rule: EventRule, after: datetime, count: int,
                     business: ReminderPolicy) -> list[tuple[str, datetime]]:
    """(occurrence key "YYYY-MM", start) of the rule's next `count` meetings after `after`
    (a month the holiday rule skips does not count)."""
    hours, minutes = map(int, rule.start_time.split(":"))
    local = after.astimezone(TOKYO)
    year, month = local.year, local.month
    found: list[tuple[str, datetime]] = []
    for _ in range(count + 13):
        if len(found) == count:
            break
        day = occurrence_day(rule.nth, rule.weekday, rule.holiday, year, month, business)
        if day is not None:
            start = datetime.combine(day, time(hours, minutes), TOKYO)
            if start > after:
                found.append((f"{year:04d}-{month:02d}", start))
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return found
