"""The PostgreSQL pool is sized for the turn threads (issue 19): a pool smaller than the thread
pool made many turns under load open and close an overflow connection of their own."""

from __future__ import annotations

import pytest

from bot.server import pool_size
from bot.settings import ServerSettings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in ("DATABASE_POOL_SIZE", "AIGA_THREADS"):
        monkeypatch.delenv(name, raising=False)


def test_unset_pool_keeps_one_connection_per_thread_plus_two(monkeypatch):
    assert pool_size(ServerSettings()) == ServerSettings().aiga_threads + 2 == 18
    monkeypatch.setenv("AIGA_THREADS", "4")
    assert pool_size(ServerSettings()) == 6


def test_a_blank_pool_size_is_unset(monkeypatch):
    monkeypatch.setenv("DATABASE_POOL_SIZE", "  ")
    assert ServerSettings().database_pool_size is None
    assert pool_size(ServerSettings()) == 18


def test_an_explicit_pool_size_wins(monkeypatch):
    monkeypatch.setenv("AIGA_THREADS", "32")
    monkeypatch.setenv("DATABASE_POOL_SIZE", "7")
    assert pool_size(ServerSettings()) == 7


@pytest.mark.parametrize("bad", ["0", "101", "many"])
def test_a_bad_pool_size_is_refused(monkeypatch, bad):
    monkeypatch.setenv("DATABASE_POOL_SIZE", bad)
    with pytest.raises(ValueError):
        ServerSettings()
