"""What Slack and people do to a bot on a bad day: retries, double clicks, forged or broken
requests, a slow or rate-limited Web API. Each with the outcome members must see."""

from __future__ import annotations

import asyncio
import copy
import json
import time
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from rubrics.loader import RubricRegistry
from store.models import Answer, AnswerEvent, Assessment, ConversationState
from store.slack import SlackDedupe
from tests.support.fake_slack import (
    FIXTURE_RUBRICS,
    FakeSlack,
    click_payload,
    dm_event,
    event_envelope,
    find_button,
    seed_member,
    sign,
    slack_stack,
)
from tests.test_slack_flow import DM, USER, start_assessment

pytestmark = pytest.mark.asyncio


def rubrics() -> RubricRegistry:
    return RubricRegistry(FIXTURE_RUBRICS)


def snapshot(database) -> tuple:
    """Everything a bad request must leave untouched."""
    with database.transaction() as session:
        answers = sorted((a.item_id, a.level, a.note) for a in session.scalars(select(Answer)))
        events = session.scalar(select(func.count()).select_from(AnswerEvent))
        states = sorted((c.user_id, c.version) for c in session.scalars(select(ConversationState)))
        assessments = session.scalar(select(func.count()).select_from(Assessment))
    return answers, events, states, assessments


async def test_retry_storm_replies_once(database_url, database):
    seed_member(database)
    async with slack_stack(database_url, rubrics=rubrics()) as stack:
        stack.fake.add_user(USER, "taro@example.co.jp")
        body = json.dumps(event_envelope(dm_event(USER, "状況"), "Ev0STORM")).encode()
        replies = [await stack.signed(body, "application/json", retry=n) for n in (None, 1, 2)]
        await stack.settle()
        assert [r.status for r in replies] == [200, 200, 200]
        assert len(stack.fake.posts(DM)) == 1
        with database.transaction() as session:
            assert session.get(SlackDedupe, "event:Ev0STORM") is not None


async def test_retry_to_another_process_is_still_one_reply(database_url, database):
    """Two server processes share the database: the dedupe key is in the DB, not in memory."""
    seed_member(database)
    fake = await FakeSlack().start()
    fake.add_user(USER, "taro@example.co.jp")
    async with slack_stack(database_url, rubrics=rubrics(), fake=fake) as one, \
            slack_stack(database_url, rubrics=rubrics(), fake=fake) as two:
        body = json.dumps(event_envelope(dm_event(USER, "状況"), "Ev0TWICE")).encode()
        first, second = await asyncio.gather(
            one.signed(body, "application/json"),
            two.signed(body, "application/json", retry=1))
        await asyncio.gather(one.settle(), two.settle())
        assert first.status == second.status == 200
        assert len(fake.posts(DM)) == 1


async def test_double_click_records_once_and_replies_once(database_url, database):
    seed_member(database)
    async with slack_stack(database_url, rubrics=rubrics()) as stack:
        stack.fake.add_user(USER, "taro@example.co.jp")
        item = await start_assessment(stack)
        posts_before = len(stack.fake.posts(DM))
        block, element = find_button(item, label="3点")
        now = time.time()
        first = click_payload(USER, item, element, block, action_ts=now)
        second = click_payload(USER, item, element, block, action_ts=now + 0.2)
        other = click_payload(USER, item, find_button(item, label="1点")[1], block,
                              action_ts=now + 0.3)
        replies = await asyncio.gather(stack.interaction(first), stack.interaction(second),
                                       stack.interaction(other))
        await stack.settle()
        assert [r.status for r in replies] == [200, 200, 200]
        with database.transaction() as session:
            assert [(a.level) for a in session.scalars(select(Answer))] == [3]
            assert session.scalar(select(func.count()).select_from(AnswerEvent)) == 1
        assert len(stack.fake.posts(DM)) == posts_before + 1  # just the next item
        assert stack.fake.messages[(DM, item["ts"])]["updates"] == 1


async def test_click_on_an_answered_message_changes_nothing(database_url, database):
    seed_member(database)
    async with slack_stack(database_url, rubrics=rubrics()) as stack:
        stack.fake.add_user(USER, "taro@example.co.jp")
        item = copy.deepcopy(await start_assessment(stack))  # as the member's screen had it
        await stack.click(USER, item, label="2点")
        await stack.settle()
        before = snapshot(database)
        # an hour later, someone replays the old click (new action_ts, same message)
        block, element = find_button(item, label="4点")
        payload = click_payload(USER, item, element, block, action_ts=time.time() + 3600)
        assert (await stack.interaction(payload)).status == 200
        await stack.settle()
        assert snapshot(database) == before


