"""A turn's question bookkeeping, the same for Slack and Teams: claim once, post, record once.

The rules and their queries live in store/question_messages.py; this is the async half every
adapter's delivery uses. A platform gives it a `Surface` — how to post a question and how to
redraw a closed one without buttons — and calls, while it sends a turn's replies in order:

    book = await ledger.open(owner, conversation, replies)   # one transaction, before any post
    (or ledger.claim_in(session, ...) inside the router turn's own transaction, then
     ledger.open(..., claimed=those): no transaction of its own)
    ... await book.answered(reply, surface) / await book.ask(question, surface) ...
    await book.finish()        # after the turn: records the posts, if the last step has not yet

`open` takes out of "live", in one transaction, every message the replies will close (the
answered question, the ones a new question retires), so the old buttons are gone before the new
question shows and a click on them no longer counts. The posted questions are remembered in one
more transaction as soon as the turn's last Answered or Question reply is handled (the platform
names a message only when it answers the post). A turn that stops early gives back the claims
it never used. So a turn costs at most two transactions, one when it asks nothing new.
A database error costs only the bookkeeping: the member's answer is saved and the next question
still goes out.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from handlers.types import Answered, Question, Reply
from store import question_messages as store
from store.db import Database
from store.question_messages import ANSWERED, KEY_MAX, LIVE, RETIRED, Claimed, Posted, fit

log = logging.getLogger(__name__)


class Shown(Protocol):
    """A question message as the platform redraws it: where, which, and its heading."""

    conversation: str
    message: str
    title: str
    context: str


class Surface(Protocol):
    """The platform-specific part: post a question, redraw a closed one with no buttons."""

    retired_text: str  # the line a superseded question gets, in the member's language

    async def ask(self, question: Question) -> str | None:
        """Post the question; the id of the message with its buttons (None: none given)."""

    async def close(self, shown: Shown, outcome: str) -> None:
        """Redraw the message: its heading and `outcome`, no buttons."""


def outcome_of(reply: Answered) -> str:
    """The line an answered question shows: the answer, ticked."""
    return reply.summary if reply.summary.startswith("✓") else f"✓ {reply.summary}"


class QuestionLedger:
    """One platform's question messages (its table), for every turn of that platform."""

    def __init__(self, database: Database, clock: Callable[[], datetime],
                 table: type[store.QuestionMessage], *, track_keyless: bool) -> None:
        """`track_keyless`: whether a question without a key is remembered (and so retired
        later). Teams says no: its proactive cards (event RSVPs) come through the same path
        and must keep their buttons."""
        self.db = database
        self.clock = clock
        self.table = table
        self.track_keyless = track_keyless

    def claim_in(self, session: Session, owner: str, conversation: str,
                 replies: Sequence[Reply], live_rows: Sequence[Any] | None = None
                 ) -> list[Claimed]:
        """`open`'s claim inside a transaction the caller owns: the router turn's own (its
        TurnHooks.after), so the claim commits or rolls back with the answer itself.
        `live_rows`: the owner's live rows already read in that transaction (store's
        `live_and_state_of`), so the claim does not read them again."""
        return store.claim_turn(session, self.table, owner, conversation, _steps(replies),
                                live_rows)

    async def open(self, owner: str, conversation: str, replies: Sequence[Reply],
                   claimed: list[Claimed] | None = None) -> TurnBook:
        """Claim, in one transaction, what the turn's replies will close (none: no transaction);
        `claimed`: already claimed in the turn's own transaction (`claim_in`)."""
        steps = _steps(replies)
        if claimed is not None:
            return TurnBook(self, owner, conversation, claimed, steps=len(steps))
        claims: list[Claimed] = []
        if steps:
            try:
                claims = await asyncio.to_thread(self._claim, owner, conversation, steps)
            except SQLAlchemyError as exc:  # the answer is saved: the next question still goes
                log.warning("question bookkeeping: could not close older questions: %s",
                            type(exc).__name__)
        return TurnBook(self, owner, conversation, claims, steps=len(steps))

    def _claim(self, owner: str, conversation: str, steps: list[str | None]) -> list[Claimed]:
        with self.db.transaction() as session:
            return store.claim_turn(session, self.table, owner, conversation, steps)

    def record(self, owner: str, posted: list[Posted], unused: list[Claimed]) -> None:
        with self.db.transaction() as session:
            store.record(session, self.table, owner, posted, unused, self.clock())


