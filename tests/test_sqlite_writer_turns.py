"""SQLite writers of one process take turns (store/db.py `_WriterTurns`): a turn is held from
BEGIN until the COMMIT or ROLLBACK has finished. It was given back in SQLAlchemy's "commit"
event, which comes before the COMMIT: the next writer's BEGIN IMMEDIATE then met the file
still locked and slept in SQLite's busy handler (about one transaction in five under load)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError

from store.db import Database


@pytest.fixture
def sqlite_db(tmp_path):
    database = Database(f"sqlite:///{tmp_path}/turns.db")
    with database.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    yield database
    database.dispose()


def no_busy_wait(dbapi_conn, _record) -> None:
    """SQLite answers "database is locked" at once instead of sleeping: any writer that meets
    the file locked by another connection of this process shows up as an error."""
    dbapi_conn.execute("PRAGMA busy_timeout=0")


def test_writers_never_meet_the_file_locked(sqlite_db):
    sqlite_db.dispose()
    event.listen(sqlite_db.engine, "connect", no_busy_wait)  # after the engine's own pragmas
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for k in range(150):
                with sqlite_db.transaction() as session:
                    session.execute(text("INSERT INTO t (v) VALUES (:v)"), {"v": f"{n}:{k}"})
                    session.execute(text("SELECT count(*) FROM t")).scalar()
        except OperationalError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    with sqlite_db.transaction() as session:
        assert session.execute(text("SELECT count(*) FROM t")).scalar() == 600


def test_the_turn_is_held_through_the_commit_and_given_back_after(sqlite_db):
    held_at_commit: list[bool] = []

    def on_commit(conn) -> None:  # SQLAlchemy calls this before the COMMIT itself
        held_at_commit.append(conn.connection.dbapi_connection.turns is not None)

    event.listen(sqlite_db.engine, "commit", on_commit)
    with sqlite_db.transaction() as session:
        session.execute(text("INSERT INTO t (v) VALUES ('x')"))
        raw = session.connection().connection.dbapi_connection
        assert raw.turns is not None
    assert held_at_commit == [True]
    assert raw.turns is None
    with sqlite_db.transaction() as session:  # the next writer gets the turn at once
        session.execute(text("INSERT INTO t (v) VALUES ('y')"))


def test_a_rolled_back_or_abandoned_transaction_gives_the_turn_back(sqlite_db):
    with pytest.raises(RuntimeError), sqlite_db.transaction() as session:
        session.execute(text("INSERT INTO t (v) VALUES ('x')"))
        raise RuntimeError("a turn that fails")
    session = sqlite_db.sessions()
    session.execute(text("INSERT INTO t (v) VALUES ('y')"))
    session.close()  # back to the pool mid-transaction: rolled back, turn given back
    done = threading.Event()

    def other_thread() -> None:
        with sqlite_db.transaction() as other:
            other.execute(text("INSERT INTO t (v) VALUES ('z')"))
        done.set()

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join(10)
    assert done.is_set()
    with sqlite_db.transaction() as session:
        assert [v for (v,) in session.execute(text("SELECT v FROM t"))] == ["z"]
