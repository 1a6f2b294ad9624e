"""Broadcasts through the real worker and a local fake Slack Web API: 500 recipients with 429s
and failures (each exactly once, the report right), and worker processes SIGKILLed mid-batch
and restarted (no duplicate, no loss)."""

from __future__ import annotations

import asyncio
import signal
import time
from datetime import datetime, timedelta

from sqlalchemy import func, select

from bot.notify import Target
from bot.slack_notify import SlackNotifier
from bot.worker import Deliverer
from handlers.dates import TOKYO, now_tokyo
from handlers.events.broadcasts import broadcast_report, create_broadcast
from handlers.router import Router
from store.db import Database
from store.events import Broadcast
from store.reminders import Delivery
from tests.support import factories
from tests.support.chat import Chat
from tests.test_worker_fakeslack import FakeSlack
from tests.test_worker_processes import (  # noqa: F401
    SERIAL,
    start_worker,
    stop,
    url,
    wait_until,
)

CHANNEL = "CANNOUNCE"
USERS = 500
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=TOKYO)


def seed_users(db: Database, n: int = USERS, now: datetime = NOW) -> None:
    with db.transaction() as s:
        companies = [factories.org(s, f"会員企業{i:03d}") for i in range(130)]
        for i in range(n):
            factories.user(s, f"slack:U{i:04d}", companies[i % 130])
        factories.user(s, "slack:UADMIN", None, admin=True)


def test_broadcast_to_500_with_429s_and_failures_each_exactly_once(database):
    seed_users(database)
    router = Router(database, admins=frozenset({"slack:UADMIN"}), clock=lambda: NOW)
    admin = Chat(router, "UADMIN", platform="slack", locale="ja")
    admin.say('broadcast send "年末年始の事務局休業のお知らせ" link=https://aiga.example/news dm')
    assert "お知らせ #1 を登録しました" in admin.click(admin.choice_value("送信する"))
    with FakeSlack() as slack:
        gone = {f"U{i:04d}" for i in range(0, USERS, 100)}  # 5 left the workspace
        slack.gone_users |= gone
        rate_limited, lost = 0, 0
        for i in range(1, USERS, 7):  # one in 7: a 429 (Retry-After 0), 3 in a row sometimes
            slack.faults[f"DU{i:04d}"] = ["ratelimited"] * (3 if i % 5 == 0 else 1)
            rate_limited += len(slack.faults[f"DU{i:04d}"])
        for i in range(3, USERS, 50):  # posted, but the answer is lost (HTTP 500)
            slack.faults[f"DU{i:04d}"] = ["lost_response"]
            lost += 1
        for i in range(5, USERS, 97):  # Slack's own hiccup, then fine
            slack.faults[f"DU{i:04d}"] = ["internal_error"]
        clock = [NOW]
        notifier = SlackNotifier("xoxb-test", slack.url, database, lambda: clock[0])
        worker = Deliverer(database, {"slack": notifier},
                           announce=[Target("slack", CHANNEL, False)],
                           admins=frozenset({"slack:UADMIN"}), clock=lambda: clock[0],
                           backoff=timedelta(seconds=1), max_attempts=6,
                           rate={"slack": 100.0})  # the workspace rate: bench/broadcast_pacing.py
        started = time.monotonic()
        for _ in range(20):
            report = asyncio.run(worker.deliver_due(clock[0]))
            clock[0] += timedelta(minutes=1)
            with database.transaction() as s:
                pending = s.scalar(select(func.count()).select_from(Delivery).where(
                    Delivery.status.in_(("pending", "sending"))))
            if not pending and not report.busy():
                break
        elapsed = time.monotonic() - started
        keys = slack.keys()
        assert {k: n for k, n in keys.items() if n > 1} == {}  # nobody got it twice
        dms = {p.channel for p in slack.posted if p.key and ":send:user:" in p.key}
        assert dms == {f"DU{i:04d}" for i in range(USERS)} - {f"D{u}" for u in gone}
        assert len(slack.to(CHANNEL)) == 1
        with database.transaction() as s:
            row = s.get(Broadcast, 1)
            result = broadcast_report(s, row)
            assert row.status == "done"
        assert (result.total, result.sent, result.pending) == (USERS + 1, USERS + 1 - 5, 0)
        assert sorted(result.failed) == sorted(f"slack:{u} gone (user_not_found)" for u in gone)
        # the sender got the report as a DM, once
        (sent_report,) = slack.to("DUADMIN")
        visible = sent_report.text.replace("\u200b", "")  # Slack text keeps "_" from pairing
        assert "送信済み 496・失敗 5" in visible and "user_not_found" in visible
        assert "送信済み 496・失敗 5" in admin.say("broadcast report 1")
        print(f"\nbroadcast to {USERS} users + 1 channel in {elapsed:.1f} s; 429s injected "
              f"{rate_limited}, lost responses {lost}, history look-ups "
              f"{slack.calls['conversations.history']}, chat.postMessage "
              f"{slack.calls['chat.postMessage']}, duplicates 0")


