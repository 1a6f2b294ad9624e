"""The recurring rule (the monthly All-Hands) as a service: create, stop, and make its events.

One All-Hands a month, whether entered by hand or made by a rule: when the rule reaches a month
that already has a live All-Hands, it adopts one entered by hand (the event becomes that month's
meeting of the rule, with its date as the secretariat set it) or, when another rule made it,
skips the month. The caller is told which (`RuleOutcome`) and says so. The other order — a
rule's meeting first, then one by hand — is refused by handlers/events/service.py
`check_month_free`. The calendar itself is handlers/events/recurrence.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from handlers.events.recurrence import check_rule, rule_occurrences
from handlers.events.reminders import EventPolicy
from handlers.events.service import create_event, month_taken, plan_event
from handlers.events.values import check_title, check_url, parse_kind, refusal
from store import events as store
from store.events import Event, EventRule


@dataclass
class RuleOutcome:
    """What one pass of a rule did: events made, hand-made ones adopted, months skipped."""

    created: list[Event] = field(default_factory=list)
    adopted: list[Event] = field(default_factory=list)
    skipped: list[Event] = field(default_factory=list)  # another rule's meeting that month

    def changed(self) -> int:
        return len(self.created) + len(self.adopted)


def create_rule(session: Session, *, kind: str, title: str, nth: int, weekday: int,
                start_time: str, minutes: int, now: datetime, title_en: str | None = None,
                place: str | None = None, url: str | None = None, holiday: str = "next",
                months_ahead: int = 3, policy: EventPolicy | None = None
                ) -> tuple[EventRule, RuleOutcome]:
    kind = parse_kind(kind)
    check_rule(nth, weekday, start_time, holiday, months_ahead, minutes)
    rule = EventRule(kind=kind, title_ja=check_title(title), title_en=title_en, nth=nth,
                     weekday=weekday, start_time=start_time, minutes=minutes, place=place,
                     url=check_url(url), holiday=holiday, months_ahead=months_ahead,
                     active=True, created_at=now, updated_at=now)
    session.add(rule)
    session.flush()
    return rule, sync_rule(session, rule, now, policy or EventPolicy())


def stop_rule(session: Session, rule_id: int, now: datetime) -> EventRule:
    """No more events from this rule; the ones already created stay."""
    rule = session.get(EventRule, rule_id)
    if rule is None:
        raise refusal("err_no_rule")
    rule.active, rule.updated_at = False, now
    return rule


def sync_rule(session: Session, rule: EventRule, now: datetime,
              policy: EventPolicy) -> RuleOutcome:
    """Make the rule's missing events for its next months (idempotent: one event per rule
    and month, unique in the database), adopting or skipping a month that has one."""
    outcome = RuleOutcome()
    for occurrence, start in rule_occurrences(rule, now, rule.months_ahead, policy.business()):
        if store.occurrence_exists(session, rule.id, occurrence):
            continue
        other = month_taken(session, rule.kind, start)
        if other is not None and other.rule_id is None:
            other.rule_id, other.occurrence, other.updated_at = rule.id, occurrence, now
            session.flush()
            plan_event(session, other, policy, now)
            outcome.adopted.append(other)
            continue
        if other is not None:
            outcome.skipped.append(other)
            continue
        title = rule.title_ja.replace("{month}", str(start.month))
        with session.begin_nested():
            outcome.created.append(create_event(
                session, kind=rule.kind, title=title, title_en=rule.title_en, start=start,
                end=start + timedelta(minutes=rule.minutes), now=now, place=rule.place,
                url=rule.url, policy=policy, rule_id=rule.id, occurrence=occurrence))
    return outcome


def ensure_occurrences(session: Session, now: datetime, policy: EventPolicy) -> int:
    """Every active rule's pass (the worker's tick); how many events were made or adopted."""
    return sum(sync_rule(session, rule, now, policy).changed()
               for rule in store.active_rules(session))
