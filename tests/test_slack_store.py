"""The Slack adapter's tables: dedupe claims, question messages, and the 0003 migration."""

from __future__ import annotations

from datetime import timedelta

from alembic import command
from sqlalchemy import inspect

from handlers.dates import now_tokyo
from store import slack
from store.db import Database
from store.migrate import _config


def test_first_claim_wins_and_release_lets_a_retry_through(database):
    now = now_tokyo()
    assert slack.claim(database, "event:Ev1", now) is True
    assert slack.claim(database, "event:Ev1", now) is False
    slack.release(database, "event:Ev1")
    assert slack.claim(database, "event:Ev1", now) is True


def test_long_keys_are_hashed_but_stay_distinct(database):
    a = slack.dedupe_key("click", "C1", "x" * 500)
    b = slack.dedupe_key("click", "C1", "x" * 499 + "y")
    assert len(a) <= slack.DEDUPE_KEY_MAX and a != b
    assert slack.claim(database, a, now_tokyo()) and slack.claim(database, b, now_tokyo())


def test_prune_forgets_only_old_claims(database):
    now = now_tokyo()
    slack.claim(database, "event:old", now - timedelta(days=3))
    slack.claim(database, "event:new", now)
    assert slack.prune(database, now) == 1
    assert slack.claim(database, "event:new", now) is False
    assert slack.claim(database, "event:old", now) is True


def test_a_live_question_is_closed_once(database):
    with database.transaction() as session:
        row = slack.SlackMessage(slack_user_id="U1", channel_id="D1", ts="1.1", key="k",
                                 title="t", context="", state=slack.LIVE, created_at=now_tokyo())
        session.add(row)
        session.flush()
        row_id = row.id
    with database.transaction() as session:
        assert slack.question_by_key(session, "U1", "k").id == row_id
        assert slack.mark(session, row_id, slack.ANSWERED) is True
        assert slack.mark(session, row_id, slack.RETIRED) is False  # another process lost
        assert slack.question_by_key(session, "U1", "k") is None


def test_migration_0003_goes_down_and_up(tmp_path):
    """Only 0001 → 0003 run here, so migrations added later by other features cannot interfere."""
    tables = {"slack_dedupe", "slack_messages", "slack_profiles"}
    database = Database(f"sqlite:///{tmp_path}/chain.db")
    cfg = _config()
    try:
        with database.engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "0003_slack")
            assert tables <= set(inspect(connection).get_table_names())
            command.downgrade(cfg, "0002_faq")
            assert not tables & set(inspect(connection).get_table_names())
            command.upgrade(cfg, "0003_slack")
            assert tables <= set(inspect(connection).get_table_names())
    finally:
        database.dispose()
