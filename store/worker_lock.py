"""The worker lock: one delivering worker at a time, released by the database or the OS if it
dies. Holding it is what makes a delivery left "sending" safe to reconcile: whoever held the lock
before is gone. (Moved here from store/reminders.py, which still re-exports it.)
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from sqlalchemy import Connection, text

from store.db import Database


class WorkerLock:
    """One delivering worker at a time, released by the database or the OS if it dies.

    PostgreSQL: a session advisory lock on a dedicated autocommit connection, keyed by the
    schema (so test schemas, or two deployments in one database, do not block each other); the
    server drops it the moment the worker's connection closes, SIGKILL included.
    SQLite: an exclusive flock on `<database>.worker.lock`; the kernel drops it with the process.
    """

    NAME = "aiga-navi-worker"

    def __init__(self, database: Database) -> None:
        self.database = database
        self._conn: Connection | None = None
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._conn is not None or self._fd is not None

    def acquire(self) -> bool:
        """Try once, without waiting. True when this process now holds the lock."""
        if self.held:
            return True
        engine = self.database.engine
        if engine.dialect.name == "postgresql":
            conn = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            got = conn.execute(text(
                "SELECT pg_try_advisory_lock(hashtextextended(:name || current_schema(), 0))"),
                {"name": self.NAME}).scalar()
            if got:
                self._conn = conn
                return True
            conn.close()
            return False
        fd = os.open(self._lock_path(), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def still_held(self) -> bool:
        """Before each send: a lost PostgreSQL connection means the lock is gone too."""
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT 1"))
            except Exception:
                self._conn = None
                return False
            return True
        return self._fd is not None

    def release(self) -> None:
        if self._conn is not None:
            try:
                self._conn.execute(text(
                    "SELECT pg_advisory_unlock(hashtextextended(:name || current_schema(), 0))"),
                    {"name": self.NAME})
            except Exception:  # the connection died: the server already released it
                pass
            finally:
                self._conn.close()
                self._conn = None
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def _lock_path(self) -> str:
        database = self.database.engine.url.database or ""
        if not database or database == ":memory:":
            return str(Path("var") / "worker.lock")
        return f"{database}.worker.lock"
