"""The survey's deliveries through the real worker: `aiga-bot worker --once` announces it in the
channel and by DM to every linked user of the audience, once; the reminder goes the day before
the deadline only to those whose company has not answered, once, however often the worker
ticks."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.slack_notify import SlackNotifier
from bot.worker import Deliverer
from handlers.dates import now_tokyo
from handlers.surveys.service import reminder_at
from store import surveys as store
from tests.support import factories
from tests.survey_support import answer_all, chat, seed
from tests.test_worker_fakeslack import FakeSlack

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "xoxb-1111-2222-survey-test"


@pytest.fixture
def slack():
    with FakeSlack() as fake:
        yield fake


def link_users(database) -> None:
    with database.transaction() as s:
        from sqlalchemy import select

        from store.models import Organisation
        orgs = {o.name: o for o in s.scalars(select(Organisation))}
        factories.user(s, "slack:UA1", orgs["A社"])
        factories.user(s, "slack:UA2", orgs["A社"])
        factories.user(s, "slack:UB1", orgs["B社"])
        factories.user(s, "slack:UX1", None)  # not a member: never asked


def run_once(database_url: str, slack: FakeSlack, tmp_path: Path):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AIGA_", "SLACK_", "DATABASE_URL", "TEST_DATABASE"))}
    env.update(DATABASE_URL=database_url, SLACK_BOT_TOKEN=TOKEN, SLACK_API_URL=slack.url,
               AIGA_ANNOUNCE_CHANNELS="slack:C0ANN", PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "bot.cli", "worker", "--once"], env=env,
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)


def test_announcement_by_the_real_worker_once(database_url, database, slack, tmp_path):
    sid = seed(database, audience="class:regular")
    link_users(database)
    first = run_once(database_url, slack, tmp_path)
    assert first.returncode == 0, first.stderr
    again = run_once(database_url, slack, tmp_path)
    assert again.returncode == 0, again.stderr
    assert "会員アンケート" in slack.texts("C0ANN") and "Member survey" in slack.texts("C0ANN")
    survey_keys = {k: n for k, n in slack.keys().items() if f"survey:{sid}" in k}
    assert len(survey_keys) == 4 and set(survey_keys.values()) == {1}  # channel + 3 DMs, once
    assert not any("UX1" in p.channel for p in slack.posted)


def test_the_reminder_skips_companies_that_answered(database, slack):
    sid = seed(database)
    link_users(database)
    with database.transaction() as s:
        survey = s.get(store.Survey, sid)
        remind = reminder_at(survey)
    c = chat(database, "UA2", "A社")
    c.platform = "slack"
    answer_all(c, sid)  # A社 answered through a colleague

    def tick(now):
        deliverer = Deliverer(database, {"slack": SlackNotifier(TOKEN, slack.url + "/",
                                                                database, now_tokyo)},
                              pace={})
        return asyncio.run(deliverer.deliver_due(now))

    assert tick(now_tokyo()).sent == 3  # the announcement to the three linked member users
    before = len(slack.posted)
    assert tick(remind).sent == 1 and tick(remind).sent == 0
    [reminder] = slack.posted[before:]
    assert "リマインド" in reminder.text or "Reminder" in reminder.text
    assert "UB1" in (reminder.channel + (reminder.key or ""))
