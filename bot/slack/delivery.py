"""Replies → Slack messages: post, update the answered question, upload charts.

A question's message is remembered in `slack_messages` (channel, ts, key), so the `Answered(key)`
of a later turn, in any process, updates that very message and removes its buttons; only one
question per user keeps live buttons. Those rules, and the turn's bookkeeping in at most two
transactions, are the ones every platform shares (bot/question_ledger.py); `SlackSurface` below
is the Slack part: how a question is posted and a closed one redrawn (chat.update).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from slack_sdk.web.async_client import AsyncWebClient

from bot.question_ledger import QuestionLedger, Shown
from bot.slack import blocks
from bot.slack.blocks import Rendered
from bot.slack.client import SLACK_ERRORS
from bot.slack.client import describe_error as _describe
from bot.slack.texts import text
from handlers.types import Answered, File, Image, Lang, Question, Reply
from store import slack as store
from store.db import Database
from store.question_messages import Claimed

log = logging.getLogger(__name__)


class Delivery:
    """Sends one turn's replies to one channel, in order."""

    def __init__(self, client: AsyncWebClient, database: Database,
                 clock: Callable[[], datetime]) -> None:
        self.client = client
        self.db = database
        self.clock = clock
        self.ledger = QuestionLedger(database, clock, store.SlackMessage, track_keyless=True)

    async def send(self, user_id: str, channel: str, replies: list[Reply], lang: Lang,
                   claimed: list[Claimed] | None = None) -> None:
        """`claimed`: the question messages the turn's own transaction already took out of
        "live" (bot/slack/turn_hooks.py); without, the ledger claims them now."""
        book = await self.ledger.open(user_id, channel, replies, claimed)
        surface = SlackSurface(self, channel, lang)
        try:
            for reply in replies:
                try:
                    if isinstance(reply, Answered):
                        await book.answered(reply, surface)
                    elif isinstance(reply, Question):
                        await book.ask(reply, surface)
                    elif isinstance(reply, Image):
                        await self._image(channel, reply, lang)
                    elif isinstance(reply, File):
                        await self._file(channel, reply)
                    else:
                        for message in blocks.render(reply, text(lang, "continued")):
                            await self.post(channel, message)
                except SLACK_ERRORS as exc:  # after the client's own retries: log, go on
                    log.warning("could not deliver %s to %s: %s", type(reply).__name__, channel,
                                _describe(exc))
        finally:
            await book.finish()

    async def post(self, channel: str, message: Rendered) -> str:
        extra = {"blocks": message.blocks} if message.blocks else {}
        response = await self.client.chat_postMessage(channel=channel, text=message.text,
                                                      unfurl_links=False, **extra)
        return response["ts"]

    async def ephemeral(self, channel: str, user_id: str, message: str) -> None:
        try:
            await self.client.chat_postEphemeral(channel=channel, user=user_id,
                                                 text=blocks.fallback_text(message))
        except SLACK_ERRORS as exc:
            log.info("no ephemeral note in %s: %s", channel, _describe(exc))

    # ----- pictures -----------------------------------------------------------------------------

    async def _image(self, channel: str, image: Image, lang: Lang) -> None:
        path = Path(image.path)
        try:
            await self.client.files_upload_v2(
                channel=channel, file=str(path), filename=path.name,
                title=blocks.shorten(image.title or image.alt, 250),
                alt_txt=blocks.shorten(image.alt, 1000), request_file_info=False)
        except (*SLACK_ERRORS, ValueError) as exc:
            log.warning("could not upload %s: %s", path.name, _describe(exc))
            await self.post(channel, Rendered(blocks.fallback_text(
                text(lang, "image_failed", alt=image.alt))))

    async def _file(self, channel: str, file: File) -> None:
        """A calendar file (.ics) and the like: uploaded; its title as text if that fails."""
        try:
            await self.client.files_upload_v2(
                channel=channel, file=file.path, filename=file.filename,
                title=blocks.shorten(file.title or file.filename, 250), request_file_info=False)
        except (*SLACK_ERRORS, ValueError, OSError) as exc:
            log.warning("could not upload %s: %s", file.filename, _describe(exc))
            await self.post(channel, Rendered(blocks.fallback_text(file.title or file.filename)))


class SlackSurface:
    """Questions as Block Kit messages in one channel; a closed one is updated in place."""

    def __init__(self, delivery: Delivery, channel: str, lang: Lang) -> None:
        self.delivery = delivery
        self.channel = channel
        self.lang = lang
        self.retired_text = text(lang, "retired")

    async def ask(self, question: Question) -> str | None:
        ts = ""
        for message in blocks.render_question(question, text(self.lang, "continued")):
            ts = await self.delivery.post(self.channel, message)
        return ts or None  # the last message carries the buttons

    async def close(self, shown: Shown, outcome: str) -> None:
        message = blocks.render_closed(shown.title, shown.context, outcome)
        try:
            await self.delivery.client.chat_update(channel=shown.conversation, ts=shown.message,
                                                   text=message.text, blocks=message.blocks)
        except SLACK_ERRORS as exc:
            log.warning("could not update message %s: %s", shown.message, _describe(exc))
