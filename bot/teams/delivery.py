"""Replies → Teams activities in one conversation: post, replace answered cards, keep order.

A question card is remembered in `teams_cards` (conversation, activity id, key) so that the
`Answered(key)` of a later turn, in any process, replaces that very card with its answer and no
buttons (update_activity). Only one question per user and conversation keeps live buttons:
posting a new one retires the older ones the same way. Moving a row out of "live" is a
conditional UPDATE, so of two processes only the winner calls update_activity.

A 403 from the connector means the bot was blocked or removed: the conversation's stored
reference is marked unusable and nothing more is sent in this turn.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ActivityTypes, Attachment

from bot.teams import cards, ingress
from bot.teams.guard import ServiceUrlNotAllowed
from bot.teams.texts import text
from handlers.types import Answered, Lang, Question, Reply
from store import teams as store
from store.db import Database

log = logging.getLogger(__name__)
PERMANENT_STATUSES = frozenset({403, 404})  # blocked / removed / conversation gone


@dataclass
class Outcome:
    """How a delivery went: "ok", "transient" (try again later) or "permanent" (don't)."""

    status: str = "ok"
    detail: str = ""
    sent: int = 0  # activities Teams confirmed
    http_status: int | None = None
    retry_after: float | None = None  # seconds, when Teams said so
    first_id: str | None = None  # the first activity posted (to update it later)


def retry_after_of(exc: BaseException) -> float | None:
    headers = getattr(getattr(exc, "response", None), "headers", None) or {}
    try:
        value = headers.get("Retry-After")
        return float(value) if value else None
    except (TypeError, ValueError, AttributeError):
        return None


def status_of(exc: BaseException) -> int | None:
    """The HTTP status of a connector error (msrest's ErrorResponseException), if any."""
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    return status if isinstance(status, int) else None


class Delivery:
    def __init__(self, database: Database, clock: Callable[[], datetime]) -> None:
        self.db = database
        self.clock = clock

    async def send(self, context: TurnContext, replies: list[Reply], lang: Lang,
                   user_key: str | None = None) -> Outcome:
        """Send every reply in order; stops at the first permanent or transient failure."""
        user = user_key or ingress.user_key(context.activity)
        outcome = Outcome()
        for reply in replies:
            try:
                if isinstance(reply, Answered):
                    await self._answered(context, user, reply)
                elif isinstance(reply, Question):
                    posted = await self._question(context, user, reply, lang)
                    outcome.first_id = outcome.first_id or posted
                    outcome.sent += 1
                else:
                    for message in cards.render(reply, text(lang, "continued"),
                                                text(lang, "image_failed", alt=_alt(reply))):
                        posted = await self.post(context, message)
                        outcome.first_id = outcome.first_id or posted
                        outcome.sent += 1
            except ServiceUrlNotAllowed as exc:
                log.warning("teams: not sending: %s", exc)
                return Outcome("permanent", "service URL not allowed", outcome.sent)
            except Exception as exc:  # connector errors after our retries: tell the log, stop
                status = status_of(exc)
                if status in PERMANENT_STATUSES:
                    await asyncio.to_thread(self._unusable, context.activity, status)
                    log.warning("teams: conversation refused the bot (%d); reference marked "
                                "unusable", status)
                    return Outcome("permanent", f"HTTP {status}", outcome.sent, status)
                log.warning("teams: could not deliver %s (%s %s)", type(reply).__name__,
                            type(exc).__name__, status or "")
                return Outcome("transient", f"HTTP {status}" if status else type(exc).__name__,
                               outcome.sent, status, retry_after_of(exc))
        return outcome

    async def post(self, context: TurnContext, message: cards.Message) -> str | None:
        activity = Activity(type=ActivityTypes.message, text=message.text, text_format="plain")
        if message.card is not None:
            activity.attachments = [Attachment(content_type=cards.CARD_CONTENT_TYPE,
                                               content=message.card)]
            activity.text = None  # the card speaks for itself; Teams would show both
            activity.summary = cards.shorten(message.text, 250)
        response = await context.send_activity(activity)
        return getattr(response, "id", None) or None

    # ----- questions ----------------------------------------------------------------------------

    async def _question(self, context: TurnContext, user: str, question: Question,
                        lang: Lang) -> str | None:
        """Post a question card (after any explanation); the first activity id posted."""
        conversation = context.activity.conversation.id
        await self._retire(context, user, conversation, lang)
        activity_id = first = None
        for message in cards.render_question(question, text(lang, "continued")):
            activity_id = await self.post(context, message)
            first = first or activity_id
        if activity_id and question.key:
            await asyncio.to_thread(self._remember, user, conversation, activity_id, question)
        return first

    def _remember(self, user: str, conversation: str, activity_id: str,
                  question: Question) -> None:
        with self.db.transaction() as session:
            store.remember_card(session, aad_object_id=user, conversation_id=conversation,
                                activity_id=activity_id, key=question.key,
                                title=cards.shorten(question.title, 3000),
                                context=cards.shorten(question.context, 3000), now=self.clock())

    async def _retire(self, context: TurnContext, user: str, conversation: str,
                      lang: Lang) -> None:
        for row in await asyncio.to_thread(self._claim_live, user, conversation):
            await self._replace(context, row, cards.render_closed(row.title, row.context,
                                                                  text(lang, "retired")))

    def _claim_live(self, user: str, conversation: str) -> list[store.TeamsCard]:
        with self.db.transaction() as session:
            rows = store.live_cards(session, user, conversation)
            return [r for r in rows if store.mark_card(session, r.id, store.RETIRED)]

    async def _answered(self, context: TurnContext, user: str, reply: Answered) -> None:
        conversation = context.activity.conversation.id
        row = await asyncio.to_thread(self._claim_answered, user, conversation, reply.key)
        if row is None:  # typed answer to a card shown elsewhere, or another process won
            return
        outcome = reply.summary if reply.summary.startswith("✓") else f"✓ {reply.summary}"
        await self._replace(context, row, cards.render_closed(row.title, row.context, outcome))

    def _claim_answered(self, user: str, conversation: str, key: str) -> store.TeamsCard | None:
        with self.db.transaction() as session:
            row = store.card_by_key(session, user, key)
            if row is None or row.conversation_id != conversation[:store.CONVERSATION_MAX]:
                return None  # only a card in this conversation can be updated from this turn
            return row if store.mark_card(session, row.id, store.ANSWERED) else None

    async def _replace(self, context: TurnContext, row: store.TeamsCard, card: dict) -> None:
        activity = Activity(type=ActivityTypes.message, id=row.activity_id,
                            attachments=[Attachment(content_type=cards.CARD_CONTENT_TYPE,
                                                    content=card)])
        try:
            await context.update_activity(activity)
        except ServiceUrlNotAllowed:
            raise
        except Exception as exc:  # an old card that cannot be edited is not worth failing for
            if status_of(exc) == 403:  # blocked: the caller marks the reference unusable
                raise
            log.info("teams: could not update card %s (%s %s)", row.id, type(exc).__name__,
                     status_of(exc) or "")

    # ----- failures -----------------------------------------------------------------------------

    def _unusable(self, activity: Activity, status: int) -> None:
        now = self.clock()
        with self.db.transaction() as session:
            for kind, key, _ in _reference_keys(activity):
                row = store.reference_for(session, kind, key)
                if row is not None:
                    store.mark_unusable(session, row.id, f"HTTP {status} from the connector", now)


def _reference_keys(activity: Activity) -> list[tuple[str, str, None]]:
    if ingress.conversation_type(activity) == "personal":
        # reactive and proactive (continuation) activities alike come "from" the user
        return [(store.USER, ingress.user_key(activity), None)]
    return [(store.CHANNEL, ingress.base_conversation_id(activity.conversation.id), None)]


def _alt(reply: Reply) -> str:
    return getattr(reply, "alt", "") or ""
