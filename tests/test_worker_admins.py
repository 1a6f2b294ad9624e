"""Admin revocation in the worker (issue 13, finding 3): the secretariat's summary and Stand-Up
proposals go to the admins the settings name *now* (AIGA_ADMINS), never to someone removed from
them, whatever the `users.is_admin` column still says and whether or not they talked since."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.notify import Target
from bot.settings import Settings
from bot.slack_notify import SlackNotifier
from bot.worker import Deliverer
from handlers.dates import TOKYO
from handlers.events.reminders import EventPolicy
from handlers.events.service import propose_standup
from handlers.rounds.reminders import ReminderPolicy
from handlers.rounds.service import open_round
from rubrics import registry
from store.db import Database
from store.models import User
from store.reminders import Delivery
from tests.support import factories
from tests.test_worker_fakeslack import FakeSlack

KEPT, REMOVED, FLAGGED = "slack:UKEPT", "slack:UGONE", "slack:UFLAG"


def at(m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(2026, m, d, hh, mm, tzinfo=TOKYO)


@pytest.fixture
def slack():
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def round_id(database: Database) -> int:
    """A round (deadline 25 Dec; its summary is due Monday 28 Dec) and three people who were admins once:
    all flagged `is_admin` in the database, as the router left them."""
    with database.transaction() as s:
        rnd = open_round(s, registry(), rubric_version="1.1", opens=date(2026, 12, 1),
                         deadline=date(2026, 12, 25), name="2026年度下期", now=at(11, 27, 9))
        company = factories.org(s, "株式会社A")
        factories.user(s, "slack:UA1", company)
        for key in (KEPT, REMOVED, FLAGGED):
            factories.user(s, key, None, admin=True)
        return rnd.id


def deliverer(database: Database, slack: FakeSlack, admins: frozenset[str],
              secretariat: list[Target] | None = None) -> Deliverer:
    notifier = SlackNotifier("xoxb-test-not-a-token", slack.url, database, lambda: at(12, 1))
    return Deliverer(database, {"slack": notifier}, rubrics=registry(), policy=ReminderPolicy(),
                     admins=admins, secretariat=secretariat, backoff=timedelta(0), pace={},
                     event_policy=EventPolicy())


def tick(worker: Deliverer, now: datetime):
    return asyncio.run(worker.deliver_due(now))


def summaries(slack: FakeSlack) -> set[str]:
    return {p.channel for p in slack.posted if p.key and ":summary:" in p.key}


def test_only_admins_listed_in_the_settings_get_the_summary(database, slack, round_id):
    admins = Settings(_env_file=None, aiga_admins=f"{KEPT}, slack:UNEW").admin_ids
    worker = deliverer(database, slack, admins)
    tick(worker, at(12, 1))
    slack.posted.clear()
    tick(worker, at(12, 28, 10))
    # UGONE and UFLAG are still is_admin in the table, but the settings no longer list them;
    # UNEW never wrote to the bot and is listed: they get it (their user row is created)
    assert summaries(slack) == {"DUKEPT", "DUNEW"}
    assert "締切" in slack.texts("DUKEPT")
    with database.transaction() as s:
        recipients = {s.get(User, d.user_id).key for d in s.scalars(
            select(Delivery).where(Delivery.slot == "summary"))}
    assert recipients == {KEPT, "slack:UNEW"}


def test_no_admin_left_means_no_summary_dm_only_the_channel(database, slack, round_id):
    worker = deliverer(database, slack, frozenset(),
                       secretariat=[Target("slack", "CSECRETARIAT", direct=False)])
    tick(worker, at(12, 1))
    slack.posted.clear()
    tick(worker, at(12, 28, 10))
    assert summaries(slack) == {"CSECRETARIAT"}  # nobody by DM, the is_admin flag ignored


def test_an_admin_removed_after_the_summary_was_queued_gets_nothing(database, slack, round_id):
    """Removed between expansion and sending (a retry, a restart with new settings): the
    claim drops the delivery instead of sending it."""
    for dm in ("DUKEPT", "DUGONE"):  # the summaries fail once: they wait for a retry
        slack.faults[dm] = ["internal_error"]
    first = deliverer(database, slack, frozenset({KEPT, REMOVED}))
    tick(first, at(12, 1))
    slack.posted.clear()
    report = tick(first, at(12, 28, 10))
    assert report.retried == 2 and summaries(slack) == set()
    restarted = deliverer(database, slack, frozenset({KEPT}))  # AIGA_ADMINS edited meanwhile
    report = tick(restarted, at(12, 28, 11))
    assert summaries(slack) == {"DUKEPT"}
    assert report.skipped == 1
    with database.transaction() as s:
        rows = {s.get(User, d.user_id).key: (d.status, d.detail) for d in s.scalars(
            select(Delivery).where(Delivery.slot == "summary"))}
    assert rows[REMOVED] == ("skipped", "no longer an admin")
    assert rows[KEPT][0] == "sent"


def test_a_stand_up_proposal_reaches_only_the_listed_admins(database, slack, round_id):
    with database.transaction() as s:
        member = s.scalar(select(User).where(User.platform_user_id == "UA1"))
        propose_standup(s, title="生成AIの社内ガイドライン", start=at(12, 18, 16),
                        end=at(12, 18, 16, 30), summary="社内ルールの作り方", now=at(12, 2),
                        organiser="株式会社A", proposed_by=member.id)
    worker = deliverer(database, slack, frozenset({KEPT}))
    tick(worker, at(12, 2, 10, 1))
    proposals = {p.channel for p in slack.posted if p.key and ":proposal:" in p.key}
    assert proposals == {"DUKEPT"}


@pytest.mark.parametrize("value", ["UKEPT", "mail:someone", "slack:", " , ,"])
def test_odd_admin_entries_never_reach_anyone(database, slack, round_id, value):
    """Malformed keys cannot pass the settings; given to the Deliverer directly they match
    nobody rather than everybody."""
    worker = deliverer(database, slack, frozenset({value}))
    tick(worker, at(12, 1))
    slack.posted.clear()
    tick(worker, at(12, 28, 10))
    assert summaries(slack) == set()
