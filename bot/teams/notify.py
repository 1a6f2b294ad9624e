"""Teams implementation of `bot.notify.Notifier`: continue_conversation on a stored reference.

A user can be reached in their personal chat once they have talked to the bot there (or
installed it); a channel once the bot was @mentioned or added there. Both references are stored
on every turn (store/teams.py), so this works from the worker process and after any restart.

Outcomes: delivered → SENT; 403 / 404 (blocked, removed, conversation gone) → GONE and the
reference is marked unusable; 401 (Teams refuses the bot's credentials) → BLOCKED; 429 / 412 /
502 / 504 still failing after the connector's own retries, or a dropped connection → RETRY.

Exactly once: Teams offers bots no way to read a chat back, so each send is recorded by its
delivery key before it starts ("pending") and confirmed when Teams accepted every activity
("sent"); a send that provably reached nothing is forgotten. `was_sent` reads that record:
True, False, or None when a send ended ambiguously (the worker then reports it as uncertain).

Language: the worker writes a member's replies in their own language — their explicit choice
(「English」), else their Teams client's — and `language` answers with that same rule; the
words the Teams renderer adds itself (「（続き）」, a file's button) follow it too, so a member
who chose English in a Japanese Teams client gets no Japanese label. A channel is read by
everyone: its client's language, else Japanese.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, ActivityTypes, Attachment
from sqlalchemy.orm import Session

from bot.notify import SendResult, Target
from bot.teams import cards, conversations
from bot.teams.connector import build_authentication
from bot.teams.delivery import NO_TOKEN, SERVICE_URL_REFUSED, Delivery
from bot.teams.delivery import Outcome as DeliveryOutcome
from bot.teams.guard import ServiceUrlNotAllowed
from bot.teams.settings import TeamsSettings
from handlers.text import locale_to_lang
from handlers.types import File, Lang, Reply
from store import teams as store
from store.db import Database
from store.models import User

log = logging.getLogger(__name__)
NOT_POSTED = frozenset({401, 403, 404, 412, 429})  # Teams refused: nothing was posted
NOTHING_SENT = frozenset({SERVICE_URL_REFUSED, NO_TOKEN})  # stopped before any request
SEND_TIMEOUT = 120.0  # seconds for one proactive send, retries included


class TeamsNotifier:
    platform = "teams"

    def __init__(self, settings: TeamsSettings, database: Database,
                 clock: Callable[[], datetime]) -> None:
        self.settings = settings
        self.db = database
        self.clock = clock
        self.adapter = CloudAdapter(build_authentication(settings))
        self.delivery = Delivery(database, clock)

    async def send_direct(self, target: Target, replies: list[Reply], key: str) -> SendResult:
        return await self._send(store.USER, target.address, replies, key)

    async def send_channel(self, target: Target, replies: list[Reply], key: str) -> SendResult:
        return await self._send(store.CHANNEL, target.address, replies, key)

    async def was_sent(self, target: Target, key: str, since: datetime) -> bool | None:
        kind = store.USER if target.direct else store.CHANNEL
        state = await asyncio.to_thread(self._state, key, f"{kind}:{target.address}")
        if state is None:
            return False
        return True if state == "sent" else None

    async def language(self, target: Target) -> Lang | None:
        return await asyncio.to_thread(self._language, target)

    async def update_message(self, target: Target, key: str, replies: list[Reply],
                             since: datetime) -> bool:
        """Rewrite the activity the send `key` posted first (an event's original announcement
        after a change or cancellation), as the Slack notifier does with chat.update. False
        when it is unknown (sent before activity ids were kept) or Teams refuses."""
        kind = store.USER if target.direct else store.CHANNEL
        slot = f"{kind}:{target.address}"
        activity_id = await asyncio.to_thread(self._activity, key, slot)
        row, lang = await asyncio.to_thread(self._reference_and_language, kind, target.address)
        if activity_id is None or row is None or not row.usable:
            return False
        shown = [r for r in replies if not isinstance(r, File)]
        messages = [m for reply in shown for m in cards.render(reply, lang)]
        if not messages:
            return False
        first = messages[0]
        activity = Activity(type=ActivityTypes.message, id=activity_id)
        if first.card is not None:
            activity.attachments = [Attachment(content_type=cards.CARD_CONTENT_TYPE,
                                               content=first.card)]
            activity.summary = cards.shorten(first.text, 250)
        else:
            activity.text, activity.text_format = first.text, "plain"
        done: list[bool] = []

        async def callback(context: TurnContext) -> None:
            await context.update_activity(activity)
            done.append(True)

        try:
            await asyncio.wait_for(self.adapter.continue_conversation(
                conversations.as_reference(row), callback,
                bot_app_id=self.settings.microsoft_app_id), SEND_TIMEOUT)
        except Exception as exc:  # best effort: the change itself was announced already
            log.warning("teams: cannot update %s (%s)", key, type(exc).__name__)
            return False
        return bool(done)

    async def close(self) -> None:
        """Nothing to close: connector clients live for one send."""

    # ----- sending --------------------------------------------------------------------------------

    async def _send(self, kind: str, address: str, replies: list[Reply], key: str) -> SendResult:
        row, lang = await asyncio.to_thread(self._reference_and_language, kind, address)
        if row is None:
            return SendResult.gone("no_conversation_reference")
        if not row.usable:
            return SendResult.gone(row.failure or "reference_unusable")
        reference = conversations.as_reference(row)
        slot = f"{kind}:{address}"
        await asyncio.to_thread(self._record, key, slot, "pending")
        result: list[DeliveryOutcome] = []

        async def callback(context: TurnContext) -> None:
            # the continuation activity has a made-up id; without this every message would be a
            # "reply" to it, which a channel shows as a reply to nothing
            context.activity.id = None
            user = address if kind == store.USER else "channel"
            result.append(await self.delivery.send(context, replies, lang, user_key=user))

        try:
            await asyncio.wait_for(self.adapter.continue_conversation(
                reference, callback, bot_app_id=self.settings.microsoft_app_id), SEND_TIMEOUT)
        except ServiceUrlNotAllowed:
            await asyncio.to_thread(self._record, key, slot, None)
            return SendResult.gone("service_url_not_allowed")
        except Exception as exc:  # credentials, timeouts: nothing known about the posting
            log.warning("teams: proactive send failed (%s)", type(exc).__name__)
            return SendResult.retry(type(exc).__name__)
        outcome = result[0] if result else DeliveryOutcome("transient", "no turn ran")
        return await asyncio.to_thread(self._conclude, key, slot, outcome)

    def _conclude(self, key: str, slot: str, outcome: DeliveryOutcome) -> SendResult:
        if outcome.status == "ok":
            self._record(key, slot, "sent", outcome.first_id)
            return SendResult.sent()
        if outcome.sent == 0 and (outcome.http_status in NOT_POSTED
                                  or outcome.detail in NOTHING_SENT):
            self._record(key, slot, None)  # provably nothing posted: a retry is safe
        detail = outcome.detail.lower().replace(" ", "_") or "failed"
        if outcome.status == "permanent":
            return SendResult.gone(detail)
        if outcome.http_status == 401:
            return SendResult.blocked(detail)
        return SendResult.retry(detail, outcome.retry_after)

    # ----- database -------------------------------------------------------------------------------

    def _reference_and_language(self, kind: str, address: str
                                ) -> tuple[store.TeamsReference | None, Lang]:
        """The stored reference, and the language this send's own words are in."""
        with self.db.transaction() as session:
            row = store.reference_for(session, kind, address)
            return row, _spoken(session, kind, address, row) or "ja"

    def _record(self, key: str, slot: str, state: str | None,
                activity_id: str | None = None) -> None:
        with self.db.transaction() as session:
            store.set_delivery(session, key, slot, state, self.clock(), activity_id)

    def _activity(self, key: str, slot: str) -> str | None:
        with self.db.transaction() as session:
            return store.delivery_activity(session, key, slot)

    def _state(self, key: str, slot: str) -> str | None:
        with self.db.transaction() as session:
            return store.delivery_state(session, key, slot)

    def _language(self, target: Target) -> Lang | None:
        kind = store.USER if target.direct else store.CHANNEL
        with self.db.transaction() as session:
            return _spoken(session, kind, target.address,
                           store.reference_for(session, kind, target.address))


def _spoken(session: Session, kind: str, address: str,
            row: store.TeamsReference | None) -> Lang | None:
    """A member's explicit choice, then their Teams client's locale (a channel: its client's);
    None when neither is known. One rule for the replies and the renderer's words."""
    if kind == store.USER:
        user = session.query(User).filter_by(platform="teams", platform_user_id=address).first()
        if user is not None and user.locale in ("ja", "en"):
            return user.locale  # type: ignore[return-value]
    return locale_to_lang((row.reference or {}).get("locale")) if row else None


async def send_proactive(notifier: TeamsNotifier, target: Target, replies: list[Reply],
                         key: str) -> SendResult:
    """Convenience for callers that hold a target: its direct or channel send."""
    if target.direct:
        return await notifier.send_direct(target, replies, key)
    return await notifier.send_channel(target, replies, key)
