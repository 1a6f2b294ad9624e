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
    assert code == 2 and "案の文言が 139 件" in err and "draft texts" not in err  # Japanese first
    assert "--allow-drafts" in err
    code, _, err = cli("round", "open", "--rubric", "1.1", "--opens", "2026-12-01",
                       "--deadline", "2026-12-25", "--lang", "en")
    assert code == 2 and err.startswith("error: ") and "139 draft texts" in err
    assert "案" not in err.replace("「（案）」", "")
    with database.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Round)) == 0
    code, out, _ = cli("round", "open", "--rubric", "1.1", "--opens", "2026-12-01",
                       "--deadline", "2026-12-25", "--name", "2026年度下期", "--allow-drafts",
                       "--lang", "en")
    assert code == 0
    assert "opened #1 2026年度下期 (ver1.1)" in out
    assert "d14 reminder (14 days before)\tFri 11 Dec 2026 10:00\tpending" in out
    code, out, _ = cli("round", "list", "--lang", "en")
    assert "#1\t2026年度下期\tver1.1" in out and "planned" in out
    code, out, _ = cli("round", "extend", "1", "--deadline", "2027-01-15", "--lang", "en")
    assert code == 0 and "d0 reminder (deadline day)\tFri 15 Jan 2027 10:00\tpending" in out
    code, out, _ = cli("round", "status", "1", "--lang", "en")
    assert "submitted 0/0" in out and "muted reminders (0):" in out
    code, out, _ = cli("round", "close", "2026年度下期", "--lang", "en")
    assert code == 0 and "closed #1" in out
    code, out, _ = cli("round", "failures", "1", "--lang", "en")
    assert "could not be delivered (0):" in out and "no one to remind (0):" in out
    code, out, _ = cli("round", "status", "1", "--lang", "en")
    assert "cancelled\t(round closed)" in out  # the worker's note, said in the language


def test_every_round_subcommand_speaks_japanese_by_default(cli, database):
    """Issue 15: the secretariat's CLI in the admin's language, Japanese first; no English
    sentence, no raw status code, in what `round …` prints without --lang."""
    import re

    english = re.compile(r"\b(opened|schedule|pending|submitted|muted|reminders?|closed|"
                         r"extended|cancelled|deadline|rounds?|delivered|planned|sample)\b")
    with database.transaction() as s:
        company = factories.org(s, "株式会社B")
        factories.user(s, "slack:UB1", company)
    runs = [("round", "list"),
            ("round", "open", "--rubric", "1.1", "--opens", "2026-12-01", "--deadline",
             "2026-12-25", "--name", "2026年度下期", "--allow-drafts"),
            ("round", "list"), ("round", "status", "1"), ("round", "mutes", "1"),
            ("round", "failures", "1"), ("round", "extend", "1", "--deadline", "2027-01-15"),
            ("round", "close", "1"), ("round", "status", "1")]
    printed = []
    for argv in runs:
        code, out, err = cli(*argv)
        assert code == 0 and err == "", (argv, err)
        printed.append(out)
        assert not english.search(out.replace("--slot summary", "").replace(
            "round preview", "").replace("--to-me", "")), (argv, out)
    text = "\n".join(printed)
    assert "ラウンドはまだありません" in printed[0]
    assert "#1「2026年度下期」（ver1.1）を作成しました: 2026年12月1日(火)" in printed[1]
    assert "案の文言が 139 件" in printed[1]
    assert "d14 リマインド（14日前）\t2026年12月11日(金) 10:00\t予定" in printed[1]
    assert "開始前" in printed[2] and "提出 0・回答中 0・未着手 1" in printed[2]
    assert "株式会社B\t未着手（0/36）" in printed[3]
    assert "リマインド停止（0）:" in printed[4]
    assert "配信できなかった宛先（0）:" in printed[5] and "届け先のない企業（0）:" in printed[5]
    assert "締切を 2027年1月15日(金) 23:59 に延長しました" in printed[6]
    assert "#1「2026年度下期」を終了しました" in printed[7]
    assert "取り消し\t(ラウンド終了)" in printed[8]
    assert "終了" in text


@pytest.mark.parametrize("argv", [
    ("round", "close", "9"), ("round", "status", "<script>"), ("round", "mutes", "9"),
    ("round", "failures", "9"), ("round", "extend", "9", "--deadline", "2027-01-15"),
    ("round", "reopen", "9", "A社", "--reason", "x"),
])
def test_refusals_in_the_chosen_language_only(cli, database, argv):
    code, out, err = cli(*argv)
    assert code == 2 and out == "" and err.startswith("エラー: ラウンド「")
    assert "No round" not in err
    code, out, err = cli(*argv, "--lang", "en")
    assert code == 2 and out == "" and err.startswith("error: No round '")
    assert "ラウンド「" not in err


def test_an_unknown_language_is_refused_by_the_parser(cli):
    for lang in ("fr", "JA", "", "ja\x00"):
        with pytest.raises(SystemExit):
            cli("round", "list", "--lang", lang)


@pytest.mark.parametrize(("args", "ja", "en"), [
    (("--opens", "2026-12-01", "--deadline", "12/25"), "締切「12/25」を読めません",
     "Cannot read the deadline"),
    (("--opens", "2026-12-26", "--deadline", "2026-12-25"), "より前です", "before the opening"),
    (("--opens", "2026-11-01", "--deadline", "2026-11-26"), "が過去です", "in the past"),
])
def test_bad_dates_exit_2_in_either_language(cli, database, args, ja, en):
    code, out, err = cli("round", "open", "--rubric", "1.1", *args)
    assert code == 2 and ja in err and en not in err and out == ""
    code, out, err = cli("round", "open", "--rubric", "1.1", *args, "--lang", "en")
    assert code == 2 and en in err and ja not in err and out == ""
    with database.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Round)) == 0


def test_unknown_rubric_and_round(cli):
    code, _, err = cli("round", "open", "--rubric", "3.0", "--opens", "2026-12-01",
                       "--deadline", "2026-12-25")
    assert code == 2 and "ver3.0 はありません（あるもの: 1.1）" in err
    code, _, err = cli("round", "open", "--rubric", "3.0", "--opens", "2026-12-01",
                       "--deadline", "2026-12-25", "--lang", "en")
    assert code == 2 and "(available: 1.1)" in err
    code, _, err = cli("round", "close", "9", "--lang", "en")
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
    assert "リマインド停止（1）:\n  株式会社B: slack:UB2" in out
    code, out, _ = cli("round", "mutes", "1", "--lang", "en")
    assert "muted reminders (1):\n  株式会社B: slack:UB2" in out
