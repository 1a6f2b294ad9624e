"""What chat shows about events: a new event's confirmation, an event's details with its RSVPs,
the list members ask for (「次のAll-Handsはいつ？」), and an RSVP button's answer.

Each reads the database within the turn; the delivered messages themselves are
handlers/events/messages.py.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from handlers.context import Turn
from handlers.dates import TOKYO, fmt_date, fmt_datetime
from handlers.events import messages as msgs
from handlers.events.reminders import EventPolicy, announce_days
from handlers.events.service import announcement_due
from handlers.events.texts import say
from handlers.events.values import (
    GUIDE_SPOTLIGHTS,
    EventError,
    kind_label,
    month_label,
    parse_kind,
    status_label,
)
from handlers.types import Fields, Reply, Text
from store import events as store
from store.events import Event, EventRule

if TYPE_CHECKING:
    from handlers.events.rules import RuleOutcome
from store.models import User


def created_reply(turn: Turn, event: Event, number_given: bool = False,
                  policy: EventPolicy | None = None) -> Reply:
    """The new event, when it is announced (and why on another day), and where a Spotlight's
    number comes from."""
    due = announcement_due(turn.session, event)
    text = say(turn.lang, "created", id=event.id, title_ja=msgs.title(event, "ja"),
               title_en=msgs.title(event, "en"), when_ja=msgs.when_line(event, "ja"),
               when_en=msgs.when_line(event, "en"),
               due=fmt_datetime(due, turn.lang) if due else "-")
    extra = [moved_line(event, due, policy or EventPolicy(), turn.lang),
             spotlight_number_line(event, number_given, turn.lang)]
    return Text("\n".join([text, *(x for x in extra if x)]))


def moved_line(event: Event, due: datetime | None, policy: EventPolicy,
               lang: str) -> str | None:
    """Said when the announcement was moved off a closed day (handlers/events/reminders.py)."""
    wanted, moved = announce_days(event.starts_at, policy)
    if due is None or wanted == moved or due.astimezone(TOKYO).date() != moved:
        return None
    return say(lang, "announce_moved", wanted=fmt_date(_at_noon(wanted), lang),
               moved=fmt_date(_at_noon(moved), lang))


def _at_noon(day: date) -> datetime:
    return datetime.combine(day, time(12, 0), TOKYO)


def changed_replies(turn: Turn, event: Event) -> list[Reply]:
    return [Text(say(turn.lang, "changed", id=event.id)), *event_detail(turn, event)]


def upcoming_replies(turn: Turn, kind_hint: str) -> list[Reply]:
    """「次のAll-Handsはいつ？」 → the next events of that kind; "upcoming events" → all."""
    kind = None
    if kind_hint:
        try:
            kind = parse_kind(kind_hint)
        except EventError:
            kind = None
    events = store.upcoming(turn.session, turn.now, kind)
    if turn.is_admin and kind is None:  # members' proposals too, whatever was decided
        seen = {e.id for e in events}
        events += [e for e in store.member_proposals(turn.session, turn.now)
                   if e.id not in seen]
        events.sort(key=lambda e: (e.starts_at, e.id))
    if kind and not events:
        return [Text(say(turn.lang, "no_kind_yet", kind_ja=kind_label(kind, "ja"),
                         kind_en=kind_label(kind, "en")))]
    counts = ({e.id: store.rsvp_counts(turn.session, e.id) for e in events}
              if turn.is_admin else None)
    return [msgs.upcoming_fields(events, turn.lang, counts=counts, with_status=turn.is_admin)]


def event_detail(turn: Turn, event: Event) -> list[Reply]:
    """The event with its state and who answered what (for admins)."""
    rows = [(say(turn.lang, "label_status"), msgs.status_text(event, turn.lang))]
    counts = store.rsvp_counts(turn.session, event.id)
    names: dict[str, list[str]] = {"yes": [], "no": []}
    for row in store.rsvps(turn.session, event.id):
        user = turn.session.get(User, row.user_id)
        if user is not None:
            org = user.organisation.name if user.organisation else "-"
            names[row.answer].append(f"{user.display_name or user.key}（{org}）")
    rows.append((say(turn.lang, "label_yes_n", n=counts["yes"]), "、".join(names["yes"]) or "-"))
    rows.append((say(turn.lang, "label_no_n", n=counts["no"]), "、".join(names["no"]) or "-"))
    return [Fields(title=f"#{event.id} {msgs.title(event, turn.lang)}",
                   fields=rows, footer=msgs.detail_body(event, turn.lang))]


def rsvp(turn: Turn, event: Event, answer: str) -> list[Reply]:
    """Record or change the user's 参加 / 不参加 and say the new counts."""
    lang = turn.lang
    names = {"title_ja": msgs.title(event, "ja"), "title_en": msgs.title(event, "en")}
    if event.status not in store.LIVE or event.ends_at <= turn.now:
        return [Text(say(lang, "rsvp_closed", status_en=status_label(event.status, "en"),
                         status_ja=status_label(event.status, "ja"), **names))]
    before = store.set_rsvp(turn.session, event.id, turn.user.id, answer, turn.now)
    counts = store.rsvp_counts(turn.session, event.id)
    changed = before is not None and before != answer
    return [Text(say(lang, "rsvp_changed" if changed else "rsvp_recorded",
                     said=say(lang, "rsvp_yes" if answer == "yes" else "rsvp_no"),
                     when_ja=msgs.when_line(event, "ja"), when_en=msgs.when_line(event, "en"),
                     yes=counts["yes"], no=counts["no"], **names))]


