"""When a round's messages are due, and what they say. Pure: no database, no clock, no platform.

A round has one announcement ("open"), reminders some days before its deadline ("d14" … "d0")
and a summary for the secretariat after it ("summary"). Each is a *slot*; the worker stores the
slots in `reminder_slots` and delivers each slot once per recipient, so everything here only
computes dates and texts from plain values and is tested with fixed dates.

Dates are Tokyo dates. A reminder that would fall on a weekend, a Japanese public holiday
(jpholiday) or a day the secretariat is closed (年末年始 by default) moves to the previous
business day, at the configured hour.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import jpholiday

from handlers.dates import TOKYO, fmt_date, fmt_datetime
from handlers.rounds.texts import say
from handlers.types import Choice, Lang, Question, Reply, Text

DEFAULT_DAYS = (14, 7, 3, 1, 0)
DEFAULT_HOUR = time(10, 0)
# 年末年始: Japanese offices (and the secretariat) are closed 29 Dec – 3 Jan although only
# 1 Jan is a public holiday; a reminder on 2 Jan would reach nobody.
YEAR_END_CLOSED = frozenset({(12, 29), (12, 30), (12, 31), (1, 1), (1, 2), (1, 3)})

ANNOUNCE = "open"
SUMMARY = "summary"
REMINDER_PREFIX = "d"


@dataclass(frozen=True)
class ReminderPolicy:
    """The secretariat's schedule: days before the deadline, the hour, extra closed days."""

    days_before: tuple[int, ...] = DEFAULT_DAYS
    hour: time = DEFAULT_HOUR
    closed_days: frozenset[tuple[int, int]] = field(default=YEAR_END_CLOSED)

    def is_business_day(self, day: date) -> bool:
        return (day.weekday() < 5 and not jpholiday.is_holiday(day)
                and (day.month, day.day) not in self.closed_days)

    def business_day_on_or_before(self, day: date) -> date:
        while not self.is_business_day(day):
            day -= timedelta(days=1)
        return day

    def business_day_after(self, day: date) -> date:
        day += timedelta(days=1)
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day

    def at_hour(self, day: date) -> datetime:
        return datetime.combine(day, self.hour, TOKYO)


@dataclass(frozen=True)
class Slot:
    """One message of a round's schedule: its name, kind and when it is due (aware, Tokyo)."""

    name: str
    kind: str  # "announce" | "reminder" | "summary"
    due_at: datetime
    days_before: int | None = None


def is_reminder(slot_name: str) -> bool:
    return slot_name.startswith(REMINDER_PREFIX) and slot_name[1:].isdigit()


def plan(opens_at: datetime, deadline_at: datetime, policy: ReminderPolicy) -> list[Slot]:
    """Every slot of a round, in time order.

    - announcement: when the round opens, but not before the hour on that day (no DMs at 00:00);
    - reminders: `days_before` the deadline's date, moved back to a business day, at the hour;
      dropped when that is not after the announcement or is past the deadline; two reminders
      that land on the same day become one (the one nearer the deadline keeps its name);
    - summary: the first business day after the deadline, at the hour.
    """
    opens_local, deadline_local = opens_at.astimezone(TOKYO), deadline_at.astimezone(TOKYO)
    announce_at = max(opens_local, policy.at_hour(opens_local.date()))
    slots = [Slot(ANNOUNCE, "announce", announce_at)]
    by_day: dict[date, Slot] = {}
    for days in sorted(set(policy.days_before), reverse=True):
        day = policy.business_day_on_or_before(deadline_local.date() - timedelta(days=days))
        due = policy.at_hour(day)
        if due <= announce_at or due > deadline_local:
            continue
        by_day[day] = Slot(f"{REMINDER_PREFIX}{days}", "reminder", due, days)  # nearer wins
    slots += sorted(by_day.values(), key=lambda s: s.due_at)
    summary_day = policy.business_day_after(deadline_local.date())
    slots.append(Slot(SUMMARY, "summary", max(policy.at_hour(summary_day), deadline_local)))
    return slots


def parse_days(text: str) -> tuple[int, ...]:
    """"14,7,3,1,0" → (14, 7, 3, 1, 0); ValueError naming what is wrong."""
    days = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        if not part.isdigit() or int(part) > 90:
            raise ValueError(f"'{part}' is not a number of days from 0 to 90")
        days.append(int(part))
    if not days:
        raise ValueError("give at least one number of days, e.g. 14,7,3,1,0")
    return tuple(sorted(set(days), reverse=True))


def parse_closed_days(text: str) -> frozenset[tuple[int, int]]:
    """"12-29,12-30,01-02" → {(12, 29), …}; ranges like "12-29..01-03" too."""
    closed: set[tuple[int, int]] = set()
    for part in filter(None, (p.strip() for p in text.split(","))):
        first, sep, last = part.partition("..")
        start = _month_day(first)
        if not sep:
            closed.add(start)
            continue
        end = _month_day(last)
        day = date(2000, *start)  # a leap year, so 02-29 is valid
        while True:
            closed.add((day.month, day.day))
            if (day.month, day.day) == end:
                break
            day += timedelta(days=1)
            if day.year > 2000:
                day = date(2000, 1, 1)
    return frozenset(closed)


