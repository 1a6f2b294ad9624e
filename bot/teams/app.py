"""POST /api/messages: Bot Framework activities from Teams → the neutral router → Teams.

Each request is checked before anything happens, in this order, and refused with a 4xx that
changes nothing: JSON content type (415), a JSON object with a `type` (400), a token the Bot
Framework signed for this bot when MICROSOFT_APP_ID is set (401), a service URL the bot may call
(400), and for the activity types it acts on, the fields a turn needs (400). Only then does
botbuilder's CloudAdapter run the turn: remember the conversation reference, look the user up,
run the router in a worker thread and deliver its replies before answering 200, so Teams sees
errors and tests see replies.

Token validation runs in a worker thread: the SDK fetches signing keys with blocking `requests`
calls, which must not stall the server's event loop (Slack shares it).
"""

from __future__ import annotations

import asyncio
import json
import logging
import weakref
from collections.abc import Callable
from datetime import datetime

import requests
from aiohttp import web
from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, ActivityTypes
from sqlalchemy import select

from bot.teams import conversations, ingress
from bot.teams.connector import build_authentication
from bot.teams.delivery import Delivery
from bot.teams.guard import ServiceUrlNotAllowed, describe
from bot.teams.identity import Identity
from bot.teams.settings import TeamsSettings
from bot.teams.texts import text as say_teams
from handlers.messages import say
from handlers.router import Router
from handlers.text import guess_lang, locale_to_lang
from handlers.types import Incoming, Lang, Reply, Text
from store import teams as store
from store.models import User

log = logging.getLogger(__name__)

PATH = "/api/messages"
HANDLED = frozenset({ActivityTypes.message, ActivityTypes.conversation_update,
                     "installationUpdate"})  # the activity types a turn acts on
AUTH_TIMEOUT = 15.0  # seconds for token validation, signing-key download included


