"""POST /api/messages: Bot Framework activities from Teams → the neutral router → Teams.

Each request is checked before anything happens, in this order, and refused with a 4xx that
changes nothing: JSON content type (415), the raw JSON — size, depth, the types of the fields a
turn reads — before msrest can coerce them (bot/teams/edge.py, 400/413), a token the Bot
Framework signed for this bot when MICROSOFT_APP_ID is set (bot/teams/tokens.py: 401, or 503
while the signing keys cannot be fetched), a service URL the bot may call (400), and for the
activity types it acts on, the fields a turn needs (400). Only then does botbuilder's
CloudAdapter run the turn: remember the conversation reference, look the user up, run the
router in a worker thread and deliver its replies — confidential ones in the person's 1:1 chat
(bot/teams/direct.py).

Teams waits for the answer to its POST, so a turn gets ANSWER_WITHIN seconds: a turn that is
still delivering then (a throttled connector asking to wait 20 s) is answered 200 and finishes
in the background, bounded by TURN_DEADLINE, its failure logged. Invoke activities get an invoke
response: `adaptiveCard/action` (Action.Execute) runs like a button click; others a plain 200.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Callable
from datetime import datetime

from aiohttp import web
from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, ActivityTypes, CallerIdConstants
from botframework.connector.auth import AuthenticateRequestResult, AuthenticationConstants

from bot.question_ledger import QuestionLedger
from bot.teams import conversations, edge, ingress
from bot.teams.connector import build_authentication
from bot.teams.delivery import Delivery
from bot.teams.direct import DirectChat, split, unwrap
from bot.teams.guard import ServiceUrlNotAllowed, describe
from bot.teams.identity import Identity, Profile
from bot.teams.settings import TeamsSettings
from bot.teams.texts import text as say_teams
from bot.teams.tokens import (
    DEFAULT_METADATA,
    KeysUnavailable,
    SigningKeys,
    TokenRefused,
    TokenValidator,
)
from handlers.messages import say
from handlers.router import Router
from handlers.text import guess_lang, locale_to_lang
from handlers.types import Incoming, Lang, Reply, Text
from store import teams as store
from store.question_messages import Claimed

log = logging.getLogger(__name__)

PATH = "/api/messages"
HANDLED = frozenset({ActivityTypes.message, ActivityTypes.conversation_update,
                     "installationUpdate", ActivityTypes.invoke})  # the types a turn acts on
ANSWER_WITHIN = 2.5  # seconds before Teams gets its 200 while delivery goes on
TURN_DEADLINE = 180.0  # seconds a turn may take in all, connector retries included
CARD_ACTION = "adaptiveCard/action"
INVOKE_DONE = {"statusCode": 200, "type": "application/vnd.microsoft.activity.message",
               "value": "OK"}
_REFUSED, _FAILED = object(), object()


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
        self.stored = conversations.stored_memo()  # the references this process stored
        self.delivery = Delivery(self.db, self.clock)
        self.direct = DirectChat(self.adapter, self.db, self.delivery, self.clock,
                                 settings.microsoft_app_id)
        self.keys = SigningKeys(settings.microsoft_openid_metadata_url or DEFAULT_METADATA)
        self.tokens = (TokenValidator(settings.microsoft_app_id, self.keys)
                       if settings.auth_enabled and settings.microsoft_app_id else None)
        self.answer_within = ANSWER_WITHIN
        self.background: set[asyncio.Task] = set()
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = (
            weakref.WeakValueDictionary())

    # ----- life cycle ---------------------------------------------------------------------------

    def mount(self, app: web.Application) -> None:
        app.router.add_post(PATH, self.handle)
        app.on_startup.append(self._announce)
        app.on_shutdown.append(self._drain)
        app.on_cleanup.append(self._stop)

    @property
    def mode(self) -> str:
        return "auth" if self.settings.auth_enabled else "no-auth (local only)"

    async def _announce(self, _app: web.Application) -> None:
        for line in self.settings.startup_warnings():
            log.warning("%s", line)
        if self.settings.auth_enabled:
            log.info("teams: POST %s, app type %s", PATH, self.settings.app_type)
        if self.tokens is not None:
            self.keys.start()  # fetched now and refreshed off the request path

    async def _drain(self, _app: web.Application | None = None, timeout: float = 10.0) -> None:
        """Let background deliveries finish for a while on shutdown, then cancel them."""
        if self.background:
            _done, pending = await asyncio.wait(set(self.background), timeout=timeout)
            for task in pending:
                task.cancel()

    async def _stop(self, _app: web.Application) -> None:
        await self.keys.stop()

    # ----- HTTP -----------------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.Response:
        if request.content_type != "application/json":
            return _error(415, "Content-Type must be application/json")
        if (request.content_length or 0) > edge.MAX_BODY:
            return _refuse(edge.Refusal(413, "body too large"))
        data = edge.decode(await request.read())
        if isinstance(data, edge.Refusal):
            return _refuse(data)
        try:
            activity = Activity().deserialize(data)
        except Exception:  # msrest raises several kinds for ill-typed fields
            return _refuse(edge.Refusal(400, "activity fields have the wrong types"))

        status = await self._authenticate(activity, request.headers.get("Authorization", ""))
        if isinstance(status, web.Response):
            return status
        if not self.policy.allowed(activity.service_url):
            log.warning("teams: refused an activity for service URL %s",
                        describe(str(activity.service_url)))
            return _error(400, "serviceUrl is not an allowed Teams / Bot Framework host")
        if activity.type in HANDLED and (found := ingress.problems(activity)):
            return _refuse(edge.Refusal(400, "; ".join(found)))
        return await self._answer(status, activity)

    async def _answer(self, status: AuthenticateRequestResult,
                      activity: Activity) -> web.Response:
        """Run the turn; answer when it is done or after ANSWER_WITHIN, whichever is first."""
        task = asyncio.ensure_future(self._turn(status, activity))
        self.background.add(task)
        task.add_done_callback(self.background.discard)
        done, _ = await asyncio.wait({task}, timeout=self.answer_within)
        if task not in done:
            log.info("teams: answered before delivery ended; it goes on in the background")
            if activity.type == ActivityTypes.invoke:
                return web.json_response(INVOKE_DONE)
            return web.Response(status=200)
        result = task.result()
        if result is _REFUSED:
            return _error(400, "serviceUrl is not an allowed Teams / Bot Framework host")
        if result is _FAILED:
            return _error(503, "the turn could not be started; try again")
        if isinstance(result, InvokeResponse):
            return web.json_response(result.body, status=result.status)
        return web.Response(status=200)

    async def _turn(self, status: AuthenticateRequestResult, activity: Activity) -> object:
        try:
            return await asyncio.wait_for(
                self.adapter.process_activity(status, activity, self.on_turn), TURN_DEADLINE)
        except ServiceUrlNotAllowed:
            return _REFUSED
        except TimeoutError:
            log.warning("teams: a turn was still delivering after %.0fs; given up",
                        TURN_DEADLINE)
            return None
        except Exception as exc:  # the connector client could not be made (credentials...)
            log.warning("teams: a turn could not run (%s)", type(exc).__name__)
            return _FAILED

    async def _authenticate(self, activity: Activity, header: str):
        """An AuthenticateRequestResult, or the 401/503 response to send instead."""
        if self.tokens is None:  # no app id: local tests only, nobody is checked
            # None, not "": the SDK's parameterised path only treats None as "no header"
            return await self.auth.authenticate_request(activity, None)
        try:
            identity = await self.tokens.validate(header, service_url=activity.service_url,
                                                  channel_id=activity.channel_id)
        except TokenRefused as exc:
            log.info("teams: refused a request: %s", exc)
            return _error(401, "unauthorized")
        except KeysUnavailable:
            log.warning("teams: could not check a token: signing keys not reachable")
            return _error(503, "token could not be checked now")
        result = AuthenticateRequestResult()
        result.claims_identity = identity
        result.audience = AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE
        result.caller_id = CallerIdConstants.public_azure_channel
        result.connector_factory = self.auth.create_connector_factory(identity)
        return result

    # ----- turns ----------------------------------------------------------------------------------

    async def on_turn(self, context: TurnContext) -> None:
        activity = context.activity
        if activity.type == ActivityTypes.message:
            await self._on_message(context)
        elif activity.type in (ActivityTypes.conversation_update, "installationUpdate"):
            await self._on_install(context)
        elif activity.type == ActivityTypes.invoke:
            await self._on_invoke(context)

    async def _on_invoke(self, context: TurnContext) -> None:
        """Action.Execute of a card runs as a click (its data is what Action.Submit sends);
        any other invoke is acknowledged: the bot offers no task modules or extensions."""
        activity = context.activity
        if activity.name == CARD_ACTION:
            value = activity.value if isinstance(activity.value, dict) else {}
            action = value.get("action") if isinstance(value.get("action"), dict) else {}
            data = action.get("data")
            activity.value = data if isinstance(data, dict) else {"unreadable": True}
            await self._on_message(context)
        else:
            log.info("teams: invoke %r not offered; acknowledged", str(activity.name)[:60])
        await context.send_activity(Activity(type=ActivityTypes.invoke_response,
                                             value=InvokeResponse(status=200, body=INVOKE_DONE)))

    async def _on_message(self, context: TurnContext) -> None:
        activity = context.activity
        key = ingress.user_key(activity)
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        async with lock:  # one person's turns in order, within this process
            known = await asyncio.to_thread(self._arrive, activity, key)
            action = ingress.action_value(activity)
            if isinstance(action, ingress.Unreadable):
                lang = locale_to_lang(ingress.locale(activity)) or "ja"
                await self.delivery.send(context, [Text(say_teams(lang, "unreadable"))], lang)
                return
            profile = await self.identity.profile(context, known=known)
            msg = ingress.to_incoming(activity, email=profile.email, name=profile.name,
                                      action=action)
            personal = ingress.conversation_type(activity) == "personal"
            hooks = (_TurnHooks(self.delivery.ledger, key, activity.conversation.id)
                     if personal else _TurnHooks())
            replies, lang = await asyncio.to_thread(self._handle, msg, hooks)
            await self._deliver(context, replies, lang, personal=personal,
                                claimed=hooks.claimed)

    async def _deliver(self, context: TurnContext, replies: list[Reply], lang: Lang, *,
                       personal: bool, claimed: list[Claimed] | None = None) -> None:
        """Public replies where the turn came from; confidential ones in the 1:1 chat, the
        channel getting only the router's note (or, failing the DM, a request to write).
        `claimed`: in a personal chat, the cards the replies close, claimed in the turn."""
        if personal:
            shown, private = unwrap(replies), []
        else:
            shown, private, claimed = *split(replies), None
        for wrapped in private:
            reached = await self.direct.deliver(context, wrapped.replies, lang)
            note = wrapped.note if reached else say_teams(lang, "dm_failed")
            shown.append(Text(note, public=True))
        outcome = await self.delivery.send(context, shown, lang, claimed=claimed)
        if outcome.status != "ok":
            log.warning("teams: reply not delivered (%s %s) after %d sent", outcome.status,
                        outcome.detail, outcome.sent)

    def _arrive(self, activity: Activity, key: str) -> Profile | None:
        """A message's first database work, one transaction: its conversation reference stored
        or refreshed, and the member's cached profile read (two hand-offs before, issue 19)."""
        with self.db.transaction() as session:
            stored = conversations.remember_in(session, activity, self.clock(), self.stored)
            known = self.identity.load_in(session, key)
        self.stored.update(stored)  # only once committed
        return known

    def _handle(self, msg: Incoming, hooks: _TurnHooks | None = None,
                ) -> tuple[list[Reply], Lang]:
        """The router's turn and the language it answered in (for the adapter's own few words),
        read inside the turn's own transaction rather than in one more (issue 19)."""
        hooks = hooks or _TurnHooks()
        replies = self.router.handle(msg, hooks)
        return replies, hooks.lang or locale_to_lang(msg.locale) or guess_lang(
            msg.text or "") or "ja"

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


