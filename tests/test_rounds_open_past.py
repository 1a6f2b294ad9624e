"""Opening a round whose first day is past: refused until the admin says whether the overdue
announcement and reminders are skipped or sent (issue 16)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.cli import main
from handlers.dates import now_tokyo
from store.models import Round
from store.reminders import ReminderSlot


@pytest.fixture
def cli(database_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)

    def run(*words: str) -> tuple[int, str, str]:
        code = main(["round", "open", "--rubric", "1.1", "--allow-drafts", *words])
        out, err = capsys.readouterr()
        return code, out, err
    return run


def past_dates() -> list[str]:
    today = now_tokyo().date()
    return ["--opens", str(today - timedelta(days=3)), "--deadline", str(today + timedelta(days=20))]


def counts(database) -> tuple[int, dict[str, int]]:
    with database.transaction() as s:
        rounds = s.scalar(select(func.count()).select_from(Round))
        rows = s.execute(select(ReminderSlot.status, func.count()).group_by(ReminderSlot.status))
        return rounds, dict(rows.all())


def test_a_past_opening_is_refused_and_nothing_is_opened(cli, database):
    code, _, err = cli(*past_dates())
    assert code == 2 and "--skip-past" in err and "開始日が過去" in err and "open" in err
    assert counts(database) == (0, {})


def test_skip_past_cancels_the_overdue_slots(cli, database):
    code, out, _ = cli(*past_dates(), "--skip-past")
    assert code == 0 and "送らずに取り消しました" in out and "open 告知" in out
    rounds, slots = counts(database)
    assert rounds == 1 and slots.get("cancelled", 0) >= 1 and slots.get("pending", 0) >= 1


def test_send_past_keeps_them_and_a_future_opening_needs_no_flag(cli, database):
    code, out, _ = cli(*past_dates(), "--send-past")
    assert code == 0 and "次の実行時に送ります" in out
    assert counts(database)[1].get("cancelled", 0) == 0
    today = now_tokyo().date()
    code, out, err = cli("--opens", str(today + timedelta(days=30)),
                         "--deadline", str(today + timedelta(days=60)))
    assert code == 0 and "送らずに" not in out, err


def test_both_flags_at_once_are_refused_by_the_parser(cli):
    with pytest.raises(SystemExit):
        cli(*past_dates(), "--skip-past", "--send-past")
