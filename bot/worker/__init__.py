"""The worker: delivers what the bot says first — round notices, event notices, broadcasts —
each message exactly once, on Slack and Teams.

    core.py        the Deliverer: lock, settle interrupted sends, plan, expand, claim, send,
                   record, retry with backoff, close slots (the same for every kind)
    base.py        the `Subject` protocol every kind implements, and Job / TickReport
    rounds.py      round announcement, reminders, the secretariat's summary
    events.py      event announcement, reminders, change, cancellation, proposals
                   (where event reminders are configured and computed: its docstring)
    broadcasts.py  an admin's broadcast and the report to its sender (how one is composed)
    runner.py      the APScheduler tick, settings → Deliverer, `aiga-bot worker`, and the
                   scheduler inside `aiga-bot serve`; SIGTERM lets the sends in flight finish
    preview.py     a round's slots, recipients and exact texts without sending; a test copy
                   to an admin; a new round's past slots (skip them at opening)

A new kind of delivery (member surveys are next) is one module beside rounds.py implementing
`Subject`, registered in `Deliverer.__init__`.
"""

from bot.worker.base import Job, Subject, TickReport
from bot.worker.core import BACKOFF_CAP, BLOCKED_PAUSE, CONCURRENCY, PACE, RATE, Deliverer
from bot.worker.runner import (
    WorkerRunner,
    build_deliverer,
    load_event_policy,
    mount_scheduler,
    run_worker,
)

__all__ = ["BACKOFF_CAP", "BLOCKED_PAUSE", "CONCURRENCY", "PACE", "RATE", "Deliverer", "Job", "Subject", "TickReport",
           "WorkerRunner", "build_deliverer", "load_event_policy", "mount_scheduler",
           "run_worker"]
