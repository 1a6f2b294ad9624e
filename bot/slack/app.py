"""The Slack side of the server: Bolt app, HTTP endpoint, Socket Mode, background work.

Every listener acknowledges first and hands the real work to a background task, so Slack gets
its answer within milliseconds whatever the database or the Web API are doing. The pieces:
bot/slack/ingress.py (the gate in front of Bolt: signature, limits, types), listeners.py (ack
and spawn), turns.py (one user turn through the router), claims.py (exactly once, and whether a
click counts), delivery.py (replies → messages), identity.py and home.py.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.middleware.authorization.async_single_team_authorization import (
    AsyncSingleTeamAuthorization,
)
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier
from sqlalchemy.exc import SQLAlchemyError

from bot.settings import Settings, SettingsError
from bot.slack import ingress, listeners
from bot.slack.claims import Claims
from bot.slack.client import SLACK_ERRORS, describe_error, keep_alive, make_client
from bot.slack.delivery import Delivery
from bot.slack.home import Home
from bot.slack.identity import Identity
from bot.slack.turns import Turns
from handlers.router import Router
from rubrics.loader import RubricRegistry
from store import slack as store
from store.db import Database

log = logging.getLogger(__name__)

COMMAND = listeners.COMMAND
REJECTED_TOKEN = {"invalid_auth", "not_authed", "account_inactive", "token_revoked",
                  "token_expired", "not_allowed_token_type"}
_SKIPPED_HEADERS = {"content-type", "content-length"}
INLINE_CHECK_BYTES = 32 * 1024  # bodies checked on the event loop; larger ones in a thread


class SlackStartupError(SettingsError):
    """Slack refused the configured token: a setting problem, so bot/cli.py prints one line
    naming the setting and exits 2, like every other configuration problem."""


class SlackBot:
    """The Slack side of the server: Bolt app, HTTP endpoint, Socket Mode, background work."""

    def __init__(self, settings: Settings, database: Database, router: Router,
                 rubrics: RubricRegistry, clock: Callable[[], datetime]) -> None:
        assert settings.slack_bot_token is not None, "checked by load_serve_settings()"
        self.settings = settings
        self.db = database
        self.router = router
        self.clock = clock
        self.client = make_client(settings.slack_bot_token.get_secret_value(),
                                  settings.slack_api_url)
        secret = (settings.slack_signing_secret.get_secret_value()
                  if settings.slack_signing_secret else "")
        self.verifier = SignatureVerifier(secret) if secret else None
        # process_before_response: our listeners only ack and spawn (microseconds), so running
        # them before the response is free and makes "spawned" a fact once Slack has its 200.
        # Bolt's signature check is off: the ingress checks it and hands Bolt the validated body
        # re-serialised, which no longer matches the signature (Socket Mode has none anyway)
        self.bolt = AsyncApp(client=self.client, signing_secret=secret,
                             request_verification_enabled=False,
                             process_before_response=True, logger=log)
        self.identity = Identity(self.client, database, clock)
        self.delivery = Delivery(self.client, database, clock)
        self.home = Home(self.client, database, rubrics, clock)
        self.claims = Claims(database, clock)
        self.turns = Turns(self.client, router, self.claims, self.identity, self.delivery,
                           self.home, self.spawn, self._guard)
        self.socket_handler = None
        self._session = None  # the Web API's kept-alive HTTP session, from start() to stop()
        self._tasks: set[asyncio.Task] = set()
        listeners.register(self.bolt, self.turns, self.spawn)

    # ----- life cycle ---------------------------------------------------------------------------

    def mount(self, app: web.Application) -> None:
        """Add POST /slack/events (HTTP mode) and the start/stop hooks to the server."""
        if not self.settings.slack_socket_mode:
            app.router.add_post("/slack/events", self.handle_http)
        app.on_startup.append(lambda _app: self.start())
        app.on_shutdown.append(lambda _app: self.stop())

    @property
    def mode(self) -> str:
        return "socket" if self.settings.slack_socket_mode else "http"

    async def start(self) -> None:
        self._session = keep_alive(self.client)
        try:
            await self._warm_up()
        except SlackStartupError:  # start-up stops here: stop() will not run to close it
            await self._close_session()
            raise
        try:
            removed = await asyncio.to_thread(store.prune, self.db, self.clock())
            log.info("slack: pruned %d old dedupe keys", removed)
        except SQLAlchemyError:
            log.warning("slack: database not reachable at start-up; dedupe keys not pruned")
        if self.settings.slack_socket_mode:
            from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

            assert self.settings.slack_app_token is not None
            self.socket_handler = AsyncSocketModeHandler(
                self.bolt, self.settings.slack_app_token.get_secret_value())
            await self.socket_handler.connect_async()
            log.info("slack: connected in Socket Mode")

    async def stop(self) -> None:
        if self.socket_handler is not None:
            await self.socket_handler.close_async()
        await self.idle(timeout=10)
        self.claims.stop()
        await self._close_session()

    async def _close_session(self) -> None:
        if self._session is not None:
            self.client.session = None  # a late call opens its own session, as before start()
            await self._session.close()
            self._session = None

    async def _warm_up(self) -> None:
        """auth.test once at start: a rejected token stops start-up, and Bolt's authorization
        gets the answer now instead of on the first request (which must ack within 3 s)."""
        try:
            auth = await self.client.auth_test()
        except SlackApiError as exc:
            code = describe_error(exc)
            if code in REJECTED_TOKEN:
                raise SlackStartupError(
                    f"setting SLACK_BOT_TOKEN: Slack rejected the token ({code})") from None
            log.warning("slack: auth.test failed at start-up (%s); will retry on demand", code)
            return
        except SLACK_ERRORS as exc:
            log.warning("slack: Web API not reachable at start-up (%s)", describe_error(exc))
            return
        for middleware in getattr(self.bolt, "_async_middleware_list", []):
            if isinstance(middleware, AsyncSingleTeamAuthorization):
                middleware.auth_test_result = auth
        log.info("slack: signed in as %s in team %s", auth.get("user_id"), auth.get("team_id"))

    def spawn(self, work: Awaitable[None]) -> None:
        """Run `work` after the ack; exceptions are logged, never lost silently."""
        task = asyncio.ensure_future(self._guard(work))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def idle(self, timeout: float = 30, *, flush_home: bool = True) -> None:
        """Wait until every background turn has finished (tests, shutdown); `flush_home`: and
        publish at once the App Home views still waiting for their moment."""
        deadline = asyncio.get_running_loop().time() + timeout
        while self._tasks:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                log.warning("slack: %d background turns still running", len(self._tasks))
                return
            await asyncio.wait(list(self._tasks), timeout=left)
        if flush_home:
            await self.home.flush()

    @staticmethod
    async def _guard(work: Awaitable[None]) -> None:
        try:
            await work
        except Exception:
            log.exception("slack: background turn failed")

    # ----- HTTP ---------------------------------------------------------------------------------

    async def handle_http(self, request: web.Request) -> web.Response:
        body = await request.read()
        if self.verifier is None:  # pragma: no cover - HTTP mode always has a secret
            return web.json_response({"error": "not configured"}, status=503)
        rejection = ingress.verify(self.verifier, body,
                                   request.headers.get("X-Slack-Request-Timestamp"),
                                   request.headers.get("X-Slack-Signature"))
        # off the event loop: a megabyte of JSON takes a few tens of milliseconds to check; a
        # click's few kilobytes take tens of microseconds, less than the hand-off itself
        if rejection is not None:
            outcome = rejection
        elif len(body) <= INLINE_CHECK_BYTES:
            outcome = ingress.check(body, request.content_type)
        else:
            outcome = await asyncio.to_thread(ingress.check, body, request.content_type)
        if isinstance(outcome, ingress.Rejection):
            log.info("slack: %d %s", outcome.status, outcome.reason)
            return web.json_response({"error": outcome.reason}, status=outcome.status)
        headers = {k: request.headers.getall(k) for k in set(request.headers.keys())
                   if k.lower() not in _SKIPPED_HEADERS}
        headers["content-type"] = [outcome.content_type]
        bolt_request = AsyncBoltRequest(body=outcome.body, query=request.query_string,
                                        headers=headers)
        return await to_aiohttp_response(await self.bolt.async_dispatch(bolt_request))
