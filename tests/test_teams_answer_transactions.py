"""A Teams answer's database work, counted (issue 19): the conversation reference and the
member's cached profile are read and written in one transaction on arrival (two before), then
the router turn with the question bookkeeping's claim inside it (a transaction of its own
before), and the record of the posted card: 3 transactions and 3 hand-offs, 5 and 5 before.
Counted, not timed: transactions (SQLAlchemy "begin" events) and thread hand-offs."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from store.models import Answer
from store.teams import TeamsReference
from tests.support.fake_connector import seed_member, teams_stack
from tests.test_answer_transactions import counting
from tests.test_teams_flow import AAD, start_assessment

pytestmark = pytest.mark.asyncio
ANSWERS = 4


async def test_a_warm_teams_answer_costs_three_transactions(database_url, database, monkeypatch):
    seed_member(database)
    async with teams_stack(database_url) as stack:
        stack.fake.add_member(AAD, email="hanako@example.co.jp")
        card = await start_assessment(stack)
        assert (await stack.click(AAD, card, "2点")).status == 200  # warm: profile known
        await stack.settle()
        card = stack.fake.last_card()
        with counting(monkeypatch) as counts:
            for level in range(ANSWERS):
                assert (await stack.click(AAD, card, f"{level % 4 + 1}点")).status == 200
                card = stack.fake.last_card()
            await stack.settle()
        per_answer = (counts.transactions / ANSWERS, counts.handoffs / ANSWERS)
        assert counts.transactions <= 3 * ANSWERS, per_answer
        assert counts.handoffs <= 3 * ANSWERS, per_answer
    with database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Answer)) == ANSWERS + 1
        reference = session.scalar(select(TeamsReference))
        assert reference is not None and reference.usable  # still stored on every turn


async def test_an_unusable_reference_is_made_usable_by_the_next_message(database_url, database):
    """The arrival transaction still refreshes the reference the worker gave up on."""
    seed_member(database)
    async with teams_stack(database_url) as stack:
        stack.fake.add_member(AAD, email="hanako@example.co.jp")
        await start_assessment(stack)
        with database.transaction() as session:
            reference = session.scalar(select(TeamsReference))
            reference.usable, reference.failure = False, "gone"
        assert (await stack.say(AAD, "ナビ")).status == 200
        await stack.settle()
    with database.transaction() as session:
        reference = session.scalar(select(TeamsReference))
        assert reference.usable and reference.failure is None
