"""The work after the ack: one user turn through the neutral router, replies to the user's DM.

Each turn takes the user's lock so one person's turns run in order within this process, looks
the user up (users.info, cached in memory and in the database), runs the router in a worker
thread — its dedupe claim, click check and question bookkeeping in the turn's own transaction
(bot/slack/turn_hooks.py) — delivers the replies to the DM and lets the App Home tab know.

Navi content goes to the DM, also for mentions and /navi in channels: the workspace is shared
by ~130 member companies, and one company's answers are not for the others to read. The router
wraps private replies in a `DirectMessage` outside a DM; Slack answers every turn in the DM, so
they are unwrapped here and the channel only gets an ephemeral note.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.claims import Claims, Click
from bot.slack.client import SLACK_ERRORS, describe_error
from bot.slack.delivery import Delivery
from bot.slack.forms import field_errors, form_modal, form_values, submit_value
from bot.slack.home import Home
from bot.slack.identity import Identity
from bot.slack.payloads import ActionModel, BlockActions
from bot.slack.texts import text as say_slack
from bot.slack.turn_hooks import SlackTurnHooks
from handlers.privacy import in_direct_chat
from handlers.router import Router
from handlers.text import locale_to_lang
from handlers.types import Action, Failure, Form, FormError, Incoming, Lang, Reply
from store import slack as store

log = logging.getLogger(__name__)

# not a value any handler knows: the router answers it with "that button is from an earlier
# message" and the current question, which is the re-prompt a stale click deserves
STALE_CLICK = "slack:stale"


class Turns:
    """Runs turns for the Slack adapter; `spawn` schedules work after the ack."""

    def __init__(self, client: AsyncWebClient, router: Router, claims: Claims,
                 identity: Identity, delivery: Delivery, home: Home,
                 spawn: Callable[[Awaitable[None]], None],
                 guard: Callable[[Awaitable[None]], Awaitable[None]]) -> None:
        self.client = client
        self.router = router
        self.claims = claims
        self.identity = identity
        self.delivery = delivery
        self.home = home
        self.spawn = spawn
        self.guard = guard
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = (
            weakref.WeakValueDictionary())

    async def click(self, payload: BlockActions, action: ActionModel) -> None:
        """A button: one click per message counts, and only on the user's live question."""
        user, value = payload.user.id, action.value
        if not value:
            return
        container = payload.container
        channel = (container.channel_id if container else None) or (
            payload.channel.id if payload.channel else None)
        message_ts = container.message_ts if container else None
        on_message = bool(container and container.type == "message" and channel and message_ts)
        if value.startswith(("event:form:open:", "navi:note:", "navi:note_edit:", "faq:reply:",
                              "survey:form:", "team:sendback:")):
            # opening a form does not use the message up (it may be closed)
            if on_message and await self.claims.is_stale(user, str(channel), str(message_ts)):
                await self._stale(user, str(channel), str(message_ts), action)
                return
            kind = "note" if value.startswith(("navi:note:", "navi:note_edit:")) else "form"
            key = store.dedupe_key(kind, user, str(message_ts), _bucket(action))
            await self.turn(user, action=value, key=key, trigger_id=payload.trigger_id)
            return
        if not on_message:  # App Home: republished after the turn, so its next click has a new hash
            view = payload.view
            key = store.dedupe_key("click", "view", str(view.id if view else None),
                                   str((view.hash if view else None) or action.action_ts))
            await self.turn(user, action=value, key=key, refresh_home=True)
            return
        assert channel is not None and message_ts is not None
        key = store.dedupe_key("click", channel, message_ts)
        verdict = await self.turn(user, action=value, key=key, click=(channel, message_ts))
        if verdict is Click.STALE:
            await self._stale(user, channel, message_ts, action)

    async def _stale(self, user: str, channel: str, message_ts: str,
                     action: ActionModel) -> None:
        """The polite re-prompt, once per message within a few seconds (a double click gets
        one): a sliding window, so two clicks a moment apart never get two."""
        if await self.claims.once_per_window(store.dedupe_key("stale", channel, message_ts)):
            await self.turn(user, action=STALE_CLICK)

    async def show_home(self, user_id: str, key: str) -> None:
        if not await self.claims.claim(key):
            return
        profile = await self.identity.profile(user_id)
        await self.home.publish(user_id, profile.locale, profile.email, force=True)

    async def turn(self, user_id: str, *, text: str | None = None, action: str | None = None,
                   key: str | None = None, is_direct: bool = True,
                   dm_channel: str | None = None, mention_channel: str | None = None,
                   source_channel: str | None = None, trigger_id: str | None = None,
                   cancel_note: bool = False, refresh_home: bool = False,
                   click: tuple[str, str] | None = None) -> Click | None:
        """One user turn, at most once per key, in order per user. The dedupe claim (for a
        `click` on a message (channel, ts): whether it counts), the turn and the claim of the
        questions it closes run in one transaction (bot/slack/turn_hooks.py). Returns the
        verdict: COUNTS (or None when the database could not tell) when the turn ran."""
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
            hooks = SlackTurnHooks(self.claims, self.delivery.ledger, user_id, key,
                                   self.claims.clock(), click=click)
            replies = await asyncio.to_thread(self.router.handle, incoming, hooks)
            if hooks.verdict not in (Click.COUNTS, None):
                if hooks.verdict is Click.DOUBLE:
                    log.info("slack: duplicate %s skipped", (key or "").split(":", 1)[0])
                return hooks.verdict
            # Slack answers every turn in the DM (a channel gets an ephemeral note below)
            replies = in_direct_chat(replies)
            if key is not None and _asks_to_retry(replies):
                await self.claims.release(key, self.guard)  # nothing changed: let a retry in
            lang = hooks.lang or locale_to_lang(profile.locale) or "ja"
            try:
                channel = dm_channel or await self.identity.dm_channel(user_id)
            except SLACK_ERRORS as exc:  # the turn is saved; only the reply cannot be sent
                log.warning("slack: no DM with %s (%s)", user_id, describe_error(exc))
                if hooks.claimed:  # give back what the turn claimed: those buttons stay live
                    await (await self.delivery.ledger.open(user_id, "", [],
                                                           hooks.claimed)).finish()
                return hooks.verdict
            if trigger_id and any(isinstance(r, Form) for r in replies):
                replies = [r for r in replies if not (
                    isinstance(r, Form) and await self._open_form(trigger_id, r, lang))]
            await self.delivery.send(user_id, channel, replies, lang, hooks.claimed)
            if mention_channel:
                await self.delivery.ephemeral(mention_channel, user_id,
                                              say_slack(lang, "dm_note"))
            if refresh_home:  # a click on the tab: its next click needs the new view's hash
                await self.home.publish(user_id, profile.locale, profile.email, force=True)
            else:
                self.home.changed(user_id, profile.locale, profile.email)
            return hooks.verdict

    async def form_turn(self, user_id: str, view: dict) -> dict[str, str] | None:
        """A submitted form modal: the router runs now; the field errors of a refusal are
        returned for the ack, other replies go to the DM. Once per view (a refused one may be
        corrected and sent again: its claim is released)."""
        value = submit_value(view)
        if value is None:
            return None
        key = store.dedupe_key("view", str(view.get("id")))
        if not await self.claims.take(key):
            return None
        async with self._lock(user_id):
            profile = await self.identity.profile(user_id)
            incoming = Incoming(platform="slack", user_id=user_id, action=Action(value),
                                form=form_values(view), locale=profile.locale,
                                email=profile.email, display_name=profile.name)
            replies = in_direct_chat(await asyncio.to_thread(self.router.handle, incoming))
            if _asks_to_retry(replies):
                await self.claims.release(key, self.guard)
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
        self.home.changed(user_id, profile.locale, profile.email)

    async def _open_form(self, trigger_id: str, form: Form, lang: Lang) -> bool:
        """A Form as a modal; False (the button message is posted instead) when refused."""
        try:
            await self.client.views_open(trigger_id=trigger_id,
                                         view=form_modal(form, say_slack(lang, "form_close")))
            return True
        except SLACK_ERRORS as exc:  # an expired trigger: the button still opens it
            log.info("slack: form modal not opened (%s)", describe_error(exc))
            return False

    def _lock(self, user_id: str) -> asyncio.Lock:
        lock = self._locks.get(user_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[user_id] = lock
        return lock


def _bucket(action: ActionModel) -> str:
    """Slack's "1700000000.123456" in 3-second buckets: clicks closer than that are one."""
    try:
        return str(int(float(action.action_ts or "0")) // 3)
    except ValueError:
        return "0"


def _asks_to_retry(replies: list[Reply]) -> bool:
    """The router's "nothing changed, please try again" replies (conflict, DB down, error)."""
    return any(isinstance(r, Failure) for r in replies)
