"""Running the deliverer: the APScheduler tick, the settings → Deliverer wiring, `aiga-bot
worker` and the in-process scheduler of `aiga-bot serve`.

The schedule is in the database (`reminder_slots`, `deliveries`); APScheduler only calls
`Deliverer.deliver_due()` every few seconds, so there is no job state to pickle or lose.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from datetime import datetime, timedelta

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.notify import Notifier
from bot.settings import Settings, load_settings
from bot.worker.core import RATE, Deliverer
from handlers.dates import TOKYO, now_tokyo
from handlers.events.reminders import EventPolicy
from handlers.rounds.reminders import ReminderPolicy
from store.db import Database

log = logging.getLogger("bot.worker")


class WorkerRunner:
    """APScheduler (AsyncIOScheduler, in-memory job store) starting `deliver_due` every tick.

    The scheduled job only *starts* a tick as a task of our own, and returns at once: a tick
    still running when the next one is due is simply not started again (no "maximum number of
    running instances reached" in the log), and shutting the scheduler down never cancels a
    tick — APScheduler's asyncio executor cancels the jobs it runs, which would cut a send in
    flight (CancelledError) and leave its delivery for the next worker to settle.
    """

    def __init__(self, deliverer: Deliverer, tick_seconds: float) -> None:
        self.deliverer = deliverer
        self.tick_seconds = tick_seconds
        self.scheduler: AsyncIOScheduler | None = None
        self._running: asyncio.Task | None = None

    def start(self) -> None:
        """Start on the running event loop; the first tick runs at once (catch-up)."""
        self.scheduler = AsyncIOScheduler(timezone=TOKYO)
        self.scheduler.add_job(self._kick, "interval", seconds=self.tick_seconds,
                               id="deliver_due", next_run_time=datetime.now(TOKYO),
                               max_instances=1, coalesce=True, misfire_grace_time=None)
        self.scheduler.start()

    async def _kick(self) -> None:
        """The scheduled job: start a tick unless one is running or we are stopping."""
        if self.deliverer.stopping or (self._running is not None and not self._running.done()):
            return
        self._running = asyncio.get_running_loop().create_task(self._tick(), name="worker-tick")

    async def _tick(self) -> None:
        try:
            await self.deliverer.deliver_due()
        except Exception:  # the database is away, say: log and try again next tick
            log.exception("worker tick failed")

    async def stop(self, timeout: float = 30) -> None:
        """Stop starting ticks, let the sends in flight finish and be recorded (the deliverer
        takes nothing new once `stopping` is set), then return. After `timeout` seconds the
        tick is cancelled: its delivery stays "sending" and the next worker settles it."""
        self.deliverer.stopping = True
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        running = self._running
        if running is None or running.done():
            return
        done, _ = await asyncio.wait({running}, timeout=timeout)
        if not done:
            log.warning("worker: tick still running after %.0f s; cancelling it", timeout)
            running.cancel()
            await asyncio.wait({running}, timeout=5)


def build_deliverer(database: Database, settings: Settings | None = None, *,
                    clock: Callable[[], datetime] = now_tokyo) -> Deliverer:
    """A Deliverer from the settings: Slack when SLACK_BOT_TOKEN is set, Teams when
    MICROSOFT_APP_ID is set (or the local Teams test client is allowed), e-mail when
    AIGA_SMTP_HOST and AIGA_MAIL_FROM are set."""
    settings = settings or load_settings()
    notifiers: dict[str, Notifier] = {}
    if settings.slack_bot_token is not None:
        from bot.slack_notify import SlackNotifier

        notifiers["slack"] = SlackNotifier(settings.slack_bot_token.get_secret_value(),
                                           settings.slack_api_url, database, clock)
    if settings.teams_enabled:
        from bot.teams.notify import TeamsNotifier

        notifiers["teams"] = TeamsNotifier(settings, database, clock)  # a TeamsSettings
    if settings.email_enabled:  # AIGA_SMTP_HOST and AIGA_MAIL_FROM
        from bot.email_notify import EmailNotifier

        notifiers["email"] = EmailNotifier(settings, database, clock)
    return Deliverer(database, notifiers, policy=settings.policy(),
                     event_policy=settings.event_policy(),
                     # the mailing list (AIGA_MAILING_LIST) gets what the channels get
                     announce=settings.announce_targets() + settings.mailing_list_targets(),
                     secretariat=settings.secretariat_targets(), admins=settings.admin_ids,
                     clock=clock, max_attempts=settings.aiga_delivery_max_attempts,
                     backoff=timedelta(seconds=settings.aiga_delivery_backoff_seconds),
                     links=settings.calendar_links(), rate=rates(settings),
                     concurrency=settings.aiga_delivery_concurrency)


def rates(settings: Settings) -> dict[str, float]:
    """Messages per second to a whole platform (the per-conversation pace is core.PACE)."""
    return {**RATE, "slack": settings.aiga_slack_rate}


def load_event_policy(base: ReminderPolicy | None = None) -> EventPolicy:
    """The event schedule from the settings (AIGA_EVENT_REMINDERS, AIGA_EVENT_ANNOUNCE_DAYS);
    `base` overrides the reminder hour and closed days. Prefer `Settings.event_policy()`."""
    return load_settings().event_policy(base)


async def _close(deliverer: Deliverer) -> None:
    for notifier in deliverer.notifiers.values():
        await notifier.close()


def run_worker(settings: Settings, *, once: bool = False) -> int:
    """`aiga-bot worker`: tick until SIGTERM / SIGINT; `once` runs a single tick."""
    tick = settings.aiga_worker_tick_seconds

    async def main() -> int:
        database = Database(settings.database_url)
        deliverer = build_deliverer(database, settings)
        if not deliverer.notifiers:
            print("setting SLACK_BOT_TOKEN: required by the worker to deliver reminders",
                  flush=True)
            return 2
        try:
            if once:
                report = await deliverer.deliver_due()
                print("another worker holds the lock" if not report.locked
                      else report.summary(), flush=True)
                return 0
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(signum, stop.set)
            runner = WorkerRunner(deliverer, tick)
            runner.start()
            log.info("worker started: every %g s, platforms %s", tick,
                     ", ".join(deliverer.notifiers))
            print(f"worker started: every {tick:g} s, platforms "
                  f"{', '.join(deliverer.notifiers)}", flush=True)
            await stop.wait()
            await runner.stop(settings.aiga_worker_stop_seconds)
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
    settings = settings or load_settings()
    if not settings.aiga_worker_in_process:
        return False
    state: dict[str, object] = {}

    async def on_startup(_app: web.Application) -> None:
        deliverer = build_deliverer(database, settings)
        if not deliverer.notifiers:
            log.warning("worker: no platform configured; reminders are not delivered")
            return
        runner = WorkerRunner(deliverer, settings.aiga_worker_tick_seconds)
        runner.start()
        state["runner"], state["deliverer"] = runner, deliverer

    async def on_cleanup(_app: web.Application) -> None:
        runner, deliverer = state.get("runner"), state.get("deliverer")
        if isinstance(runner, WorkerRunner):
            await runner.stop(settings.aiga_worker_stop_seconds)
        if isinstance(deliverer, Deliverer):
            await _close(deliverer)

    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    return True
