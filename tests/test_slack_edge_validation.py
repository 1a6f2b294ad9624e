"""Bodies with a valid signature but a shape Slack never sends (issue 13, finding 4): a 400, no
traceback in the log (one line at most), nothing written — whatever part of Bolt or of a
background turn would have tripped on it."""

from __future__ import annotations

import json
import logging
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from bot.slack import ingress
from rubrics.loader import RubricRegistry
from store.slack import SlackDedupe, SlackProfile
from tests.support.fake_slack import (
    FIXTURE_RUBRICS,
    click_payload,
    command_form,
    dm_event,
    event_envelope,
    find_button,
    seed_member,
    slack_stack,
)
from tests.test_slack_flow import DM, USER, start_assessment
from tests.test_slack_reliability import snapshot

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


def event(**changes) -> bytes:
    body = event_envelope(dm_event(USER, "状況"))
    for path, value in changes.items():
        target = body
        *parents, leaf = path.split("__")
        for name in parents:
            target = target[name]
        target[leaf] = value
    return json.dumps(body).encode()


def interaction(payload: dict) -> bytes:
    return urlencode({"payload": json.dumps(payload)}).encode()


CLICK = {"type": "block_actions", "user": {"id": USER}, "team": {"id": "T0AIGA"},
         "container": {"type": "message", "message_ts": "1800000001.000100", "channel_id": DM},
         "trigger_id": "t.1",
         "actions": [{"action_id": "navi-0", "value": "navi:start", "action_ts": "1.0"}]}


def click(**changes) -> bytes:
    return interaction({**CLICK, **changes})


def note(state: object) -> bytes:
    return interaction({"type": "view_submission", "user": {"id": USER}, "team": {"id": "T0AIGA"},
                        "view": {"id": "VMODAL1", "type": "modal", "callback_id": "navi-note",
                                 "state": state}})


DEEP = ('{"type":"event_callback","event_id":"Ev1","event":{"type":"message","x":'
        + "[" * 100_000 + "]" * 100_000 + "}}").encode()
CASES = {
    "deeply nested JSON": (DEEP, JSON),
    "nested just past the limit": (event(pad=json.loads("[" * 40 + "]" * 40)), JSON),
    "team is a number": (event(team=5), JSON),
    "authorizations is a string": (event(authorizations="x"), JSON),
    "authorizations hold a number": (event(authorizations=[5]), JSON),
    "enterprise is a number": (event(enterprise=3), JSON),
    "event user is a number": (event(event__user=7), JSON),
    "event channel is an object": (event(event__channel={"id": DM}), JSON),
    "event type is a list": (event(event__type=[["message"]]), JSON),  # found by the fuzz
    "event type is an object": (event(event__type={"a": "message"}), JSON),
    "event text is a list": (event(event__text=["状況"]), JSON),
    "event id is an object": (event(event_id={"id": "Ev1"}), JSON),
    "event user with a NUL": (event(event__user="U0TARO\u0000"), JSON),
    "lone surrogate in text": (event(event__text="\ud800"), JSON),
    "interaction user is a number": (click(user=7), FORM),
    "interaction team is a number": (click(team=5), FORM),
    "container is a string": (click(container="x"), FORM),
    "channel is a string": (click(channel="x"), FORM),
    "view is a string": (click(view="x"), FORM),
    "container ids of the wrong type": (
        click(container={"type": "message", "channel_id": [], "message_ts": {}}), FORM),
    "action_ts not a timestamp": (
        click(actions=[{"action_id": "navi-0", "value": "navi:start", "action_ts": "soon"}]),
        FORM),
    "26 actions": (click(actions=[CLICK["actions"][0]] * 26), FORM),
    "note state is a string": (note("x"), FORM),
    "note values is a string": (note({"values": "x"}), FORM),
    "note block is a string": (note({"values": {"note": "x"}}), FORM),
    "note input is a string": (note({"values": {"note": {"note": "x"}}}), FORM),
    "note value is a number": (note({"values": {"note": {"note": {"value": 5}}}}), FORM),
    "view callback_id is a number": (interaction({
        "type": "view_submission", "user": {"id": USER},
        "view": {"id": "V1", "type": "modal", "callback_id": 5}}), FORM),
    "command user_id empty": (urlencode({**command_form(USER, "状況"), "user_id": ""}).encode(),
                              FORM),
    "command is not a command": (urlencode({**command_form(USER, "x"), "command": "navi"})
                                 .encode(), FORM),
}


