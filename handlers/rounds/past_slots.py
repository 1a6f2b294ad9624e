"""A round opened with a past first day: the announcement and overdue reminders the next tick
would send at once. The CLI (`round open --skip-past/--send-past`) and the chat (`round open …`
then a button) both ask first, with these two functions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from store import reminders as rstore
from store.models import Round

SUMMARY = "summary"  # the secretariat's summary is after the deadline: never "past" at opening


def past_slots(session: Session, rnd: Round, now: datetime) -> list[rstore.ReminderSlot]:
    """Pending slots of a round already due, in time order."""
    return sorted((s for s in rstore.slots_for(session, rnd.id).values()
                   if s.status == rstore.PENDING and s.due_at <= now and s.kind != SUMMARY),
                  key=lambda s: s.due_at)


def skip_past_slots(session: Session, rnd: Round, now: datetime) -> int:
    """Mark `past_slots` cancelled ("skipped at opening"); how many."""
    slots = past_slots(session, rnd, now)
    for slot in slots:
        slot.status, slot.note, slot.updated_at = rstore.CANCELLED, "skipped at opening", now
    return len(slots)
