"""One answer, one transaction (issue 19): counted, not timed.

A Navi click in Slack is answered with one database transaction for the dedupe claim, the click
check, the member's identity and language, the router turn and the question bookkeeping's claim,
plus one more to remember the question it posted — each one hand-off to the thread pool. The App
Home is republished at most every few seconds per user while they click, and is never left stale
once they stop. These tests count transactions (SQLAlchemy "begin" events on every engine) and
hand-offs (`asyncio.to_thread` calls) over a few warm answers.
"""

from __future__ import annotations

import asyncio
import copy
import json
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine, event, select

from rubrics.loader import RubricRegistry
from store.models import Answer
from store.slack import SlackDedupe
from tests.support.fake_slack import FIXTURE_RUBRICS, seed_member, slack_stack
from tests.test_slack_flow import DM, USER, start_assessment

pytestmark = pytest.mark.asyncio
ANSWERS = 4  # warm answers counted in a row


class Counts:
    def __init__(self) -> None:
        self.transactions = 0
        self.handoffs = 0


@contextmanager
def counting(monkeypatch):
    """Count every transaction begun on any engine and every hand-off to the thread pool."""
    counts = Counts()
    real = asyncio.to_thread

    async def to_thread(func, /, *args, **kwargs):
        counts.handoffs += 1
        return await real(func, *args, **kwargs)

    def began(_conn) -> None:
        counts.transactions += 1

    event.listen(Engine, "begin", began)
    monkeypatch.setattr(asyncio, "to_thread", to_thread)
    try:
        yield counts
    finally:
        monkeypatch.setattr(asyncio, "to_thread", real)
        event.remove(Engine, "begin", began)


async def turns_done(stack) -> None:
    """The turns' own work finished; a Home publish still waiting for its moment stays waiting."""
    await stack.bot.idle(flush_home=False)


async def answer(stack, message: dict, label: str = "2点") -> dict:
    assert (await stack.click(USER, message, label=label)).status == 200
    await turns_done(stack)
    return stack.fake.last_with_buttons(DM)


async def test_a_warm_answer_costs_two_transactions_and_two_handoffs(database_url, database,
                                                                       monkeypatch):
    seed_member(database)
    async with slack_stack(database_url, rubrics=RubricRegistry(FIXTURE_RUBRICS)) as stack:
        stack.fake.add_user(USER, "taro@example.co.jp", locale="ja-JP")
        message = await start_assessment(stack)
        message = await answer(stack, message)  # warm: profile and DM channel known
        await stack.settle()  # and the Home just published: the next ones wait their moment
        publishes = len(stack.fake.called("views.publish"))
        with counting(monkeypatch) as counts:
            for _ in range(ANSWERS):
                message = await answer(stack, message)
        per_answer = (counts.transactions / ANSWERS, counts.handoffs / ANSWERS)
        # the turn (dedupe, click check, identity, language, answer, bookkeeping claim) and
        # the record of the posted question; a trailing Home publish at most once meanwhile
        assert counts.transactions <= 2 * ANSWERS + 1, per_answer
        assert counts.handoffs <= 2 * ANSWERS + 1, per_answer
        assert len(stack.fake.called("views.publish")) - publishes <= 1
        # never stale: once the member stops, the Home shows the last answer
        await stack.settle()
        home = json.dumps(stack.fake.views[USER], ensure_ascii=False)
        assert f"{ANSWERS + 1}/7" in home
    with database.transaction() as session:
        assert len(list(session.scalars(select(Answer)))) == ANSWERS + 1


async def test_a_double_click_costs_one_transaction_and_changes_nothing(database_url, database,
                                                                          monkeypatch):
    seed_member(database)
    async with slack_stack(database_url, rubrics=RubricRegistry(FIXTURE_RUBRICS)) as stack:
        stack.fake.add_user(USER, "taro@example.co.jp", locale="ja-JP")
        message = copy.deepcopy(await start_assessment(stack))  # as the screen still shows it
        await answer(stack, message, "3点")
        posts = len(stack.fake.posts(DM))
        with counting(monkeypatch) as counts:
            await stack.click(USER, message, label="3点")  # the same message, at once
            await turns_done(stack)
        assert counts.transactions <= 2 and counts.handoffs <= 2
        assert len(stack.fake.posts(DM)) == posts  # nothing posted: a double click
    with database.transaction() as session:
        assert [a.level for a in session.scalars(select(Answer))] == [3]
        assert session.scalar(select(SlackDedupe.key).where(
            SlackDedupe.key.like("click:%" + message["ts"]))) is not None
