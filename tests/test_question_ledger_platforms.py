"""The shared question bookkeeping as each platform runs it: how many transactions one answer
costs end to end (issue 19 counted three per answer before the shared ledger), and that the old
message is redrawn before the next question shows."""

from __future__ import annotations

import pytest

from bot.slack.client import make_client
from bot.slack.delivery import Delivery
from handlers.dates import now_tokyo
from handlers.types import Answered, Question, Text
from tests.support.fake_connector import seed_member as seed_teams_member
from tests.support.fake_connector import teams_stack
from tests.support.fake_slack import BOT_TOKEN, FakeSlack, seed_member, slack_stack
from tests.test_question_ledger import counting
from tests.test_slack_flow import DM, USER, rubrics
from tests.test_slack_flow import start_assessment as start_in_slack
from tests.test_teams_flow import AAD
from tests.test_teams_flow import start_assessment as start_in_teams

pytestmark = pytest.mark.asyncio


async def test_slack_delivery_answers_in_two_transactions_and_updates_before_it_posts(database):
    fake = await FakeSlack().start()
    try:
        delivery = Delivery(make_client(BOT_TOKEN, fake.api_url), database, now_tokyo)
        await delivery.send("U1", "DU1", [Question(title="1. 方針", key="item:1")], "ja")
        first_ts = fake.posts("DU1")[0]["ts"]
        fake.calls.clear()
        with counting() as seen:
            await delivery.send("U1", "DU1", [Answered("item:1", "3点"), Text("保存しました"),
                                              Question(title="2. 体制", key="item:2")], "ja")
        assert seen.count == 2
        assert [c.method for c in fake.calls] == ["chat.update", "chat.postMessage",
                                                  "chat.postMessage"]
        assert fake.calls[0].args["ts"] == first_ts and "✓ 3点" in fake.calls[0].args["text"]
        assert fake.problems == []
    finally:
        await fake.stop()


async def test_a_slack_answer_touches_the_question_table_in_two_transactions(database_url,
                                                                             database):
    """The turn's own transaction takes the click's verdict (is this the live question?) and
    claims what the replies close (bot/slack/turn_hooks.py); one more records the posted
    question. A typed answer has no verdict to take, and costs the same two (issue 19: three
    for a click before)."""
    seed_member(database)
    async with slack_stack(database_url, rubrics=rubrics()) as stack:
        stack.fake.add_user(USER, "taro@example.co.jp")
        first = await start_in_slack(stack)
        with counting("slack_messages") as seen:
            await stack.click(USER, first, label="2点")
            await stack.settle()
        assert seen.count == 2
        second = stack.fake.last_with_buttons(DM)
        assert second["ts"] != first["ts"]
        with counting("slack_messages") as seen:
            await stack.dm(USER, "３")
            await stack.settle()
        assert seen.count == 2
        assert stack.fake.messages[(DM, second["ts"])]["updates"] == 1
        assert stack.fake.problems == []


async def test_a_teams_answer_touches_the_question_table_in_two_transactions(database_url,
                                                                             database):
    seed_teams_member(database)
    async with teams_stack(database_url) as stack:
        stack.fake.add_member(AAD, email="hanako@example.co.jp")
        first = await start_in_teams(stack)
        with counting("teams_cards") as seen:
            assert (await stack.click(AAD, first, "2点")).status == 200
        assert seen.count == 2
        assert stack.fake.posted[first.id].buttons == []
        assert stack.fake.last_card().id != first.id
        assert stack.fake.problems == []