@pytest.mark.parametrize("case", ["bad signature", "no signature", "stale timestamp",
                                  "future timestamp", "timestamp not a number"])
async def test_unsigned_or_stale_requests_get_401_and_change_nothing(database_url, database,
                                                                     case):
    seed_member(database)
    async with slack_stack(database_url, rubrics=rubrics()) as stack:
        stack.fake.add_user(USER, "taro@example.co.jp")
        body = json.dumps(event_envelope(dm_event(USER, "ナビを始める"))).encode()
        headers = {
            "bad signature": sign(body, secret="0" * 32),
            "no signature": {},
            # 10 minutes off: well past the 5-minute window even on a slow, loaded machine
            "stale timestamp": sign(body, timestamp=int(time.time()) - 600),
            "future timestamp": sign(body, timestamp=int(time.time()) + 600),
            "timestamp not a number": {**sign(body), "X-Slack-Request-Timestamp": "soon"},
        }[case]
        before = snapshot(database)
        reply = await stack.post(body, "application/json", headers)
        await stack.settle()
        assert reply.status == 401
        assert [c.method for c in stack.fake.calls] == ["auth.test"]  # start-up only
        assert snapshot(database) == before
        with database.transaction() as session:
            assert session.scalar(select(func.count()).select_from(SlackDedupe)) == 0


@pytest.mark.parametrize("body,content_type,status", [
    (b"{not json", "application/json", 400),
    (b"[1, 2, 3]", "application/json", 400),
    (b'{"type": "event_callback", "event_id": "Ev1"}', "application/json", 400),
    (b'{"type": "something_else"}', "application/json", 400),
    (b"payload=%7Bnot+json", "application/x-www-form-urlencoded", 400),
    (b"payload=%7B%22type%22%3A%22block_actions%22%7D", "application/x-www-form-urlencoded", 400),
    (b"hello=world", "application/x-www-form-urlencoded", 400),
    # not UTF-8: slack_sdk's verifier cannot even compute a signature over it
    (b"\xff\xfe\x00", "application/json", 401),
])
async def test_malformed_bodies_get_4xx_never_500(database_url, database, body, content_type,
                                                  status):
    async with slack_stack(database_url, rubrics=rubrics()) as stack:
        before = snapshot(database)
        reply = await stack.signed(body, content_type)
        await stack.settle()
        assert reply.status == status
        assert snapshot(database) == before


async def test_block_actions_with_broken_actions_get_400(database_url, database):
    async with slack_stack(database_url, rubrics=rubrics()) as stack:
        for actions in ([], [{"value": "navi:start"}], [{"action_id": "navi-0", "value": 7}],
                        [{"action_id": "navi-0", "value": "x" * 2001}], "navi-0"):
            payload = {"type": "block_actions", "user": {"id": USER}, "actions": actions}
            assert (await stack.interaction(payload)).status == 400


async def test_unknown_action_id_is_4xx_and_nothing_happens(database_url, database):
    seed_member(database)
    async with slack_stack(database_url, rubrics=rubrics()) as stack:
        stack.fake.add_user(USER, "taro@example.co.jp")
        item = await start_assessment(stack)
        before, calls = snapshot(database), len(stack.fake.calls)
        block, element = find_button(item, label="3点")
        payload = click_payload(USER, item, {**element, "action_id": "delete_everything"}, block)
        reply = await stack.interaction(payload)
        await stack.settle()
        assert 400 <= reply.status < 500
        assert snapshot(database) == before and len(stack.fake.calls) == calls


@pytest.mark.parametrize("forged", [
    "navi:level:999:policy:4",  # another company's assessment id
    "navi:level:{aid}:policy:9",  # a level that does not exist
    "navi:level:{aid}:no-such-item:3",
    "navi:submit:{aid}",  # submit before every item is answered
    "admin:drop",
    "navi:",
])
async def test_forged_button_value_gets_a_polite_message(database_url, database, forged):
    seed_member(database)
    async with slack_stack(database_url, rubrics=rubrics()) as stack:
        stack.fake.add_user(USER, "taro@example.co.jp")
        item = await start_assessment(stack)
        with database.transaction() as session:
            aid = session.scalar(select(Assessment.id))
        before = snapshot(database)
        answers_before = before[0]
        block, element = find_button(item, label="3点")
        payload = click_payload(USER, item, {**element, "value": forged.format(aid=aid)}, block)
        reply = await stack.interaction(payload)
        await stack.settle()
        assert reply.status == 200
        answers, events, _, assessments = snapshot(database)
        assert (answers, events, assessments) == (answers_before, before[1], before[3])
        polite = stack.fake.posts(DM)[-2]["text"]
        assert "反映していません" in polite or "まだ提出できません" in polite
        with database.transaction() as session:
            assert session.scalar(select(Assessment.status)) == "in_progress"