class TeamsBot:
    """The Teams side of the server: adapter, endpoint, turn handling."""

    def __init__(self, settings: TeamsSettings, router: Router,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.settings = settings
        self.router = router
        self.db = router.db
        self.clock = clock or router.clock
        self.auth = build_authentication(settings)
        self.adapter = CloudAdapter(self.auth)
        self.adapter.on_turn_error = self._on_turn_error
        self.policy = self.auth.policy
        self.identity = Identity(self.db, self.clock)
        self.delivery = Delivery(self.db, self.clock)
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = (
            weakref.WeakValueDictionary())

    # ----- life cycle ---------------------------------------------------------------------------

    def mount(self, app: web.Application) -> None:
        app.router.add_post(PATH, self.handle)
        app.on_startup.append(self._announce)

    @property
    def mode(self) -> str:
        return "auth" if self.settings.auth_enabled else "no-auth (local only)"

    async def _announce(self, _app: web.Application) -> None:
        for line in self.settings.startup_warnings():
            log.warning("%s", line)
        if self.settings.auth_enabled:
            log.info("teams: POST %s, app type %s", PATH, self.settings.app_type)

    # ----- HTTP -----------------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.Response:
        if request.content_type != "application/json":
            return _error(415, "Content-Type must be application/json")
        try:
            data = json.loads(await request.read())
        except (ValueError, UnicodeDecodeError):
            return _error(400, "body is not JSON")
        if not isinstance(data, dict) or not isinstance(data.get("type"), str) or not data["type"]:
            return _error(400, "not an activity: 'type' missing")
        if data.get("text") is not None and not isinstance(data["text"], str):
            # checked on the raw JSON: msrest would coerce [] or 5 into a string turn
            return _error(400, "text is not a string")
        try:
            activity = Activity().deserialize(data)
        except Exception:  # msrest raises several kinds for ill-typed fields
            return _error(400, "activity fields have the wrong types")

        status = await self._authenticate(activity, request.headers.get("Authorization", ""))
        if isinstance(status, web.Response):
            return status
        if not self.policy.allowed(activity.service_url):
            log.warning("teams: refused an activity for service URL %s",
                        describe(str(activity.service_url)))
            return _error(400, "serviceUrl is not an allowed Teams / Bot Framework host")
        if activity.type in HANDLED and (found := ingress.problems(activity)):
            return _error(400, "; ".join(found))

        try:
            invoke = await self.adapter.process_activity(status, activity, self.on_turn)
        except ServiceUrlNotAllowed:
            return _error(400, "serviceUrl is not an allowed Teams / Bot Framework host")
        if invoke is not None:
            return web.json_response(invoke.body, status=invoke.status)
        return web.Response(status=200)

    async def _authenticate(self, activity: Activity, header: str):
        """The SDK's AuthenticateRequestResult, or the 401/503 response to send instead."""
        try:
            if header:
                work = self.auth.authenticate_request(activity, header)
                return await asyncio.wait_for(asyncio.to_thread(asyncio.run, work), AUTH_TIMEOUT)
            # None, not "": the SDK's parameterised path only treats None as "no header"
            return await self.auth.authenticate_request(activity, None)
        except PermissionError as exc:  # the SDK's "not authorised" (an OSError subclass)
            log.info("teams: refused a request: %s (%s)", exc.__class__.__name__, exc)
            return _error(401, "unauthorized")
        except (requests.RequestException, OSError, TimeoutError) as exc:
            log.warning("teams: could not check a token (%s): signing keys not reachable",
                        type(exc).__name__)
            return _error(503, "token could not be checked now")
        except Exception as exc:  # PermissionError, jwt errors, unknown key id...: not ours
            log.info("teams: refused a request: %s", type(exc).__name__)
            return _error(401, "unauthorized")

    # ----- turns ----------------------------------------------------------------------------------

    async def on_turn(self, context: TurnContext) -> None:
        activity = context.activity
        if activity.type == ActivityTypes.message:
            await self._on_message(context)
        elif activity.type in (ActivityTypes.conversation_update, "installationUpdate"):
            await self._on_install(context)

    async def _on_message(self, context: TurnContext) -> None:
        activity = context.activity
        key = ingress.user_key(activity)
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        async with lock:  # one person's turns in order, within this process
            await conversations.remember_async(self.db, activity, self.clock())
            action = ingress.action_value(activity)
            if isinstance(action, ingress.Unreadable):
                lang = locale_to_lang(ingress.locale(activity)) or "ja"
                await self.delivery.send(context, [Text(say_teams(lang, "unreadable"))], lang)
                return
            profile = await self.identity.profile(context)
            msg = ingress.to_incoming(activity, email=profile.email, name=profile.name,
                                      action=action)
            replies, lang = await asyncio.to_thread(self._handle, msg)
            await self.delivery.send(context, replies, lang)

    def _handle(self, msg: Incoming) -> tuple[list[Reply], Lang]:
        replies = self.router.handle(msg)
        return replies, self._reply_lang(msg)

    def _reply_lang(self, msg: Incoming) -> Lang:
        """The language the router answered in (for the adapter's own few words)."""
        with self.db.transaction() as session:
            chosen = session.scalar(select(User.locale).where(
                User.platform == msg.platform, User.platform_user_id == msg.user_id))
        if chosen in ("ja", "en"):
            return chosen  # type: ignore[return-value]
        return locale_to_lang(msg.locale) or guess_lang(msg.text or "") or "ja"

    async def _on_install(self, context: TurnContext) -> None:
        """The bot was added to a chat or team: remember where, and say hello once.

        Teams sends both an installationUpdate ("add") and a conversationUpdate naming the bot
        in membersAdded; only the latter greets. Removal marks the reference unusable at once."""
        activity = context.activity
        if activity.conversation is None or activity.from_property is None:
            return
        if activity.type == "installationUpdate":
            if activity.action == "remove":
                await asyncio.to_thread(self._removed, activity)
            else:
                await conversations.remember_async(self.db, activity, self.clock())
            return
        bot_id = getattr(activity.recipient, "id", None)
        if not any(getattr(m, "id", None) == bot_id for m in activity.members_added or []):
            return
        await conversations.remember_async(self.db, activity, self.clock())
        lang = locale_to_lang(ingress.locale(activity)) or "ja"
        await self.delivery.send(context, [Text(say_teams(lang, "welcome"))], lang)

    def _removed(self, activity: Activity) -> None:
        now = self.clock()
        with self.db.transaction() as session:
            for kind, key, _ in conversations.references_of(activity):
                row = store.reference_for(session, kind, key)
                if row is not None:
                    store.mark_unusable(session, row.id, "bot removed (installationUpdate)", now)

    async def _on_turn_error(self, context: TurnContext, error: Exception) -> None:
        """botbuilder's last resort: log without the activity (it may hold personal data),
        then tell the user politely, as the router does for its own errors."""
        log.error("teams: turn failed: %s", type(error).__name__, exc_info=error)
        lang = locale_to_lang(ingress.locale(context.activity)) or "ja"
        try:
            await context.send_activity(Activity(type=ActivityTypes.message, text_format="plain",
                                                 text=say(lang, "internal_error")))
        except Exception as exc:  # the connector itself may be what failed
            log.info("teams: could not report the failure (%s)", type(exc).__name__)


def _error(status: int, reason: str) -> web.Response:
    return web.json_response({"error": reason}, status=status)


def add_teams_routes(app: web.Application, router: Router, settings: TeamsSettings,
                     *, clock: Callable[[], datetime] | None = None) -> TeamsBot:
    """Mount POST /api/messages on `app` (the server of `aiga-bot serve`, or a test's)."""
    bot = TeamsBot(settings, router, clock)
    bot.mount(app)
    return bot
