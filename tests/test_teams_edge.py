"""The raw body is judged before botbuilder sees it (issue 13, finding 4): deep nesting, numbers
where strings belong, strings no database can store and oversized bodies are 4xx with one short
log line and nothing written — before authentication, so nobody can flood the log with
tracebacks — and invoke activities get a proper invoke response instead of 501."""

from __future__ import annotations

import json
import logging

import pytest

from tests.support.fake_connector import seed_member, teams_stack
from tests.test_teams_flow import AAD, CONV, start_assessment
from tests.test_teams_security import AUTH, counts

pytestmark = pytest.mark.asyncio


def hostile_bodies(good: dict) -> dict[str, bytes]:
    deep = "[" * 100_000 + "]" * 100_000
    return {
        "deep list": deep.encode(),
        "deep value": json.dumps(good)[:-1].encode() + b', "value": ' + deep.encode() + b"}",
        "moderately deep value": json.dumps({**good, "value": _nest(40)}).encode(),
        "numeric from.id": json.dumps({**good, "from": {**good["from"], "id": 12345}}).encode(),
        "numeric aadObjectId": json.dumps(
            {**good, "from": {**good["from"], "aadObjectId": 7}}).encode(),
        "boolean conversation.id": json.dumps(
            {**good, "conversation": {**good["conversation"], "id": True}}).encode(),
        "list serviceUrl": json.dumps({**good, "serviceUrl": ["x"]}).encode(),
        "numeric type": json.dumps({**good, "type": 5}).encode(),
        "object text": json.dumps({**good, "text": {"a": 1}}).encode(),
        "string entities": json.dumps({**good, "entities": "x"}).encode(),
        "numbers in membersAdded": json.dumps({**good, "membersAdded": [1, 2]}).encode(),
        "channelData.tenant a string": json.dumps(
            {**good, "channelData": {"tenant": "t"}}).encode(),
        "lone surrogate in text": json.dumps({**good, "text": "a\ud800b"}).encode(),
        "NUL in from.id": json.dumps({**good, "from": {**good["from"], "id": "29:a\x00b"}}).encode(),
        "huge id": json.dumps({**good, "from": {**good["from"], "id": "x" * 5000}}).encode(),
        "huge activity id": json.dumps({**good, "id": "x" * 5000}).encode(),
        "huge replyToId": json.dumps({**good, "replyToId": "1" * 5000}).encode(),
        "very many values": json.dumps({**good, "value": [0] * 30_000}).encode(),
        "bad timestamp": json.dumps({**good, "timestamp": "yesterday"}).encode(),
    }


def _nest(depth: int) -> object:
    value: object = "x"
    for _ in range(depth):
        value = {"a": value}
    return value


@pytest.mark.parametrize("auth", [False, True], ids=["no-auth", "auth"])
async def test_hostile_bodies_are_400_with_one_line_and_nothing_written(database_url, database,
                                                                        caplog, auth):
    seed_member(database)
    settings = AUTH if auth else {}
    async with teams_stack(database_url, **settings) as stack:
        token = stack.fake.token() if auth else None
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        good = stack.activity(AAD, text="ナビを始める")
        before = counts(database)
        caplog.clear()
        with caplog.at_level(logging.INFO):
            for name, body in hostile_bodies(good).items():
                response = await stack.post_raw(body, headers=headers)
                assert response.status == 400, name
        assert counts(database) == before
        assert stack.fake.calls == []
        records = [r for r in caplog.records if r.name.startswith("bot.teams")]
        assert len(records) == len(hostile_bodies(good))  # one line each
        assert all(r.exc_info is None and r.levelno <= logging.INFO for r in records)
        assert all(len(r.getMessage()) < 200 for r in records)


async def test_a_body_over_the_cap_is_413(database_url, database):
    async with teams_stack(database_url) as stack:
        good = stack.activity(AAD, text="x" * 300_000)
        assert (await stack.post(good)).status == 413
        assert stack.fake.calls == []


async def test_the_good_body_still_works(database_url, database):
    """The control for the cases above: the same activity, well typed, is a normal turn."""
    seed_member(database)
    async with teams_stack(database_url) as stack:
        stack.fake.add_member(AAD, email="hanako@example.co.jp")
        good = stack.activity(AAD, text="ナビを始める")
        good["value"] = None
        assert (await stack.post(good)).status == 200
        assert stack.fake.last_card(CONV).buttons[0][0].startswith("はい")


async def test_action_execute_invokes_run_like_a_click(database_url, database):
    seed_member(database)
    async with teams_stack(database_url) as stack:
        stack.fake.add_member(AAD, email="hanako@example.co.jp")
        card = await start_assessment(stack)
        value = next(v for t, v in card.buttons if t == "2点")
        invoke = {**stack.activity(AAD, reply_to=card.id), "type": "invoke",
                  "name": "adaptiveCard/action",
                  "value": {"action": {"type": "Action.Execute", "verb": "x",
                                       "data": {"aiga": value}}, "trigger": "manual"}}
        async with stack.session.post(stack.url, json=invoke) as response:
            assert response.status == 200
            body = await response.json()
        assert body["statusCode"] == 200
        assert stack.fake.posted[card.id].buttons == []  # answered like a click
        assert stack.fake.last_card(CONV).text.splitlines()[1].startswith("2\\. ")


async def test_other_invokes_are_acknowledged_never_501(database_url, database):
    seed_member(database)
    async with teams_stack(database_url) as stack:
        before = counts(database)
        cases = [
            {"name": "task/fetch", "value": {"data": {}}},
            {"name": "composeExtension/query", "value": {"commandId": "x"}},
            {"name": "adaptiveCard/action", "value": {"action": "not an object"}},
            {"name": "adaptiveCard/action", "value": [1, 2]},
            {"value": None},
        ]
        for extra in cases:
            invoke = {**stack.activity(AAD), "type": "invoke", **extra}
            async with stack.session.post(stack.url, json=invoke) as response:
                assert response.status == 200, extra
                assert (await response.json())["statusCode"] == 200
        # the unreadable card actions were answered politely in the chat; nothing else
        sent = stack.fake.sent(CONV)
        assert len(sent) == 2 and all("読み取れません" in p.text for p in sent)
        after = counts(database)
        assert {k: v for k, v in after.items() if k != "TeamsReference"} == \
            {k: v for k, v in before.items() if k != "TeamsReference"}
