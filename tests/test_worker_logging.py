"""`aiga-bot worker` logs like `serve` (issue 13, finding 9): run as a real process, its stderr is
JSON lines (or text) per LOG_FORMAT, at LOG_LEVEL, without Alembic's INFO lines and without the
token."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from handlers.dates import now_tokyo
from handlers.rounds.service import open_round
from rubrics import registry
from tests.support import factories
from tests.test_worker_fakeslack import FakeSlack

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "xoxb-1111-2222-worker-log-test"
LINK_SECRET = "link-secret-for-the-log-test-0123"


@pytest.fixture
def slack():
    with FakeSlack() as fake:
        yield fake


def seed(database) -> None:
    """A round whose announcement is due now: the tick has something to log."""
    now = now_tokyo()
    with database.transaction() as s:
        company = factories.org(s, "株式会社Log")
        factories.user(s, "slack:ULOG1", company)
        open_round(s, registry(), rubric_version="1.1", opens=(now - timedelta(days=1)).date(),
                   deadline=(now + timedelta(days=20)).date(), now=now)


def run_once(database_url: str, slack: FakeSlack, tmp_path: Path, **env: str):
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("AIGA_", "SLACK_", "DATABASE_URL", "LOG_", "TEST_DATABASE"))}
    clean.update(DATABASE_URL=database_url, SLACK_BOT_TOKEN=TOKEN, SLACK_API_URL=slack.url,
                 AIGA_LINK_SECRET=LINK_SECRET, AIGA_CHART_DIR=str(tmp_path / "charts"),
                 PYTHONPATH=str(ROOT), **env)
    return subprocess.run([sys.executable, "-m", "bot.cli", "worker", "--once"], env=clean,
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)


def test_worker_logs_json_lines_at_info_without_alembic_or_secrets(database_url, database,
                                                                   slack, tmp_path):
    seed(database)
    done = run_once(database_url, slack, tmp_path, LOG_FORMAT="json", LOG_LEVEL="INFO")
    assert done.returncode == 0, done.stderr
    assert "sent=1" in done.stdout  # the announcement to the one member (no channel set)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines, "the tick logged nothing"
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all({"time", "level", "logger", "message", "request_id"} <= r.keys() for r in records)
    ticks = [r for r in records if r["logger"] == "bot.worker" and "worker tick" in r["message"]]
    assert ticks and ticks[0]["level"] == "INFO"
    assert not [r for r in records if r["logger"].startswith("alembic")]
    assert "Context impl" not in done.stderr and "Will assume" not in done.stderr
    output = done.stdout + done.stderr
    assert TOKEN not in output and LINK_SECRET not in output


def test_worker_log_level_and_text_format_are_honoured(database_url, database, slack, tmp_path):
    seed(database)
    done = run_once(database_url, slack, tmp_path, LOG_FORMAT="text", LOG_LEVEL="WARNING")
    assert done.returncode == 0, done.stderr
    assert "worker tick" not in done.stderr  # INFO is below WARNING
    assert not [line for line in done.stderr.splitlines() if line.startswith("{")]
    assert "INFO" not in done.stderr and "alembic" not in done.stderr
    assert TOKEN not in done.stdout + done.stderr


def test_a_bad_log_level_is_named_not_a_traceback(database_url, slack, tmp_path):
    done = run_once(database_url, slack, tmp_path, LOG_LEVEL="LOUD")
    assert done.returncode != 0
    assert "setting LOG_LEVEL" in done.stderr and "Traceback" not in done.stderr
