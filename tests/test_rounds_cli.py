"""`aiga-bot round …` and `aiga-bot worker --once` from the command line, clock frozen."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from sqlalchemy import func, select

from bot.cli import main
from handlers.dates import TOKYO
from store.models import Round
from tests.support import factories
from tests.test_worker_fakeslack import FakeSlack

TODAY = datetime(2026, 11, 27, 15, 0, tzinfo=TOKYO)


@pytest.fixture
def cli(database_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "AIGA_ADMINS",
                 "AIGA_ANNOUNCE_CHANNELS", "AIGA_REMINDER_DAYS", "AIGA_REMINDER_HOUR"):
        monkeypatch.delenv(name, raising=False)

    def run(*argv: str, at: datetime = TODAY) -> tuple[int, str, str]:
        with time_machine.travel(at, tick=False):
            code = main(list(argv))
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def test_open_list_extend_close(cli, database):
    code, _, err = cli("round", "open", "--rubric", "1.1", "--opens", "2026-12-01",
                       "--deadline", "2026-12-25", "--name", "2026年度下期")
    # issue 15: a version with draft texts is opened only on purpose, and the count is said
    assert code == 2 and "案の文言が 139 件" in err and "139 draft texts" in err
    assert "--allow-drafts" in err
    with database.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Round)) == 0
    code, out, _ = cli("round", "open", "--rubric", "1.1", "--opens", "2026-12-01",
                       "--deadline", "2026-12-25", "--name", "2026年度下期", "--allow-drafts")
    assert code == 0
    assert "opened #1 2026年度下期 (ver1.1)" in out
    assert "d14\tFri 11 Dec 2026 10:00\tpending" in out
    code, out, _ = cli("round", "list")
    assert "#1\t2026年度下期\tver1.1" in out and "planned" in out
    code, out, _ = cli("round", "extend", "1", "--deadline", "2027-01-15")
    assert code == 0 and "d0\tFri 15 Jan 2027 10:00\tpending" in out
    code, out, _ = cli("round", "status", "1")
    assert "submitted 0/0" in out and "muted reminders (0):" in out
    code, out, _ = cli("round", "close", "2026年度下期")
    assert code == 0 and "closed #1" in out
    code, out, _ = cli("round", "failures", "1")
    assert "could not be delivered (0):" in out and "no one to remind (0):" in out


@pytest.mark.parametrize(("args", "ja", "en"), [
    (("--opens", "2026-12-01", "--deadline", "12/25"), "締切「12/25」を読めません",
     "Cannot read the deadline"),
    (("--opens", "2026-12-26", "--deadline", "2026-12-25"), "より前です", "before the opening"),
    (("--opens", "2026-11-01", "--deadline", "2026-11-26"), "が過去です", "in the past"),
])
def test_bad_dates_exit_2_in_both_languages(cli, database, args, ja, en):
    code, out, err = cli("round", "open", "--rubric", "1.1", *args)
    assert code == 2 and ja in err and en in err and out == ""
    with database.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Round)) == 0


def test_unknown_rubric_and_round(cli):
    code, _, err = cli("round", "open", "--rubric", "3.0", "--opens", "2026-12-01",
                       "--deadline", "2026-12-25")
    assert code == 2 and "ver3.0 はありません" in err and "(available: 1.1)" in err
    code, _, err = cli("round", "close", "9")
    assert code == 2 and "No round '9'" in err


def test_worker_once_needs_a_platform(cli):
    code, out, _ = cli("worker", "--once")
    assert code == 2 and "SLACK_BOT_TOKEN" in out


def test_worker_once_delivers_and_mutes_show(cli, database, monkeypatch):
    with database.transaction() as s:
        company = factories.org(s, "株式会社B")
        factories.user(s, "slack:UB1", company)
        muted = factories.user(s, "slack:UB2", company)
    cli("round", "open", "--rubric", "1.1", "--opens", "2026-12-01", "--deadline", "2026-12-25",
        "--allow-drafts")
    with database.transaction() as s:
        from store.reminders import mute

        mute(s, 1, muted.id, TODAY)
    with FakeSlack() as slack:
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test-0000")
        monkeypatch.setenv("SLACK_API_URL", slack.url)
        code, out, _ = cli("worker", "--once", at=datetime(2026, 12, 11, 10, 5, tzinfo=TOKYO))
        assert code == 0 and "sent=3" in out  # announcement ×2, then d14 to the unmuted user
        assert {p.channel for p in slack.posted} == {"DUB1", "DUB2"}
        code, out, _ = cli("worker", "--once", at=datetime(2026, 12, 11, 10, 6, tzinfo=TOKYO))
        assert "nothing due" in out and len(slack.posted) == 3
    code, out, _ = cli("round", "mutes", "1")
    assert "muted reminders (1):\n  株式会社B: slack:UB2" in out
