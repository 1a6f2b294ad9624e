"""A Slack turn's own bookkeeping, run inside the router turn's transaction (issue 19).

Before the turn: the dedupe claim (and, for a click on a message, whether it counts); after it:
the question messages its replies will close. All in the one transaction of the answer, so one
answer costs one transaction and one hand-off to the thread pool, and exactly-once is atomic:
the claim commits with the answer, or neither does (a kill -9 in between loses nothing, and a
retry of the same click is then taken on).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.question_ledger import QuestionLedger
from bot.slack.claims import DOUBLE_CLICK, Claims, Click
from handlers.privacy import in_direct_chat
from handlers.types import Lang, Reply
from store import slack as store
from store.question_messages import LIVE, Claimed


class SlackTurnHooks:
    """router.TurnHooks for one Slack turn; what was decided is read back after `handle`."""

    def __init__(self, claims: Claims, ledger: QuestionLedger, user_id: str, key: str | None,
                 now: datetime, *, click: tuple[str, str] | None = None) -> None:
        """`click`: (channel, ts) of the clicked message, whose verdict decides the turn."""
        self.claims = claims
        self.ledger = ledger
        self.user_id = user_id
        self.key = key
        self.now = now
        self.click = click
        self.verdict: Click | None = None  # None: the transaction never got that far
        self.lang: Lang | None = None
        self.claimed: list[Claimed] | None = None
        self.live_rows: Sequence[Any] | None = None  # read with a click's verdict, for `after`

    def before(self, session: Session) -> bool:
        self.verdict, self.lang, self.claimed = None, None, None  # a retried attempt starts over
        self.live_rows = None
        self.verdict = self._verdict(session)
        return self.verdict is Click.COUNTS

    def _verdict(self, session: Session) -> Click:
        if self.key is None:
            return Click.COUNTS
        if store.claim_in(session, self.key, self.now):
            if self.click is not None:  # one read serves the verdict and the turn's claim
                self.live_rows, state = store.questions.live_and_state_of(
                    session, store.SlackMessage, self.user_id, *self.click)
                if state is not None and state != LIVE:
                    return Click.STALE  # the claim stays: a re-click is a double or stale
            return Click.COUNTS
        if self.claims.take_over(self.key):  # a failed turn's claim, not yet released
            return Click.COUNTS
        if self.click is None:
            return Click.DOUBLE
        since = store.claimed_at_in(session, self.key)
        if since is None or self.now - since < DOUBLE_CLICK:
            return Click.DOUBLE
        return Click.STALE

    def rolled_back(self) -> None:
        """Nothing of the attempt was saved: no verdict, no claim (the caller then sends the
        router's Failure and releases the dedupe key for a retry)."""
        self.verdict, self.lang, self.claimed = None, None, None
        self.live_rows = None

    def after(self, session: Session, lang: Lang, replies: list[Reply]) -> None:
        self.lang = lang
        self.claimed = self.ledger.claim_in(session, self.user_id, "", in_direct_chat(replies),
                                            self.live_rows)
