"""Buttons count only on the message that is current for their question (issue 13, finding 7),
and confidential replies asked for in a channel reach only the DM."""

from __future__ import annotations

import copy
import json
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from handlers.dates import now_tokyo
from rubrics.loader import RubricRegistry
from store.models import Answer, AnswerEvent, Organisation, Round
from store.slack import LIVE, SlackMessage
from tests.support import factories
from tests.support.fake_slack import (
    FIXTURE_RUBRICS,
    click_payload,
    find_button,
    seed_member,
    slack_stack,
)
from tests.test_slack_flow import DM, USER, start_assessment

pytestmark = pytest.mark.asyncio
STALE = "反映していません"  # handlers/messages.py "stale_action"


class Clock:
    """Real Tokyo time plus an offset a test can move forward."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self):
        return now_tokyo() + self.offset


def rubrics() -> RubricRegistry:
    return RubricRegistry(FIXTURE_RUBRICS)


def answers(database) -> list[tuple[str, int]]:
    with database.transaction() as session:
        return sorted((a.item_id, a.level) for a in session.scalars(select(Answer)))


def heading(message: dict) -> str:
    return message["blocks"][1]["text"]["text"]


async def replay(stack, message: dict, label: str, at: float | None = None):
    """A click on `message` as the member's (not refreshed) screen still shows it."""
    block, element = find_button(message, label=label)
    return await stack.interaction(click_payload(USER, message, element, block, action_ts=at))


async def test_click_on_a_superseded_message_does_not_count_even_if_its_item_is_current(
        database_url, database):
    seed_member(database)
    async with slack_stack(database_url, rubrics=rubrics()) as stack:
        stack.fake.add_user(USER, "taro@example.co.jp")
        first = copy.deepcopy(await start_assessment(stack))
        assert heading(first).startswith("1. ")
        for word in ("スキップ", "戻る"):  # typed: the first message is retired, never clicked
            await stack.dm(USER, word)
            await stack.settle()
        current = stack.fake.last_with_buttons(DM)
        assert heading(current).startswith("1. ") and current["ts"] != first["ts"]
        posts = len(stack.fake.posts(DM))

        assert (await replay(stack, first, "3点")).status == 200
        await stack.settle()
        assert answers(database) == []  # the stale button changed nothing
        new = stack.fake.posts(DM)[posts:]
        assert STALE in new[0]["text"]
        assert heading(new[-1]).startswith("1. ")  # the current question, asked again
        # the re-prompt's own message is now the live one, and it counts
        await stack.click(USER, stack.fake.last_with_buttons(DM), label="2点")
        await stack.settle()
        assert [level for _, level in answers(database)] == [2]
        with database.transaction() as session:
            assert session.scalar(select(func.count()).select_from(SlackMessage)
                                  .where(SlackMessage.state == LIVE)) == 1
        assert stack.fake.problems == []


async def test_reclick_on_an_answered_message_gets_the_current_question(database_url, database):
    seed_member(database)
    clock = Clock()
    async with slack_stack(database_url, rubrics=rubrics(), clock=clock) as stack:
        stack.fake.add_user(USER, "taro@example.co.jp")
        first = copy.deepcopy(await start_assessment(stack))
        await stack.click(USER, first, label="2点")
        await stack.settle()
        second = copy.deepcopy(stack.fake.last_with_buttons(DM))
        assert heading(second).startswith("2. ")
        posts = len(stack.fake.posts(DM))

        # a double click (within seconds of the first) stays silent
        assert (await replay(stack, first, "4点")).status == 200
        await stack.settle()
        assert len(stack.fake.posts(DM)) == posts

        # a minute later: the member presses another level on the answered message, twice
        clock.offset = timedelta(minutes=1)
        # the two clicks straddle a 3-second boundary of action_ts: still one re-prompt
        now = (int(time.time() + 60) // 3) * 3 + 2.9
        for at in (now, now + 0.3):
            assert (await replay(stack, first, "4点", at=at)).status == 200
        await stack.settle()
        new = stack.fake.posts(DM)[posts:]
        assert len(new) == 2, [m["text"][:40] for m in new]  # one re-prompt, not two
        assert STALE in new[0]["text"] and heading(new[1]).startswith("2. ")
        assert [lv for _, lv in answers(database)] == [2]
        with database.transaction() as session:
            assert session.scalar(select(func.count()).select_from(AnswerEvent)) == 1
        # the old copy of the second question was retired by the re-prompt: it no longer counts
        assert (await replay(stack, second, "3点", at=now + 10)).status == 200
        await stack.settle()
        assert [lv for _, lv in answers(database)] == [2]
        assert STALE in stack.fake.posts(DM)[-2]["text"]


async def test_note_button_on_a_retired_message_reprompts(database_url, database):
    seed_member(database)
    async with slack_stack(database_url, rubrics=rubrics()) as stack:
        stack.fake.add_user(USER, "taro@example.co.jp")
        first = await start_assessment(stack)
        await stack.click(USER, first, label="3点")
        await stack.settle()
        second = copy.deepcopy(stack.fake.last_with_buttons(DM))
        await stack.dm(USER, "スキップ")  # retires the second item's message
        await stack.settle()
        posts = len(stack.fake.posts(DM))
        assert (await replay(stack, second, "メモ")).status == 200
        await stack.settle()
        assert not stack.fake.called("views.open")
        assert STALE in stack.fake.posts(DM)[posts]["text"]
        with database.transaction() as session:
            assert all(a.note is None for a in session.scalars(select(Answer)))


async def test_result_asked_in_a_channel_goes_only_to_the_dm(database_url, database):
    seed_member(database)
    with database.transaction() as session:
        rnd = session.scalar(select(Round))
        company = session.scalar(select(Organisation))
        factories.assessment(session, company, rnd, {
            "policy": 3, "usage": 3, "cases": 3, "owner": 3, "data-ip": 3, "use-ip": 3,
            "monitoring": 3})
    async with slack_stack(database_url, rubrics=rubrics()) as stack:
        stack.fake.add_user(USER, "taro@example.co.jp")
        reply = await stack.command(USER, "結果", channel="C0GENERAL")
        await stack.settle()
        assert reply.status == 200
        ack = reply.json()
        assert ack["response_type"] == "ephemeral" and "3.00" not in ack["text"]
        assert "DM" in ack["text"]
        # nothing but that ephemeral ack in the channel: no message, no ephemeral score
        assert not stack.fake.posts("C0GENERAL")
        assert all(c.args.get("channel") != "C0GENERAL" for c in stack.fake.calls
                   if c.method != "chat.postEphemeral")
        for note in stack.fake.called("chat.postEphemeral"):
            assert "3.00" not in json.dumps(note.args, ensure_ascii=False)
        dm = json.dumps(stack.fake.posts(DM), ensure_ascii=False)
        assert "3.00" in dm and "テスト株式会社" in dm
        assert stack.fake.problems == []
