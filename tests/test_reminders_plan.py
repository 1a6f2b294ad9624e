"""Reminder dates: Tokyo business days around Golden Week and New Year, collapsing, the hour."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from handlers.dates import TOKYO
from handlers.rounds.reminders import (
    ReminderPolicy,
    Slot,
    days_left_text,
    parse_closed_days,
    parse_days,
    plan,
)


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TOKYO)


def schedule(opens: datetime, deadline_day: date, policy: ReminderPolicy | None = None,
             ) -> dict[str, datetime]:
    deadline = datetime.combine(deadline_day, time(23, 59), TOKYO)
    slots = plan(opens, deadline, policy or ReminderPolicy())
    assert [s.due_at for s in slots] == sorted(s.due_at for s in slots)
    return {s.name: s.due_at for s in slots}


def test_golden_week_2027_moves_back_to_the_last_working_day():
    # 29 Apr (Thu) 昭和の日, 3–5 May (Mon–Wed) 憲法記念日・みどりの日・こどもの日
    got = schedule(at(2027, 4, 1), date(2027, 5, 7))
    assert got == {
        "open": at(2027, 4, 1, 10),
        "d14": at(2027, 4, 23, 10),
        # d7 (30 Apr) and d3 (4 May → 30 Apr) land on the same day: one reminder, the nearer
        "d3": at(2027, 4, 30, 10),
        "d1": at(2027, 5, 6, 10),
        "d0": at(2027, 5, 7, 10),
        "summary": at(2027, 5, 10, 10),
    }


def test_golden_week_holiday_itself_and_a_chain_of_holidays():
    got = schedule(at(2027, 4, 1), date(2027, 5, 6))
    assert got["d7"] == at(2027, 4, 28, 10)  # 29 Apr 昭和の日 → Wed 28 Apr
    assert got["d1"] == at(2027, 4, 30, 10)  # 5 May → 4, 3 (holidays), 2, 1 (weekend) → 30 Apr
    assert "d3" not in got  # 3 May → 30 Apr as well: merged into d1
    assert got["d0"] == at(2027, 5, 6, 10)


def test_new_year_closure_and_coming_of_age_day():
    got = schedule(at(2026, 12, 1), date(2027, 1, 8))
    assert got["d14"] == at(2026, 12, 25, 10)
    assert got["d7"] == at(2026, 12, 28, 10)  # 1 Jan → 31, 30, 29 Dec closed → Mon 28 Dec
    assert got["d3"] == at(2027, 1, 5, 10)
    assert got["d1"] == at(2027, 1, 7, 10)
    assert got["d0"] == at(2027, 1, 8, 10)
    assert got["summary"] == at(2027, 1, 12, 10)  # Mon 11 Jan 2027 is 成人の日


def test_new_year_without_the_closure_uses_public_holidays_only():
    policy = ReminderPolicy(closed_days=frozenset())
    got = schedule(at(2026, 12, 1), date(2027, 1, 8), policy)
    assert got["d7"] == at(2026, 12, 31, 10)  # 1 Jan is a holiday, 31 Dec a Thursday


def test_deadline_right_after_new_year_collapses_three_reminders():
    got = schedule(at(2026, 12, 1), date(2027, 1, 4))
    reminders = {k: v for k, v in got.items() if k.startswith("d")}
    assert reminders == {"d14": at(2026, 12, 21, 10), "d1": at(2026, 12, 28, 10),
                         "d0": at(2027, 1, 4, 10)}


def test_reminders_before_the_opening_are_dropped_and_the_hour_is_configurable():
    policy = ReminderPolicy(days_before=(14, 7, 3, 1, 0), hour=time(9, 30))
    got = schedule(at(2026, 12, 20), date(2026, 12, 25), policy)
    assert got == {"open": at(2026, 12, 20, 9, 30), "d3": at(2026, 12, 22, 9, 30),
                   "d1": at(2026, 12, 24, 9, 30), "d0": at(2026, 12, 25, 9, 30),
                   "summary": at(2026, 12, 28, 9, 30)}


def test_announcement_waits_for_the_hour_but_not_for_a_later_opening_time():
    assert schedule(at(2026, 12, 1, 0, 0), date(2026, 12, 25))["open"] == at(2026, 12, 1, 10)
    assert schedule(at(2026, 12, 1, 15, 0), date(2026, 12, 25))["open"] == at(2026, 12, 1, 15)


def test_custom_days_and_kinds():
    slots = plan(at(2026, 12, 1), at(2026, 12, 25, 23, 59),
                 ReminderPolicy(days_before=parse_days("10, 2")))
    assert [(s.name, s.kind) for s in slots] == [
        ("open", "announce"), ("d10", "reminder"), ("d2", "reminder"), ("summary", "summary")]
    assert slots[1] == Slot("d10", "reminder", at(2026, 12, 15, 10), 10)


@pytest.mark.parametrize("bad", ["", "a,b", "7,-1", "100"])
def test_bad_day_lists_are_refused(bad):
    with pytest.raises(ValueError):
        parse_days(bad)


def test_closed_day_ranges_wrap_round_the_year():
    assert parse_closed_days("12-30..01-02") == {(12, 30), (12, 31), (1, 1), (1, 2)}
    assert parse_closed_days("08-13,08-14") == {(8, 13), (8, 14)}
    with pytest.raises(ValueError):
        parse_closed_days("13-01")


def test_days_left_in_both_languages():
    deadline = at(2026, 12, 25, 23, 59)
    assert days_left_text(at(2026, 12, 18, 10), deadline, "ja") == "あと7日"
    assert days_left_text(at(2026, 12, 24, 10), deadline, "en") == "1 day left"
    assert days_left_text(at(2026, 12, 25, 10), deadline, "ja") == "本日締切"
