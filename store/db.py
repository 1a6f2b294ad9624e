"""Engine and session set-up from DATABASE_URL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

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


PG_CONNECT_TIMEOUT = 5  # seconds; a URL's own connect_timeout wins


def make_engine(url: str | None = None, *, pool_size: int = 10,
                max_overflow: int = 10) -> Engine:
    """hide_parameters: a database error's message never carries the values of the statement
    (members' answers and notes), so logging an error cannot leak them."""
    url = normalise_url(url or default_url())
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    # pool_pre_ping: a connection the server dropped (restart, failover, outage) is replaced
    # before a turn uses it, so the first turn after an outage works
    connect_args = {} if "connect_timeout=" in url else {"connect_timeout": PG_CONNECT_TIMEOUT}
    return create_engine(url, pool_pre_ping=True, pool_size=pool_size,
                         max_overflow=max_overflow, hide_parameters=True,
                         connect_args=connect_args)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    """Foreign keys on (SQLite default is off) and WAL so a reader never blocks a writer."""
    dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (below)
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _sqlite_begin_immediate(conn) -> None:
    """Take the write lock when a transaction starts: nearly every turn writes, and a reader
    that upgrades to a writer after another commit would fail with 'database is locked'."""
    conn.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """An engine plus a session factory; `transaction()` is one unit of work."""

    def __init__(self, url: str | None = None, *, pool_size: int = 10,
                 max_overflow: int = 10) -> None:
        self.engine = make_engine(url, pool_size=pool_size, max_overflow=max_overflow)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self.sessions.begin() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
