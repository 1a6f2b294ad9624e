"""Teams profiles kept in memory (bot/teams/identity.py, issue 19): a member's every message
needs the profile, so a fresh one is not read again; it expires when its row would, so a
process is never staler than `teams_profiles` itself."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import Engine, event

from bot.teams import identity as identity_module
from bot.teams.identity import Identity, Profile
from handlers.dates import now_tokyo
from store import teams as store
from tests.support.fake_connector import seed_member, teams_stack
from tests.test_teams_flow import AAD
from tests.test_teams_flow import start_assessment as start_in_teams


class Clock:
    """Tokyo time that a test moves forward."""

    def __init__(self) -> None:
        self.now = now_tokyo()

    def __call__(self):
        return self.now


@contextmanager
def profile_reads() -> Iterator[list[str]]:
    seen: list[str] = []

    def on_execute(_conn, _cursor, statement, *_args) -> None:
        if "teams_profiles" in statement and statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(Engine, "before_cursor_execute", on_execute)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", on_execute)


def load(identity: Identity, database, key: str, stale_ok: bool = False) -> Profile | None:
    with database.transaction() as session:
        return identity.load_in(session, key, stale_ok)


def test_a_saved_profile_is_not_read_again(database):
    clock = Clock()
    identity = Identity(database, clock)
    identity._save("aad-1", "hana@example.co.jp", "hana@example.co.jp", "花子")
    with profile_reads() as reads:
        for _ in range(3):
            assert load(identity, database, "aad-1") == Profile("hana@example.co.jp", "花子")
    assert reads == []


def test_another_processs_profile_is_read_once_then_kept(database):
    clock = Clock()
    Identity(database, clock)._save("aad-2", None, "taro@example.co.jp", "太郎")
    mine = Identity(database, clock)
    with profile_reads() as reads:
        assert load(mine, database, "aad-2") == Profile("taro@example.co.jp", "太郎")
        assert load(mine, database, "aad-2") == Profile("taro@example.co.jp", "太郎")
    assert len(reads) == 1


def test_a_kept_profile_expires_when_its_row_does(database):
    clock = Clock()
    identity = Identity(database, clock)
    identity._save("aad-3", "a@example.co.jp", None, "A")
    clock.now += store.PROFILE_TTL - timedelta(minutes=1)
    assert load(identity, database, "aad-3") == Profile("a@example.co.jp", "A")
    clock.now += timedelta(minutes=2)
    with profile_reads() as reads:
        assert load(identity, database, "aad-3") is None  # the lookup is due again
    assert len(reads) == 1  # the table was asked, not only the memory
    assert load(identity, database, "aad-3", stale_ok=True) == Profile("a@example.co.jp", "A")


def test_a_stale_row_read_from_the_table_is_not_kept(database):
    clock = Clock()
    Identity(database, clock)._save("aad-4", "b@example.co.jp", None, "B")
    clock.now += store.PROFILE_TTL + timedelta(minutes=1)
    mine = Identity(database, clock)
    assert load(mine, database, "aad-4", stale_ok=True) == Profile("b@example.co.jp", "B")
    assert mine._memory.get("aad-4") is None  # the fallback copy is not fresh: not kept


def test_a_newer_save_replaces_the_kept_one(database):
    clock = Clock()
    identity = Identity(database, clock)
    identity._save("aad-5", "old@example.co.jp", None, "Old")
    assert load(identity, database, "aad-5").email == "old@example.co.jp"
    clock.now += timedelta(hours=1)
    identity._save("aad-5", "new@example.co.jp", None, "New")
    assert load(identity, database, "aad-5") == Profile("new@example.co.jp", "New")


def test_a_failed_save_keeps_nothing(database, monkeypatch):
    clock = Clock()
    identity = Identity(database, clock)

    def broken(*_args, **_kwargs):
        raise RuntimeError("database away")

    monkeypatch.setattr(store, "save_profile", broken)
    with pytest.raises(RuntimeError):
        identity._save("aad-6", "x@example.co.jp", None, "X")
    assert identity._memory.get("aad-6") is None


def test_the_memory_is_bounded(database, monkeypatch):
    monkeypatch.setattr(identity_module, "PROFILE_MEMORY", 3)
    clock = Clock()
    identity = Identity(database, clock)
    for n in range(5):
        identity._save(f"aad-{n}", f"u{n}@example.co.jp", None, None)
    assert sorted(identity._memory) == ["aad-2", "aad-3", "aad-4"]
    assert load(identity, database, "aad-0") == Profile("u0@example.co.jp", None)  # from the table


def test_threads_reading_and_saving_at_once_get_their_own_profiles(database):
    clock = Clock()
    identity = Identity(database, clock)
    for n in range(20):
        identity._save(f"aad-t{n}", f"t{n}@example.co.jp", None, f"T{n}")
    wrong: list[str] = []

    def work(n: int) -> None:
        for _ in range(20):
            got = load(identity, database, f"aad-t{n}")
            if got != Profile(f"t{n}@example.co.jp", f"T{n}"):
                wrong.append(f"aad-t{n}: {got}")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert wrong == []


@pytest.mark.asyncio
async def test_messages_after_the_first_read_no_profile(database_url, database):
    seed_member(database)
    async with teams_stack(database_url) as stack:
        stack.fake.add_member(AAD, email="hanako@example.co.jp")
        card = await start_in_teams(stack)
        with profile_reads() as reads:
            for label in ("2点", "3点"):
                assert (await stack.click(AAD, card, label)).status == 200
                card = stack.fake.last_card()
        assert reads == []
        assert len(stack.fake.called("GET", "/members/")) == 1
        assert stack.fake.problems == []