async def test_ack_is_immediate_even_when_slack_is_slow(database_url, database):
    seed_member(database)
    async with slack_stack(database_url, rubrics=rubrics()) as stack:
        stack.fake.add_user(USER, "taro@example.co.jp")
        stack.fake.delays["users.info"] = 3.5  # slower than Slack's whole 3-second budget
        reply = await stack.dm(USER, "状況")
        assert reply.status == 200 and reply.seconds < 0.5
        assert not stack.fake.posts(DM)  # the work happens after the ack
        await stack.settle()
        assert len(stack.fake.posts(DM)) == 1


async def test_rate_limit_honours_retry_after_without_blocking(database_url, database):
    seed_member(database)
    async with slack_stack(database_url, rubrics=rubrics()) as stack:
        stack.fake.add_user(USER, "taro@example.co.jp")
        stack.fake.fail("chat.postMessage", 429, retry_after=1)
        await stack.dm(USER, "状況")
        await asyncio.sleep(0.3)  # the bot is now waiting out Retry-After
        started = time.perf_counter()
        async with stack.session.get(stack.base_url + "/healthz") as health:
            assert health.status == 200
        assert time.perf_counter() - started < 0.3  # the event loop is not blocked
        await stack.settle()
        attempts = stack.fake.called("chat.postMessage")
        assert len(attempts) == 2
        assert attempts[1].at - attempts[0].at >= 0.95
        assert len(stack.fake.posts(DM)) == 1


async def test_server_errors_and_dropped_connections_are_retried(database_url, database):
    seed_member(database)
    async with slack_stack(database_url, rubrics=rubrics()) as stack:
        stack.fake.add_user(USER, "taro@example.co.jp")
        stack.fake.fail("chat.postMessage", 503)
        stack.fake.fail("users.info", 0)  # connection dropped mid-request
        await stack.dm(USER, "状況")
        await stack.settle()
        assert len(stack.fake.called("users.info")) == 2
        assert len(stack.fake.called("chat.postMessage")) == 2
        assert len(stack.fake.posts(DM)) == 1
        assert "未着手" in stack.fake.posts(DM)[0]["text"]  # users.info retried: company found


async def test_url_verification_and_ignored_events(database_url, database):
    async with slack_stack(database_url, rubrics=rubrics()) as stack:
        body = json.dumps({"token": "x", "challenge": "c-123", "type": "url_verification"})
        reply = await stack.signed(body.encode(), "application/json")
        assert reply.status == 200 and "c-123" in reply.body
        for event in ({**dm_event(USER, "edited"), "subtype": "message_changed"},
                      {**dm_event(USER, "from a bot"), "bot_id": "B1"},
                      {**dm_event(USER, "in a channel"), "channel_type": "channel"}):
            assert (await stack.event(event)).status == 200
        await stack.settle()
        assert not stack.fake.called("chat.postMessage")


async def test_healthz_reports_the_database(database_url, database):
    async with slack_stack(database_url, rubrics=rubrics()) as stack:
        async with stack.session.get(stack.base_url + "/healthz") as response:
            assert response.status == 200
            status = await response.json()
        assert status["database"] is True and status["platforms"] == {"slack": "http"}


async def test_database_down_healthz_and_a_polite_reply():
    """No database at all: /healthz says so, a DM still gets a polite answer, no 500."""
    dead = "postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=1"
    async with slack_stack(dead, rubrics=rubrics()) as stack:
        stack.fake.add_user(USER, "taro@example.co.jp")
        async with stack.session.get(stack.base_url + "/healthz") as response:
            assert response.status == 200
            assert (await response.json())["database"] is False
        reply = await stack.dm(USER, "状況")
        assert reply.status == 200
        await stack.settle()
        [message] = stack.fake.posts(DM)
        assert "データベースに接続できません" in message["text"]


async def test_oversized_body_is_refused(database_url, database):
    async with slack_stack(database_url, rubrics=rubrics()) as stack:
        body = urlencode({"payload": "x" * (1024 * 1024 + 10)}).encode()
        reply = await stack.signed(body, "application/x-www-form-urlencoded")
        assert reply.status == 413
