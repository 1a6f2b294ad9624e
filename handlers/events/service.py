"""The event service: create, edit, cancel, announce, propose and approve events, and keep
their planned messages in line; shared by chat, the CLI and the worker.

Every refusal is an `EventError` raised before anything is written. When messages go out is
computed in handlers/events/reminders.py; this module stores the result as slots of the subject
"event:<id>" in `reminder_slots`, which the worker turns into one delivery per recipient.
The recurring rule's calendar is handlers/events/recurrence.py and its service
handlers/events/rules.py; broadcasts are handlers/events/broadcasts.py. Each name is imported
from the module that defines it: nothing here is re-exported (tests/test_events_layout.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from handlers.dates import fmt_datetime
from handlers.events.recurrence import month_bounds
from handlers.events.reminders import ANNOUNCE, CANCEL, PROPOSAL, EventPolicy, wanted_slots
from handlers.events.values import (
    ALL_HANDS_AGENDA,
    GUIDE_SPOTLIGHTS,
    KINDS,
    MAX_SPOTLIGHT_NUMBER,
    ONE_A_MONTH,
    check_place,
    check_times,
    check_title,
    check_url,
    clean_agenda,
    month_label,
    parse_kind,
    refusal,
    status_label,
)
from handlers.text import normalise
from store import events as store
from store import reminders as rstore
from store.events import Event
from store.models import Organisation


def _state_values(event: Event) -> dict[str, object]:
    """The event's number and state for a refusal, in both languages."""
    return {"id": event.id, "status_en": status_label(event.status, "en"),
            "status_ja": status_label(event.status, "ja")}


def create_event(session: Session, *, kind: str, title: str, start: datetime, end: datetime,
                 now: datetime, title_en: str | None = None, place: str | None = None,
                 url: str | None = None, agenda: list[str] | None = None,
                 organiser: str | None = None, policy: EventPolicy | None = None,
                 status: str = store.PLANNED, summary: str | None = None,
                 proposed_by: int | None = None, rule_id: int | None = None,
                 occurrence: str | None = None, number: int | None = None) -> Event:
    """A new event; a Spotlight gets `number` or the one after the guide's and the stored
    talks; a second live All-Hands in a month is refused (edit the first instead)."""
    kind = parse_kind(kind) if kind not in KINDS else kind
    title = check_title(title)
    check_times(start, end, now)
    check_month_free(session, kind, start)
    url = check_url(url)
    place = check_place(place)
    org_id = None
    if organiser:
        org = session.query(Organisation).filter_by(name=organiser.strip()).first()
        org_id = org.id if org else None
    if kind == "standup" and not organiser:
        raise refusal("err_standup_org", "organiser")
    if agenda is None:
        agenda = list(ALL_HANDS_AGENDA) if kind == "allhands" else []
    event = Event(kind=kind, title_ja=title, title_en=(title_en or "").strip() or None,
                  starts_at=start, ends_at=end, place=place, url=url,
                  agenda=clean_agenda(agenda),
                  organiser=(organiser or "").strip() or None, org_id=org_id, summary=summary,
                  number=spotlight_number(session, number) if kind == "spotlight" else None,
                  status=status, sequence=0, proposed_by=proposed_by, rule_id=rule_id,
                  occurrence=occurrence, created_at=now, updated_at=now)
    session.add(event)
    session.flush()
    if status == store.PROPOSED:
        rstore.sync_subject_slots(session, event.subject, [(PROPOSAL, "event_proposal", now)],
                                  now)
    else:
        plan_event(session, event, policy or EventPolicy(), now)
    return event


def spotlight_number(session: Session, given: int | None) -> int:
    """The admin's number if free, else the one after the guide's #1–#6 and the stored talks."""
    if given is None:
        return store.next_spotlight_number(session, GUIDE_SPOTLIGHTS)
    if not 1 <= given <= MAX_SPOTLIGHT_NUMBER:
        raise refusal("err_number", "number", value=given)
    taken = store.spotlight_with_number(session, given)
    if taken is not None:
        raise refusal("err_number_taken", "number", n=given, id=taken.id)
    return given


def month_taken(session: Session, kind: str, start: datetime,
                exclude_id: int | None = None) -> Event | None:
    """The live event of a once-a-month kind already in `start`'s month, if any."""
    if kind not in ONE_A_MONTH:
        return None
    taken = store.live_in_period(session, kind, *month_bounds(start), exclude_id=exclude_id)
    return taken[0] if taken else None


def check_month_free(session: Session, kind: str, start: datetime,
                     exclude_id: int | None = None) -> None:
    other = month_taken(session, kind, start, exclude_id)
    if other is not None:
        raise refusal("err_month_taken", "date", id=other.id,
                      month_ja=month_label(start, "ja"), month_en=month_label(start, "en"),
                      when_ja=fmt_datetime(other.starts_at, "ja"),
                      when_en=fmt_datetime(other.starts_at, "en"))


def find_event(session: Session, ref: str) -> Event:
    folded = normalise(ref).lstrip("#")
    event = session.get(Event, int(folded)) if folded.isdigit() else None
    if event is None:
        raise refusal("err_no_event", ref=ref)
    return event


def announced(session: Session, event: Event) -> bool:
    slot = rstore.subject_slots(session, event.subject).get(ANNOUNCE)
    return slot is not None and slot.status in (rstore.SENDING, rstore.DONE)


