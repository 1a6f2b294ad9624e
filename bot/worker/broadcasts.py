"""Broadcasts (subject "broadcast:<id>"): an admin's announcement, then a report to its sender.

How a broadcast is composed, end to end:
1. an admin writes it (`broadcast send "本文" [link=…] [dm] [at=…]` / お知らせ送信 in chat,
   `aiga-bot broadcast` on the command line): handlers/events/broadcasts.py `create_broadcast()`
   stores the text, link, "dm" flag and send time and one slot "send" (kind "broadcast");
2. when it is due, `expand()` below marks the broadcast "sending" and queues one delivery per
   announcement channel (AIGA_ANNOUNCE_CHANNELS) and, when `dm` is set, per user linked to a
   member company; a broadcast with an `audience` (store/targeting.py: a class, an industry,
   companies, a round's non-submitters, or several joined by "&") goes by DM to that audience
   only — `targeting.recipients()`, the rule the preview counts with; a broadcast cancelled
   before then is not sent; a non-submitter who submits before their DM goes is skipped;
3. `compose()` below: the admin's words exactly as written, once, under a heading in the
   reader's language(s) — handlers/events/broadcasts.py `broadcast_replies()`; a channel gets
   both headings, a DM the reader's;
4. when every delivery is final, `slot_done()` marks it done and adds the slot "report"
   (kind "broadcast_report"): a DM to the sender with how many were sent and which failed
   (`broadcast_report()` / `report_replies()`).
The core (bot/worker/core.py) does the sending: claim, send, record once, retry.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.notify import Notifier
from bot.worker.base import (
    Audience,
    Job,
    Skip,
    TickReport,
    add_recipients,
    in_languages,
    subject_id,
    user_gone,
)
from handlers.events import broadcasts as service
from handlers.types import Lang, Reply
from store import recipients, targeting
from store import reminders as rstore
from store.events import CANCELLED_B, SENDING_B, Broadcast
from store.reminders import Delivery, ReminderSlot

# slot kinds of a broadcast (reminder_slots.kind)
SEND, REPORT = "broadcast", "broadcast_report"


class Broadcasts:
    """The `Subject` of broadcasts."""

    noun = "broadcast"

    def __init__(self, audience: Audience) -> None:
        self.audience = audience

    def plan(self, session: Session, now: datetime) -> int:
        return 0  # the slots are written when the broadcast is created

    def expand(self, session: Session, due: list[ReminderSlot], now: datetime,
               report: TickReport) -> None:
        platforms = self.audience.platforms
        for slot in due:
            row = session.get(Broadcast, subject_id(slot.subject))
            slot.updated_at = now
            if row is None:
                slot.status, slot.note = rstore.CANCELLED, "subject deleted"
                continue
            if slot.kind == SEND:
                if row.status == CANCELLED_B:
                    slot.status, slot.note = rstore.CANCELLED, "broadcast cancelled"
                    continue
                row.status, row.updated_at = SENDING_B, now
            orgs = None
            if slot.kind == REPORT:
                channels = []
                people = recipients.user_on(session, row.created_by, platforms)
            else:
                target = _target(row)
                channels, people = targeting.recipients(
                    session, target, dm=row.dm, channels=self.audience.announce,
                    platforms=platforms)
                if row.dm or not target.everyone:
                    orgs = targeting.companies(session, target, strict=False)
            # the companies (their e-mail contacts) of a DM or targeted broadcast
            report.expanded += add_recipients(session, slot, channels, people, now,
                                              orgs=orgs or ())
            if not channels and not people:
                slot.note = "no recipient (set AIGA_ANNOUNCE_CHANNELS / link users)"
            slot.status = rstore.SENDING

    def kind(self, session: Session, row: Delivery) -> str:
        slot = rstore.subject_slots(session, row.subject).get(row.slot)
        return slot.kind if slot is not None else SEND

    def skip(self, session: Session, row: Delivery, kind: str, now: datetime) -> Skip | None:
        if session.get(Broadcast, subject_id(row.subject)) is None:
            return rstore.SKIPPED, "deleted"
        if user_gone(row):
            return rstore.GONE, "user deleted"
        broadcast = session.get(Broadcast, subject_id(row.subject))
        if kind == SEND and broadcast is not None and broadcast.audience:
            rounds = _target(broadcast).has("nonsubmitters")
            if any(targeting.submitted(session, int(r), row.org_id) for r in rounds):
                return rstore.SKIPPED, "submitted"
        return None

    def compose(self, session: Session, job: Job, langs: list[Lang],
                now: datetime) -> list[Reply]:
        row = session.get(Broadcast, subject_id(job.subject))
        assert row is not None
        if job.kind != REPORT:  # the admin's own words, once
            return service.broadcast_replies(row, langs)
        summary = service.broadcast_report(session, row)
        return in_languages([service.report_replies(summary, lang) for lang in langs])

    def slot_done(self, session: Session, slot: ReminderSlot, now: datetime) -> None:
        """The send is over: mark the broadcast done and queue the sender's report."""
        service.slot_done(session, slot, now)

    async def after_sent(self, notifier: Notifier, job: Job, now: datetime) -> None:
        return None


def _target(row: Broadcast) -> targeting.Target:
    """The stored audience (checked when it was typed); unreadable → nobody, never everyone."""
    try:
        return targeting.parse(row.audience)
    except Exception:
        return targeting.Target("orgs", "0")
