"""`aiga-bot serve [--port N]`: the chat server (Slack and Teams) on one port.

The Procfile's `web` line. Settings come from the environment and .env (bot/settings.py); logs
are JSON lines on stderr when it is not a terminal (bot/logging_setup.py).
"""

from __future__ import annotations

import argparse
import logging
import time


def register(sub: argparse._SubParsersAction) -> None:
    serve = sub.add_parser("serve", help="run the chat server (Slack HTTP / Socket Mode, Teams)")
    serve.add_argument("--port", type=int, help="port to listen on (default: PORT, else 3000)")
    serve.add_argument("--host", default="0.0.0.0", help="address to bind (default: 0.0.0.0)")
    serve.set_defaults(func=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    started = time.monotonic()
    from sqlalchemy.exc import SQLAlchemyError

    from bot.logging_setup import configure_logging
    from bot.server import run
    from bot.settings import SettingsError, load_serve_settings
    from store.db import Database
    from store.migrate import require_current, schema_status

    settings = load_serve_settings()
    port = args.port if args.port is not None else settings.port
    if not 1 <= port <= 65535:
        raise SettingsError("setting --port: must be between 1 and 65535")
    configure_logging(settings.log_level, settings.log_format, secrets=settings.secrets())
    database = Database(settings.database_url)
    try:
        status = schema_status(database.engine)
    except SQLAlchemyError as exc:
        # the server still starts: /readyz says 503 until the database answers, turns answer
        # politely meanwhile
        logging.getLogger(__name__).warning("database not reachable at start-up: %s",
                                            type(exc).__name__)
    else:
        require_current(status)  # SchemaError: bot.cli.main prints the fix, exit 2
    finally:
        database.dispose()
    return run(settings, host=args.host, port=port, started=started)
