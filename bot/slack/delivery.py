"""Replies → Slack messages: post, update the answered question, upload charts.

A question's message is remembered in `slack_messages` (channel, ts, key) so that the
`Answered(key)` of a later turn, in any process, updates that very message and removes its
buttons. Only one question per user keeps live buttons: posting a new one retires the older
ones, so a click on an old message cannot answer anything twice. Moving a row out of "live" is
a conditional UPDATE, so of two processes only the winner calls chat.update.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.exc import SQLAlchemyError

from bot.slack import blocks
from bot.slack.blocks import Rendered
from bot.slack.client import SLACK_ERRORS
from bot.slack.client import describe_error as _describe
from bot.slack.texts import text
from handlers.types import Answered, File, Image, Lang, Question, Reply
from store import slack as store
from store.db import Database

log = logging.getLogger(__name__)


class Delivery:
    """Sends one turn's replies to one channel, in order."""

    def __init__(self, client: AsyncWebClient, database: Database,
                 clock: Callable[[], datetime]) -> None:
        self.client = client
        self.db = database
        self.clock = clock

    async def send(self, user_id: str, channel: str, replies: list[Reply], lang: Lang) -> None:
        for reply in replies:
            try:
                if isinstance(reply, Answered):
                    await self._answered(user_id, reply)
                elif isinstance(reply, Question):
                    await self._question(user_id, channel, reply, lang)
                elif isinstance(reply, Image):
                    await self._image(channel, reply, lang)
                elif isinstance(reply, File):
                    await self._file(channel, reply)
                else:
                    for message in blocks.render(reply, text(lang, "continued")):
                        await self.post(channel, message)
            except SLACK_ERRORS as exc:  # after the client's own retries: tell the log, go on
                log.warning("could not deliver %s to %s: %s", type(reply).__name__, channel,
                            _describe(exc))
            except SQLAlchemyError as exc:  # message bookkeeping lost; the reply itself went out
                log.warning("slack message bookkeeping failed: %s", type(exc).__name__)

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

    # ----- questions ----------------------------------------------------------------------------

    async def _question(self, user_id: str, channel: str, question: Question,
                        lang: Lang) -> None:
        try:
            await self._retire(user_id, lang)
        except SQLAlchemyError as exc:  # the database went away mid-turn: the answer is saved,
            # so the next question must still reach the member; only tidying old buttons waits
            log.warning("could not retire older questions: %s", type(exc).__name__)
        messages = blocks.render_question(question, text(lang, "continued"))
        ts = ""
        for message in messages:
            ts = await self.post(channel, message)
        await asyncio.to_thread(self._remember, user_id, channel, ts, question)

    def _remember(self, user_id: str, channel: str, ts: str, question: Question) -> None:
        with self.db.transaction() as session:
            session.add(store.SlackMessage(
                slack_user_id=user_id, channel_id=channel, ts=ts, key=question.key[:200],
                title=blocks.shorten(question.title, 3000),
                context=blocks.shorten(question.context, 3000), state=store.LIVE,
                created_at=self.clock()))

    async def _retire(self, user_id: str, lang: Lang) -> None:
        for row in await asyncio.to_thread(self._claim_live, user_id):
            await self._update(row, blocks.render_closed(row.title, row.context,
                                                         text(lang, "retired")))

    def _claim_live(self, user_id: str) -> list[store.SlackMessage]:
        with self.db.transaction() as session:
            rows = store.live_questions(session, user_id)
            return [r for r in rows if store.mark(session, r.id, store.RETIRED)]

    async def _answered(self, user_id: str, reply: Answered) -> None:
        row = await asyncio.to_thread(self._claim_answered, user_id, reply.key)
        if row is None:  # typed answer to a question shown elsewhere, or another process won
            return
        outcome = reply.summary if reply.summary.startswith("✓") else f"✓ {reply.summary}"
        await self._update(row, blocks.render_closed(row.title, row.context, outcome))

    def _claim_answered(self, user_id: str, key: str) -> store.SlackMessage | None:
        with self.db.transaction() as session:
            row = store.question_by_key(session, user_id, key[:200])
            if row is not None and store.mark(session, row.id, store.ANSWERED):
                return row
            return None

    async def _update(self, row: store.SlackMessage, message: Rendered) -> None:
        try:
            await self.client.chat_update(channel=row.channel_id, ts=row.ts, text=message.text,
                                          blocks=message.blocks)
        except SLACK_ERRORS as exc:
            log.warning("could not update message %s: %s", row.ts, _describe(exc))

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
