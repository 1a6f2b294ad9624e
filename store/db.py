"""Engine and session set-up from DATABASE_URL.

`check_url` is the one place a URL is judged: anything that cannot name one lasting database
(a parse error, an unknown driver, a bad port, a folder, SQLite in memory, a PostgreSQL URL with
no host or database that libpq would fill with its own defaults) is a `DatabaseUrlError`, a
sentence naming the fix, before any driver sees it.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from store.errors import UserError

DEFAULT_SQLITE_PATH = Path("var") / "aiga-navi.db"


def default_url() -> str:
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def normalise_url(url: str) -> str:
    """Accept the URL forms platforms hand out (Heroku's postgres://) and pick psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


DRIVERS = frozenset({"sqlite", "sqlite+pysqlite", "postgresql+psycopg"})
_EXAMPLES = "sqlite:///var/aiga-navi.db, postgresql://user:password@host:5432/dbname"


class DatabaseUrlError(UserError):
    """DATABASE_URL cannot name a database this bot can use; the message says how to fix it."""

    def __init__(self, ja: str, en: str) -> None:
        super().__init__(f"DATABASE_URL {ja}。{_EXAMPLES} のような URL を設定してください。",
                         f"DATABASE_URL {en}: set it to a URL such as {_EXAMPLES}",
                         field="DATABASE_URL")


def check_url(url: str) -> URL:
    """The parsed URL, or DatabaseUrlError saying what is wrong with it (never its password)."""
    try:
        parsed = make_url(normalise_url(url))
    except (ArgumentError, ValueError):
        raise DatabaseUrlError("を解釈できません", "cannot be read as a database URL") from None
    if parsed.drivername not in DRIVERS:
        raise DatabaseUrlError(
            f"のドライバー「{parsed.drivername[:40]}」には対応していません",
            f"names the driver '{parsed.drivername[:40]}', which this bot does not support")
    if parsed.drivername.startswith("sqlite"):
        _check_sqlite(parsed)
    else:
        _check_postgresql(parsed)
    return parsed


def _check_sqlite(parsed: URL) -> None:
    path = parsed.database or ""
    if path in ("", ":memory:") or path.startswith("file::memory:"):
        raise DatabaseUrlError(
            "はメモリ上のデータベースです（コマンドのたびに空になります）",
            "names an in-memory database, empty again for every command")
    if Path(path).is_dir():
        raise DatabaseUrlError("はフォルダーを指しています（ファイル名が必要です）",
                               "names a folder, not a file")


def _check_postgresql(parsed: URL) -> None:
    if not (parsed.host or parsed.query.get("host")) or not parsed.database:
        missing = "host" if not (parsed.host or parsed.query.get("host")) else "database name"
        raise DatabaseUrlError(
            "にホスト名またはデータベース名がありません（libpq の既定値には頼りません）",
            f"has no {missing} (libpq's silent defaults are not used)")
    if parsed.port is not None and not 1 <= parsed.port <= 65535:
        raise DatabaseUrlError("のポート番号が 1〜65535 の範囲にありません",
                               "has a port outside 1-65535")


PG_CONNECT_TIMEOUT = 5  # seconds; a URL's own connect_timeout wins
# asyncio.to_thread's default pool (min(32, CPUs + 4) threads) runs the turns: one connection
# each, plus a few for the event loop's own short reads and the in-process worker
THREADS = min(32, (os.cpu_count() or 1) + 4)
POOL_SIZE, POOL_OVERFLOW = THREADS + 2, 4


def make_engine(url: str | None = None, *, pool_size: int = POOL_SIZE,
                max_overflow: int = POOL_OVERFLOW) -> Engine:
    """hide_parameters: a database error's message never carries the values of the statement
    (members' answers and notes), so logging an error cannot leak them."""
    url = normalise_url(url or default_url())
    parsed = check_url(url)
    if url.startswith("sqlite"):
        Path(parsed.database or "").parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "factory": _TurnConnection},
                               hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        _WriterTurns().attach(engine)  # before BEGIN IMMEDIATE: queue here, not on the file
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    # pool_pre_ping: a connection the server dropped (restart, failover, outage) is replaced
    # before a turn uses it, so the first turn after an outage works
    connect_args = {} if "connect_timeout=" in url else {"connect_timeout": PG_CONNECT_TIMEOUT}
    return create_engine(url, pool_pre_ping=True, pool_size=pool_size,
                         max_overflow=max_overflow, hide_parameters=True,
                         connect_args=connect_args)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    """Foreign keys on (SQLite default is off) and WAL so a reader never blocks a writer.

    synchronous=NORMAL, SQLite's advice for WAL: a commit is not fsynced, the checkpoint is.
    A killed process (kill -9) loses nothing committed — the WAL is in the OS's cache — and
    only a power cut or OS crash may roll the last commits back, never corrupt the file.
    That is the embedded default's trade-off (production runs PostgreSQL); it spares every
    answer an fsync of each of its two commits (issue 19)."""
    dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (below)
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


