"""When event messages go out: the policy (configured once) and the computation of the times.

This is the one place for "when is an event announced, and when are members reminded":
`EventPolicy` holds the settings (AIGA_EVENT_REMINDERS, AIGA_EVENT_ANNOUNCE_DAYS, and the rounds'
reminder hour and closed days), `event_policy` builds it from their text, and `wanted_slots` is
a pure function from an event's times to the slots it should have. The service stores them
(handlers/events/service.py `plan_event`); the worker sends them when due.

Slots of the subject "event:<id>": "announce" (N days before at the hour, or at once when the
event is created later), "r<minutes>" (reminders, default one day and one hour before the
start, only those still after the announcement), "chg<n>" (a change after the announcement),
"cancel" (a cancellation after the announcement), "proposal" (a member's Stand-Up, to the
secretariat). Broadcasts use "send" at the chosen time, then "report" to the sender.

Closed days count as they do for round reminders (handlers/rounds/reminders.py): an
announcement whose day is a weekend, a public holiday (jpholiday) or a secretariat closed day
(年末年始 12/29–1/3) moves to the last working day before it; a reminder on such a day (other
than the event's own day) moves to the working day before at the same clock time and is named
by its real lead ("r2880": two days before), so its words stay true. An announcement asked for
now ("event announce", an approved Stand-Up) or one that is already late goes as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from handlers.dates import TOKYO
from handlers.rounds.reminders import YEAR_END_CLOSED, ReminderPolicy

ANNOUNCE, PROPOSAL, CANCEL, SEND, REPORT = "announce", "proposal", "cancel", "send", "report"
MAX_REMINDER_MINUTES = 60 * 24 * 30
MAX_ANNOUNCE_DAYS = 90

# (slot name, slot kind, due) as store.reminders.sync_subject_slots takes them
Slot = tuple[str, str, datetime]


@dataclass(frozen=True)
class EventPolicy:
    """When event messages go out: announce N days before at the hour; reminders minutes
    before the start (default one day and one hour)."""

    reminders: tuple[int, ...] = (1440, 60)
    announce_days: int = 14
    hour: time = time(10, 0)
    closed_days: frozenset[tuple[int, int]] = field(default=YEAR_END_CLOSED)

    def business(self) -> ReminderPolicy:
        return ReminderPolicy(closed_days=self.closed_days)


def parse_reminders(text: str) -> tuple[int, ...]:
    """"1d,1h,30m" → minutes (1440, 60, 30); ValueError when unreadable."""
    minutes = []
    for part in filter(None, (p.strip().lower() for p in text.split(","))):
        match = re.fullmatch(r"(\d+)\s*([dhm]?)", part)
        if not match:
            raise ValueError(f"'{part}' is not like 1d, 1h or 30m")
        value = int(match.group(1)) * {"d": 1440, "h": 60, "m": 1, "": 1}[match.group(2)]
        if not 1 <= value <= MAX_REMINDER_MINUTES:
            raise ValueError(f"'{part}' must be between 1 minute and 30 days")
        minutes.append(value)
    return tuple(sorted(set(minutes), reverse=True))


def event_policy(reminders: str = "1d,1h", announce_days: str | int = 14,
                 base: ReminderPolicy | None = None) -> EventPolicy:
    """The policy from the settings' text (ValueError naming what is wrong); the hour and
    the closed days are the rounds' (`base`)."""
    days = str(announce_days).strip()
    if not days.isdigit() or int(days) > MAX_ANNOUNCE_DAYS:
        raise ValueError(f"a number of days from 0 to {MAX_ANNOUNCE_DAYS}, not '{days}'")
    base = base or ReminderPolicy()
    return EventPolicy(reminders=parse_reminders(reminders or "1d,1h"),
                       announce_days=int(days), hour=base.hour, closed_days=base.closed_days)


def announce_days(starts_at: datetime, policy: EventPolicy) -> tuple[date, date]:
    """(the day `announce_days` before the start, the working day on or before it)."""
    wanted = (starts_at.astimezone(TOKYO) - timedelta(days=policy.announce_days)).date()
    return wanted, policy.business().business_day_on_or_before(wanted)


def announcement_time(starts_at: datetime, created_at: datetime, policy: EventPolicy,
                      planned: datetime | None = None, fixed: bool = False) -> datetime:
    """`announce_days` before the start (on a working day) at the policy's hour, never before
    the event existed.

    `planned` is the announce slot already stored: kept as it is once sent or sending
    (`fixed`), and kept when earlier than the rule (someone asked to announce now).
    """
    due = datetime.combine(announce_days(starts_at, policy)[1], policy.hour, TOKYO)
    if planned is not None and (fixed or planned < due):
        due = planned
    return max(due, created_at.astimezone(TOKYO))


def reminder_times(starts_at: datetime, announce_at: datetime,
                   policy: EventPolicy) -> list[tuple[int, datetime]]:
    """(minutes before, due) of each reminder that still falls after the announcement; one on
    a closed day before the event's own day moves to the working day before (its minutes
    then say the real lead)."""
    business = policy.business()
    start_day = starts_at.astimezone(TOKYO).date()
    found: dict[int, datetime] = {}
    for minutes in policy.reminders:
        due = (starts_at - timedelta(minutes=minutes)).astimezone(TOKYO)
        if due.date() != start_day and not business.is_business_day(due.date()):
            day = business.business_day_on_or_before(due.date())
            due = datetime.combine(day, due.timetz())
            minutes = int((starts_at - due).total_seconds() // 60)
        if due > announce_at and minutes not in found:
            found[minutes] = due
    return sorted(found.items(), reverse=True)


def wanted_slots(starts_at: datetime, created_at: datetime, policy: EventPolicy,
                 announce: tuple[datetime, bool] | None, keep: list[Slot]) -> list[Slot]:
    """Every slot a live event should have: `keep` (changes, cancellation, proposal as they
    are), the announcement and the reminders. `announce` is the stored (due, fixed) if any."""
    planned, fixed = announce if announce is not None else (None, False)
    announce_at = announcement_time(starts_at, created_at, policy, planned, fixed)
    wanted = [*keep, (ANNOUNCE, "event_announce", announce_at)]
    wanted += [(f"r{minutes}", "event_reminder", due)
               for minutes, due in reminder_times(starts_at, announce_at, policy)]
    return wanted
