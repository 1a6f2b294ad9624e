"""The database half of an answer, for the floor app (bench/bolt_floor_app.py --database).

Why: the CPU ratio of issue 19 compares our server with a Bolt app that touches no database.
This module gives that app the same database work one of our answers does, and nothing else:
the same statements, in the same two transactions, on the same engine configuration
(`store.db.make_engine`: SQLite's WAL, BEGIN IMMEDIATE and writer turns; PostgreSQL's pool),
through SQLAlchemy Core with statements built once. It has no ORM, no router, no rendering
and no rules: it adds no code of the product. Whatever our server spends beyond this floor is
the cost of our own code; what this floor spends beyond the plain one is the database's.

The answer's transaction (as counted by tests/test_click_verdict_read.py): the click's dedupe
key; the member's live question rows; the member with the conversation state (one read); the
assessment; its answers; its notes; the answer and its history row; the state's versioned update; the old
question's conditional update. The second transaction records the posted question. Its own
tables (`floor_*`) live beside ours in the benchmark's database.

`raw=True` runs the same SQL text on the driver's own cursor (sqlite3 or psycopg, from the
same pool, statements compiled once): what the statements cost with no library between.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Engine

from store.db import make_engine

ITEMS = 36
meta = MetaData()
seen = Table("floor_seen", meta, Column("key", String(64), primary_key=True),
             Column("at", DateTime(timezone=True)))
users = Table("floor_users", meta, Column("id", Integer, primary_key=True),
              Column("platform_user_id", String(64), unique=True, nullable=False),
              Column("locale", String(8)))
states = Table("floor_states", meta, Column("id", Integer, primary_key=True),
               Column("user_id", Integer, unique=True, nullable=False),
               Column("data", JSON, nullable=False), Column("version", Integer, nullable=False))
assessments = Table("floor_assessments", meta, Column("id", Integer, primary_key=True),
                    Column("user_id", Integer, unique=True, nullable=False),
                    Column("status", String(16)))
answers = Table("floor_answers", meta, Column("id", Integer, primary_key=True),
                Column("assessment_id", Integer, nullable=False),
                Column("item", String(16), nullable=False), Column("level", Integer),
                Column("note", String(200)),
                UniqueConstraint("assessment_id", "item"))
history = Table("floor_history", meta, Column("id", Integer, primary_key=True),
                Column("assessment_id", Integer, nullable=False),
                Column("item", String(16)), Column("level", Integer),
                Column("at", DateTime(timezone=True)))
notes = Table("floor_notes", meta, Column("id", Integer, primary_key=True),
              Column("assessment_id", Integer, nullable=False), Column("item", String(16)),
              Column("text", String(200)))
questions = Table("floor_questions", meta, Column("id", Integer, primary_key=True),
                  Column("owner", String(64), nullable=False),
                  Column("channel", String(64)), Column("ts", String(32)),
                  Column("state", String(16), nullable=False), Column("value", String(64)))

_SEEN = insert(seen).values(key=bindparam("key"), at=bindparam("at"))
_LIVE = select(questions).where(questions.c.owner == bindparam("owner"),
                                questions.c.state == "live")
_USER_AND_STATE = (select(users.c.id, users.c.locale, states.c.id.label("state_id"),
                          states.c.data, states.c.version)
                   .outerjoin(states, states.c.user_id == users.c.id)
                   .where(users.c.platform_user_id == bindparam("user")))
_ASSESSMENT = select(assessments).where(assessments.c.id == bindparam("assessment_id"))
_ANSWERS = select(answers).where(answers.c.assessment_id == bindparam("assessment_id"))
_NOTES = select(notes).where(notes.c.assessment_id == bindparam("assessment_id"))
_ANSWER_NEW = insert(answers).values(assessment_id=bindparam("assessment_id"),
                                     item=bindparam("item"), level=bindparam("level"))
_ANSWER_SET = (update(answers).where(answers.c.id == bindparam("answer_id"))
               .values(level=bindparam("level")))
_HISTORY = insert(history).values(assessment_id=bindparam("assessment_id"),
                                  item=bindparam("item"), level=bindparam("level"),
                                  at=bindparam("at"))
_SAVE_STATE = (update(states).where(states.c.id == bindparam("state_id"),
                                    states.c.version == bindparam("seen"))
               .values(data=bindparam("data"), version=bindparam("new_version")))
_CLOSE = (update(questions).where(questions.c.id == bindparam("question_id"),
                                  questions.c.state == "live").values(state="answered"))
_RECORD = insert(questions).values(owner=bindparam("owner"), channel=bindparam("channel"),
                                   ts=bindparam("ts"), state="live", value=bindparam("value"))


class _RawConnection:
    """The few calls `FloorDatabase` makes, on the driver's cursor: each statement compiled
    once by SQLAlchemy to the driver's SQL text, then executed with no library code between."""

    def __init__(self, cursor, compiled: dict) -> None:
        self.cursor, self.compiled = cursor, compiled

    def execute(self, statement, params: dict):
        text, order, fixed = self.compiled[statement]
        values = {k: json.dumps(v) if isinstance(v, dict) else
                  v.isoformat(" ") if isinstance(v, datetime) and order else v
                  for k, v in {**fixed, **params}.items()}
        self.cursor.execute(text, tuple(values[k] for k in order) if order else values)
        return self

    def all(self) -> list:
        names = [d[0] for d in self.cursor.description]
        return [_Row(dict(zip(names, row, strict=True))) for row in self.cursor.fetchall()]

    def one(self):
        rows = self.all()
        assert len(rows) == 1, rows
        return rows[0]

    def __iter__(self) -> Iterator:
        return iter(self.all())