class _WriterTurns:
    """SQLite has one writer, and every transaction here writes (BEGIN IMMEDIATE): the
    transactions of this process take turns on a lock, held from BEGIN until its COMMIT or
    ROLLBACK has finished, instead of polling the busy timeout (which sleeps in growing steps
    and made the 50-member p99 seconds long). Other processes on the same file still meet at
    the busy timeout. A connection returned to the pool mid-transaction gives its turn back
    too. The turn is given back by the connection itself (`_TurnConnection`): SQLAlchemy's
    "commit" event comes before the COMMIT, and a turn given back there let the next writer's
    BEGIN IMMEDIATE meet the file still locked and sleep in the busy handler (a millisecond or
    more, for about one transaction in five under load)."""

    def __init__(self) -> None:
        # a plain Lock (C): any thread may release it, as whichever thread ends the turn does;
        # a Semaphore is Python code around a Condition, and its wake-ups cost far more
        self.lock = threading.Lock()

    def attach(self, engine: Engine) -> None:
        event.listen(engine, "begin", self.take)
        event.listen(engine, "checkin", self.checked_in)

    def take(self, conn) -> None:
        # waiting longer than the busy timeout would: go on, and let SQLite decide
        if self.lock.acquire(timeout=WRITER_WAIT):
            raw = conn.connection.dbapi_connection
            if isinstance(raw, _TurnConnection):
                raw.turns = self
            else:  # made without our factory: nothing would give the turn back
                self.lock.release()

    @staticmethod
    def checked_in(dbapi_conn, _record) -> None:
        if isinstance(dbapi_conn, _TurnConnection):
            dbapi_conn.give_back()


class _TurnConnection(sqlite3.Connection):
    """A SQLite connection that gives its writer turn back once its COMMIT or ROLLBACK has
    finished, or when it is closed (see `_WriterTurns`)."""

    turns: _WriterTurns | None = None

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.give_back()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.give_back()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.give_back()

    def give_back(self) -> None:
        turns, self.turns = self.turns, None
        if turns is not None:
            turns.lock.release()


WRITER_WAIT = 30  # seconds, as the busy timeout


def _sqlite_begin_immediate(conn) -> None:
    """Take the write lock when a transaction starts: nearly every turn writes, and a reader
    that upgrades to a writer after another commit would fail with 'database is locked'."""
    conn.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """An engine plus a session factory; `transaction()` is one unit of work (on SQLite, the
    process's write transactions take turns: `_WriterTurns`)."""

    def __init__(self, url: str | None = None, *, pool_size: int = POOL_SIZE,
                 max_overflow: int = POOL_OVERFLOW) -> None:
        self.engine = make_engine(url, pool_size=pool_size, max_overflow=max_overflow)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self.sessions.begin() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
