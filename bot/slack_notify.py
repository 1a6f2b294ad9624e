"""Slack implementation of `bot.notify.Notifier`: conversations.open + chat.postMessage.

Messages are rendered with the Slack adapter's Block Kit renderer (bot/slack/blocks.py), so a
reminder looks like every other bot message and its buttons ("navi:resume", "round:mute:<id>")
come back through the same click handler.

Exactly once: each message carries the delivery key as message metadata, and `was_sent` looks
for it with conversations.history (include_all_metadata). The client therefore retries only 429
itself (Slack did not process the request); a dropped connection or a 5xx, after which the
message may or may not exist, is returned as RETRY and the worker asks `was_sent` first.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.notify import SendResult, Target
from bot.slack import blocks
from bot.slack.client import (
    SLACK_ERRORS,
    GateRetryHandler,
    RetryAfterGate,
    describe_error,
    quiet_logger,
    retry_after,
)
from bot.slack.identity import Identity
from handlers.text import locale_to_lang
from handlers.types import File, Lang, Reply
from store.db import Database
from store.slack import SlackProfile

log = logging.getLogger(__name__)

METADATA_EVENT = "aiga_delivery"
HISTORY_PAGES = 5  # 5 × 200 messages since the claim: far more than a DM gets in minutes
# The user or channel cannot receive this message, now or later: record, show, never retry.
PERMANENT = frozenset({
    "user_not_found", "users_not_found", "user_disabled", "account_inactive", "cannot_dm_bot",
    "channel_not_found", "is_archived", "not_in_channel", "user_not_visible", "invalid_users",
    "messages_tab_disabled", "restricted_action", "is_inactive",
})
# The workspace refuses the bot itself: nothing will get through until someone fixes the app.
REFUSED = frozenset({"invalid_auth", "not_authed", "token_revoked", "token_expired",
                     "account_inactive_bot", "team_access_not_granted", "missing_scope",
                     "not_allowed_token_type", "ekm_access_denied"})


class SlackNotifier:
    platform = "slack"

    def __init__(self, token: str, base_url: str, database: Database,
                 clock: Callable[[], datetime], *, timeout: int = 15) -> None:
        self.gate = RetryAfterGate()
        self.client = AsyncWebClient(token=token, base_url=base_url, timeout=timeout,
                                     retry_handlers=[GateRetryHandler(self.gate, 2)],
                                     logger=quiet_logger())
        self.db = database
        self.identity = Identity(self.client, database, clock)

    async def send_direct(self, target: Target, replies: list[Reply], key: str) -> SendResult:
        try:
            await self.gate.wait("conversations.open")
            channel = await self.identity.dm_channel(target.address)
        except SLACK_ERRORS as exc:
            return _failure(exc)
        return await self._post(channel, replies, key)

    async def send_channel(self, target: Target, replies: list[Reply], key: str) -> SendResult:
        return await self._post(target.address, replies, key)

    async def was_sent(self, target: Target, key: str, since: datetime) -> bool | None:
        found = await self._find(target, key, since)
        return found if found is None else bool(found)

    async def update_message(self, target: Target, key: str, replies: list[Reply],
                             since: datetime) -> bool:
        """Rewrite the message stamped with `key` (an event's original announcement after a
        change or cancellation). False when it cannot be found or updated."""
        found = await self._find(target, key, since)
        if not found:
            return False
        channel, ts = found
        shown = [r for r in replies if not isinstance(r, File)]
        messages = [m for reply in shown for m in blocks.render(reply)]
        if not messages:
            return False
        try:
            await self.client.chat_update(channel=channel, ts=ts, text=messages[0].text,
                                          blocks=messages[0].blocks)
        except SLACK_ERRORS as exc:
            log.warning("slack: cannot update %s: %s", key, describe_error(exc))
            return False
        return True

    async def _find(self, target: Target, key: str,
                    since: datetime) -> tuple[str, str] | bool | None:
        """(channel, ts) of the message stamped with `key`; False if surely absent; None if
        the platform cannot tell."""
        try:
            channel = (await self.identity.dm_channel(target.address) if target.direct
                       else target.address)
            cursor = None
            for _ in range(HISTORY_PAGES):
                await self.gate.wait("conversations.history")
                response = await self.client.conversations_history(
                    channel=channel, oldest=f"{since.timestamp() - 60:.6f}", limit=200,
                    include_all_metadata=True, cursor=cursor)
                for message in response.get("messages") or []:
                    payload = (message.get("metadata") or {}).get("event_payload") or {}
                    if payload.get("key") == key:
                        return channel, str(message.get("ts") or "")
                cursor = (response.get("response_metadata") or {}).get("next_cursor")
                if not response.get("has_more") or not cursor:
                    return False
        except SLACK_ERRORS as exc:
            log.warning("slack: cannot check delivery %s: %s", key, describe_error(exc))
            return None
        return None  # more history than we look through: cannot tell

    async def language(self, target: Target) -> Lang | None:
        def cached_locale() -> str | None:
            with self.db.transaction() as session:
                row = session.get(SlackProfile, target.address)
                return row.locale if row is not None else None

        return locale_to_lang(await asyncio.to_thread(cached_locale))

    async def close(self) -> None:
        session = getattr(self.client, "session", None)
        if session is not None and not session.closed:
            await session.close()

    async def _post(self, channel: str, replies: list[Reply], key: str) -> SendResult:
        metadata = {"event_type": METADATA_EVENT, "event_payload": {"key": key}}
        files = [r for r in replies if isinstance(r, File)]
        messages = [m for reply in replies if not isinstance(reply, File)
                    for m in blocks.render(reply)]
        try:
            for message in messages:
                await self.gate.wait("chat.postMessage", channel)
                extra = {"blocks": message.blocks} if message.blocks else {}
                await self.client.chat_postMessage(channel=channel, text=message.text,
                                                   metadata=metadata, unfurl_links=False,
                                                   **extra)
        except SLACK_ERRORS as exc:
            return _failure(exc)
        for file in files:  # the message is posted (and recorded): a file is best effort
            await self._upload(channel, file)
        return SendResult.sent()

    async def _upload(self, channel: str, file: File) -> None:
        try:
            await self.client.files_upload_v2(
                channel=channel, file=file.path, filename=file.filename,
                title=blocks.shorten(file.title or file.filename, 250))
        except (*SLACK_ERRORS, ValueError, OSError) as exc:
            log.warning("slack: could not upload %s: %s", file.filename, describe_error(exc))


def _failure(exc: BaseException) -> SendResult:
    code = describe_error(exc)
    if isinstance(exc, SlackApiError):
        if code in PERMANENT:
            return SendResult.gone(code)
        if code in REFUSED:
            return SendResult.blocked(code)
        headers = getattr(exc.response, "headers", None) or {}
        limited = getattr(exc.response, "status_code", 0) == 429
        return SendResult.retry(code, retry_after(headers) if limited else None)
    return SendResult.retry(code)
