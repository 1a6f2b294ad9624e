"""The one HTTP server every platform plugs into (aiohttp).

`create_app` builds it: GET /healthz (liveness) and GET /readyz (readiness) always, the signed
chart, file and calendar links (GET /charts/…, GET /files/…, GET /events/….ics), Slack's
POST /slack/events (HTTP mode) or its Socket Mode connection, Teams' POST /api/messages, and in
`aiga-bot serve` the reminder scheduler. Platform objects hook their own start and stop into the
application, so `aiga-bot serve` and the tests run exactly the same thing.

Nothing a second `web` process would need lives in this process's memory: conversation state,
dedupe keys, posted questions, user profiles and the scheduler's lock are all in the database,
so several processes can serve side by side against one PostgreSQL.

Shutdown (SIGTERM or SIGINT), in this order: the listening socket closes; requests still
arriving on open connections get 503 (Slack and Teams retry them, on another process if there is
one); requests in flight finish; each platform finishes the turns it runs after its acks; the
scheduler stops after its send in flight; the database pool is closed.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Protocol

from aiohttp import web

from bot import chart_links, file_links, memory
from bot.events_http import add_event_routes
from bot.logging_setup import REQUEST_ID
from bot.settings import Settings
from handlers.dates import now_tokyo
from handlers.router import Router
from rubrics.loader import RubricRegistry, use_stored
from store.db import Database
from store.migrate import head_revision, schema_status
from store.rubric_versions import StoredRubrics

log = logging.getLogger(__name__)

HEALTH_DB_TIMEOUT = 2.0  # seconds: a probe must answer quickly even when the DB hangs
MAX_BODY = 1024 * 1024  # Slack's and Teams' payloads are far smaller
PROBES = frozenset({"/healthz", "/readyz"})
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")  # a caller's X-Request-Id we keep as is


@dataclass
class ServerState:
    """Per-process bookkeeping for shutdown and probes (nothing another process needs)."""

    head: str | None  # the newest migration this code knows
    draining: bool = False
    in_flight: int = 0
    idle: asyncio.Event | None = None


DATABASE_KEY = web.AppKey("database", Database)
PLATFORMS_KEY = web.AppKey("platforms", dict)
STATE_KEY = web.AppKey("server_state", ServerState)


class Platform(Protocol):
    """What a chat platform gives the server: its routes and start/stop hooks, and a mode
    word for /healthz ("http", "socket"…)."""

    mode: str

    def mount(self, app: web.Application) -> None: ...


# name → factory(settings, database, router, rubrics, clock), or None when not configured.
PlatformFactory = Callable[[Settings, Database, Router, RubricRegistry, Callable[[], datetime]],
                           "Platform | None"]


def _slack(settings: Settings, database: Database, router: Router, rubrics: RubricRegistry,
           clock: Callable[[], datetime]) -> Platform | None:
    if not settings.slack_enabled:
        return None
    from bot.slack.app import SlackBot

    return SlackBot(settings, database, router, rubrics, clock)


def _teams(settings: Settings, database: Database, router: Router, rubrics: RubricRegistry,
           clock: Callable[[], datetime]) -> Platform | None:
    if not settings.teams_enabled:
        return None
    from bot.teams.app import TeamsBot

    return TeamsBot(settings, router, clock)  # Settings is a TeamsSettings


PLATFORMS: dict[str, PlatformFactory] = {"slack": _slack, "teams": _teams}


def create_app(settings: Settings, database: Database, *, rubrics: RubricRegistry | None = None,
               clock: Callable[[], datetime] = now_tokyo,
               scheduler: bool = False) -> web.Application:
    """The server with every platform that is configured; all share one router.
    `scheduler`: also run the reminder worker in this process (`aiga-bot serve` does)."""
    rubrics = rubrics or use_stored(StoredRubrics(database))
    router = Router(database, rubrics=rubrics, admins=settings.admin_ids, clock=clock)
    app = web.Application(client_max_size=MAX_BODY, middlewares=[request_context])
    app[DATABASE_KEY] = database
    app[PLATFORMS_KEY] = {}
    app[STATE_KEY] = ServerState(head=head_revision())
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    add_event_routes(app, database, settings, clock=clock)
    # charts by signed link (Teams cards show them at full size; bot/chart_links.py)
    chart_links.install(chart_links.from_settings(settings))
    chart_links.add_chart_routes(app)
    # generated files (a company's export) by signed link, for Teams (bot/file_links.py)
    file_links.install(file_links.from_settings(settings))
    file_links.add_file_routes(app)
    # first shutdown hook: refuse new requests and let the ones in flight finish, before the
    # platforms' own hooks wait for their background turns
    app.on_shutdown.append(_drain)
    for name, factory in PLATFORMS.items():
        platform = factory(settings, database, router, rubrics, clock)
        if platform is not None:
            platform.mount(app)
            app[PLATFORMS_KEY][name] = platform
    if scheduler:
        from bot.worker import mount_scheduler

        mount_scheduler(app, database, settings)
    return app


# ----- middleware: request ids, an access line, draining ----------------------------------------


@web.middleware
async def request_context(request: web.Request,
                          handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                          ) -> web.StreamResponse:
    given = request.headers.get("X-Request-Id", "")
    request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
    token = REQUEST_ID.set(request_id)  # copied into the tasks and threads this request starts
    state = request.app[STATE_KEY]
    probe = request.path in PROBES
    started = time.perf_counter()
    if not probe:
        state.in_flight += 1
    try:
        if state.draining and not probe:
            response: web.StreamResponse = web.json_response(
                {"error": "shutting down; retry"}, status=503, headers={"Retry-After": "1"})
        elif (request.content_length or 0) > MAX_BODY:
            # refused on its declared size, before a byte of it is buffered: reading up to the
            # limit first left the memory of every oversized request behind
            response = web.json_response({"error": "body too large"}, status=413,
                                         headers={"Connection": "close"})
        else:
            try:
                response = await handler(request)
            except web.HTTPException as exc:  # 404, 405, 413 …: answered as aiohttp does
                response = exc
        response.headers["X-Request-Id"] = request_id
        _access(request, response.status, started, probe)
        if isinstance(response, web.HTTPException):
            raise response
        return response
    except web.HTTPException:
        raise
    except Exception:
        log.exception("request failed: %s %s", request.method, request.path)
        return web.json_response({"error": "internal error"}, status=500,
                                 headers={"X-Request-Id": request_id})
    finally:
        if not probe:
            state.in_flight -= 1
            if state.in_flight == 0 and state.idle is not None:
                state.idle.set()
        REQUEST_ID.reset(token)


def _access(request: web.Request, status: int, started: float, probe: bool) -> None:
    """One line per request: method, path (never the query or body), status, milliseconds."""
    level = logging.DEBUG if probe else logging.INFO
    if log.isEnabledFor(level):
        retry = request.headers.get("X-Slack-Retry-Num")
        log.log(level, "%s %s %d", request.method, request.path, status, extra={
            "http_method": request.method, "path": request.path, "status": status,
            "ms": round((time.perf_counter() - started) * 1000, 1),
            **({"slack_retry": retry} if retry else {})})


async def _drain(app: web.Application) -> None:
    state = app[STATE_KEY]
    state.draining = True
    if state.in_flight:
        state.idle = asyncio.Event()
        log.info("shutdown: waiting for %d requests in flight", state.in_flight)
        try:
            await asyncio.wait_for(state.idle.wait(), 30)
        except TimeoutError:
            log.warning("shutdown: %d requests still in flight", state.in_flight)


# ----- probes ------------------------------------------------------------------------------------


async def healthz(request: web.Request) -> web.Response:
    """Liveness: 200 while the process serves, with a small status (does the database answer,
    which platforms are on). Never 5xx because of the database: restarting would not help."""
    database = request.app[DATABASE_KEY]
    db_ok = await _probe(lambda: _ping(database))
    platforms = {name: getattr(p, "mode", "on") for name, p in request.app[PLATFORMS_KEY].items()}
    return web.json_response({"status": "ok", "database": db_ok, "platforms": platforms,
                              "version": _version()})


async def readyz(request: web.Request) -> web.Response:
    """Readiness: 200 when the database answers and its schema is at this code's newest
    migration; 503 otherwise, and while shutting down."""
    state = request.app[STATE_KEY]
    database = request.app[DATABASE_KEY]
    revision = await _probe(lambda: _revision(database))
    checks = {"database": revision is not False,
              "migrations": "current" if revision == state.head else (
                  "unknown" if revision is False else "not current"),
              "shutting_down": state.draining}
    ready = checks["migrations"] == "current" and not state.draining
    return web.json_response({"status": "ready" if ready else "not ready", **checks},
                             status=200 if ready else 503)


# The probes' own threads: in the pool that runs turns, a probe would queue behind every turn
# in flight and /healthz would look slow exactly when the server is busiest.
_PROBE_THREADS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="probe")


async def _probe(check: Callable[[], object]) -> object:
    """Run a blocking check in a probe thread with a deadline; False when it fails or hangs."""
    loop = asyncio.get_running_loop()
    try:
        return await asyncio.wait_for(loop.run_in_executor(_PROBE_THREADS, check),
                                      HEALTH_DB_TIMEOUT)
    except Exception:  # a timeout or any driver error means "does not answer"
        return False


def _ping(database: Database) -> bool:
    """SELECT 1 on a bare driver connection: no transaction, so on SQLite it never waits for
    the write lock the turns take (BEGIN IMMEDIATE) and answers while they queue."""
    connection = database.engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT 1")
        return cursor.fetchone()[0] == 1
    finally:
        connection.close()


def _revision(database: Database) -> str | None:
    return schema_status(database.engine).revision


def _version() -> str:
    try:
        return version("aiga-navi-bot")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "dev"


# ----- `aiga-bot serve` --------------------------------------------------------------------------


def pool_size(settings: Settings) -> int:
    """Connections the pool keeps: DATABASE_POOL_SIZE, or one for every turn thread plus two
    for the event loop's own short reads. A pool smaller than the thread pool opened and
    closed an overflow connection on many PostgreSQL turns under load (issue 19)."""
    return settings.database_pool_size or settings.turn_threads + 2


def run(settings: Settings, *, host: str, port: int, started: float | None = None) -> int:
    """Serve until SIGTERM/SIGINT, then shut down gracefully (see the module docstring)."""
    started = time.monotonic() if started is None else started
    database = Database(settings.database_url, pool_size=pool_size(settings),
                        max_overflow=settings.database_max_overflow)
    app = create_app(settings, database, scheduler=settings.aiga_worker_in_process)
    modes = ", ".join(f"{name}: {p.mode}" for name, p in app[PLATFORMS_KEY].items())

    async def threads(_app: web.Application) -> None:
        # the router and the database run in worker threads (asyncio.to_thread); the default
        # pool has min(32, cores + 4) threads, too few for 50 members on a 2-core machine
        asyncio.get_running_loop().set_default_executor(
            ThreadPoolExecutor(max_workers=settings.turn_threads, thread_name_prefix="turn"))

    app.on_startup.insert(0, threads)
    memory.mount(app)  # freed heap back to the system after bursts (bot/memory.py)

    def announce(_: str) -> None:
        print(f"AIGA Navi Bot listening on http://{host}:{port} ({modes})", flush=True)
        log.info("ready in %.2f s", time.monotonic() - started,
                 extra={"startup_seconds": round(time.monotonic() - started, 3)})

    try:
        web.run_app(app, host=host, port=port, print=announce, access_log=None,
                    shutdown_timeout=settings.aiga_shutdown_timeout)
    finally:
        database.dispose()
        log.info("stopped; database connections closed")
    return 0
