"""The PostgreSQL pool is sized for the turn threads (issue 19): a pool smaller than the thread
pool made many turns under load open and close an overflow connection of their own. The turn
threads themselves default by database: SQLite writes one transaction at a time (4 threads),
PostgreSQL turns overlap on the server's round trips (8)."""

from __future__ import annotations

import pytest

from bot.server import pool_size
from bot.settings import ServerSettings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in ("DATABASE_POOL_SIZE", "AIGA_THREADS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", PG)


PG = "postgresql+psycopg://u@db.invalid:5432/aiga"


def test_unset_pool_keeps_one_connection_per_thread_plus_two(monkeypatch):
    assert ServerSettings().turn_threads == 8
    assert pool_size(ServerSettings()) == 10
    monkeypatch.setenv("AIGA_THREADS", "4")
    assert pool_size(ServerSettings()) == 6


@pytest.mark.parametrize("url", ["sqlite:///var/aiga.db", "sqlite://", "", None])
def test_sqlite_defaults_to_four_turn_threads(monkeypatch, url):
    if url is None:
        monkeypatch.delenv("DATABASE_URL")
    else:
        monkeypatch.setenv("DATABASE_URL", url)
    assert ServerSettings().turn_threads == 4
    monkeypatch.setenv("AIGA_THREADS", "12")
    assert ServerSettings().turn_threads == 12


@pytest.mark.parametrize("url", [PG, "postgres://u:p@host:5432/d", "postgresql://h/d"])
def test_postgresql_defaults_to_eight(monkeypatch, url):
    monkeypatch.setenv("DATABASE_URL", url)
    assert ServerSettings().turn_threads == 8


def test_blank_sizes_are_unset(monkeypatch):
    monkeypatch.setenv("DATABASE_POOL_SIZE", "  ")
    monkeypatch.setenv("AIGA_THREADS", "")
    assert ServerSettings().database_pool_size is None
    assert ServerSettings().aiga_threads is None
    assert pool_size(ServerSettings()) == 10


@pytest.mark.parametrize("bad", ["1", "257", "some"])
def test_a_bad_thread_count_is_refused(monkeypatch, bad):
    monkeypatch.setenv("AIGA_THREADS", bad)
    with pytest.raises(ValueError):
        ServerSettings()


def test_an_explicit_pool_size_wins(monkeypatch):
    monkeypatch.setenv("AIGA_THREADS", "32")
    monkeypatch.setenv("DATABASE_POOL_SIZE", "7")
    assert pool_size(ServerSettings()) == 7


@pytest.mark.parametrize("bad", ["0", "101", "many"])
def test_a_bad_pool_size_is_refused(monkeypatch, bad):
    monkeypatch.setenv("DATABASE_POOL_SIZE", bad)
    with pytest.raises(ValueError):
        ServerSettings()
