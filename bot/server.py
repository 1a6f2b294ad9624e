"""The one HTTP server every platform plugs into (aiohttp).

`create_app` builds it: GET /healthz always, Slack's POST /slack/events (HTTP mode) or its
Socket Mode connection, and later Teams' /api/messages. Platform objects hook their own start
and stop into the application, so `aiga-bot serve` and the tests run exactly the same thing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Protocol

from aiohttp import web
from sqlalchemy import text

from bot.settings import Settings
from handlers.dates import now_tokyo
from handlers.router import Router
from rubrics.loader import RubricRegistry, registry
from store.db import Database

log = logging.getLogger(__name__)

DATABASE_KEY = web.AppKey("database", Database)
PLATFORMS_KEY = web.AppKey("platforms", dict)
HEALTH_DB_TIMEOUT = 2.0  # seconds: a health probe must answer quickly even when the DB hangs
MAX_BODY = 1024 * 1024  # Slack's payloads are far smaller; anything bigger is not from Slack


class Platform(Protocol):
    """What a chat platform gives the server: its routes and start/stop hooks, and a mode
    word for /healthz ("http", "socket"…)."""

    mode: str

    def mount(self, app: web.Application) -> None: ...


# name → factory(settings, database, router, rubrics, clock), or None when not configured.
# Teams adds its entry here (and its route /api/messages in its own mount()).
PlatformFactory = Callable[[Settings, Database, Router, RubricRegistry, Callable[[], datetime]],
                           "Platform | None"]


def _slack(settings: Settings, database: Database, router: Router, rubrics: RubricRegistry,
           clock: Callable[[], datetime]) -> Platform | None:
    if settings.slack_bot_token is None:
        return None
    from bot.slack.app import SlackBot

    return SlackBot(settings, database, router, rubrics, clock)


PLATFORMS: dict[str, PlatformFactory] = {"slack": _slack}


def create_app(settings: Settings, database: Database, *, rubrics: RubricRegistry | None = None,
               clock: Callable[[], datetime] = now_tokyo) -> web.Application:
    """The server with every platform that is configured; all share one router."""
    rubrics = rubrics or registry()
    router = Router(database, rubrics=rubrics, admins=settings.admin_ids, clock=clock)
    app = web.Application(client_max_size=MAX_BODY)
    app[DATABASE_KEY] = database
    app[PLATFORMS_KEY] = {}
    app.router.add_get("/healthz", healthz)
    for name, factory in PLATFORMS.items():
        platform = factory(settings, database, router, rubrics, clock)
        if platform is not None:
            platform.mount(app)
            app[PLATFORMS_KEY][name] = platform
    return app


async def healthz(request: web.Request) -> web.Response:
    """200 with a small status: is the process up, does the database answer, which platforms."""
    database = request.app[DATABASE_KEY]
    try:
        db_ok = await asyncio.wait_for(asyncio.to_thread(_ping, database), HEALTH_DB_TIMEOUT)
    except Exception:  # a timeout or any driver error means "does not answer"
        db_ok = False
    platforms = {name: getattr(p, "mode", "on") for name, p in request.app[PLATFORMS_KEY].items()}
    return web.json_response({"status": "ok", "database": db_ok, "platforms": platforms,
                              "version": _version()})


def _ping(database: Database) -> bool:
    with database.engine.connect() as connection:
        return connection.execute(text("SELECT 1")).scalar() == 1


def _version() -> str:
    try:
        return version("aiga-navi-bot")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "dev"


def run(settings: Settings, *, host: str, port: int) -> int:
    """Serve until SIGINT/SIGTERM; platforms finish their in-flight turns on the way out."""
    database = Database(settings.database_url)
    app = create_app(settings, database)
    modes = ", ".join(f"{name}: {p.mode}" for name, p in app[PLATFORMS_KEY].items())

    def announce(_: str) -> None:
        print(f"AIGA Navi Bot listening on http://{host}:{port} ({modes})", flush=True)

    try:
        web.run_app(app, host=host, port=port, print=announce, access_log=None,
                    shutdown_timeout=15)
    finally:
        database.dispose()
    return 0
