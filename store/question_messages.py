"""Which posted chat message shows which neutral question, on every platform, in one set of rules.

Slack keeps its rows in `slack_messages` (channel, ts), Teams in `teams_cards` (conversation,
activity id); both tables share the columns of `QuestionMessage` and name the other three their
own way, mapped here to `owner`, `conversation` and `message` (synonyms, so the tables and their
migrations stay as they were). The rules, the same for both:

* a question's message is remembered with the question's `key`, so the `Answered(key)` of a later
  turn, in any process, updates that very message and removes its buttons;
* only one question per owner (Teams: per owner and conversation) keeps live buttons: asking a
  new one retires the older ones;
* leaving "live" is a conditional UPDATE, so of two processes only the winner redraws a message.

`claim_turn` applies the first two rules for a whole turn in one transaction before anything is
posted; `record` remembers what the turn posted in one more, afterwards (a message id exists only
once the platform has answered the post).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, ClassVar

from sqlalchemy import String, bindparam, insert, or_, select, tuple_, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.types import UTCDateTime

LIVE = "live"  # buttons shown and usable
ANSWERED = "answered"  # redrawn to show the answer, buttons removed
RETIRED = "retired"  # superseded by a newer question, buttons removed

KEY_MAX = 200
TEXT_MAX = 3000  # title and context are kept to redraw the closed message


class QuestionMessage:
    """The columns every platform's question table shares (a mixin of mapped tables).

    Each table maps `owner`, `conversation` and `message` to its own columns and says how long
    they may be; `per_conversation` says whether "one live question" counts per conversation."""

    OWNER_MAX: ClassVar[int]
    CONVERSATION_MAX: ClassVar[int]
    MESSAGE_MAX: ClassVar[int]
    PER_CONVERSATION: ClassVar[bool]
    owner: Any
    conversation: Any
    message: Any

    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-10)
    key: Mapped[str] = mapped_column(String(KEY_MAX))
    title: Mapped[str] = mapped_column(String(TEXT_MAX))
    context: Mapped[str] = mapped_column(String(TEXT_MAX), default="")
    state: Mapped[str] = mapped_column(String(20), default=LIVE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


@dataclass(frozen=True)
class Claimed:
    """A message this turn took out of "live" (no ORM row: it crosses to the event loop)."""

    id: int
    state: str  # ANSWERED or RETIRED
    key: str
    conversation: str
    message: str
    title: str
    context: str


@dataclass(frozen=True)
class Posted:
    """A question message this turn posted, to remember with the state it ends the turn in."""

    key: str
    conversation: str
    message: str
    title: str
    context: str
    state: str = LIVE


# ----- queries ----------------------------------------------------------------------------------


def fit(value: str, limit: int) -> str:
    """A value as its column holds it: cut to the column, without NUL (PostgreSQL refuses it).
    Every write and every lookup goes through this, so an over-long key still matches."""
    return value.replace("\x00", "")[:limit]


@cache
def _statements(table: type[QuestionMessage]) -> dict[str, Any]:
    """Each table's statements, built once with bound parameters: every answer runs them, and
    building the expression cost more than running it (issue 19)."""
    mine = table.owner == bindparam("owner")
    columns = table.__table__  # type: ignore[attr-defined]
    live = select(table).where(mine, table.state == LIVE)
    return {
        "live": live.order_by(table.id),
        "live_in": live.where(table.conversation == bindparam("conversation"))
        .order_by(table.id),
        # a click's verdict and the turn's claim from one read: the owner's live messages and
        # every row of the clicked message (its state is the newest row's), oldest first
        "live_or_message": select(
            table.id, table.key, table.conversation.label("conversation"),
            table.message.label("message"), table.title, table.context, table.state,
        ).where(mine, or_(table.state == LIVE, tuple_(table.conversation, table.message)
                          == tuple_(bindparam("conversation"), bindparam("message"))))
        .order_by(table.id),
        "state_of": select(table.state).where(
            mine, table.conversation == bindparam("conversation"),
            table.message == bindparam("message")).order_by(table.id.desc()).limit(1),
        # Core, not the ORM's bulk paths: no objects to find or synchronise
        "mark": update(columns).where(columns.c.id == bindparam("row_id"),
                                      columns.c.state == bindparam("only_if"))
        .values(state=bindparam("new_state")),
        "add": insert(columns),
    }


def _column(table: type[QuestionMessage], name: str) -> str:
    """The table's own column for a shared name (`owner` is `slack_user_id` in Slack's)."""
    prop = table.__mapper__.get_property(name)  # type: ignore[attr-defined]
    return getattr(prop, "name", name)


def live(session: Session, table: type[QuestionMessage], owner: str,
         conversation: str | None = None) -> list[QuestionMessage]:
    """The owner's live question messages (in one conversation if given), oldest first."""
    built = _statements(table)
    owner = fit(owner, table.OWNER_MAX)
    if conversation is None:
        return list(session.scalars(built["live"], {"owner": owner}))
    return list(session.scalars(built["live_in"], {
        "owner": owner, "conversation": fit(conversation, table.CONVERSATION_MAX)}))