class _TurnHooks:
    """router.TurnHooks of a Teams message: the turn's language (None: the turn failed) and,
    with a ledger (a personal chat), the question cards its replies will close, claimed in the
    turn's own transaction: they commit with the answer or not at all, and the claim costs no
    transaction of its own (issue 19, as bot/slack/turn_hooks.py for Slack)."""

    def __init__(self, ledger: QuestionLedger | None = None, user: str = "",
                 conversation: str = "") -> None:
        self.ledger, self.user, self.conversation = ledger, user, conversation
        self.lang: Lang | None = None
        self.claimed: list[Claimed] | None = None

    def before(self, session) -> bool:
        self.lang, self.claimed = None, None  # a retried attempt starts over
        return True

    def rolled_back(self) -> None:
        self.lang, self.claimed = None, None  # nothing was saved: no card is handed on as closed

    def after(self, session, lang: Lang, replies: list[Reply]) -> None:
        self.lang = lang
        if self.ledger is not None:
            self.claimed = self.ledger.claim_in(session, self.user, self.conversation,
                                                unwrap(replies))


def _refuse(refusal: edge.Refusal) -> web.Response:
    log.info("teams: refused a request (%d): %s", refusal.status, refusal.reason)
    return _error(refusal.status, refusal.reason)


def _error(status: int, reason: str) -> web.Response:
    return web.json_response({"error": reason}, status=status)


def add_teams_routes(app: web.Application, router: Router, settings: TeamsSettings,
                     *, clock: Callable[[], datetime] | None = None) -> TeamsBot:
    """Mount POST /api/messages on `app` (the server of `aiga-bot serve`, or a test's)."""
    bot = TeamsBot(settings, router, clock)
    bot.mount(app)
    return bot
