"""Socket Mode: SLACK_APP_TOKEN set → the bot opens a WebSocket (the URL apps.connections.open
returns) instead of listening on /slack/events. Here against the fake's local WebSocket."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from rubrics.loader import RubricRegistry
from store.models import Answer
from tests.support.fake_slack import (
    FIXTURE_RUBRICS,
    click_payload,
    dm_event,
    event_envelope,
    find_button,
    seed_member,
    slack_stack,
)

pytestmark = pytest.mark.asyncio
USER = "U0SOCK"
DM = f"D{USER}"


async def until(condition, timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_socket_mode_events_and_clicks(database_url, database):
    seed_member(database)
    rubrics = RubricRegistry(FIXTURE_RUBRICS)
    async with slack_stack(database_url, rubrics=rubrics, socket_mode=True) as stack:
        fake = stack.fake
        fake.add_user(USER, "sock@example.co.jp")
        await asyncio.wait_for(fake.socket_connected.wait(), 5)
        assert len(fake.called("apps.connections.open")) == 1  # the fake checks the xapp- token

        # no inbound URL in Socket Mode
        async with stack.session.post(stack.base_url + "/slack/events", data=b"{}") as r:
            assert r.status in (404, 405)
        async with stack.session.get(stack.base_url + "/healthz") as r:
            assert (await r.json())["platforms"] == {"slack": "socket"}

        envelope = await fake.send_socket("events_api",
                                          event_envelope(dm_event(USER, "ナビを始める")))
        await until(lambda: any(a.get("envelope_id") == envelope for a in fake.socket_acks))
        await until(lambda: len(fake.posts(DM)) == 1)
        confirm = fake.last_with_buttons(DM)

        # a click arrives as an "interactive" envelope; Slack's retry of it changes nothing
        block, element = find_button(confirm, label="はい")
        payload = click_payload(USER, confirm, element, block)
        first = await fake.send_socket("interactive", payload)
        await fake.send_socket("interactive", payload, retry_attempt=1)
        await until(lambda: any(a.get("envelope_id") == first for a in fake.socket_acks))
        await until(lambda: len(fake.posts(DM)) == 2)
        await stack.settle()
        roles = fake.last_with_buttons(DM)
        assert "立場" in roles["text"]
        assert len(fake.posts(DM)) == 2

        block, element = find_button(roles, label="両方")
        await fake.send_socket("interactive", click_payload(USER, roles, element, block))
        await until(lambda: len(fake.posts(DM)) >= 4)
        await stack.settle()
        item = fake.last_with_buttons(DM)
        # confirm, roles, the roles chosen, the drafts notice, the first item
        assert len(fake.posts(DM)) == 5, [p["text"][:40] for p in fake.posts(DM)]
        block, element = find_button(item, label="2点")
        await fake.send_socket("interactive", click_payload(USER, item, element, block))
        await until(lambda: fake.messages[(DM, item["ts"])]["updates"] == 1)
        await stack.settle()
        with database.transaction() as session:
            assert [a.level for a in session.scalars(select(Answer))] == [2]
        assert fake.problems == []