def newest_live(session: Session, table: type[QuestionMessage], owner: str, key: str,
                conversation: str | None = None) -> QuestionMessage | None:
    """The newest live message that asks `key` of this owner."""
    query = select(table).where(table.owner == fit(owner, table.OWNER_MAX),
                                table.key == fit(key, KEY_MAX), table.state == LIVE)
    if conversation is not None:
        query = query.where(table.conversation == fit(conversation, table.CONVERSATION_MAX))
    return session.scalar(query.order_by(table.id.desc()).limit(1))


def mark(session: Session, table: type[QuestionMessage], row_id: int, state: str, *,
         only_if: str = LIVE) -> bool:
    """Move one message to `state` if it is still `only_if`; False when another process won.
    Rows already in memory are not updated: the callers hold plain `Claimed` copies."""
    result = session.connection().execute(_statements(table)["mark"], {
        "row_id": row_id, "only_if": only_if, "new_state": state})
    return bool(result.rowcount)


def state_of(session: Session, table: type[QuestionMessage], owner: str, conversation: str,
             message: str) -> str | None:
    """LIVE, ANSWERED or RETIRED for a message posted to this owner; None when not recorded."""
    return session.scalar(_statements(table)["state_of"], {
        "owner": fit(owner, table.OWNER_MAX),
        "conversation": fit(conversation, table.CONVERSATION_MAX),
        "message": fit(message, table.MESSAGE_MAX)})


def live_and_state_of(session: Session, table: type[QuestionMessage], owner: str,
                      conversation: str, message: str) -> tuple[list[Any], str | None]:
    """`live(owner)` and `state_of(...)` from one SELECT: a Slack click asks both in the same
    transaction (its verdict before the turn, the turn's claim after), and every answer is a
    click. The live rows carry the attributes `claim_turn` reads; pass them as its `live_rows`."""
    conversation = fit(conversation, table.CONVERSATION_MAX)
    message = fit(message, table.MESSAGE_MAX)
    rows = session.execute(_statements(table)["live_or_message"], {
        "owner": fit(owner, table.OWNER_MAX), "conversation": conversation,
        "message": message}).all()
    state = next((row.state for row in reversed(rows)
                  if row.conversation == conversation and row.message == message), None)
    return [row for row in rows if row.state == LIVE], state


def add(session: Session, table: type[QuestionMessage], owner: str, posted: Posted,
        now: datetime) -> None:
    """Remember one posted question (one INSERT built once: every answer posts one)."""
    session.connection().execute(_statements(table)["add"], {
        _column(table, "owner"): fit(owner, table.OWNER_MAX),
        _column(table, "conversation"): fit(posted.conversation, table.CONVERSATION_MAX),
        _column(table, "message"): fit(posted.message, table.MESSAGE_MAX),
        "key": fit(posted.key, KEY_MAX), "title": fit(posted.title, TEXT_MAX),
        "context": fit(posted.context, TEXT_MAX), "state": posted.state, "created_at": now})


# ----- one turn ---------------------------------------------------------------------------------


def claim_turn(session: Session, table: type[QuestionMessage], owner: str, conversation: str,
               steps: Sequence[str | None],
               live_rows: Sequence[Any] | None = None) -> list[Claimed]:
    """Take out of "live", in one transaction, every message the turn's replies close.

    `steps` lists the turn's replies that touch questions, in order: an answered question's key,
    or None for a question about to be asked. Walked in order, so the outcome is the one the
    replies would have one by one: an answer closes the newest live message with its key; a
    question retires every message still live (in the conversation, where that is the scope).
    A message another process took first is left to it. `live_rows`: the owner's live rows as
    read earlier in this transaction (`live_and_state_of`; whole-owner scope only), instead of
    reading them again — a row another process took meanwhile fails its conditional UPDATE."""
    if not steps:
        return []
    scope = conversation if table.PER_CONVERSATION else None
    if live_rows is not None and scope is None:
        remaining = list(live_rows)
    else:
        remaining = live(session, table, owner, scope)
    taken: list[tuple[QuestionMessage, str]] = []
    for step in steps:
        if step is None:
            taken += [(row, RETIRED) for row in remaining]
            remaining = []
            continue
        row = next((r for r in reversed(remaining) if r.key == fit(step, KEY_MAX)), None)
        if row is not None:
            remaining.remove(row)
            taken.append((row, ANSWERED))
    return [Claimed(row.id, state, row.key, row.conversation, row.message, row.title,
                    row.context)
            for row, state in taken if mark(session, table, row.id, state)]


def record(session: Session, table: type[QuestionMessage], owner: str,
           posted: Sequence[Posted], unused: Sequence[Claimed], now: datetime) -> None:
    """Remember the turn's posted questions; give back claims the turn never got to use (it
    stopped early), so those messages stay answerable rather than silently dead."""
    for item in posted:
        add(session, table, owner, item, now)
    for claim in unused:
        mark(session, table, claim.id, LIVE, only_if=claim.state)
