"""Confidential replies of a channel turn, delivered in the person's 1:1 chat with the bot.

The router wraps whatever is not public in a `DirectMessage` when a turn comes from a channel
(handlers/privacy.py). The 1:1 chat is reached through the stored personal reference when the
user has one; otherwise it is created with the connector (`create_conversation` with the user's
ids and the tenant, as Bot Framework bots do proactively) and its reference stored for next time.
Only when that fails too does the channel learn anything more — a polite request to message the
bot directly; the content itself never goes to the channel.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from botbuilder.core import BotAdapter, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import (
    ChannelAccount,
    ConversationAccount,
    ConversationParameters,
    ConversationReference,
)

from bot.teams import conversations, ingress
from bot.teams.delivery import Delivery
from handlers.types import DirectMessage, Lang, Reply
from store import teams as store
from store.db import Database

log = logging.getLogger(__name__)
OPEN_TIMEOUT = 20.0  # seconds to create the 1:1 chat, retries included


def split(replies: list[Reply]) -> tuple[list[Reply], list[DirectMessage]]:
    """(what the channel may show, what must go to the person's 1:1 chat)."""
    shown = [r for r in replies if not isinstance(r, DirectMessage)]
    private = [r for r in replies if isinstance(r, DirectMessage)]
    return shown, private


def unwrap(replies: list[Reply]) -> list[Reply]:
    """In the 1:1 chat itself a DirectMessage is just its replies."""
    flat: list[Reply] = []
    for reply in replies:
        flat.extend(reply.replies if isinstance(reply, DirectMessage) else [reply])
    return flat


class DirectChat:
    def __init__(self, adapter: CloudAdapter, database: Database, delivery: Delivery,
                 clock: Callable[[], datetime], app_id: str | None) -> None:
        self.adapter = adapter
        self.db = database
        self.delivery = delivery
        self.clock = clock
        self.app_id = app_id

    async def deliver(self, context: TurnContext, replies: list[Reply], lang: Lang) -> bool:
        """True when every reply reached the person's 1:1 chat."""
        user = ingress.user_key(context.activity)
        row = await asyncio.to_thread(self._stored, user)
        if row is not None and row.usable:
            outcome = await self._send(conversations.as_reference(row), replies, lang, user)
            if outcome == "ok":
                return True
            if outcome != "permanent":  # throttled or down: opening another chat won't help
                return False
        try:
            reference = await asyncio.wait_for(self._open(context), OPEN_TIMEOUT)
        except Exception as exc:  # 403 (app not installed for the user), timeouts, bad ids
            log.info("teams: could not open a 1:1 chat (%s)", type(exc).__name__)
            return False
        return await self._send(reference, replies, lang, user) == "ok"

    async def _send(self, reference: ConversationReference, replies: list[Reply], lang: Lang,
                    user: str) -> str:
        result: list[str] = []

        async def callback(context: TurnContext) -> None:
            context.activity.id = None  # a new message, not a reply to the continuation
            result.append((await self.delivery.send(context, replies, lang, user_key=user)).status)

        try:
            await self.adapter.continue_conversation(reference, callback, bot_app_id=self.app_id)
        except Exception as exc:  # credentials, service URL refused...
            log.info("teams: could not reach the 1:1 chat (%s)", type(exc).__name__)
            return "transient"
        return result[0] if result else "transient"

    async def _open(self, context: TurnContext) -> ConversationReference:
        """Create (or find: Teams returns the existing one) the 1:1 chat; store its reference."""
        activity = context.activity
        sender = activity.from_property
        aad = getattr(sender, "aad_object_id", None)
        tenant = ingress.tenant_id(activity)
        client = context.turn_state[BotAdapter.BOT_CONNECTOR_CLIENT_KEY]
        params = ConversationParameters(
            is_group=False, bot=activity.recipient, tenant_id=tenant,
            members=[ChannelAccount(id=sender.id, aad_object_id=aad)],
            channel_data={"tenant": {"id": tenant}} if tenant else None)
        created = await client.conversations.create_conversation(params)
        if not isinstance(getattr(created, "id", None), str) or not created.id:
            raise ValueError("no conversation id")
        reference = ConversationReference(
            activity_id=None, bot=activity.recipient, channel_id=activity.channel_id,
            locale=activity.locale, service_url=created.service_url or activity.service_url,
            user=ChannelAccount(id=sender.id, name=sender.name, aad_object_id=aad),
            conversation=ConversationAccount(id=created.id, conversation_type="personal",
                                             tenant_id=tenant))
        await asyncio.to_thread(self._store, ingress.user_key(activity), reference, tenant)
        return reference

    def _stored(self, user: str) -> store.TeamsReference | None:
        with self.db.transaction() as session:
            return store.reference_for(session, store.USER, user)

    def _store(self, user: str, reference: ConversationReference, tenant: str | None) -> None:
        with self.db.transaction() as session:
            store.save_reference(session, kind=store.USER, key=user,
                                 reference=reference.serialize(), conversation_type="personal",
                                 service_url=reference.service_url, tenant_id=tenant,
                                 now=self.clock())
