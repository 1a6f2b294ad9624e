"""The reminder worker: wakes up, delivers what is due, records every delivery exactly once.

The schedule is in the database (`reminder_slots`, `deliveries`); APScheduler only calls
`Deliverer.deliver_due()` every few seconds, so there is no job state to pickle or lose. A tick:

1. takes the worker lock (PostgreSQL advisory lock / SQLite file lock) or does nothing;
2. settles deliveries a killed worker left "sending": asks the platform whether the message
   exists (then it is recorded as sent) or not (then it is sent again);
3. re-plans every running round's pending slots (a deadline extended, a changed schedule);
4. turns due slots into one delivery row per recipient — reminders only to companies that have
   not submitted and to users who did not mute; a reminder overdue because the worker was down
   is still sent before the deadline (only the latest of several), after it recorded as missed;
5. sends each ready delivery: claim (committed) → send → record; retries with backoff,
   permanent failures recorded for the secretariat.

`run_worker()` is `aiga-bot worker`; `mount_scheduler()` runs the same thing inside
`aiga-bot serve` for the single-machine set-up.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import select

from bot.notify import Notifier, Outcome, SendResult, Target
from bot.settings import Settings
from handlers.dates import TOKYO, now_tokyo
from handlers.events import service as events
from handlers.events.service import EventPolicy
from handlers.rounds import reminders as texts
from handlers.rounds.commands import (
    mute_lines,
    participation,
    plan_round,
    problem_lines,
    progress_of,
    unreachable_lines,
)
from handlers.rounds.reminders import ReminderPolicy, SummaryFacts
from handlers.types import File, Lang, Reply
from rubrics.loader import RubricRegistry, registry
from store import reminders as rstore
from store import rounds
from store.db import Database
from store.models import Assessment, Organisation, Round, User
from store.queries import get_or_create_user
from store.reminders import Delivery, ReminderSlot, WorkerLock

log = logging.getLogger(__name__)

BACKOFF_CAP = timedelta(minutes=30)
BLOCKED_PAUSE = timedelta(minutes=5)
PACE = {"slack": 1.0, "teams": 1 / 7}


@dataclass
class TickReport:
    """What one tick did (logged, printed by `aiga-bot worker --once`, asserted by tests)."""

    locked: bool = True
    planned: int = 0
    expanded: int = 0
    sent: int = 0
    retried: int = 0
    gone: int = 0
    failed: int = 0
    skipped: int = 0
    missed: int = 0
    confirmed: int = 0  # left "sending" by a killed worker, found posted
    resent: int = 0  # left "sending", not found: sent again
    uncertain: int = 0
    notes: list[str] = field(default_factory=list)

    def busy(self) -> bool:
        return any((self.planned, self.expanded, self.sent, self.retried, self.gone,
                    self.failed, self.skipped, self.missed, self.confirmed, self.resent))


@dataclass(frozen=True)
class Job:
    """A claimed delivery: everything the async part needs, no ORM rows."""

    delivery_id: int
    key: str
    kind: str  # "announce" | "reminder" | "summary" | "event_…" | "broadcast…"
    round_id: int | None
    org_id: int | None
    target: Target
    locale: str | None  # the user's explicit choice, if any
    attempts: int
    first_claimed_at: datetime
    subject: str = ""  # "event:7" / "broadcast:3" (empty for a round)
    slot: str = ""


class Deliverer:
    """Delivers what is due. Safe to run in several processes at once: the lock and the unique
    delivery keys make sure each message goes out once."""

    def __init__(self, database: Database, notifiers: Mapping[str, Notifier], *,
                 rubrics: RubricRegistry | None = None, policy: ReminderPolicy | None = None,
                 announce: list[Target] | None = None, secretariat: list[Target] | None = None,
                 admins: frozenset[str] = frozenset(), clock: Callable[[], datetime] = now_tokyo,
                 max_attempts: int = 6, backoff: timedelta = timedelta(seconds=30),
                 lock: WorkerLock | None = None, event_policy: EventPolicy | None = None,
                 pace: Mapping[str, float] | None = None) -> None:
        self.db = database
        self.notifiers = dict(notifiers)
        self.rubrics = rubrics or registry()
        self.policy = policy or ReminderPolicy()
        self.announce = [t for t in announce or [] if t.platform in self.notifiers]
        self.secretariat = [t for t in secretariat or [] if t.platform in self.notifiers]
        self.admins = admins
        self.clock = clock
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.lock = lock or WorkerLock(database)
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}"
        self.stopping = False
        self.event_policy = event_policy or EventPolicy()
        # seconds between two messages to one conversation (Slack ~1/s per channel; Teams 7/s)
        self.pace = dict(PACE if pace is None else pace)
        self._last_sent: dict[tuple[str, str], float] = {}

    # ----- one tick -----------------------------------------------------------------------------

    async def deliver_due(self, now: datetime | None = None) -> TickReport:
        """Deliver everything due at `now` (default: the clock). Does nothing without the lock."""
        clock = (lambda: now) if now is not None else self.clock
        report = TickReport()
        if not await asyncio.to_thread(self.lock.acquire):
            report.locked = False
            return report
        try:
            await self._settle_orphans(clock(), report)
            await asyncio.to_thread(self._plan_and_expand, clock(), report)
            await self._send_ready(clock, report)
            await asyncio.to_thread(self._close_slots, clock())
        finally:
            await asyncio.to_thread(self.lock.release)
        if report.busy():
            log.info("worker tick: %s", _summary(report))
        return report

    # ----- 2. orphans ----------------------------------------------------------------------------

    async def _settle_orphans(self, now: datetime, report: TickReport) -> None:
        for row in await asyncio.to_thread(self._orphans):
            notifier = self.notifiers.get(row.platform)
            target = Target(row.platform, row.address, direct=row.recipient.startswith("user:"))
            found = (await notifier.was_sent(target, row.key, row.first_claimed_at or now)
                     if notifier is not None else None)
            if found is True:
                status, detail = rstore.SENT, "confirmed after restart"
                report.confirmed += 1
            elif found is False:
                status, detail = rstore.PENDING, "not posted before restart"
                report.resent += 1
            else:
                status, detail = rstore.UNCERTAIN, "interrupted; platform cannot confirm"
                report.uncertain += 1
            await asyncio.to_thread(self._finish, row.id, status, now, detail, None)

    def _orphans(self) -> list[Delivery]:
        with self.db.transaction() as session:
            rows = rstore.orphans(session)
            session.expunge_all()
            return rows

    # ----- 3 and 4. plan, then expand due slots --------------------------------------------------

    def _plan_and_expand(self, now: datetime, report: TickReport) -> None:
        with self.db.transaction() as session:
            for rnd in rounds.live_rounds(session):
                report.planned += plan_round(session, rnd, self.policy, now)
            report.planned += events.plan_all(session, self.event_policy, now)
            due = rstore.due_slots(session, now)
            self._expand_subjects([s for s in due if s.round_id is None], session, now, report)
            due = [s for s in due if s.round_id is not None]
            newest_reminder: dict[int, ReminderSlot] = {}
            for slot in due:
                if slot.kind == "reminder":
                    newest_reminder[slot.round_id] = slot  # due_slots is in time order
            for slot in due:
                rnd = session.get(Round, slot.round_id)
                if rnd is None or rnd.status == "closed":
                    slot.status, slot.note = rstore.CANCELLED, "round closed"
                elif slot.kind == "reminder" and newest_reminder[slot.round_id] is not slot:
                    later = newest_reminder[slot.round_id].name
                    slot.status, slot.note = rstore.SUPERSEDED, f"overdue; {later} sent instead"
                    report.missed += 1
                elif slot.kind != "summary" and now > rnd.deadline_at:
                    slot.status, slot.note = rstore.MISSED, "worker not running before deadline"
                    report.missed += 1
                else:
                    report.expanded += self._expand(session, rnd, slot, now)
                    slot.status = rstore.SENDING
                slot.updated_at = now

    def _expand(self, session, rnd: Round, slot: ReminderSlot, now: datetime) -> int:
        """One delivery row per recipient of the slot (existing keys are left as they are)."""
        platforms = list(self.notifiers)
        added = 0

        def add(recipient: str, platform: str, address: str, user: User | None) -> None:
            nonlocal added
            added += rstore.add_delivery(
                session, round_id=rnd.id, slot=slot.name, recipient=recipient,
                platform=platform, address=address, user_id=user.id if user else None,
                org_id=user.org_id if user else None, now=now)

        channels = self.announce if slot.kind == "announce" else (
            self.secretariat if slot.kind == "summary" else [])
        for target in channels:
            add(target.recipient, target.platform, target.address, None)
        if slot.kind == "summary":
            for key in sorted(self.admins):  # AIGA_ADMINS who never wrote to the bot yet
                platform, _, user_id = key.partition(":")
                if platform in platforms:
                    get_or_create_user(session, platform, user_id, now)
            users = rounds.secretariat_users(session, self.admins, platforms)
            if not users and not channels:
                slot.note = "no secretariat recipient (set AIGA_ADMINS or a channel)"
        else:
            orgs = rounds.participants(session, rnd)
            if slot.kind == "reminder":
                by_org = rounds.assessments_by_org(session, rnd.id)
                orgs = [o for o in orgs if not _submitted(by_org.get(o.id))]
            muted = {m.user_id for m in rstore.mutes_for(session, rnd.id)}
            users = [u for u in rounds.linked_users(session, [o.id for o in orgs], platforms)
                     if slot.kind != "reminder" or u.id not in muted]
        for user in users:
            add(f"user:{user.id}", user.platform, user.platform_user_id, user)
        return added

    # ----- 5. send --------------------------------------------------------------------------------

    async def _send_ready(self, clock: Callable[[], datetime], report: TickReport) -> None:
        blocked: set[str] = set()
        for delivery_id in await asyncio.to_thread(self._ready, clock()):
            if self.stopping or not await asyncio.to_thread(self.lock.still_held):
                report.notes.append("stopped before the batch ended")
                return
            job = await asyncio.to_thread(self._claim, delivery_id, clock(), report, blocked)
            if job is None:
                continue
            notifier = self.notifiers[job.target.platform]
            await self._pace(job.target)
            if job.attempts > 1 and await notifier.was_sent(job.target, job.key,
                                                            job.first_claimed_at):
                await asyncio.to_thread(self._finish, job.delivery_id, rstore.SENT, clock(),
                                        "found posted before retry", None)
                report.confirmed += 1
                continue
            result = await self._send(notifier, job, clock())
            if result.outcome is Outcome.BLOCKED:
                blocked.add(job.target.platform)
                log.error("worker: %s refuses the bot (%s); pausing it", job.target.platform,
                          result.detail)
            await asyncio.to_thread(self._record, job, result, clock(), report)
            if (result.outcome is Outcome.SENT and job.kind in ("event_change", "event_cancel")
                    and not job.target.direct):
                await self._update_original(notifier, job, clock())

    async def _send(self, notifier: Notifier, job: Job, now: datetime) -> SendResult:
        """Compose (in the user's language, as of now) and send; never raises."""
        if not job.target.direct:
            langs: list[Lang] = ["ja", "en"]  # a channel is read by everyone: both languages
        elif job.locale in ("ja", "en"):
            langs = [job.locale]  # type: ignore[list-item]
        else:
            langs = [await notifier.language(job.target) or "ja"]
        try:
            compose = self._compose_subject if job.subject else self._compose
            replies = await asyncio.to_thread(compose, job, langs, now)
            send = notifier.send_direct if job.target.direct else notifier.send_channel
            return await send(job.target, replies, job.key)
        except Exception as exc:  # a bug or a broken rubric must not leave the row "sending"
            log.exception("worker: delivery %s failed", job.delivery_id)
            return SendResult.retry(type(exc).__name__)

    def _ready(self, now: datetime) -> list[int]:
        with self.db.transaction() as session:
            return rstore.ready_deliveries(session, now)

    def _claim(self, delivery_id: int, now: datetime, report: TickReport,
               blocked: set[str]) -> Job | None:
        """Claim one delivery (committed before anything is sent) and, in the same transaction,
        drop it if it is no longer wanted: submitted, muted, past the deadline, round closed."""
        with self.db.transaction() as session:
            row = session.get(Delivery, delivery_id)
            if row is None or row.platform in blocked or row.platform not in self.notifiers:
                return None
            if not rstore.claim(session, delivery_id, self.worker_id, now):
                return None  # another worker has it
            session.refresh(row)
            if row.round_id is None:
                return self._claim_subject(session, row, now, report)
            rnd = session.get(Round, row.round_id)
            kind = _kind(row.slot)
            reason = self._unwanted(session, row, rnd, kind, now)
            if reason is not None:
                status, detail = reason
                rstore.finish(session, row.id, status, now, detail=detail)
                if status == rstore.MISSED:
                    report.missed += 1
                else:
                    report.skipped += 1
                return None
            user = session.get(User, row.user_id) if row.user_id is not None else None
            direct = row.recipient.startswith("user:")
            return Job(row.id, row.key, kind, row.round_id, row.org_id,
                       Target(row.platform, row.address, direct=direct),
                       user.locale if user is not None else None, row.attempts,
                       row.first_claimed_at or now)

    def _unwanted(self, session, row: Delivery, rnd: Round | None, kind: str,
                  now: datetime) -> tuple[str, str] | None:
        if rnd is None or rnd.status == "closed":
            return rstore.SKIPPED, "round closed"
        if row.recipient.startswith("user:") and row.user_id is None:
            return rstore.GONE, "user deleted"
        if kind == "summary":
            return None
        if now > rnd.deadline_at:
            return rstore.MISSED, "deadline passed before it could be sent"
        if kind == "reminder":
            assessment = rounds.assessments_by_org(session, rnd.id).get(row.org_id or -1)
            if _submitted(assessment):
                return rstore.SKIPPED, "submitted"
            if row.user_id is not None and rstore.is_muted(session, rnd.id, row.user_id):
                return rstore.SKIPPED, "muted"
        return None

    def _compose(self, job: Job, langs: list[Lang], now: datetime) -> list[Reply]:
        with self.db.transaction() as session:
            rnd = session.get(Round, job.round_id)
            assert rnd is not None
            by_lang: list[list[Reply]] = []
            for lang in langs:
                replies: list[Reply] = []
                if job.kind == "announce":
                    rubric = self.rubrics.get(rnd.rubric_version)
                    replies += texts.announce_replies(
                        lang, round_name=rnd.name, rubric_name=rubric.name.get(lang),
                        deadline_at=rnd.deadline_at, items=len(rubric.items))
                elif job.kind == "reminder":
                    org = session.get(Organisation, job.org_id)
                    assert org is not None
                    progress = progress_of(session, rnd, org.id, org.name, self.rubrics)
                    replies += texts.reminder_replies(
                        lang, round_id=rnd.id, round_name=rnd.name,
                        deadline_at=rnd.deadline_at, now=now, progress=progress)
                else:
                    replies += texts.summary_replies(
                        lang, self._summary_facts(session, rnd, now, lang))
                by_lang.append(replies)
            return texts.bilingual(*by_lang) if len(by_lang) == 2 else by_lang[0]

    def _summary_facts(self, session, rnd: Round, now: datetime, lang: Lang) -> SummaryFacts:
        rows = participation(session, rnd, self.rubrics)
        failures, missed = problem_lines(session, rnd, lang)
        return SummaryFacts(round_name=rnd.name, deadline_at=rnd.deadline_at, as_of=now,
                            companies=len(rows),
                            unfinished=[p for p in rows if p.state != "submitted"],
                            muted=mute_lines(session, rnd), failures=failures, missed=missed,
                            unreachable=unreachable_lines(session, rnd, tuple(self.notifiers)))

    def _record(self, job: Job, result: SendResult, now: datetime, report: TickReport) -> None:
        if result.outcome is Outcome.SENT:
            self._finish(job.delivery_id, rstore.SENT, now, None, None)
            report.sent += 1
        elif result.outcome is Outcome.GONE:
            self._finish(job.delivery_id, rstore.GONE, now, result.detail, None)
            report.gone += 1
        elif result.outcome is Outcome.BLOCKED:
            self._finish(job.delivery_id, rstore.PENDING, now, result.detail,
                         now + BLOCKED_PAUSE)
            report.retried += 1
        elif job.attempts >= self.max_attempts:
            self._finish(job.delivery_id, rstore.FAILED, now,
                         f"{result.detail} after {job.attempts} attempts", None)
            report.failed += 1
        else:
            wait = min(self.backoff * 2 ** (job.attempts - 1), BACKOFF_CAP)
            if result.retry_after:
                wait = max(wait, timedelta(seconds=result.retry_after))
            self._finish(job.delivery_id, rstore.PENDING, now, result.detail, now + wait)
            report.retried += 1

    def _finish(self, delivery_id: int, status: str, now: datetime, detail: str | None,
                retry_at: datetime | None) -> None:
        with self.db.transaction() as session:
            rstore.finish(session, delivery_id, status, now, detail=detail, retry_at=retry_at)

    def _close_slots(self, now: datetime) -> None:
        with self.db.transaction() as session:
            for slot in rstore.open_slots(session):
                if rstore.unfinished_count(session, slot.round_id, slot.name,
                                           subject=slot.subject) == 0:
                    slot.status, slot.updated_at = rstore.DONE, now
                    if slot.round_id is None:
                        events.slot_done(session, slot, now)


    # ----- events and broadcasts (issue 7): same slots, deliveries, lock and retries -------------

    def _expand_subjects(self, due: list[ReminderSlot], session, now: datetime,
                         report: TickReport) -> None:
        """Due event / broadcast slots → one delivery per recipient."""
        from store.events import Broadcast, Event

        platforms = list(self.notifiers)
        latest_reminder: dict[str, ReminderSlot] = {}
        for slot in due:
            if slot.kind == "event_reminder":
                latest_reminder[slot.subject] = slot  # due_slots is in time order
        for slot in due:
            kind, _, ident = slot.subject.partition(":")
            row = (session.get(Event, int(ident)) if kind == "event" else
                   session.get(Broadcast, int(ident)) if kind == "broadcast" else None)
            slot.updated_at = now
            if row is None:
                slot.status, slot.note = rstore.CANCELLED, "subject deleted"
                continue
            if kind == "event" and slot.kind in ("event_announce", "event_reminder"):
                if row.status not in ("planned", "announced"):
                    slot.status, slot.note = rstore.CANCELLED, f"event {row.status}"
                    continue
                if slot.kind == "event_reminder" and latest_reminder[slot.subject] is not slot:
                    slot.status, slot.note = rstore.SUPERSEDED, "overdue; a later one sent"
                    report.missed += 1
                    continue
                if now >= row.starts_at:
                    slot.status, slot.note = rstore.MISSED, "worker not running before start"
                    report.missed += 1
                    continue
                if slot.kind == "event_announce":
                    row.status, row.updated_at = "announced", now
            if kind == "broadcast" and slot.kind == "broadcast":
                if row.status == "cancelled":
                    slot.status, slot.note = rstore.CANCELLED, "broadcast cancelled"
                    continue
                row.status, row.updated_at = "sending", now
            targets: list[tuple[str, str, str, User | None]] = []
            if slot.kind in ("event_proposal", "broadcast_report"):
                people = (rounds.secretariat_users(session, self.admins, platforms)
                          if slot.kind == "event_proposal" else
                          [u for u in [session.get(User, row.created_by or -1)]
                           if u is not None and u.platform in platforms])
                channels = self.secretariat if slot.kind == "event_proposal" else []
            else:
                channels = self.announce
                people = []
                if slot.kind == "broadcast" and row.dm:
                    people = list(session.scalars(
                        select(User).where(User.org_id.is_not(None),
                                           User.platform.in_(platforms))
                        .order_by(User.id)))
                elif slot.kind == "event_reminder":
                    from store.events import rsvps

                    going = [r.user_id for r in rsvps(session, row.id) if r.answer == "yes"]
                    people = [u for u in (session.get(User, i) for i in going)
                              if u is not None and u.platform in platforms]
            for target in channels:
                targets.append((target.recipient, target.platform, target.address, None))
            for user in people:
                targets.append((f"user:{user.id}", user.platform, user.platform_user_id, user))
            for recipient, platform, address, user in targets:
                report.expanded += rstore.add_delivery(
                    session, round_id=None, subject=slot.subject, slot=slot.name,
                    recipient=recipient, platform=platform, address=address,
                    user_id=user.id if user else None, org_id=user.org_id if user else None,
                    now=now)
            if not targets:
                slot.note = "no recipient (set AIGA_ANNOUNCE_CHANNELS / link users)"
            slot.status = rstore.SENDING

    def _claim_subject(self, session, row: Delivery, now: datetime,
                       report: TickReport) -> Job | None:
        from store.events import Broadcast, Event

        slot = rstore.subject_slots(session, row.subject).get(row.slot)
        kind = slot.kind if slot is not None else "broadcast"
        noun, _, ident = row.subject.partition(":")
        subject = (session.get(Event, int(ident)) if noun == "event" else
                   session.get(Broadcast, int(ident)))
        reason: tuple[str, str] | None = None
        if subject is None:
            reason = rstore.SKIPPED, "deleted"
        elif row.recipient.startswith("user:") and row.user_id is None:
            reason = rstore.GONE, "user deleted"
        elif kind in ("event_announce", "event_reminder", "event_change") and \
                subject.status not in ("planned", "announced"):
            reason = rstore.SKIPPED, f"event {subject.status}"
        elif kind == "event_reminder" and now >= subject.starts_at:
            reason = rstore.MISSED, "event started before it could be sent"
        if reason is not None:
            rstore.finish(session, row.id, reason[0], now, detail=reason[1])
            if reason[0] == rstore.MISSED:
                report.missed += 1
            else:
                report.skipped += 1
            return None
        user = session.get(User, row.user_id) if row.user_id is not None else None
        return Job(row.id, row.key, kind, None, row.org_id,
                   Target(row.platform, row.address, direct=row.recipient.startswith("user:")),
                   user.locale if user is not None else None, row.attempts,
                   row.first_claimed_at or now, subject=row.subject, slot=row.slot)

    def _compose_subject(self, job: Job, langs: list[Lang], now: datetime) -> list[Reply]:
        import dataclasses

        from bot.events_http import calendar_url
        from handlers.events import messages as em
        from store.events import Broadcast, Event

        noun, _, ident = job.subject.partition(":")
        with self.db.transaction() as session:
            by_lang: list[list[Reply]] = []
            for lang in langs:
                if noun == "broadcast":
                    row = session.get(Broadcast, int(ident))
                    assert row is not None
                    if job.kind != "broadcast_report":  # the admin's own words, once
                        return em.broadcast_replies(row, langs)
                    by_lang.append(em.report_replies(events.broadcast_report(session, row),
                                                     lang))
                    continue
                event = session.get(Event, int(ident))
                assert event is not None
                ics = em.ics_file(event, now) if lang == langs[0] else None
                if ics is not None:  # Teams links to GET /events/<id>.ics (bot/events_http.py)
                    ics = dataclasses.replace(ics, url=calendar_url(event.id) or "")
                if job.kind == "event_announce":
                    replies = em.announce_replies(event, lang, ics)
                elif job.kind == "event_reminder":
                    replies = em.reminder_replies(event, lang, int(job.slot[1:] or 0))
                elif job.kind == "event_change":
                    replies = em.change_replies(event, lang, ics)
                elif job.kind == "event_cancel":
                    replies = em.cancel_replies(event, lang, ics)
                else:
                    proposer = session.get(User, event.proposed_by or -1)
                    replies = em.proposal_replies(event, lang, proposer.display_name or
                                                  proposer.key if proposer else "-")
                by_lang.append(replies)
            if len(by_lang) == 1:
                return by_lang[0]
            files = [r for r in by_lang[0] if isinstance(r, File)]
            ja = [r for r in by_lang[0] if not isinstance(r, File)]
            return texts.bilingual(ja, by_lang[1]) + files

    async def _update_original(self, notifier: Notifier, job: Job, now: datetime) -> None:
        """After a change / cancellation was posted to a channel, rewrite the original
        announcement there (best effort: the platform may not allow it)."""
        from handlers.events import messages as em
        from store.events import Event

        update = getattr(notifier, "update_message", None)
        if update is None:
            return

        def compose() -> tuple[list[Reply], datetime] | None:
            with self.db.transaction() as session:
                event = session.get(Event, int(job.subject.partition(":")[2]))
                original = session.scalar(select(Delivery).where(
                    Delivery.subject == job.subject, Delivery.slot == events.ANNOUNCE,
                    Delivery.recipient == job.target.recipient))
                if event is None or original is None or original.sent_at is None:
                    return None
                replies = texts.bilingual(em.superseded_original(event, "ja"),
                                          em.superseded_original(event, "en"))
                return replies, original.first_claimed_at or original.sent_at

        found = await asyncio.to_thread(compose)
        if found is None:
            return
        key = f"aiga:{job.subject}:{events.ANNOUNCE}:{job.target.recipient}"
        try:
            await update(job.target, key, found[0], found[1])
        except Exception:  # never let the update undo a recorded delivery
            log.exception("worker: could not update the original announcement of %s",
                          job.subject)

    async def _pace(self, target: Target) -> None:
        """At most one message per `pace` seconds to one conversation (platform limits)."""
        interval = self.pace.get(target.platform, 0.0)
        if interval <= 0:
            return
        loop = asyncio.get_running_loop()
        key = (target.platform, target.address)
        wait = self._last_sent.get(key, -1e9) + interval - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        self._last_sent[key] = loop.time()


def _kind(slot_name: str) -> str:
    if slot_name == texts.ANNOUNCE:
        return "announce"
    return "summary" if slot_name == texts.SUMMARY else "reminder"


def _submitted(assessment: Assessment | None) -> bool:
    return assessment is not None and assessment.status == "submitted"


def _summary(report: TickReport) -> str:
    parts = [f"{name}={value}" for name, value in vars(report).items()
             if isinstance(value, int) and not isinstance(value, bool) and value]
    return " ".join(parts) or "nothing due"


# ----- the scheduler ------------------------------------------------------------------------------


class WorkerRunner:
    """APScheduler (AsyncIOScheduler, in-memory job store) calling `deliver_due` every tick."""

    def __init__(self, deliverer: Deliverer, tick_seconds: float) -> None:
        self.deliverer = deliverer
        self.tick_seconds = tick_seconds
        self.scheduler: AsyncIOScheduler | None = None
        self._running: asyncio.Task | None = None

    def start(self) -> None:
        """Start on the running event loop; the first tick runs at once (catch-up)."""
        self.scheduler = AsyncIOScheduler(timezone=TOKYO)
        self.scheduler.add_job(self._tick, "interval", seconds=self.tick_seconds,
                               id="deliver_due", next_run_time=datetime.now(TOKYO),
                               max_instances=1, coalesce=True, misfire_grace_time=None)
        self.scheduler.start()

    async def _tick(self) -> None:
        self._running = asyncio.current_task()
        try:
            await self.deliverer.deliver_due()
        except Exception:  # the database is away, say: log and try again next tick
            log.exception("worker tick failed")
        finally:
            self._running = None

    async def stop(self, timeout: float = 30) -> None:
        """Stop scheduling, let the send in flight finish (it is recorded), then return."""
        self.deliverer.stopping = True
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        running = self._running
        if running is not None and not running.done():
            try:
                await asyncio.wait_for(asyncio.shield(running), timeout)
            except TimeoutError:
                log.warning("worker: tick still running after %.0f s", timeout)


def build_deliverer(database: Database, settings: Settings | None = None, *,
                    clock: Callable[[], datetime] = now_tokyo) -> Deliverer:
    """A Deliverer from the settings: Slack when SLACK_BOT_TOKEN is set, Teams when
    MICROSOFT_APP_ID is set (or the local Teams test client is allowed)."""
    from bot.settings import load_settings

    settings = settings or load_settings()
    worker = settings
    notifiers: dict[str, Notifier] = {}
    if settings.slack_bot_token is not None:
        from bot.slack_notify import SlackNotifier

        notifiers["slack"] = SlackNotifier(settings.slack_bot_token.get_secret_value(),
                                           settings.slack_api_url, database, clock)
    from bot.teams.settings import load_teams_settings

    teams = load_teams_settings()
    if teams.microsoft_app_id or teams.microsoft_allowed_service_urls:
        from bot.teams.notify import TeamsNotifier

        notifiers["teams"] = TeamsNotifier(teams, database, clock)
    return Deliverer(database, notifiers, policy=worker.policy(),
                     event_policy=load_event_policy(worker.policy()),
                     announce=worker.announce_targets(),
                     secretariat=worker.secretariat_targets(), admins=settings.admin_ids,
                     clock=clock, max_attempts=worker.aiga_delivery_max_attempts,
                     backoff=timedelta(seconds=worker.aiga_delivery_backoff_seconds))


def load_event_policy(base: ReminderPolicy | None = None) -> EventPolicy:
    """AIGA_EVENT_REMINDERS ("1d,1h": before the start), AIGA_EVENT_ANNOUNCE_DAYS (14) and
    the reminder hour / closed days of the rounds (AIGA_REMINDER_HOUR, …)."""
    from dotenv import dotenv_values

    from bot.settings import SettingsError

    env = {**dotenv_values(".env"), **os.environ}
    policy = base or ReminderPolicy()
    try:
        reminders = events.parse_reminders(env.get("AIGA_EVENT_REMINDERS") or "1d,1h")
    except ValueError as exc:
        raise SettingsError(f"setting AIGA_EVENT_REMINDERS: {exc}") from None
    days = (env.get("AIGA_EVENT_ANNOUNCE_DAYS") or "14").strip()
    if not days.isdigit() or int(days) > 90:
        raise SettingsError("setting AIGA_EVENT_ANNOUNCE_DAYS: a number of days from 0 to 90")
    return EventPolicy(reminders=reminders, announce_days=int(days), hour=policy.hour,
                       closed_days=policy.closed_days)


async def _close(deliverer: Deliverer) -> None:
    for notifier in deliverer.notifiers.values():
        await notifier.close()


def run_worker(database_url: str, *, once: bool = False) -> int:
    """`aiga-bot worker`: tick until SIGTERM / SIGINT; `once` runs a single tick."""
    from bot.settings import load_settings

    tick = load_settings().aiga_worker_tick_seconds

    async def main() -> int:
        database = Database(database_url)
        deliverer = build_deliverer(database)
        if not deliverer.notifiers:
            print("setting SLACK_BOT_TOKEN: required by the worker to deliver reminders",
                  flush=True)
            return 2
        try:
            if once:
                report = await deliverer.deliver_due()
                print("another worker holds the lock" if not report.locked
                      else _summary(report), flush=True)
                return 0
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(signum, stop.set)
            runner = WorkerRunner(deliverer, tick)
            runner.start()
            print(f"worker started: every {tick:g} s, platforms "
                  f"{', '.join(deliverer.notifiers)}", flush=True)
            await stop.wait()
            await runner.stop()
            print("worker stopped", flush=True)
            return 0
        finally:
            await _close(deliverer)
            database.dispose()

    return asyncio.run(main())


def mount_scheduler(app: web.Application, database: Database,
                    settings: Settings | None = None) -> bool:
    """Run the worker inside `aiga-bot serve` (single machine): start with the server, stop
    with it. Returns False (nothing mounted) when AIGA_WORKER_IN_PROCESS=false, e.g. because
    the Procfile's `worker` process does the delivering."""
    from bot.settings import load_settings

    worker = load_settings()
    if not worker.aiga_worker_in_process:
        return False
    state: dict[str, object] = {}

    async def on_startup(_app: web.Application) -> None:
        deliverer = build_deliverer(database, settings)
        if not deliverer.notifiers:
            log.warning("worker: no platform configured; reminders are not delivered")
            return
        runner = WorkerRunner(deliverer, worker.aiga_worker_tick_seconds)
        runner.start()
        state["runner"], state["deliverer"] = runner, deliverer

    async def on_cleanup(_app: web.Application) -> None:
        runner, deliverer = state.get("runner"), state.get("deliverer")
        if isinstance(runner, WorkerRunner):
            await runner.stop()
        if isinstance(deliverer, Deliverer):
            await _close(deliverer)

    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    return True