def _steps(replies: Sequence[Reply]) -> list[str | None]:
    """The replies that touch questions, in order: an answer's key, None for a new question."""
    return [r.key if isinstance(r, Answered) else None for r in replies
            if isinstance(r, Answered | Question)]


class TurnBook:
    """One turn's claims and posts, used in reply order."""

    def __init__(self, ledger: QuestionLedger, owner: str, conversation: str,
                 claims: list[Claimed], steps: int) -> None:
        self.ledger = ledger
        self.owner = owner
        self.conversation = conversation
        self.unused = list(claims)
        self.posted: list[Posted] = []  # this turn's, not yet recorded
        self.steps_left = steps  # Answered and Question replies still to come

    async def answered(self, reply: Answered, surface: Surface) -> None:
        """Redraw the answered question's message; nothing when another process did, or the
        answer was typed to a question shown elsewhere."""
        try:
            key = fit(reply.key, KEY_MAX)
            mine = next((i for i in range(len(self.posted) - 1, -1, -1)
                         if self.posted[i].key == key and self.posted[i].state == LIVE), None)
            shown: Shown | None
            if mine is not None:  # a question this very turn asked (not yet recorded)
                shown = self.posted[mine] = replace(self.posted[mine], state=ANSWERED)
            else:
                shown = self._take(lambda c: c.state == ANSWERED and c.key == key)
            if shown is not None:
                await surface.close(shown, outcome_of(reply))
        finally:
            await self._step_done()

    async def ask(self, question: Question, surface: Surface) -> str | None:
        """Retire what is live, post the question, remember it (recorded after the last)."""
        try:
            while (claim := self._take(lambda c: c.state == RETIRED)) is not None:
                await surface.close(claim, surface.retired_text)
            for i, earlier in enumerate(self.posted):
                if earlier.state == LIVE:
                    self.posted[i] = replace(earlier, state=RETIRED)
                    await surface.close(earlier, surface.retired_text)
            message = await surface.ask(question)
            if message and (question.key or self.ledger.track_keyless):
                self.posted.append(Posted(
                    key=fit(question.key, KEY_MAX), conversation=self.conversation,
                    message=message, title=fit(question.title, store.TEXT_MAX),
                    context=fit(question.context, store.TEXT_MAX)))
            return message
        finally:
            await self._step_done()

    async def finish(self) -> None:
        """Record what is left: nothing, unless the turn stopped early (then the claims it
        never used are given back too)."""
        await self._flush()

    async def _step_done(self) -> None:
        """After the turn's last Answered or Question: record at once, not after the rest
        (a picture upload can take a second, and a click may come to another process)."""
        self.steps_left -= 1
        if self.steps_left <= 0:
            await self._flush()

    def _take(self, wanted: Callable[[Claimed], bool]) -> Claimed | None:
        for i, claim in enumerate(self.unused):
            if wanted(claim):
                return self.unused.pop(i)
        return None

    async def _flush(self) -> None:
        posted, self.posted = self.posted, []
        returned, self.unused = self.unused, []
        if not posted and not returned:
            return
        try:
            await asyncio.to_thread(self.ledger.record, self.owner, posted, returned)
        except SQLAlchemyError as exc:  # the messages went out; only their bookkeeping is lost
            log.warning("question bookkeeping: could not remember %d question(s): %s",
                        len(posted), type(exc).__name__)
