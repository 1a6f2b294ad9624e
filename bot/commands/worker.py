"""`aiga-bot worker [--once]`: deliver round notices, event notices and broadcasts.

The Procfile's `worker` line runs this; `aiga-bot serve` runs the same scheduler in-process
unless AIGA_WORKER_IN_PROCESS=false. Two workers started by mistake are harmless: only the one
holding the database lock delivers, and every delivery has a unique key. Logging is set up as
for `serve` (bot/logging_setup.py): JSON or text per LOG_FORMAT, LOG_LEVEL, secrets redacted.
"""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    worker = sub.add_parser("worker", help="deliver announcements and reminders (scheduler)")
    worker.add_argument("--once", action="store_true",
                        help="deliver what is due now, then exit (cron, checks)")
    worker.set_defaults(func=cmd_worker)


def cmd_worker(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from bot.logging_setup import configure_logging
    from bot.settings import load_settings
    from bot.worker import run_worker
    from store.db import Database
    from store.migrate import is_current

    settings = load_settings()
    configure_logging(settings.log_level, settings.log_format, secrets=settings.secrets())
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
    return run_worker(settings, once=args.once)
