"""The deliverer core: the same claim → send → record for every kind of delivery.

A tick:
1. takes the worker lock (PostgreSQL advisory lock / SQLite file lock) or does nothing;
2. settles deliveries a killed worker left "sending": asks the platform whether the message
   exists (then it is recorded as sent) or not (then it is sent again);
3. lets each subject re-plan its pending slots (a deadline extended, an event moved);
4. hands each subject its due slots to turn into one delivery row per recipient;
5. sends each ready delivery: claim (committed) → skip if no longer wanted → compose → send →
   record; retries with backoff, permanent failures recorded for the secretariat;
6. closes slots whose deliveries are all final.
What is sent, to whom and when it is no longer wanted is the subject's business
(bot/worker/rounds.py, events.py, broadcasts.py); everything else is here.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.events_http import CalendarLinks
from bot.notify import Notifier, Outcome, SendResult, Target
from bot.worker.base import AUDIENCE_INFO, Audience, Job, Subject, TickReport, is_direct, noun_of
from bot.worker.broadcasts import Broadcasts
from bot.worker.events import EventNotices
from bot.worker.faq_notices import FaqNotices
from bot.worker.navi_notices import NaviNotices
from bot.worker.rounds import RoundNotices
from bot.worker.surveys import SurveyNotices
from handlers.dates import now_tokyo
from handlers.events.reminders import EventPolicy
from handlers.rounds.reminders import ReminderPolicy
from handlers.types import Lang, Reply
from rubrics.loader import RubricRegistry, registry
from store import reminders as rstore
from store.db import Database
from store.models import User
from store.reminders import Delivery, ReminderSlot
from store.worker_lock import WorkerLock

log = logging.getLogger("bot.worker")

BACKOFF_CAP = timedelta(minutes=30)
BLOCKED_PAUSE = timedelta(minutes=5)
# seconds between two messages to one conversation: Slack's chat.postMessage allows ~1 per second
# per channel, Teams 7 per second per conversation
PACE = {"slack": 1.0, "teams": 1 / 7, "email": 0.0}
# messages per second to all conversations of a platform: Slack allows "several hundred per
# minute" per workspace, Teams 50 requests per second per bot; e-mail providers commonly limit
# submissions to a few per second per account
RATE = {"slack": 5.0, "teams": 30.0, "email": 5.0}
CONCURRENCY = 8  # conversations sent to at the same time (each paced on its own)


class Deliverer:
    """Delivers what is due. Safe to run in several processes at once: the lock and the unique
    delivery keys make sure each message goes out once."""

    def __init__(self, database: Database, notifiers: Mapping[str, Notifier], *,
                 rubrics: RubricRegistry | None = None, policy: ReminderPolicy | None = None,
                 announce: list[Target] | None = None, secretariat: list[Target] | None = None,
                 admins: frozenset[str] = frozenset(), clock: Callable[[], datetime] = now_tokyo,
                 max_attempts: int = 6, backoff: timedelta = timedelta(seconds=30),
                 lock: WorkerLock | None = None, event_policy: EventPolicy | None = None,
                 pace: Mapping[str, float] | None = None,
                 rate: Mapping[str, float] | None = None, concurrency: int = CONCURRENCY,
                 links: CalendarLinks | None = None) -> None:
        self.db = database
        self.notifiers = dict(notifiers)
        self.audience = Audience(
            self.notifiers, [t for t in announce or [] if t.platform in self.notifiers],
            [t for t in secretariat or [] if t.platform in self.notifiers], admins)
        self.clock = clock
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.lock = lock or WorkerLock(database)
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}"
        self.stopping = False
        # pace={} (tests) turns both the per-conversation pace and the platform rate off
        self.pace = dict(PACE if pace is None else pace)
        self.rate = dict(rate if rate is not None else RATE if pace is None else {})
        self.concurrency = max(1, concurrency)
        self._last_sent: dict[tuple[str, str], float] = {}
        self._next_free: dict[str, float] = {}
        self.subjects: dict[str, Subject] = {s.noun: s for s in (
            # this order is the order due slots become deliveries within a tick
            EventNotices(database, self.audience, event_policy or EventPolicy(),
                         links or CalendarLinks()),
            Broadcasts(self.audience),
            FaqNotices(self.audience),
            SurveyNotices(self.audience),
            RoundNotices(self.audience, policy or ReminderPolicy(), rubrics or registry()),
            NaviNotices(rubrics or registry()),  # an assessment's team messages (issue 18)
        )}

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
            log.info("worker tick: %s", report.summary())
        return report

    # ----- 2. orphans ----------------------------------------------------------------------------

    async def _settle_orphans(self, now: datetime, report: TickReport) -> None:
        for row in await asyncio.to_thread(self._orphans):
            notifier = self.notifiers.get(row.platform)
            target = Target(row.platform, row.address, direct=is_direct(row.recipient))
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
            session.info[AUDIENCE_INFO] = self.audience  # add_recipients(orgs=…): e-mail?
            for subject in self.subjects.values():
                report.planned += subject.plan(session, now)
            due = rstore.due_slots(session, now)  # in time order
            for noun, subject in self.subjects.items():
                mine = [s for s in due if noun_of(s.subject) == noun]
                if mine:
                    subject.expand(session, mine, now, report)
            for slot in due:
                if noun_of(slot.subject) not in self.subjects:
                    slot.status, slot.note = rstore.CANCELLED, "unknown subject"
                    slot.updated_at = now

    # ----- 5. send --------------------------------------------------------------------------------

    async def _send_ready(self, clock: Callable[[], datetime], report: TickReport) -> None:
        """Send the ready deliveries: one lane per conversation (in order, paced), up to
        `concurrency` lanes at once, so a slow or rate-limited conversation (a 429 waiting out
        its Retry-After) holds up only itself."""
        blocked: set[str] = set()
        lanes: dict[tuple[str, str], list[int]] = {}
        for delivery_id, platform, address in await asyncio.to_thread(self._ready, clock()):
            lanes.setdefault((platform, address), []).append(delivery_id)
        if not lanes:
            return
        gate = asyncio.Semaphore(self.concurrency)
        halted: list[str] = []

        async def lane(ids: list[int]) -> None:
            async with gate:
                for delivery_id in ids:
                    if halted:
                        return
                    if self.stopping or not await asyncio.to_thread(self.lock.still_held):
                        halted.append("stopped before the batch ended")
                        return
                    await self._deliver_one(delivery_id, clock, report, blocked)

        await asyncio.gather(*(lane(ids) for ids in lanes.values()))
        report.notes.extend(halted[:1])

    async def _deliver_one(self, delivery_id: int, clock: Callable[[], datetime],
                           report: TickReport, blocked: set[str]) -> None:
        """Claim → (retry: already posted?) → compose → send → record, for one delivery."""
        job = await asyncio.to_thread(self._claim, delivery_id, clock(), report, blocked)
        if job is None:
            return
        notifier = self.notifiers[job.target.platform]
        await self._pace(job.target)
        if job.attempts > 1 and await notifier.was_sent(job.target, job.key,
                                                        job.first_claimed_at):
            await asyncio.to_thread(self._finish, job.delivery_id, rstore.SENT, clock(),
                                    "found posted before retry", None)
            report.confirmed += 1
            return
        result = await self._send(notifier, job, clock())
        if result.outcome is Outcome.BLOCKED:
            blocked.add(job.target.platform)
            log.error("worker: %s refuses the bot (%s); pausing it", job.target.platform,
                      result.detail)
        await asyncio.to_thread(self._record, job, result, clock(), report)
        if result.outcome is Outcome.SENT:
            await self._subject(job.subject).after_sent(notifier, job, clock())

    async def _send(self, notifier: Notifier, job: Job, now: datetime) -> SendResult:
        """Compose (in the user's language, as of now) and send; never raises."""
        if not job.target.direct:
            langs: list[Lang] = ["ja", "en"]  # a channel is read by everyone: both languages
        elif job.locale in ("ja", "en"):
            langs = [job.locale]  # type: ignore[list-item]
        else:
            langs = [await notifier.language(job.target) or "ja"]
        try:
            replies = await asyncio.to_thread(self._compose, job, langs, now)
            send = notifier.send_direct if job.target.direct else notifier.send_channel
            return await send(job.target, replies, job.key)
        except Exception as exc:  # a bug or a broken rubric must not leave the row "sending"
            log.exception("worker: delivery %s failed", job.delivery_id)
            return SendResult.retry(type(exc).__name__)

    def _compose(self, job: Job, langs: list[Lang], now: datetime) -> list[Reply]:
        with self.db.transaction() as session:
            return self._subject(job.subject).compose(session, job, langs, now)

    def _ready(self, now: datetime) -> list[tuple[int, str, str]]:
        with self.db.transaction() as session:
            return rstore.ready_lanes(session, now)

    def _claim(self, delivery_id: int, now: datetime, report: TickReport,
               blocked: set[str]) -> Job | None:
        """Claim one delivery (committed before anything is sent) and, in the same transaction,
        drop it if its subject no longer wants it sent (submitted, muted, cancelled, …)."""
        with self.db.transaction() as session:
            row = session.get(Delivery, delivery_id)
            if row is None or row.platform in blocked or row.platform not in self.notifiers:
                return None
            if not rstore.claim(session, delivery_id, self.worker_id, now):
                return None  # another worker has it
            session.refresh(row)
            subject = self.subjects.get(noun_of(row.subject))
            kind = subject.kind(session, row) if subject is not None else ""
            reason = (subject.skip(session, row, kind, now) if subject is not None
                      else (rstore.SKIPPED, "unknown subject"))
            if reason is not None:
                status, detail = reason
                rstore.finish(session, row.id, status, now, detail=detail)
                if status == rstore.MISSED:
                    report.missed += 1
                else:
                    report.skipped += 1
                return None
            user = session.get(User, row.user_id) if row.user_id is not None else None
            return Job(row.id, row.key, kind, row.round_id, row.org_id,
                       Target(row.platform, row.address, direct=is_direct(row.recipient)),
                       user.locale if user is not None else None, row.attempts,
                       row.first_claimed_at or now, subject=row.subject or "", slot=row.slot)

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

    # ----- 6. close slots ------------------------------------------------------------------------

    def _close_slots(self, now: datetime) -> None:
        with self.db.transaction() as session:
            for slot in rstore.open_slots(session):
                if rstore.unfinished_count(session, slot.round_id, slot.name,
                                           subject=slot.subject) == 0:
                    slot.status, slot.updated_at = rstore.DONE, now
                    self._slot_done(session, slot, now)

    def _slot_done(self, session: Session, slot: ReminderSlot, now: datetime) -> None:
        subject = self.subjects.get(noun_of(slot.subject))
        if subject is not None:
            subject.slot_done(session, slot, now)

    def _subject(self, subject: str | None) -> Subject:
        return self.subjects[noun_of(subject)]

    async def _pace(self, target: Target) -> None:
        """At most one message per `pace` seconds to one conversation, and at most `rate`
        messages per second to the whole platform (the limits the platforms set)."""
        loop = asyncio.get_running_loop()
        rate = self.rate.get(target.platform, 0.0)
        if rate > 0:  # reserve the platform's next free moment, then wait for it
            start = max(loop.time(), self._next_free.get(target.platform, 0.0))
            self._next_free[target.platform] = start + 1 / rate
            if (wait := start - loop.time()) > 0:
                await asyncio.sleep(wait)
        interval = self.pace.get(target.platform, 0.0)
        if interval <= 0:
            return
        key = (target.platform, target.address)
        wait = self._last_sent.get(key, -1e9) + interval - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        self._last_sent[key] = loop.time()
