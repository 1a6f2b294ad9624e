"""Real worker processes (`python -m bot.cli worker`) against one database and a local fake Slack:
two workers started by mistake, and a worker SIGKILLed in the middle of a batch — every message
is counted at the fake, and each delivery key must arrive exactly once.

The two-worker test is the issue's PostgreSQL test (advisory lock); it also runs on SQLite
(file lock). Without TEST_DATABASE_URL the PostgreSQL cases skip and say so.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, func, select, text

from handlers.dates import now_tokyo
from handlers.rounds.service import open_round
from rubrics import registry
from store.db import Database, normalise_url
from store.migrate import upgrade
from store.reminders import Delivery
from tests.support import factories
from tests.test_worker_fakeslack import FakeSlack

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("TEST_DATABASE_URL")
COMPANIES, USERS_PER_COMPANY = 130, 2
EXPECTED = COMPANIES * USERS_PER_COMPANY * 2 + 1  # announcement + one reminder each, channel
TOKEN = "xoxb-test-0000-not-a-secret"
# One conversation at a time: the kill tests count exactly what is in flight at the kill (one
# send). The concurrent case (several in flight) is tests/test_worker_sigterm.py.
SERIAL = {"AIGA_DELIVERY_CONCURRENCY": "1"}


@pytest.fixture(params=["postgresql", "sqlite"])
def url(request, tmp_path):
    """A fresh migrated database of each kind (PostgreSQL: a schema of its own)."""
    if request.param == "sqlite":
        path = tmp_path / "worker.db"
        yield _migrated(f"sqlite:///{path}")
        return
    if not PG_URL:
        pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL=postgresql+psycopg://"
                    "postgres@127.0.0.1:5432/test (the advisory-lock case of the issue)")
    base = normalise_url(PG_URL)
    schema = f"w_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield _migrated(f"{base}{sep}options={quote(f'-csearch_path={schema}')}")
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _migrated(url: str) -> str:
    db = Database(url)
    upgrade(db.engine)
    db.dispose()
    return url


def seed(url: str) -> None:
    """130 companies × 2 linked Slack users and a round whose announcement and d30 reminder
    are both overdue (the worker catches up at once), deadline five days ahead."""
    db = Database(url)
    now = now_tokyo()
    with db.transaction() as s:
        for n in range(COMPANIES):
            company = factories.org(s, f"会員企業{n:03d}")
            for k in range(USERS_PER_COMPANY):
                factories.user(s, f"slack:U{n:03d}{k}", company)
        open_round(s, registry(), rubric_version="1.1",
                   opens=(now - timedelta(days=40)).date(),
                   deadline=(now + timedelta(days=5)).date(), name="負荷試験", now=now)
    db.dispose()


def start_worker(url: str, slack: FakeSlack, log: Path, **extra: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AIGA_", "SLACK_", "DATABASE_URL", "TEST_DATABASE_URL"))}
    env.update(DATABASE_URL=url, SLACK_BOT_TOKEN=TOKEN, SLACK_API_URL=slack.url,
               AIGA_WORKER_TICK_SECONDS="0.2", AIGA_REMINDER_DAYS="30",
               AIGA_ANNOUNCE_CHANNELS="slack:CANNOUNCE", PYTHONPATH=str(ROOT),
               AIGA_SLACK_RATE="100")  # the workspace rate is not what these tests measure
    env.update(extra)
    return subprocess.Popen([sys.executable, "-m", "bot.cli", "worker"], env=env,
                            cwd=log.parent, stdout=log.open("w"), stderr=subprocess.STDOUT)


def delivery_counts(url: str) -> dict[str, int]:
    db = Database(url)
    try:
        with db.transaction() as s:
            rows = s.execute(select(Delivery.status, func.count()).group_by(Delivery.status))
            return dict(rows.all())
    finally:
        db.dispose()


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def all_sent(url: str) -> bool:
    counts = delivery_counts(url)
    return counts.get("sent", 0) == EXPECTED and sum(counts.values()) == EXPECTED


def assert_exactly_once(slack: FakeSlack, url: str) -> None:
    keys = slack.keys()
    doubled = {k: n for k, n in keys.items() if n > 1}
    assert doubled == {}, f"{len(doubled)} keys posted more than once"
    assert len(slack.posted) == len(keys) == EXPECTED
    assert delivery_counts(url) == {"sent": EXPECTED}


def stop(process: subprocess.Popen) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    return process.wait(timeout=30)


def test_two_workers_deliver_every_reminder_exactly_once(url, tmp_path):
    seed(url)
    with FakeSlack(post_delay=0.002) as slack:
        started = time.monotonic()
        workers = [start_worker(url, slack, tmp_path / f"worker{i}.log") for i in (1, 2)]
        try:
            wait_until(lambda: all_sent(url), 180, "all deliveries sent")
            elapsed = time.monotonic() - started
            time.sleep(1.5)  # several more ticks of both workers: nothing more may be sent
            assert_exactly_once(slack, url)
            assert all(w.poll() is None for w in workers), "a worker died"
        finally:
            codes = [stop(w) for w in workers]
        assert codes == [0, 0]  # SIGTERM: graceful stop
        logs = "".join((tmp_path / f"worker{i}.log").read_text() for i in (1, 2))
        assert "worker stopped" in logs and TOKEN not in logs
        db = Database(url)
        with db.transaction() as s:
            by_worker = dict(s.execute(select(Delivery.claimed_by, func.count())
                                       .group_by(Delivery.claimed_by)).all())
        db.dispose()
        print(f"\n{EXPECTED} messages ({COMPANIES} companies, {COMPANIES * USERS_PER_COMPANY} "
              f"users) by 2 workers in {elapsed:.1f} s; per worker {sorted(by_worker.values())}; "
              f"conversations.open {slack.calls['conversations.open']}, duplicates 0")


def test_a_worker_killed_mid_batch_loses_nothing_and_doubles_nothing(url, tmp_path):
    seed(url)
    with FakeSlack(post_delay=0.002) as slack:
        # 1. killed right after Slack accepted message 150, before the answer came back
        slack.hang_after = 150
        first = start_worker(url, slack, tmp_path / "first.log", **SERIAL)
        assert slack.hang_started.wait(120), "the batch never reached message 150"
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        assert len(slack.posted) == 150
        assert delivery_counts(url).get("sending") == 1  # the one Slack has, unrecorded
        slack.hang_after = None
        # 2. killed at an arbitrary moment in the middle of the next stretch
        second = start_worker(url, slack, tmp_path / "second.log", **SERIAL)
        wait_until(lambda: len(slack.posted) >= 320, 120, "the second worker to get going")
        second.send_signal(signal.SIGKILL)
        second.wait(10)
        assert len(slack.posted) < EXPECTED
        # 3. a third worker finishes the batch
        third = start_worker(url, slack, tmp_path / "third.log", **SERIAL)
        try:
            wait_until(lambda: all_sent(url), 180, "all deliveries sent after the kills")
            time.sleep(1.0)
            assert_exactly_once(slack, url)
        finally:
            assert stop(third) == 0
        history_checks = slack.calls["conversations.history"]
        assert history_checks >= 1  # the orphan of kill 1 was looked up, not re-posted
        print(f"\nkilled twice mid-batch; {EXPECTED} messages, each exactly once; "
              f"{history_checks} history look-ups to settle interrupted sends")