def announcement_due(session: Session, event: Event) -> datetime | None:
    """When the event's announcement is planned (None when it has none)."""
    slot = rstore.subject_slots(session, event.subject).get(ANNOUNCE)
    return slot.due_at if slot else None


def _add_slot(session: Session, event: Event, name: str, kind: str, now: datetime) -> None:
    session.add(rstore.ReminderSlot(subject=event.subject, name=name, kind=kind, due_at=now,
                                    status=rstore.PENDING, created_at=now, updated_at=now))


def edit_event(session: Session, event: Event, now: datetime, *, start: datetime | None = None,
               end: datetime | None = None, title: str | None = None,
               title_en: str | None = None, place: str | None = None, url: str | None = None,
               agenda: list[str] | None = None, policy: EventPolicy | None = None) -> Event:
    """Change an event; after its announcement the change is announced too (slot chg<n>) and
    the original message is updated."""
    if event.status not in store.LIVE:
        raise refusal("err_not_editable", **_state_values(event))
    new_start = start or event.starts_at
    new_end = end or (new_start + (event.ends_at - event.starts_at) if start else event.ends_at)
    check_times(new_start, new_end, now)
    if start is not None:
        check_month_free(session, event.kind, new_start, exclude_id=event.id)
    if title is not None:
        event.title_ja = check_title(title)
    if title_en is not None:
        event.title_en = title_en.strip() or None
    if place is not None:
        event.place = place.strip() or None
    if url is not None:
        event.url = check_url(url)
    if agenda is not None:
        event.agenda = clean_agenda(agenda)
    event.starts_at, event.ends_at, event.updated_at = new_start, new_end, now
    if announced(session, event):
        event.sequence += 1
        _add_slot(session, event, f"chg{event.sequence}", "event_change", now)
    session.flush()
    plan_event(session, event, policy or EventPolicy(), now)
    return event


def cancel_event(session: Session, event: Event, now: datetime, reason: str = "") -> Event:
    if event.status not in store.LIVE:
        raise refusal("err_already", **_state_values(event))
    was_announced = announced(session, event)
    event.status, event.note, event.updated_at = store.CANCELLED, reason.strip() or None, now
    event.sequence += 1
    rstore.cancel_pending(session, None, now, "event cancelled", subject=event.subject)
    if was_announced:
        _add_slot(session, event, CANCEL, "event_cancel", now)
    session.flush()
    return event


def announce_now(session: Session, event: Event, now: datetime) -> Event:
    """Announce at once instead of at the planned time."""
    if event.status != store.PLANNED:
        raise refusal("err_not_announceable", **_state_values(event))
    slot = rstore.subject_slots(session, event.subject).get(ANNOUNCE)
    if slot is not None and slot.status == rstore.PENDING:
        slot.due_at, slot.updated_at = now, now
    elif slot is None:
        _add_slot(session, event, ANNOUNCE, "event_announce", now)
    session.flush()
    return event


def propose_standup(session: Session, *, title: str, start: datetime, end: datetime,
                    now: datetime, organiser: str, proposed_by: int, summary: str | None = None,
                    place: str | None = None, url: str | None = None) -> Event:
    """A member's Stand-Up: stored as proposed; the secretariat is told (slot "proposal")."""
    return create_event(session, kind="standup", title=title, start=start, end=end, now=now,
                        organiser=organiser, summary=summary, status=store.PROPOSED,
                        proposed_by=proposed_by, place=place, url=url)


def decide_proposal(session: Session, event: Event, approve: bool, now: datetime,
                    policy: EventPolicy | None = None) -> Event:
    if event.status != store.PROPOSED:
        raise refusal("err_not_proposal", **_state_values(event))
    if not approve:
        event.status, event.updated_at = store.DECLINED, now
        return event
    if event.starts_at <= now:
        raise refusal("err_proposal_past")
    event.status, event.updated_at = store.PLANNED, now
    session.flush()
    plan_event(session, event, policy or EventPolicy(), now)
    announce_now(session, event, now)  # approved Stand-Ups are announced at once
    return event


def plan_event(session: Session, event: Event, policy: EventPolicy, now: datetime) -> int:
    """Bring the event's pending announcement and reminders in line with its time (idempotent;
    nothing sent or sending is touched)."""
    existing = rstore.subject_slots(session, event.subject)
    if event.status not in store.LIVE:
        return rstore.cancel_pending(session, None, now, f"event {event.status}",
                                     subject=event.subject)
    keep = [(n, s.kind, s.due_at) for n, s in existing.items()
            if n.startswith("chg") or n in (CANCEL, PROPOSAL)]
    slot = existing.get(ANNOUNCE)
    stored = (slot.due_at, slot.status != rstore.PENDING) if slot is not None else None
    wanted = wanted_slots(event.starts_at, event.created_at, policy, stored, keep)
    return rstore.sync_subject_slots(session, event.subject, wanted, now)


def plan_all(session: Session, policy: EventPolicy, now: datetime) -> int:
    """The worker's per-tick pass: create rule occurrences, re-plan live events, mark the ones
    that are over as held."""
    from handlers.events.rules import ensure_occurrences  # rules.py builds on this module

    changed = ensure_occurrences(session, now, policy)
    for event in store.upcoming(session, now - timedelta(days=1), limit=500):
        if event.ends_at < now:
            event.status, event.updated_at = store.HELD, now
            changed += rstore.cancel_pending(session, None, now, "event held",
                                             subject=event.subject)
        else:
            changed += plan_event(session, event, policy, now)
    return changed

