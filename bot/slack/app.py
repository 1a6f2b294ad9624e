"""Bolt wiring: Slack requests → `Incoming` turns for the neutral router → Slack messages.

Every listener acknowledges first and hands the real work to a background task, so Slack gets
its answer within milliseconds whatever the database or the Web API are doing. Each task:

1. claims a dedupe key in the database (event id, the clicked message, the view) — a retry, a
   double click or the same request on another process finds the key taken and stops there;
2. takes the user's lock, so one person's turns run in order within this process;
3. looks the user up (users.info, cached), runs the router in a worker thread, delivers the
   replies to the user's DM, and refreshes their App Home tab.

Navi content goes to the DM, also for mentions and /navi in channels: the Slack workspace is
shared by ~130 member companies, and one company's answers are not for the others to read.
"""

from __future__ import annotations

import asyncio
import logging
import re
import weakref
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

from bot.settings import Settings
from bot.slack import ingress
from bot.slack.client import SLACK_ERRORS, describe_error, make_client
from bot.slack.delivery import Delivery
from bot.slack.forms import FORM_CALLBACK, field_errors, form_modal, form_values, submit_value
from bot.slack.home import Home
from bot.slack.identity import Identity
from bot.slack.notes import NOTE_CALLBACK, is_note_prompt, note_modal, note_text
from bot.slack.texts import text as say_slack
from handlers.privacy import in_direct_chat
from handlers.router import Router
from handlers.types import Action, Failure, Form, FormError, Incoming, Lang, Reply
from rubrics.loader import RubricRegistry
from store import slack as store
from store.db import Database

log = logging.getLogger(__name__)

COMMAND = "/navi"
CLICK_ACTIONS = re.compile(r"^(navi|home)-\d{1,3}$")
MENTION = re.compile(r"<@[A-Z0-9]+(\|[^>]*)?>")
RELEASE_ATTEMPTS, RELEASE_RETRY_SECONDS = 240, 0.5  # a failed turn's claim: retried for 2 min
REJECTED_TOKEN = {"invalid_auth", "not_authed", "account_inactive", "token_revoked",
                  "token_expired", "not_allowed_token_type"}


