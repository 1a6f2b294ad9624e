"""SIGTERM never drops a message: a real worker process (`python -m bot.cli worker`) against a
slow fake Slack finishes and records the sends in flight, takes nothing new, and exits 0 — no
CancelledError, no "maximum number of running instances" from ticks that overlap a long batch.
A send that outlasts AIGA_WORKER_STOP_SECONDS is left for the next worker, which settles it
without posting it twice."""

from __future__ import annotations

import signal
import time
from collections import Counter
from datetime import timedelta

from handlers.dates import now_tokyo
from handlers.rounds.service import open_round
from rubrics import registry
from store.db import Database
from tests.support import factories
from tests.test_worker_fakeslack import FakeSlack
from tests.test_worker_processes import delivery_counts, start_worker, url, wait_until

__all__ = ["url"]  # the database fixture (SQLite and PostgreSQL)
COMPANIES, USERS = 3, 2
EXPECTED = COMPANIES * USERS * 2 + 1  # announcement + one reminder each, and the channel


def seed(url: str) -> None:
    db = Database(url)
    now = now_tokyo()
    with db.transaction() as s:
        for n in range(COMPANIES):
            company = factories.org(s, f"停止試験{n}")
            for k in range(USERS):
                factories.user(s, f"slack:US{n}{k}", company)
        open_round(s, registry(), rubric_version="1.1", opens=(now - timedelta(days=40)).date(),
                   deadline=(now + timedelta(days=5)).date(), name="停止試験", now=now)
    db.dispose()


def sigterm(process) -> tuple[int, float]:
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    code = process.wait(timeout=60)
    return code, time.monotonic() - started


def finish_with_a_fresh_worker(url: str, slack: FakeSlack, log) -> None:
    slack.post_delay = 0.0
    worker = start_worker(url, slack, log)
    try:
        wait_until(lambda: delivery_counts(url) == {"sent": EXPECTED}, 60, "all sent")
        time.sleep(0.6)  # more ticks: nothing more may be sent
    finally:
        assert sigterm(worker)[0] == 0
    keys = slack.keys()
    assert len(keys) == EXPECTED and set(keys.values()) == {1}, "a message lost or doubled"


def test_sigterm_waits_for_the_sends_in_flight_and_records_them(url, tmp_path):
    seed(url)
    with FakeSlack(post_delay=2.0) as slack:
        log = tmp_path / "worker.log"
        worker = start_worker(url, slack, log)
        wait_until(lambda: slack.calls["chat.postMessage"] >= 1, 60, "the first post")
        time.sleep(0.5)  # a few ticks fire while the batch runs
        code, seconds = sigterm(worker)
        text = log.read_text()
        assert code == 0 and "worker stopped" in text
        assert seconds < 10, "the stop waited for more than the sends in flight"
        for noise in ("CancelledError", "Traceback", "maximum number of running instances"):
            assert noise not in text, noise
        counts = delivery_counts(url)
        assert "sending" not in counts, "a send in flight was cut off"
        assert counts.get("sent", 0) == len(slack.posted) >= 1  # every post recorded
        assert counts.get("pending", 0) >= 1  # nothing new was started after SIGTERM
        assert Counter(slack.keys().values()) == Counter({1: len(slack.posted)})
        finish_with_a_fresh_worker(url, slack, tmp_path / "second.log")


def test_a_send_longer_than_the_stop_limit_is_settled_by_the_next_worker(url, tmp_path):
    seed(url)
    with FakeSlack(post_delay=6.0) as slack:
        worker = start_worker(url, slack, tmp_path / "worker.log", AIGA_WORKER_STOP_SECONDS="1")
        wait_until(lambda: slack.calls["chat.postMessage"] >= 1, 60, "the first post")
        code, seconds = sigterm(worker)
        assert code == 0 and seconds < 8  # bounded: 1 s, then the tick is cancelled
        assert "tick still running" in (tmp_path / "worker.log").read_text()
        time.sleep(6.5)  # the fake finishes (and records) the posts the worker gave up on
        finish_with_a_fresh_worker(url, slack, tmp_path / "second.log")


def test_kill_9_with_eight_conversations_in_flight_loses_and_doubles_nothing(url, tmp_path):
    """Concurrent lanes: SIGKILL while Slack holds one post and others are claimed; the next
    worker settles every "sending" row (posted → confirmed, not posted → sent once)."""
    seed(url)
    with FakeSlack(post_delay=0.3) as slack:
        slack.hang_after = 5
        first = start_worker(url, slack, tmp_path / "first.log")
        assert slack.hang_started.wait(60), "the batch never reached message 5"
        time.sleep(0.5)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        in_flight = delivery_counts(url).get("sending", 0)
        assert 1 <= in_flight <= 8  # bounded by AIGA_DELIVERY_CONCURRENCY
        slack.hang_after = None
        finish_with_a_fresh_worker(url, slack, tmp_path / "second.log")
