# ruff: noqa: F811  (the `url` fixture is imported, then named by the tests)
"""Targeted broadcasts through the real programs: `aiga-bot broadcast send --audience …`
(--dry-run first) and `aiga-bot worker --once` as subprocesses, a local fake Slack, on a SQLite
file and on PostgreSQL. The audience a broadcast was given is the audience it reaches — each
person once, no channel post — and the count shown before sending is the count sent."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from datetime import timedelta

from sqlalchemy import func, select

from handlers.dates import now_tokyo
from handlers.events.broadcasts import create_broadcast
from store.db import Database
from store.events import Broadcast
from store.reminders import Delivery
from tests.support import factories
from tests.test_worker_fakeslack import FakeSlack
from tests.test_worker_processes import ROOT, TOKEN, url  # noqa: F401

ADMIN = "slack:UADMIN"


def seed(url: str) -> dict:
    """Three regular companies (A submitted round R, C and D did not), one expert company E,
    two Slack users each; a closed round R (so the worker plans nothing of its own)."""
    db = Database(url)
    with db.transaction() as s:
        companies = {name: factories.org(s, f"{name}社", membership_class=cls)
                     for name, cls in (("A", "regular"), ("C", "regular"), ("D", "regular"),
                                       ("E", "expert"))}
        for name, company in companies.items():
            for k in (1, 2):
                factories.user(s, f"slack:U{name}{k}", company)
        factories.user(s, ADMIN, None, admin=True)
        rnd = factories.round_(s, "対象試験", status="closed")
        factories.assessment(s, companies["A"], rnd, {}, submitted=True)
        factories.assessment(s, companies["D"], rnd, {}, submitted=False)
        ids = {name: c.id for name, c in companies.items()}
        ids["round"] = rnd.id
    db.dispose()
    return ids


def env(url: str, slack: FakeSlack) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("AIGA_", "SLACK_", "DATABASE_URL", "TEST_DATABASE_URL"))}
    return {**clean, "DATABASE_URL": url, "SLACK_BOT_TOKEN": TOKEN, "SLACK_API_URL": slack.url,
            "AIGA_ANNOUNCE_CHANNELS": "slack:CANNOUNCE", "AIGA_ADMINS": ADMIN,
            "AIGA_SLACK_RATE": "100", "PYTHONPATH": str(ROOT)}


def aiga(url: str, slack: FakeSlack, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], env=env(url, slack),
                          capture_output=True, text=True, timeout=120, cwd=ROOT)


def dms(slack: FakeSlack) -> list[str]:
    return sorted(p.channel for p in slack.posted if p.channel.startswith("DU")
                  and p.channel != "DUADMIN")


def stored(url: str) -> tuple[int, int]:
    db = Database(url)
    with db.transaction() as s:
        found = (s.scalar(select(func.count()).select_from(Broadcast)),
                 s.scalar(select(func.count()).select_from(Delivery)))
    db.dispose()
    return found


def shown_count(out: str) -> int:
    match = re.search(r"(\d+) channel\(s\), (\d+) person\(s\)", out)
    assert match, out
    return int(match.group(1)) + int(match.group(2))


def test_class_broadcast_reaches_exactly_that_class_once(url, tmp_path):
    ids = seed(url)
    with FakeSlack() as slack:
        dry = aiga(url, slack, "broadcast", "send", "--text", "専門会員の皆さまへ",
                   "--audience", "class:expert", "--dry-run")
        assert dry.returncode == 0, dry.stderr
        assert stored(url) == (0, 0)  # a dry run stores nothing
        real = aiga(url, slack, "broadcast", "send", "--text", "専門会員の皆さまへ",
                    "--audience", "class:expert", "--sender", ADMIN)
        assert real.returncode == 0, real.stderr
        assert "DMs to audience class:expert only" in real.stdout
        for _ in range(3):  # more ticks send nothing more
            done = aiga(url, slack, "worker", "--once")
            assert done.returncode == 0, done.stdout + done.stderr
        assert dms(slack) == ["DUE1", "DUE2"]
        assert slack.to("CANNOUNCE") == []  # a targeted broadcast is never posted in a channel
        assert shown_count(dry.stdout) == len(dms(slack)) == 2
        assert {n for n in slack.keys().values()} == {1}
        (report,) = slack.to("DUADMIN")  # the sender's report, once
        assert "送信済み 2" in report.text.replace("\u200b", "")
    db = Database(url)
    with db.transaction() as s:
        row = s.scalar(select(Broadcast))
        assert (row.audience, row.status, row.dm) == ("class:expert", "done", True)
    db.dispose()
    assert ids["E"]


def test_reminder_to_nonsubmitters_of_a_class_at_a_time_goes_once(url, tmp_path):
    ids = seed(url)
    spec = f"nonsubmitters:{ids['round']}&class:regular"
    with FakeSlack() as slack:
        dry = aiga(url, slack, "broadcast", "send", "--text", "提出をお願いします",
                   "--audience", f"nonsubmitters:{ids['round']}", "--audience", "class:regular",
                   "--dry-run")
        assert dry.returncode == 0, dry.stderr
        assert "C社: 2" in dry.stdout and "D社: 2" in dry.stdout and "A社" not in dry.stdout
        db = Database(url)
        due = now_tokyo() + timedelta(seconds=4)
        with db.transaction() as s:
            create_broadcast(s, text="提出をお願いします", now=now_tokyo(), at=due,
                             audience=spec, channels=1)
        db.dispose()
        early = aiga(url, slack, "worker", "--once")
        assert early.returncode == 0 and dms(slack) == []  # not before its time
        time.sleep(max(0.0, (due - now_tokyo()).total_seconds()) + 0.5)
        for _ in range(2):
            assert aiga(url, slack, "worker", "--once").returncode == 0
        # A submitted, E is not regular: C and D only, each person once
        assert dms(slack) == ["DUC1", "DUC2", "DUD1", "DUD2"]
        assert shown_count(dry.stdout) == len(dms(slack))
        assert slack.to("CANNOUNCE") == []


def test_a_nonsubmitter_who_submits_before_the_send_is_skipped(url, tmp_path):
    ids = seed(url)
    db = Database(url)
    with db.transaction() as s:
        create_broadcast(s, text="提出をお願いします", now=now_tokyo(),
                         audience=f"nonsubmitters:{ids['round']}", channels=1)
        # expanded by a first tick below; D submits in between
    with FakeSlack() as slack:
        slack.faults["DUD1"] = ["internal_error"]  # D's first DM fails and waits for a retry
        assert aiga(url, slack, "worker", "--once").returncode == 0
        with db.transaction() as s:
            from store.models import Assessment
            row = s.scalar(select(Assessment).where(Assessment.org_id == ids["D"]))
            row.status = "submitted"
            retry = s.scalar(select(Delivery).where(Delivery.address == "UD1"))
            retry.next_attempt_at = now_tokyo() - timedelta(seconds=1)
        assert aiga(url, slack, "worker", "--once").returncode == 0
        with db.transaction() as s:
            retry = s.scalar(select(Delivery).where(Delivery.address == "UD1"))
            assert (retry.status, retry.detail) == ("skipped", "submitted")
    db.dispose()


def test_an_unknown_company_in_the_list_is_refused_and_nothing_is_stored(url, tmp_path):
    ids = seed(url)
    with FakeSlack() as slack:
        for extra in ([], ["--dry-run"]):
            done = aiga(url, slack, "broadcast", "send", "--text", "x",
                        "--audience", f"orgs:{ids['A']},999999", *extra)
            assert done.returncode == 2, done.stdout
            assert "会員企業が見つかりません" in done.stderr and "No member company" in done.stderr
            assert "Traceback" not in done.stderr
        assert stored(url) == (0, 0)
        assert aiga(url, slack, "worker", "--once").returncode == 0
        assert slack.posted == []


def test_the_dry_run_text_is_the_text_the_worker_sends(url, tmp_path):
    seed(url)
    text = "年末年始の休業: 12月29日から1月3日まで"
    with FakeSlack() as slack:
        dry = aiga(url, slack, "broadcast", "send", "--text", text, "--audience",
                   "class:expert", "--dry-run")
        shown = dry.stdout.split("-- text for ja:\n", 1)[1].split("\n-- text for", 1)[0]
        assert aiga(url, slack, "broadcast", "send", "--text", text, "--audience",
                    "class:expert").returncode == 0
        assert aiga(url, slack, "worker", "--once").returncode == 0
        (sent, *_) = slack.to("DUE1")
        assert sent.text.replace("\u200b", "") == shown.strip()
