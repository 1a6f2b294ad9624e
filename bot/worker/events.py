"""Event notices (subject "event:<id>"): the announcement, the reminders, a change, a
cancellation, and a member's Stand-Up proposal to the secretariat.

Where event reminders come from:
* configured — AIGA_EVENT_REMINDERS ("1d,1h": before the start) and AIGA_EVENT_ANNOUNCE_DAYS
  (14), read by bot/settings.py (`Settings.event_policy()`, with the rounds' reminder hour and
  closed days) and handed to this module as an `EventPolicy`;
* computed — handlers/events/reminders.py `wanted_slots()` (slots "announce", "r<minutes>"),
  stored by handlers/events/service.py `plan_event()`, called every tick through `plan()`
  below; a change ("chg<n>"), a cancellation ("cancel") and a proposal ("proposal") are slots
  the events service adds when they happen;
* worded — handlers/events/messages.py (`announce_replies`, `reminder_replies`, …).

Here: who gets them (the announcement channels; reminders also to everyone who answered 参加;
the announcement, a change and a cancellation also by e-mail to the contacts of every member
company with nobody in the chat;
a proposal to the secretariat as the settings name it), when one is no longer wanted (the event
was cancelled, or started before the reminder could go), and, once a change or cancellation is
posted in a channel, rewriting the original announcement there.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from datetime import datetime

from sqlalchemy.orm import Session

from bot.events_http import CalendarLinks
from bot.notify import Notifier
from bot.worker.base import (
    Audience,
    Job,
    Skip,
    TickReport,
    add_recipients,
    in_languages,
    no_longer_admin,
    subject_id,
    user_gone,
)
from handlers.events import messages as em
from handlers.events import service
from handlers.events.ics import ics_file
from handlers.events.reminders import ANNOUNCE as ANNOUNCE_SLOT
from handlers.events.reminders import EventPolicy
from handlers.rounds.reminders import bilingual
from handlers.types import Lang, Reply
from store import contacts, recipients
from store import reminders as rstore
from store.db import Database
from store.events import ANNOUNCED, LIVE, Event
from store.models import User
from store.reminders import Delivery, ReminderSlot

log = logging.getLogger(__name__)

# slot kinds of an event (reminder_slots.kind, written by handlers/events/service.py)
ANNOUNCE, REMINDER = "event_announce", "event_reminder"
CHANGE, CANCEL, PROPOSAL = "event_change", "event_cancel", "event_proposal"
WHILE_LIVE = (ANNOUNCE, REMINDER, CHANGE)  # not sent once the event is cancelled or held


class EventNotices:
    """The `Subject` of events."""

    noun = "event"

    def __init__(self, database: Database, audience: Audience, policy: EventPolicy,
                 links: CalendarLinks) -> None:
        self.db = database
        self.audience = audience
        self.policy = policy
        self.links = links

    def plan(self, session: Session, now: datetime) -> int:
        """Rule occurrences created, live events re-planned, past ones marked held."""
        return service.plan_all(session, self.policy, now)

    def expand(self, session: Session, due: list[ReminderSlot], now: datetime,
               report: TickReport) -> None:
        latest_reminder: dict[str, ReminderSlot] = {}
        for slot in due:
            if slot.kind == REMINDER:
                latest_reminder[slot.subject] = slot  # due is in time order
        for slot in due:
            event = session.get(Event, subject_id(slot.subject))
            slot.updated_at = now
            if event is None:
                slot.status, slot.note = rstore.CANCELLED, "subject deleted"
                continue
            if slot.kind in (ANNOUNCE, REMINDER):
                if event.status not in LIVE:
                    slot.status, slot.note = rstore.CANCELLED, f"event {event.status}"
                    continue
                if slot.kind == REMINDER and latest_reminder[slot.subject] is not slot:
                    slot.status, slot.note = rstore.SUPERSEDED, "overdue; a later one sent"
                    report.missed += 1
                    continue
                if now >= event.starts_at:
                    slot.status, slot.note = rstore.MISSED, "worker not running before start"
                    report.missed += 1
                    continue
                if slot.kind == ANNOUNCE:
                    event.status, event.updated_at = ANNOUNCED, now
            platforms = self.audience.platforms
            companies = []  # by e-mail, those with nobody in the chat (add_recipients)
            if slot.kind in (ANNOUNCE, CHANGE, CANCEL):
                companies = contacts.member_companies(session)
            if slot.kind == PROPOSAL:
                channels = self.audience.secretariat
                people = recipients.admin_users(session, self.audience.admins, platforms)
            else:
                channels = self.audience.announce
                people = (recipients.attending_users(session, event.id, platforms)
                          if slot.kind == REMINDER else [])
            report.expanded += add_recipients(session, slot, channels, people, now,
                                              orgs=companies)
            if not channels and not people:
                slot.note = "no recipient (set AIGA_ANNOUNCE_CHANNELS / link users)"
            slot.status = rstore.SENDING

    def kind(self, session: Session, row: Delivery) -> str:
        slot = rstore.subject_slots(session, row.subject).get(row.slot)
        return slot.kind if slot is not None else ""

    def skip(self, session: Session, row: Delivery, kind: str, now: datetime) -> Skip | None:
        event = session.get(Event, subject_id(row.subject))
        if event is None or not kind:
            return rstore.SKIPPED, "deleted"
        if user_gone(row):
            return rstore.GONE, "user deleted"
        if kind in WHILE_LIVE and event.status not in LIVE:
            return rstore.SKIPPED, f"event {event.status}"
        if kind == REMINDER and now >= event.starts_at:
            return rstore.MISSED, "event started before it could be sent"
        if kind == PROPOSAL and no_longer_admin(session, row, self.audience):
            return rstore.SKIPPED, "no longer an admin"
        return None

    def compose(self, session: Session, job: Job, langs: list[Lang],
                now: datetime) -> list[Reply]:
        event = session.get(Event, subject_id(job.subject))
        assert event is not None
        by_lang: list[list[Reply]] = []
        for lang in langs:
            ics = ics_file(event, now) if lang == langs[0] else None
            if ics is not None:  # Teams links to GET /events/<id>.ics (bot/events_http.py)
                ics = dataclasses.replace(ics, url=self.links.url(event.id) or "")
            if job.kind == ANNOUNCE:
                replies = em.announce_replies(event, lang, ics)
            elif job.kind == REMINDER:
                replies = em.reminder_replies(event, lang, int(job.slot[1:] or 0))
            elif job.kind == CHANGE:
                replies = em.change_replies(event, lang, ics)
            elif job.kind == CANCEL:
                replies = em.cancel_replies(event, lang, ics)
            else:
                proposer = session.get(User, event.proposed_by or -1)
                replies = em.proposal_replies(event, lang, proposer.display_name or
                                              proposer.key if proposer else "-")
            by_lang.append(replies)
        return in_languages(by_lang)

    def slot_done(self, session: Session, slot: ReminderSlot, now: datetime) -> None:
        return None

    async def after_sent(self, notifier: Notifier, job: Job, now: datetime) -> None:
        """After a change / cancellation was posted to a channel, rewrite the original
        announcement there (best effort: the platform may not allow it)."""
        if job.kind not in (CHANGE, CANCEL) or job.target.direct:
            return
        found = await asyncio.to_thread(self._superseded, job)
        if found is None:
            return
        key = f"aiga:{job.subject}:{ANNOUNCE_SLOT}:{job.target.recipient}"
        try:
            await notifier.update_message(job.target, key, found[0], found[1])
        except Exception:  # never let the update undo a recorded delivery
            log.exception("worker: could not update the original announcement of %s",
                          job.subject)

    def _superseded(self, job: Job) -> tuple[list[Reply], datetime] | None:
        """The original announcement's new words and when it was first sent, if it was."""
        with self.db.transaction() as session:
            event = session.get(Event, subject_id(job.subject))
            original = rstore.find_delivery(session, job.subject, ANNOUNCE_SLOT,
                                            job.target.recipient)
            if event is None or original is None or original.sent_at is None:
                return None
            replies = bilingual(em.superseded_original(event, "ja"),
                                em.superseded_original(event, "en"))
            return replies, original.first_claimed_at or original.sent_at
