"""Pacing: conversations are sent to side by side, each paced on its own, so a 429 on one
conversation waits out its Retry-After without holding up the others, and the next call to the
same conversation honours it too; the workspace rate bounds the whole batch."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime

from aiohttp import web

from bot.notify import Target
from bot.slack.client import RetryAfterGate, retry_after
from bot.slack_notify import SlackNotifier
from bot.worker import Deliverer
from handlers.dates import TOKYO
from handlers.events.broadcasts import create_broadcast
from tests.support import factories
from tests.test_worker_fakeslack import FakeSlack

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=TOKYO)


class SlowLimitFake(FakeSlack):
    """The worker tests' fake, with a real Retry-After and the time of every post."""

    def __init__(self, retry_seconds: int) -> None:
        super().__init__()
        self.retry_seconds = retry_seconds
        self.times: dict[str, list[float]] = {}

    async def _post(self, params: dict) -> web.Response:
        channel = str(params.get("channel", ""))
        self.times.setdefault(channel, []).append(time.monotonic())
        queue = self.faults.get(channel) or []
        if queue and queue[0] == "ratelimited":
            queue.pop(0)
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                     headers={"Retry-After": str(self.retry_seconds)})
        return await super()._post(params)


def broadcast_to(database, users: int) -> None:
    with database.transaction() as s:
        company = factories.org(s, "会員企業")
        for i in range(users):
            factories.user(s, f"slack:U{i:03d}", company)
        create_broadcast(s, text="お知らせ", dm=True, now=NOW)


def run(database, slack, **pacing) -> tuple[float, object]:
    notifier = SlackNotifier("xoxb-test", slack.url, database, lambda: NOW)
    worker = Deliverer(database, {"slack": notifier}, clock=lambda: NOW, **pacing)

    async def go():
        try:
            return await worker.deliver_due(NOW)
        finally:
            await notifier.close()

    started = time.monotonic()
    report = asyncio.run(go())
    return time.monotonic() - started, report


def test_a_429_on_one_conversation_does_not_stall_the_others(database):
    broadcast_to(database, 24)
    with SlowLimitFake(retry_seconds=2) as slack:
        slack.faults["DU000"] = ["ratelimited"]
        seconds, report = run(database, slack, pace={"slack": 1.0}, rate={}, concurrency=8)
        assert report.sent == 24 and report.retried == 0  # waited out inside the tick
        first, second = slack.times["DU000"]
        assert second - first >= 2.0  # Retry-After honoured for that conversation
        others = [t for ch, ts in slack.times.items() if ch != "DU000" for t in ts]
        assert len(others) == 23
        # the 23 others went out while DU000 waited: not one of them after its retry
        assert sum(t > second for t in others) == 0
        assert seconds < 4, seconds  # serial sending would take 2 s + 24 round trips × …
        assert set(slack.keys().values()) == {1}


def test_the_workspace_rate_bounds_the_batch(database):
    broadcast_to(database, 20)
    with SlowLimitFake(retry_seconds=0) as slack:
        seconds, report = run(database, slack, pace={"slack": 1.0}, rate={"slack": 10.0},
                              concurrency=8)
        assert report.sent == 20
        posts = sorted(t for ts in slack.times.values() for t in ts)
        assert posts[-1] - posts[0] >= 1.8  # 20 posts at 10/s: 1.9 s apart at the least
        assert seconds < 4


def test_one_conversation_keeps_its_order_and_its_pace(database):
    """Two messages to one conversation (the channel: announcement, then a broadcast) go in
    id order, a second apart, even with eight lanes free."""
    with database.transaction() as s:
        create_broadcast(s, text="一通目", now=NOW)
        create_broadcast(s, text="二通目", now=NOW)
    with SlowLimitFake(retry_seconds=0) as slack:
        notifier = SlackNotifier("xoxb-test", slack.url, database, lambda: NOW)
        worker = Deliverer(database, {"slack": notifier}, clock=lambda: NOW,
                           announce=[Target("slack", "CANN", False)], pace={"slack": 1.0},
                           rate={}, concurrency=8)
        asyncio.run(worker.deliver_due(NOW))
        asyncio.run(notifier.close())
        texts = [p.text for p in slack.to("CANN")]
        assert ["一通目" in texts[0], "二通目" in texts[1]] == [True, True]
        first, second = slack.times["CANN"]
        assert second - first >= 0.95


def test_retry_after_headers_hostile_values():
    assert retry_after({"Retry-After": "3"}) == 3.0
    assert retry_after({"retry-after": ["2.5"]}) == 2.5
    for bad in ("soon", "", "nan", "-5", None, "1e999x"):
        assert retry_after({"Retry-After": bad}) == 1.0
    assert retry_after({}) == 1.0 and retry_after(None) == 1.0
    assert retry_after({"Retry-After": "1e9"}) == 1e9  # capped where it is used:
    gate = RetryAfterGate(clock=lambda: 0.0)
    gate.hold(gate.key("chat.postMessage", "C1"), 1e9)
    assert gate.not_before["chat.postMessage:C1"] == 120.0
    gate.hold(gate.key("conversations.open", "C1"), 5)  # per method, not per channel
    assert "conversations.open" in gate.not_before
