"""What the Slack adapter must remember across processes.

Three small tables, kept out of the neutral model because only the Slack adapter reads them:

* `slack_dedupe` — one row per event / click / command already taken on. Slack retries events
  (X-Slack-Retry-Num) and people double-click; inserting the key first, in its own transaction,
  lets exactly one process (of however many run) do the work. A duplicate insert means "skip".
* `slack_messages` — which Slack message (channel, ts) shows which neutral question `key`, so an
  `Answered(key)` reply can update that message and remove its buttons, even when the click
  lands on another process than the one that posted the question. Its columns and rules are
  the ones every platform shares (store/question_messages.py).
* `slack_profiles` — users.info results (e-mail, locale, name, DM channel) cached so that not
  every turn costs a Web API call.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import Index, String, bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, synonym

from store import question_messages as questions
from store.db import Database
from store.models import Base
from store.question_messages import ANSWERED as ANSWERED  # the question states, for callers
from store.question_messages import LIVE, QuestionMessage
from store.question_messages import RETIRED as RETIRED
from store.types import UTCDateTime

DEDUPE_KEY_MAX = 200
DEDUPE_KEEP = timedelta(days=2)  # Slack retries for minutes, clicks are seconds apart


class SlackDedupe(Base):
    """A unit of work already claimed: 'event:Ev123', 'click:D1:1700000000.000100', ..."""

    __tablename__ = "slack_dedupe"

    key: Mapped[str] = mapped_column(String(DEDUPE_KEY_MAX), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class SlackMessage(QuestionMessage, Base):
    """One question message the bot posted, and whether its buttons are still live (the rules:
    store/question_messages.py)."""

    __tablename__ = "slack_messages"
    __table_args__ = (Index("ix_slack_messages_user_state", "slack_user_id", "state"),)
    OWNER_MAX, CONVERSATION_MAX, MESSAGE_MAX = 64, 64, 32
    PER_CONVERSATION = False  # a user's questions all go to their DM: one live one per user

    slack_user_id: Mapped[str] = mapped_column(String(64))
    channel_id: Mapped[str] = mapped_column(String(64))
    ts: Mapped[str] = mapped_column(String(32))
    owner = synonym("slack_user_id")
    conversation = synonym("channel_id")
    message = synonym("ts")


class SlackProfile(Base):
    """users.info, cached: who a Slack user is, in which language, and their DM channel."""

    __tablename__ = "slack_profiles"

    slack_user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    email: Mapped[str | None] = mapped_column(String(320))
    locale: Mapped[str | None] = mapped_column(String(16))
    name: Mapped[str | None] = mapped_column(String(200))
    dm_channel: Mapped[str | None] = mapped_column(String(64))
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)


# ----- dedupe -----------------------------------------------------------------------------------


def dedupe_key(kind: str, *parts: str) -> str:
    """'kind:part:part', hashed when too long for the column (the hash keeps it unique)."""
    key = ":".join((kind, *parts))
    if len(key) <= DEDUPE_KEY_MAX:
        return key
    return f"{kind}:sha256:{hashlib.sha256(key.encode()).hexdigest()}"


def claim(database: Database, key: str, now: datetime) -> bool:
    """Insert `key` in its own transaction: True for the first caller, False for every later one.

    The unique primary key decides, so two processes racing on the same retry agree.
    """
    try:
        with database.transaction() as session:
            session.add(SlackDedupe(key=key, created_at=now))
        return True
    except IntegrityError:
        return False


def claim_window(database: Database, key: str, now: datetime, window: timedelta) -> bool:
    """Claim `key` at most once per `window`, sliding: True for the first caller, and again
    for a caller after the last win is `window` old. A conditional UPDATE decides between
    racing callers (one row, one winner), so there are no fixed buckets whose edge two clicks
    a moment apart could straddle."""
    if claim(database, key, now):
        return True
    with database.transaction() as session:
        won = session.execute(update(SlackDedupe).where(
            SlackDedupe.key == key, SlackDedupe.created_at < now - window).values(created_at=now))
        return (won.rowcount or 0) == 1


def claim_in(session: Session, key: str, now: datetime) -> bool:
    """`claim` inside a transaction the caller owns (the turn's own): True when this
    transaction inserted `key`. INSERT … ON CONFLICT DO NOTHING, so a duplicate neither raises
    nor spoils the transaction; a concurrent insert of the same key waits for the other
    transaction's outcome (PostgreSQL's unique index, SQLite's single writer), and the claim
    is undone with the turn if the turn rolls back."""
    connection = session.connection()  # Core on the turn's connection: no ORM round trip
    statement = _CLAIM[connection.dialect.name == "postgresql"]
    return connection.execute(statement, {"key": key, "created_at": now}).scalar() is not None


# built once with bound parameters: every click runs it (issue 19)
_CLAIM = {pg: (postgresql if pg else sqlite).insert(SlackDedupe.__table__)
          .values(key=bindparam("key"), created_at=bindparam("created_at"))
          .on_conflict_do_nothing(index_elements=["key"])
          .returning(SlackDedupe.__table__.c.key)
          for pg in (True, False)}


def claimed_at_in(session: Session, key: str) -> datetime | None:
    return session.scalar(select(SlackDedupe.created_at).where(SlackDedupe.key == key))


def home_digest_changed(session: Session, slack_user_id: str, digest: str,
                        now: datetime) -> bool:
    """Remember `digest` as the App Home view last published to this user, in the dedupe table
    (key "home:<user>:<digest>", so every process agrees without a table of its own); False
    when it already was the last one (nothing to publish). The insert comes first: one
    statement when unchanged, two when changed (the Home is drawn after every answer)."""
    prefix = f"home:{slack_user_id}:"
    key = dedupe_key("home", slack_user_id, digest)
    if not claim_in(session, key, now):
        return False
    session.connection().execute(delete(SlackDedupe).where(  # Core: no objects to update
        SlackDedupe.key.startswith(prefix, autoescape=True), SlackDedupe.key != key))
    return True


def home_digest_is(database: Database, slack_user_id: str, digest: str) -> bool:
    """Whether `digest` is still the view last stored for this user (no other process has
    stored another since)."""
    with database.transaction() as session:
        key = dedupe_key("home", slack_user_id, digest)
        return session.scalar(select(SlackDedupe.key).where(SlackDedupe.key == key)) is not None


def forget_home_digest(database: Database, slack_user_id: str) -> None:
    """A publish that failed: the next one must not be skipped as unchanged."""
    with database.transaction() as session:
        session.execute(delete(SlackDedupe).where(SlackDedupe.key.startswith(
            f"home:{slack_user_id}:", autoescape=True)))


def release(database: Database, key: str) -> None:
    """Forget a claim whose work failed in a way the user is asked to retry."""
    with database.transaction() as session:
        session.execute(delete(SlackDedupe).where(SlackDedupe.key == key))


def prune(database: Database, now: datetime) -> int:
    """Drop claims older than any retry or double click could be."""
    with database.transaction() as session:
        result = session.execute(
            delete(SlackDedupe).where(SlackDedupe.created_at < now - DEDUPE_KEEP))
        return result.rowcount or 0


# ----- question messages ------------------------------------------------------------------------


def question_by_key(session: Session, slack_user_id: str, key: str) -> SlackMessage | None:
    """The newest live message that asks `key` of this user (the rule every platform shares:
    store/question_messages.py)."""
    return questions.newest_live(session, SlackMessage, slack_user_id, key)  # type: ignore


def mark(session: Session, message_id: int, state: str, *, only_if: str = LIVE) -> bool:
    """Move one message to `state` if it is still `only_if`; False when another process won."""
    return questions.mark(session, SlackMessage, message_id, state, only_if=only_if)


def claimed_at(database: Database, key: str) -> datetime | None:
    """When `key` was claimed; None when it is not (or no longer) claimed."""
    with database.transaction() as session:
        return session.scalar(select(SlackDedupe.created_at).where(SlackDedupe.key == key))


def message_state(database: Database, channel_id: str, ts: str,
                  slack_user_id: str) -> str | None:
    """LIVE, ANSWERED or RETIRED for a question message the bot posted to this user; None for
    a message it did not record (not a question, or its bookkeeping failed)."""
    with database.transaction() as session:
        return questions.state_of(session, SlackMessage, slack_user_id, channel_id, ts)