# ----- the recurring rule ---------------------------------------------------------------------

ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth"}
RULE_KEYS = ("nth", "weekday", "time", "minutes", "title")


def rule_schedule(rule: EventRule, lang: str) -> str:
    """「毎月第3木曜日 12:00（60分）」 / "the third Thursday of each month at 12:00 (60 min)"."""
    weekday = "月火水木金土日"[rule.weekday] if lang != "en" else calendar.day_name[rule.weekday]
    values = {"weekday": weekday, "time": rule.start_time, "minutes": rule.minutes}
    if rule.nth == -1:
        return say(lang, "rule_when_last", **values)
    return say(lang, "rule_when", nth=rule.nth if lang != "en" else ORDINALS[rule.nth], **values)


def rule_defaults_line(rule: EventRule, given: set[str], lang: str) -> str | None:
    """The values the admin did not give, said as the association's defaults to change."""
    missing = [k for k in RULE_KEYS if k not in given]
    if not missing:
        return None
    values = [rule_schedule(rule, lang)]
    if "title" in missing:
        values.append(say(lang, "rule_title", value=rule.title_ja))
    return say(lang, "rule_defaults", values="、".join(values) if lang != "en"
               else "; ".join(values), keys=" ".join(f"{k}=…" for k in missing))


def rule_outcome_lines(outcome: RuleOutcome, lang: str) -> list[str]:
    """One line per month the rule adopted (entered by hand) or skipped (another rule's)."""
    lines = []
    for event, key in [(e, "rule_adopted") for e in outcome.adopted] + [
            (e, "rule_skipped") for e in outcome.skipped]:
        lines.append(say(lang, key, id=event.id, rule=event.rule_id,
                         month_ja=month_label(event.starts_at, "ja"),
                         month_en=month_label(event.starts_at, "en"),
                         when_ja=fmt_datetime(event.starts_at, "ja"),
                         when_en=fmt_datetime(event.starts_at, "en")))
    return lines


def spotlight_number_line(event: Event, given: bool, lang: str) -> str | None:
    """Where a Spotlight's number comes from: the admin, or after the guide's list."""
    if event.kind != "spotlight" or event.number is None:
        return None
    if given:
        return say(lang, "spotlight_number_given", n=event.number)
    return say(lang, "spotlight_number_guide", n=event.number, last=GUIDE_SPOTLIGHTS)