class SlackStartupError(SystemExit):
    """Slack refused the configured token: stop with one line naming the setting."""


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
        # them before the response is free and makes "spawned" a fact once Slack has its 200
        self.bolt = AsyncApp(client=self.client, signing_secret=secret,
                             process_before_response=True, logger=log)
        self.identity = Identity(self.client, database, clock)
        self.delivery = Delivery(self.client, database, clock)
        self.home = Home(self.client, database, rubrics, clock)
        self.socket_handler = None
        self._tasks: set[asyncio.Task] = set()
        self._releasing: set[str] = set()  # claims of failed turns, released when the DB is back
        self._retries: set[asyncio.Task] = set()
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = (
            weakref.WeakValueDictionary())
        self._register()

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
        await self._warm_up()
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
        for task in list(self._retries):  # the database is still away: give up (logged)
            task.cancel()
        if self._releasing:
            log.warning("slack: %d failed turns' claims left unreleased at shutdown",
                        len(self._releasing))

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

    async def idle(self, timeout: float = 30) -> None:
        """Wait until every background turn has finished (tests, shutdown)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while self._tasks:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                log.warning("slack: %d background turns still running", len(self._tasks))
                return
            await asyncio.wait(list(self._tasks), timeout=left)

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
        rejection = rejection or ingress.check_shape(body, request.content_type)
        if rejection is not None:
            log.info("slack: %d %s", rejection.status, rejection.reason)
            return web.json_response({"error": rejection.reason}, status=rejection.status)
        headers = {k: request.headers.getall(k) for k in set(request.headers.keys())}
        bolt_request = AsyncBoltRequest(body=body.decode("utf-8"), query=request.query_string,
                                        headers=headers)
        return await to_aiohttp_response(await self.bolt.async_dispatch(bolt_request))

    # ----- listeners ----------------------------------------------------------------------------

    def _register(self) -> None:
        bolt = self.bolt

        @bolt.event("message")
        async def on_message(body: dict, event: dict) -> None:
            if (event.get("channel_type") != "im" or event.get("subtype")
                    or event.get("bot_id")):
                return  # edits, joins, other bots: nothing to answer
            user, words, channel = event.get("user"), event.get("text"), event.get("channel")
            if not all(isinstance(x, str) and x for x in (user, words, channel)):
                return
            self.spawn(self.turn(user, text=words, dm_channel=channel,
                                 key=store.dedupe_key("event", body["event_id"])))

        @bolt.event("app_mention")
        async def on_mention(body: dict, event: dict) -> None:
            user, channel = event.get("user"), event.get("channel")
            if not isinstance(user, str) or not isinstance(channel, str) or event.get("bot_id"):
                return
            if channel.startswith("D"):
                return  # a DM: the message.im event carries it
            words = MENTION.sub(" ", str(event.get("text") or "")).strip()
            self.spawn(self.turn(user, text=words or "help", is_direct=False,
                                 mention_channel=channel, source_channel=channel,
                                 key=store.dedupe_key("event", body["event_id"])))

        @bolt.event("app_home_opened")
        async def on_home(body: dict, event: dict) -> None:
            user = event.get("user")
            if event.get("tab", "home") == "home" and isinstance(user, str):
                self.spawn(self.show_home(user, store.dedupe_key("event", body["event_id"])))

        @bolt.command(COMMAND)
        async def on_command(ack, command: dict) -> None:
            channel = str(command.get("channel_id") or "")
            in_dm = channel.startswith("D")
            await ack() if in_dm else await ack(text=say_slack("ja", "command_ack"),
                                              response_type="ephemeral")
            words = str(command.get("text") or "").strip() or "help"
            trigger = str(command.get("trigger_id") or command.get("user_id"))
            self.spawn(self.turn(command["user_id"], text=words, is_direct=in_dm,
                                 source_channel=channel, trigger_id=command.get("trigger_id"),
                                 key=store.dedupe_key("command", trigger)))

        @bolt.action(CLICK_ACTIONS)
        async def on_click(ack, body: dict, action: dict) -> None:
            await ack()
            self.spawn(self.click(body, action))

        @bolt.view_submission(NOTE_CALLBACK)
        async def on_note(ack, body: dict, view: dict) -> None:
            await ack()
            note = note_text(view)
            if note:
                self.spawn(self.turn(body["user"]["id"], text=note,
                                     key=store.dedupe_key("view", view["id"])))

        @bolt.view_submission(FORM_CALLBACK)
        async def on_form(ack, body: dict, view: dict) -> None:
            # the router runs before the ack: a refusal must go back in the ack itself
            # (response_action: errors), shown under the field at fault, nothing saved
            try:
                errors = await self.form_turn(body["user"]["id"], view)
            except Exception:  # the ack must go out whatever happened
                log.exception("slack: form submission failed")
                errors = None
            if errors:
                await ack(response_action="errors", errors=errors)
            else:
                await ack()

        @bolt.view_closed(NOTE_CALLBACK)
        async def on_note_closed(ack, body: dict, view: dict) -> None:
            await ack()
            self.spawn(self.turn(body["user"]["id"], cancel_note=True,
                                 key=store.dedupe_key("view", view["id"])))

    # ----- work after the ack -------------------------------------------------------------------

    async def click(self, body: dict, action: dict) -> None:
        """A button: one click per message counts (a second click, or a retry, is dropped)."""
        user = body["user"]["id"]
        value = action.get("value")
        if not isinstance(value, str) or not value:
            return
        container = body.get("container") or {}
        channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
        message_ts = container.get("message_ts")
        if value.startswith("event:form:open:"):
            # opening a form does not use the message up either (the modal may be closed)
            bucket = str(_seconds(action.get("action_ts")) // 3)
            key = store.dedupe_key("form", user, str(message_ts), bucket)
            await self.turn(user, action=value, key=key, trigger_id=body.get("trigger_id"))
            return
        if value.startswith("navi:note:"):
            # opening the note modal does not use the message up: a level can still be clicked
            bucket = str(_seconds(action.get("action_ts")) // 3)
            key = store.dedupe_key("note", user, str(message_ts), bucket)
            await self.turn(user, action=value, key=key, trigger_id=body.get("trigger_id"))
            return
        if container.get("type") == "message" and channel and message_ts:
            key = store.dedupe_key("click", str(channel), str(message_ts))
        else:  # App Home: republished after the turn, so its next click has a new hash
            view = body.get("view") or {}
            key = store.dedupe_key("click", "view", str(view.get("id")),
                                   str(view.get("hash") or action.get("action_ts")))
            await self.turn(user, action=value, key=key, refresh_home=True)
            return
        await self.turn(user, action=value, key=key)

    async def show_home(self, user_id: str, key: str) -> None:
        if not await self._claim(key):
            return
        profile = await self.identity.profile(user_id)
        await self.home.publish(user_id, profile.locale, profile.email, force=True)

    async def turn(self, user_id: str, *, text: str | None = None, action: str | None = None,
                   key: str | None = None, is_direct: bool = True,
                   dm_channel: str | None = None, mention_channel: str | None = None,
                   source_channel: str | None = None, trigger_id: str | None = None,
                   cancel_note: bool = False, refresh_home: bool = False) -> None:
        """One user turn, at most once per key, in order per user."""
        if key is not None and not await self._claim(key):
            if key not in self._releasing:
                log.info("slack: duplicate %s skipped", key.split(":", 1)[0])
                return
            # the claim is a failed turn's that could not be released while the database was
            # away: this is the user's retry, and it now holds the claim
            self._releasing.discard(key)
        async with self._lock(user_id):
            profile = await self.identity.profile(user_id)
            if dm_channel:
                await self.identity.remember_dm(user_id, dm_channel)
            if cancel_note:
                text = say_slack(await self.identity.lang(user_id, profile), "note_cancel_word")
            incoming = Incoming(platform="slack", user_id=user_id, text=text,
                                action=Action(action) if action is not None else None,
                                locale=profile.locale, email=profile.email,
                                display_name=profile.name,
                                channel_id=source_channel or dm_channel, is_direct=is_direct)
            # Slack answers every turn in the DM (a channel gets an ephemeral note below)
            replies = in_direct_chat(await asyncio.to_thread(self.router.handle, incoming))
            if key is not None and _asks_to_retry(replies):
                await self._release(key)  # nothing changed: let the user's retry through
            lang = await self.identity.lang(user_id, profile)
            try:
                channel = dm_channel or await self.identity.dm_channel(user_id)
            except SLACK_ERRORS as exc:  # the turn is saved; only the reply cannot be sent
                log.warning("slack: no DM with %s (%s)", user_id, describe_error(exc))
                return
            if (trigger_id and action and is_note_prompt(replies)
                    and await self._open_note(trigger_id, replies[0], lang)):
                replies = []
            if trigger_id and any(isinstance(r, Form) for r in replies):
                replies = [r for r in replies if not (
                    isinstance(r, Form) and await self._open_form(trigger_id, r, lang))]
            await self.delivery.send(user_id, channel, replies, lang)
            if mention_channel:
                await self.delivery.ephemeral(mention_channel, user_id,
                                              say_slack(lang, "dm_note"))
            await self.home.publish(user_id, profile.locale, profile.email, force=refresh_home)

    async def form_turn(self, user_id: str, view: dict) -> dict[str, str] | None:
        """A submitted form modal: the router runs now; the field errors of a refusal are
        returned for the ack, other replies go to the DM. Once per view (a refused one may be
        corrected and sent again: its claim is released)."""
        value = submit_value(view)
        if value is None:
            return None
        key = store.dedupe_key("view", str(view.get("id")))
        if not await self._claim(key):
            if key not in self._releasing:
                log.info("slack: duplicate form submission skipped")
                return None
            self._releasing.discard(key)  # a failed submission's claim: this retry takes it
        async with self._lock(user_id):
            profile = await self.identity.profile(user_id)
            incoming = Incoming(platform="slack", user_id=user_id, action=Action(value),
                                form=form_values(view), locale=profile.locale,
                                email=profile.email, display_name=profile.name)
            replies = await asyncio.to_thread(self.router.handle, incoming)
            if _asks_to_retry(replies):
                await self._release(key)
            refused = next((r for r in replies if isinstance(r, FormError)), None)
            if refused is not None:
                return field_errors(view, refused.field, refused.text)
            lang = await self.identity.lang(user_id, profile)
        self.spawn(self._deliver(user_id, replies, lang, profile))
        return None

    async def _deliver(self, user_id: str, replies: list[Reply], lang: Lang, profile) -> None:
        try:
            channel = await self.identity.dm_channel(user_id)
        except SLACK_ERRORS as exc:
            log.warning("slack: no DM with %s (%s)", user_id, describe_error(exc))
            return
        await self.delivery.send(user_id, channel, replies, lang)
        await self.home.publish(user_id, profile.locale, profile.email)

    async def _open_form(self, trigger_id: str, form: Form, lang: Lang) -> bool:
        """A Form as a modal; False (the button message is posted instead) when refused."""
        try:
            await self.client.views_open(trigger_id=trigger_id,
                                         view=form_modal(form, say_slack(lang, "form_close")))
            return True
        except SLACK_ERRORS as exc:  # an expired trigger: the button still opens it
            log.info("slack: form modal not opened (%s)", describe_error(exc))
            return False

    async def _claim(self, key: str) -> bool:
        try:
            return await asyncio.to_thread(store.claim, self.db, key, self.clock())
        except SQLAlchemyError:  # no database: the router will say so politely
            log.warning("slack: dedupe unavailable; handling %s without it", key)
            return True

    async def _release(self, key: str) -> None:
        try:
            await asyncio.to_thread(store.release, self.db, key)
        except SQLAlchemyError:
            # the database went away during the turn: the claim must still go, or the user's
            # click on the same (still live) question would be dropped as a duplicate forever
            log.warning("slack: could not release %s; retrying in the background",
                        key.split(":", 1)[0])
            self._releasing.add(key)
            # not one of the turns idle() waits for: it may take as long as the outage
            task = asyncio.ensure_future(self._guard(self._release_later(key)))
            self._retries.add(task)
            task.add_done_callback(self._retries.discard)

    async def _release_later(self, key: str) -> None:
        for _ in range(RELEASE_ATTEMPTS):
            await asyncio.sleep(RELEASE_RETRY_SECONDS)
            if key not in self._releasing:
                return  # the user's retry reached this process and took the claim over
            try:
                await asyncio.to_thread(store.release, self.db, key)
            except SQLAlchemyError:
                continue
            self._releasing.discard(key)
            log.info("slack: released %s after the database came back", key.split(":", 1)[0])
            return
        self._releasing.discard(key)
        log.error("slack: gave up releasing %s", key.split(":", 1)[0])

    def _lock(self, user_id: str) -> asyncio.Lock:
        lock = self._locks.get(user_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[user_id] = lock
        return lock

    async def _open_note(self, trigger_id: str, prompt: Reply, lang: Lang) -> bool:
        """The note prompt as a modal; False (prompt posted instead) when Slack refuses."""
        view = note_modal(prompt.fallback(), lang)
        try:
            await self.client.views_open(trigger_id=trigger_id, view=view)
            return True
        except SLACK_ERRORS as exc:  # the trigger lives 3 s: typing the note still works
            log.info("slack: note modal not opened (%s)", describe_error(exc))
            return False


def _seconds(action_ts: object) -> int:
    """Slack's "1700000000.123456" as whole seconds; 0 for anything else (forged, missing)."""
    try:
        return int(float(str(action_ts)))
    except ValueError:
        return 0


def _asks_to_retry(replies: list[Reply]) -> bool:
    """The router's "nothing changed, please try again" replies (conflict, DB down, error)."""
    return any(isinstance(r, Failure) for r in replies)