@pytest.mark.asyncio
@pytest.mark.parametrize("case", list(CASES))
async def test_malformed_but_signed_body_is_400_quietly_and_writes_nothing(
        database_url, database, caplog, case):
    seed_member(database)
    body, content_type = CASES[case]
    async with slack_stack(database_url, rubrics=RubricRegistry(FIXTURE_RUBRICS)) as stack:
        stack.fake.add_user(USER, "taro@example.co.jp")
        before = snapshot(database)
        caplog.clear()
        with caplog.at_level(logging.INFO):
            reply = await stack.signed(body, content_type)
            await stack.settle()
        assert reply.status == 400, reply.body
        assert snapshot(database) == before
        with database.transaction() as session:
            for table in (SlackDedupe, SlackProfile):
                assert session.scalar(select(func.count()).select_from(table)) == 0
        assert [c.method for c in stack.fake.calls] == ["auth.test"]
        assert not [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]
        assert len([r for r in caplog.records if r.levelno >= logging.WARNING]) <= 1
        assert len(caplog.records) <= 2  # one line for the rejection (and the access log)
        assert "\ud800" not in caplog.text and "U0TARO\x00" not in caplog.text


@pytest.mark.asyncio
async def test_real_payloads_with_unknown_and_deep_fields_still_work(database_url, database):
    """What Slack really sends carries more than we read (rich-text message blocks nest ~10
    deep, fields we never heard of): all of it passes, only the typed fields reach Bolt."""
    seed_member(database)
    async with slack_stack(database_url, rubrics=RubricRegistry(FIXTURE_RUBRICS)) as stack:
        stack.fake.add_user(USER, "taro@example.co.jp")
        rich = {"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": [
            {"type": "text", "text": "x", "style": {"bold": True, "extra": [[{"a": [1]}]]}}]}]}
        body = event(event__blocks=[rich], is_ext_shared_channel=False, context_team_id="T0",
                     brand_new_field={"anything": [None, 1.5, "ü"]})
        assert (await stack.signed(body, JSON)).status == 200
        await stack.settle()
        assert "未着手" in stack.fake.posts(DM)[-1]["text"]
        item = await start_assessment(stack)
        block, element = find_button(item, label="3点")
        payload = click_payload(USER, item, element, block)
        payload["message"]["blocks"].append(rich)
        payload["state"] = {"values": {}}
        assert (await stack.interaction(payload)).status == 200
        await stack.settle()
        assert "2. " in stack.fake.last_with_buttons(DM)["blocks"][1]["text"]["text"]


@pytest.mark.asyncio
async def test_slash_command_mentioning_payload_reaches_the_bot(database_url, database):
    """Bolt reads any form body containing "payload" as an interaction: before, this command
    got 404 and no answer."""
    seed_member(database)
    async with slack_stack(database_url, rubrics=RubricRegistry(FIXTURE_RUBRICS)) as stack:
        stack.fake.add_user(USER, "taro@example.co.jp")
        reply = await stack.command(USER, "payload 状況", channel=DM)
        await stack.settle()
        assert reply.status == 200
        assert stack.fake.posts(DM)  # answered (before: nothing at all)


def test_depth_is_counted_outside_strings_only():
    assert ingress.depth(json.loads('{"a": "[[[[{{{{", "b": [{"c": "\\"]]]"}]}')) == 3
    assert ingress.depth([]) == 1 and ingress.depth("x") == 0 and ingress.depth({}) == 1
    assert ingress.depth([[], [[[]]], {"a": {"b": []}}]) == 4
    for n in (31, 32):  # the limit itself passes; one more is refused
        nested = '{"x": ' + "[" * n + "]" * n + "}"
        assert ingress.depth(json.loads(nested)) == n + 1
    nested = '{"x": ' + "[" * 32 + "]" * 32 + "}"
    assert isinstance(ingress.check(nested.encode(), JSON), ingress.Rejection)
    wide_and_deep = json.dumps([list(range(100))] * 50 + ["[" * 40] + [[[[]]]] * 3)
    assert ingress.depth(json.loads(wide_and_deep)) == 4


def test_depth_stops_walking_past_the_limit():
    """A body of 100,000 nested lists (within MAX_BODY) is refused after MAX_DEPTH + 1 levels,
    not walked to the bottom."""
    value: list = []
    for _ in range(100_000):
        value = [value]
    assert ingress.depth(value) == ingress.MAX_DEPTH + 1


def test_oversized_body_is_413_even_without_the_server_limit():
    assert ingress.check(b"x" * (ingress.MAX_BODY + 1), JSON) == ingress.Rejection(
        413, "body too large")