def test_scheduled_broadcast_waits_and_can_be_cancelled(database):
    seed_users(database, 3)
    with database.transaction() as s:
        later = create_broadcast(s, text="来週の予定", now=NOW, at=NOW + timedelta(hours=2))
        dropped = create_broadcast(s, text="取り消す", now=NOW, at=NOW + timedelta(hours=2))
        from handlers.events.broadcasts import cancel_broadcast
        cancel_broadcast(s, dropped, NOW)
        later_id = later.id
    with FakeSlack() as slack:
        notifier = SlackNotifier("xoxb-test", slack.url, database, lambda: NOW)
        worker = Deliverer(database, {"slack": notifier},
                           announce=[Target("slack", CHANNEL, False)], clock=lambda: NOW,
                           pace={})
        assert asyncio.run(worker.deliver_due(NOW + timedelta(hours=1, minutes=59))).sent == 0
        assert asyncio.run(worker.deliver_due(NOW + timedelta(hours=2))).sent == 1
        assert slack.texts(CHANNEL).count("来週の予定") == 1
        assert "取り消す" not in slack.texts(CHANNEL)
    with database.transaction() as s:
        assert broadcast_report(s, s.get(Broadcast, later_id)).sent == 1


# ----- real worker processes, killed -------------------------------------------------------------


def test_broadcast_worker_killed_mid_batch_then_restarted(url, tmp_path):  # noqa: F811
    db = Database(url)
    now = now_tokyo()
    seed_users(db, USERS, now)
    with db.transaction() as s:
        create_broadcast(s, text="全会員へのお知らせ", dm=True, now=now)
    db.dispose()
    expected = USERS + 1  # every user and the announcement channel

    def counts() -> dict[str, int]:
        d = Database(url)
        try:
            with d.transaction() as s:
                return dict(s.execute(select(Delivery.status, func.count())
                                      .where(Delivery.subject == "broadcast:1")
                                      .group_by(Delivery.status)).all())
        finally:
            d.dispose()

    with FakeSlack(post_delay=0.002) as slack:
        slack.hang_after = 180  # Slack accepted message 180; the worker dies waiting
        first = start_worker(url, slack, tmp_path / "first.log", **SERIAL)
        assert slack.hang_started.wait(120), "the batch never reached message 180"
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        assert counts().get("sending") == 1
        slack.hang_after = None
        second = start_worker(url, slack, tmp_path / "second.log", **SERIAL)
        wait_until(lambda: len(slack.posted) >= 350, 120, "the second worker to get going")
        second.send_signal(signal.SIGKILL)
        second.wait(10)
        assert len(slack.posted) < expected
        third = start_worker(url, slack, tmp_path / "third.log", **SERIAL)
        try:
            wait_until(lambda: counts().get("sent") == expected, 180, "all sent after kills")
            time.sleep(1.0)
        finally:
            assert stop(third) == 0
        keys = slack.keys()
        assert {k: n for k, n in keys.items() if n > 1} == {}
        assert len([k for k in keys if k.startswith("aiga:broadcast:1:send:")]) == expected
        assert counts() == {"sent": expected}
        print(f"\nbroadcast killed twice mid-batch: {expected} messages, each exactly once; "
              f"{slack.calls['conversations.history']} history look-ups")