class _Row:
    """Attribute access to a raw row's columns, as SQLAlchemy's rows give."""

    def __init__(self, values: dict) -> None:
        self.__dict__.update(values)


class FloorDatabase:
    """One answer's database work, as our server does it, on the same engine configuration."""

    def __init__(self, url: str, *, raw: bool = False) -> None:
        self.engine: Engine = make_engine(url)
        meta.drop_all(self.engine)
        meta.create_all(self.engine)
        self._ids: dict[str, tuple[int, int]] = {}
        self._lock = threading.Lock()
        self._keys = itertools.count()
        self.raw = raw
        # raw SQLite writers take turns on a lock, as the engine's own do (store.db)
        self._writer = threading.Lock() if self.engine.dialect.name == "sqlite" else None
        self._compiled = {statement: self._compile(statement) for statement in (
            _SEEN, _LIVE, _USER_AND_STATE, _ASSESSMENT, _ANSWERS, _NOTES, _ANSWER_NEW,
            _ANSWER_SET, _HISTORY, _SAVE_STATE, _CLOSE, _RECORD)}

    def _compile(self, statement) -> tuple[str, tuple[str, ...] | None, dict]:
        """The driver's SQL text, its parameters' order (positional drivers) and the values
        fixed in the statement itself (`state == "live"`)."""
        compiled = statement.compile(dialect=self.engine.dialect)
        order = compiled.positiontup if compiled.positional else None
        fixed = {k: v for k, v in compiled.params.items() if v is not None}
        return compiled.string, tuple(order) if order else None, fixed

    @contextmanager
    def _transaction(self):
        """`engine.begin()`, or with `raw` the same on the driver's connection: BEGIN
        IMMEDIATE on SQLite as the engine does, psycopg's own implicit BEGIN."""
        if not self.raw:
            with self.engine.begin() as conn:
                yield conn
            return
        connection = self.engine.raw_connection()
        if self._writer is not None:
            self._writer.acquire()
        try:
            cursor = connection.cursor()
            if self._writer is not None:
                cursor.execute("BEGIN IMMEDIATE")
            yield _RawConnection(cursor, self._compiled)
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
        finally:
            if self._writer is not None:
                self._writer.release()
            connection.close()

    def member(self, user: str) -> tuple[int, int]:
        """The member's user and assessment ids, created on the first click (not measured
        apart: it happens once per sender, as our members' start does)."""
        with self._lock:
            if user in self._ids:
                return self._ids[user]
            with self.engine.begin() as conn:
                user_id = conn.execute(insert(users).values(platform_user_id=user)
                                       ).inserted_primary_key[0]
                conn.execute(insert(states).values(user_id=user_id, data={}, version=0))
                assessment_id = conn.execute(insert(assessments).values(
                    user_id=user_id, status="open")).inserted_primary_key[0]
            self._ids[user] = (user_id, assessment_id)
            return self._ids[user]

    def answer(self, user: str, level: int) -> None:
        """The answer's transaction: the same ten statements as ours, in the same order."""
        now = datetime.now(UTC)
        _user_id, assessment_id = self.member(user)
        with self._transaction() as conn:
            conn.execute(_SEEN, {"key": f"{user}:{next(self._keys)}", "at": now})
            live = conn.execute(_LIVE, {"owner": user}).all()
            state = conn.execute(_USER_AND_STATE, {"user": user}).one()
            conn.execute(_ASSESSMENT, {"assessment_id": assessment_id}).one()
            rows = {row.item: row for row in conn.execute(
                _ANSWERS, {"assessment_id": assessment_id})}
            conn.execute(_NOTES, {"assessment_id": assessment_id}).all()
            item = f"item{len(rows) % ITEMS + 1}"
            if item in rows:
                conn.execute(_ANSWER_SET, {"answer_id": rows[item].id, "level": level})
            else:
                conn.execute(_ANSWER_NEW, {"assessment_id": assessment_id, "item": item,
                                           "level": level})
            conn.execute(_HISTORY, {"assessment_id": assessment_id, "item": item,
                                    "level": level, "at": now})
            conn.execute(_SAVE_STATE, {"state_id": state.state_id, "seen": state.version,
                                       "new_version": state.version + 1,
                                       "data": {"pending": [1, 2, 3, 4], "item": item}})
            if live:
                conn.execute(_CLOSE, {"question_id": live[-1].id})

    def record(self, user: str, channel: str, ts: str) -> None:
        """The second transaction: the posted question, so the next click finds it live."""
        with self._transaction() as conn:
            conn.execute(_RECORD, {"owner": user, "channel": channel, "ts": ts,
                                   "value": "navi:level"})
