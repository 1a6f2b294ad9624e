"""`aiga-bot worker [--once]`: deliver round announcements, reminders and summaries.

The Procfile's `worker` line runs this; `aiga-bot serve` runs the same scheduler in-process
unless AIGA_WORKER_IN_PROCESS=false. Two workers started by mistake are harmless: only the one
holding the database lock delivers, and every delivery has a unique key.
"""

from __future__ import annotations

import argparse
import logging
import sys


def register(sub: argparse._SubParsersAction) -> None:
    worker = sub.add_parser("worker", help="deliver announcements and reminders (scheduler)")
    worker.add_argument("--once", action="store_true",
                        help="deliver what is due now, then exit (cron, checks)")
    worker.set_defaults(func=cmd_worker)


def cmd_worker(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from bot.settings import load_settings
    from bot.worker import run_worker
    from store.db import Database
    from store.migrate import is_current

    settings = load_settings()
    logging.getLogger().setLevel(logging.INFO)
    for noisy in ("slack_sdk", "apscheduler.executors", "apscheduler.scheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    database = Database(settings.database_url)
    try:
        if not is_current(database.engine):
            print("the database schema is not up to date: run `aiga-bot db upgrade` first",
                  file=sys.stderr)
            return 2
    except SQLAlchemyError as exc:
        print(f"the database cannot be reached ({type(exc).__name__}); check DATABASE_URL",
              file=sys.stderr)
        return 2
    finally:
        database.dispose()
    return run_worker(settings.database_url, once=args.once)
