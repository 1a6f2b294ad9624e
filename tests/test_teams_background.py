"""Retries never hold Teams' request (issue 13, finding 6): a connector asking to wait 20 s gets
its wait, in the background, while Teams has had its 200 within seconds; a delivery that fails
for good is logged, and the server still drains on shutdown."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from tests.support.fake_connector import seed_member, teams_stack
from tests.test_teams_flow import AAD, CONV

pytestmark = pytest.mark.asyncio


async def _wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.1)
    return predicate()


async def test_a_429_retry_after_20_answers_teams_at_once_and_delivers_later(database_url,
                                                                             database):
    seed_member(database)
    async with teams_stack(database_url, teams_retry_attempts=3) as stack:
        stack.fake.add_member(AAD, email="hanako@example.co.jp")
        stack.fake.fail("POST", 429, times=1, path_contains="/activities", retry_after="20")
        started = time.monotonic()
        assert (await stack.say(AAD, "ナビを始める", settle=False)).status == 200
        assert time.monotonic() - started < 3.0
        assert stack.fake.sent(CONV) == []  # not yet: the connector asked for 20 s
        assert stack.bot.background  # the turn goes on
        assert await _wait_for(lambda: len(stack.fake.sent(CONV)) == 1, 30.0)
        waited = time.monotonic() - started
        assert 19.0 <= waited < 30.0
        assert stack.fake.last_card(CONV).buttons[0][0].startswith("はい")
        assert [c.status for c in stack.fake.called("POST", "/activities")] == [429, 200]


async def test_a_delivery_that_keeps_failing_is_logged(database_url, database, caplog):
    seed_member(database)
    async with teams_stack(database_url, teams_retry_attempts=3,
                           teams_retry_base_seconds=1.5) as stack:
        stack.fake.add_member(AAD, email="hanako@example.co.jp")
        stack.fake.fail("POST", 503, times=1, path_contains="/activities")
        stack.fake.fail("POST", 502, times=10, path_contains="/activities")
        with caplog.at_level(logging.INFO):
            started = time.monotonic()
            assert (await stack.say(AAD, "ヘルプ", settle=False)).status == 200
            assert time.monotonic() - started < 3.0
            assert (await stack.say(AAD, "ナビを始める", settle=False)).status == 200
            assert time.monotonic() - started < 6.0
            await asyncio.wait(set(stack.bot.background), timeout=30)
        assert not stack.bot.background
        assert "reply not delivered" in caplog.text
        assert not [r for r in caplog.records if r.exc_info]


async def test_shutdown_drains_background_deliveries(database_url, database):
    seed_member(database)
    async with teams_stack(database_url) as stack:
        stack.fake.add_member(AAD, email="hanako@example.co.jp")
        stack.fake.fail("POST", 429, times=1, path_contains="/activities", retry_after="25")
        assert (await stack.say(AAD, "ナビを始める", settle=False)).status == 200
        assert stack.bot.background
        started = time.monotonic()
        await stack.bot._drain(timeout=0.5)
        await asyncio.sleep(0.1)
        assert time.monotonic() - started < 2.0
        assert not stack.bot.background  # cancelled, not left hanging
