"""The conversation reference on a Teams message's arrival (issue 19): a reference this process
stored as it is now costs one UPDATE that writes only when someone else changed it meanwhile —
no read. What must still hold: the worker's "unusable" and another process's service URL are
overwritten by the next message, and nothing is remembered from a transaction that did not
commit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from bot.teams import conversations
from store.teams import TeamsReference
from tests.support.fake_connector import seed_member, teams_stack
from tests.test_teams_flow import AAD, start_assessment


@contextmanager
def statements_on(table: str) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn, _cursor, statement: str, *_args) -> None:
        if table in statement:
            seen.append(statement.lstrip().split()[0].upper())

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", record)


def the_reference(database) -> TeamsReference:
    with database.transaction() as session:
        row = session.scalar(select(TeamsReference))
        session.expunge(row)
        return row


@pytest.mark.asyncio
async def test_a_known_reference_costs_one_update_and_no_read(database_url, database):
    seed_member(database)
    async with teams_stack(database_url) as stack:
        stack.fake.add_member(AAD, email="hanako@example.co.jp")
        card = await start_assessment(stack)
        before = the_reference(database)
        with statements_on("teams_references") as seen:
            for label in ("1点", "2点", "3点"):
                assert (await stack.click(AAD, card, label)).status == 200
                card = stack.fake.last_card()
            await stack.settle()
        assert seen == ["UPDATE"] * 3  # one conditional UPDATE per message, no SELECT
        after = the_reference(database)
        assert after.updated_at == before.updated_at and after.usable  # nothing rewritten
        assert len(stack.bot.stored) == 1


@pytest.mark.asyncio
async def test_what_another_process_changed_is_put_right_by_the_next_message(database_url,
                                                                            database):
    seed_member(database)
    async with teams_stack(database_url) as stack:
        stack.fake.add_member(AAD, email="hanako@example.co.jp")
        await start_assessment(stack)
        ours = the_reference(database)
        for change in ({"service_url": "https://smba.trafficmanager.net/elsewhere/"},
                       {"tenant_id": None},
                       {"usable": False, "failure": "403 from the worker"}):
            with database.transaction() as session:
                row = session.scalar(select(TeamsReference))
                for name, value in change.items():
                    setattr(row, name, value)
            assert (await stack.say(AAD, "ナビ")).status == 200
            await stack.settle()
            now = the_reference(database)
            assert (now.service_url, now.tenant_id, now.usable, now.failure) == (
                ours.service_url, ours.tenant_id, True, None), change
            assert now.reference == ours.reference


@pytest.mark.asyncio
async def test_nothing_is_remembered_from_an_arrival_that_did_not_commit(database_url, database,
                                                                         monkeypatch):
    seed_member(database)
    async with teams_stack(database_url) as stack:
        stack.fake.add_member(AAD, email="hanako@example.co.jp")
        real = stack.bot.identity.load_in

        def broken(*args, **kwargs):
            raise OperationalError("SELECT", {}, ConnectionError("dropped"))

        monkeypatch.setattr(stack.bot.identity, "load_in", broken)
        response = await stack.say(AAD, "ナビ")
        await stack.settle()
        assert response.status >= 200 and len(stack.bot.stored) == 0
        with database.transaction() as session:
            assert session.scalar(select(TeamsReference)) is None  # rolled back with it
        monkeypatch.setattr(stack.bot.identity, "load_in", real)
        assert (await stack.say(AAD, "ナビ")).status == 200
        await stack.settle()
        assert len(stack.bot.stored) == 1 and the_reference(database).usable


def test_the_memo_is_bounded_and_safe_across_threads():
    from concurrent.futures import ThreadPoolExecutor

    memo = conversations.Stored(maxsize=64)

    def churn(worker: int) -> int:
        for n in range(3000):
            memo.update([(("user", f"aad-{worker}-{n}"), "x")])
            memo.get(("user", f"aad-{worker}-{n // 2}"))
        return worker

    with ThreadPoolExecutor(8) as pool:
        assert sorted(pool.map(churn, range(8))) == list(range(8))  # no KeyError in eviction
    assert len(memo) == 64
    assert conversations.stored_memo()._marks.maxsize == conversations.STORED_MAX