def _month_day(text: str) -> tuple[int, int]:
    month, _, day = text.strip().partition("-")
    try:
        date(2000, int(month), int(day))
    except ValueError:
        raise ValueError(f"'{text}' is not a month-day like 12-29") from None
    return int(month), int(day)


# ----- what the messages say ------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """How far one company is in a round."""

    org_name: str
    state: str  # "submitted" | "in_progress" | "not_started"
    answered: int
    total: int

    def label(self, lang: Lang) -> str:
        if self.state in ("submitted", "not_started"):
            return say(lang, f"progress_{self.state}", total=self.total)
        return say(lang, "progress_in_progress", answered=self.answered, total=self.total)


def days_left_text(now: datetime, deadline_at: datetime, lang: Lang) -> str:
    days = (deadline_at.astimezone(TOKYO).date() - now.astimezone(TOKYO).date()).days
    if days <= 0:
        return say(lang, "due_today")
    return say(lang, "days_left_one" if days == 1 else "days_left", days=days)


def mute_choice(round_id: int, lang: Lang) -> Choice:
    return Choice(say(lang, "mute_choice"), f"round:mute:{round_id}")


def announce_replies(lang: Lang, *, round_name: str, rubric_name: str, deadline_at: datetime,
                     items: int) -> list[Reply]:
    deadline = fmt_date(deadline_at, lang)
    return [Question(title=say(lang, "announce_title", round=round_name),
                     body=say(lang, "announce_body", rubric=rubric_name, items=items,
                              deadline=deadline),
                     choices=[Choice(say(lang, "start_navi"), "navi:start", style="primary")],
                     key=f"round:announce:{round_name}"[:200])]


def reminder_replies(lang: Lang, *, round_id: int, round_name: str, deadline_at: datetime,
                     now: datetime, progress: Progress) -> list[Reply]:
    """「20/36 回答済み」, the days left, a button to resume (or start) and one to mute."""
    deadline, left = fmt_date(deadline_at, lang), days_left_text(now, deadline_at, lang)
    started = progress.state != "not_started"
    body = say(lang, "reminder_started" if started else "reminder_not_started",
               org=progress.org_name, progress=progress.label(lang))
    go = say(lang, "resume_navi" if started else "start_navi")
    return [Question(
        title=say(lang, "reminder_title", round=round_name, deadline=deadline, left=left),
        body=body,
        choices=[Choice(go, "navi:resume" if started else "navi:start", style="primary")],
        actions=[mute_choice(round_id, lang)],
        context=f"{progress.answered}/{progress.total}",
        key=f"round:remind:{round_id}",
    )]


@dataclass(frozen=True)
class SummaryFacts:
    """What the secretariat is told after the deadline (as of the moment it is sent)."""

    round_name: str
    deadline_at: datetime
    as_of: datetime
    companies: int
    unfinished: list[Progress]
    muted: list[str] = field(default_factory=list)  # "株式会社A: 山田"
    failures: list[str] = field(default_factory=list)  # "株式会社A: slack:U1 [d7] gone (…)"
    missed: list[str] = field(default_factory=list)  # "d7 2026年12月18日(金) 10:00 (missed)"
    unreachable: list[str] = field(default_factory=list)  # companies nobody could be told


def summary_replies(lang: Lang, facts: SummaryFacts) -> list[Reply]:
    """Who did not finish, then mutes, failed deliveries and reminders that were not sent: one
    message, so the delivery is one post."""
    done = facts.companies - len(facts.unfinished)
    title = say(lang, "summary_title", round=facts.round_name,
                deadline=fmt_date(facts.deadline_at, lang),
                as_of=fmt_datetime(facts.as_of, lang), done=done, companies=facts.companies,
                unfinished=len(facts.unfinished))
    notes = [(say(lang, "muted_label"), facts.muted),
             (say(lang, "failures_label"), facts.failures),
             (say(lang, "missed_label"), facts.missed),
             (say(lang, "unreachable_label"), facts.unreachable)]
    all_done = say(lang, "all_done")
    lines = [title]
    lines += [f"・{p.org_name}: {p.label(lang)}" for p in facts.unfinished] or [all_done]
    lines += [f"{label}: " + "; ".join(values) for label, values in notes if values]
    return [Text("\n".join(lines))]


def bilingual(ja: list[Reply], en: list[Reply]) -> list[Reply]:
    """One message in both languages, Japanese first (a channel is read by everyone)."""
    merged: list[Reply] = []
    for first, second in zip(ja, en, strict=True):
        if isinstance(first, Question) and isinstance(second, Question):
            merged.append(Question(
                title=f"{first.title} / {second.title}",
                body="\n\n".join(x for x in (first.body, second.body) if x),
                choices=[Choice(f"{a.label} / {b.label}", a.value, style=a.style)
                         for a, b in zip(first.choices, second.choices, strict=True)],
                actions=[Choice(f"{a.label} / {b.label}", a.value, style=a.style)
                         for a, b in zip(first.actions, second.actions, strict=True)],
                context=first.context, key=first.key))
        else:
            merged.append(Text(f"{first.fallback()}\n\n{second.fallback()}"))
    return merged
