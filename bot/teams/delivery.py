"""Replies → Teams activities in one conversation: post, replace answered cards, keep order.

A question card is remembered in `teams_cards` (conversation, activity id, key) so that the
`Answered(key)` of a later turn, in any process, replaces that very card with its answer and no
buttons; only one question per user and conversation keeps live buttons. Those rules, and the
turn's bookkeeping in at most two transactions, are the ones every platform shares
(bot/question_ledger.py); `TeamsSurface` below is the Teams part: how a question card is posted
and a closed one replaced (update_activity).

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

from bot.question_ledger import QuestionLedger, Shown, TurnBook
from bot.teams import cards, ingress
from bot.teams.guard import ServiceUrlNotAllowed
from bot.teams.outgoing_tokens import TokenUnavailable
from bot.teams.texts import text
from handlers.types import Answered, Lang, Question, Reply
from store import teams as store
from store.db import Database
from store.question_messages import Claimed

log = logging.getLogger(__name__)
PERMANENT_STATUSES = frozenset({403, 404})  # blocked / removed / conversation gone
SERVICE_URL_REFUSED = "service URL not allowed"  # outcome details of a send that stopped
NO_TOKEN = "no token"  # before its request left (nothing can have been posted by it)


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
        self.ledger = QuestionLedger(database, clock, store.TeamsCard, track_keyless=False)

    async def send(self, context: TurnContext, replies: list[Reply], lang: Lang,
                   user_key: str | None = None, *,
                   claimed: list[Claimed] | None = None) -> Outcome:
        """Send every reply in order; stops at the first permanent or transient failure.
        `claimed`: what the replies close, already claimed in the turn's transaction."""
        user = user_key or ingress.user_key(context.activity)
        book = await self.ledger.open(user, context.activity.conversation.id, replies, claimed)
        try:
            return await self._send(context, replies, lang, book)
        finally:
            await book.finish()

    async def _send(self, context: TurnContext, replies: list[Reply], lang: Lang,
                    book: TurnBook) -> Outcome:
        outcome = Outcome()
        surface = TeamsSurface(self, context, lang, outcome)
        for reply in replies:
            try:
                if isinstance(reply, Answered):
                    await book.answered(reply, surface)
                elif isinstance(reply, Question):
                    await book.ask(reply, surface)
                else:
                    for message in cards.render(reply, lang):
                        await surface.post(message)
            except ServiceUrlNotAllowed as exc:
                log.warning("teams: not sending: %s", exc)
                return Outcome("permanent", SERVICE_URL_REFUSED, outcome.sent)
            except TokenUnavailable as exc:  # Entra ID gave no token: try again later
                log.warning("teams: no token to send with (%s)", exc)
                return Outcome("transient", NO_TOKEN, outcome.sent)
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

    # ----- failures -----------------------------------------------------------------------------

    def _unusable(self, activity: Activity, status: int) -> None:
        now = self.clock()
        with self.db.transaction() as session:
            for kind, key, _ in _reference_keys(activity):
                row = store.reference_for(session, kind, key)
                if row is not None:
                    store.mark_unusable(session, row.id, f"HTTP {status} from the connector", now)


class TeamsSurface:
    """Question cards in the turn's conversation; a closed one is replaced in place. Counts
    what Teams confirmed into the send's `Outcome`."""

    def __init__(self, delivery: Delivery, context: TurnContext, lang: Lang,
                 outcome: Outcome) -> None:
        self.delivery = delivery
        self.context = context
        self.lang = lang
        self.outcome = outcome
        self.retired_text = text(lang, "retired")

    async def post(self, message: cards.Message) -> str | None:
        posted = await self.delivery.post(self.context, message)
        self.outcome.first_id = self.outcome.first_id or posted
        self.outcome.sent += 1
        return posted

    async def ask(self, question: Question) -> str | None:
        """Post a question card (after any explanation); the last activity: its buttons."""
        activity_id = None
        for message in cards.render_question(question, text(self.lang, "continued")):
            activity_id = await self.post(message)
        return activity_id

    async def close(self, shown: Shown, outcome: str) -> None:
        card = cards.render_closed(shown.title, shown.context, outcome)
        activity = Activity(type=ActivityTypes.message, id=shown.message,
                            attachments=[Attachment(content_type=cards.CARD_CONTENT_TYPE,
                                                    content=card)])
        try:
            await self.context.update_activity(activity)
        except ServiceUrlNotAllowed:
            raise
        except Exception as exc:  # an old card that cannot be edited is not worth failing for
            if status_of(exc) == 403:  # blocked: the caller marks the reference unusable
                raise
            log.info("teams: could not update card %s (%s %s)", shown.message,
                     type(exc).__name__, status_of(exc) or "")


def _reference_keys(activity: Activity) -> list[tuple[str, str, None]]:
    if ingress.conversation_type(activity) == "personal":
        # reactive and proactive (continuation) activities alike come "from" the user
        return [(store.USER, ingress.user_key(activity), None)]
    return [(store.CHANNEL, ingress.base_conversation_id(activity.conversation.id), None)]

