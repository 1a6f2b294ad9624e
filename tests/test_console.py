"""The terminal chat as a newcomer uses it: piped input, real processes, a real database file."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.console import run_console
from handlers.router import Router
from store.models import Answer, Assessment

ROOT = Path(__file__).resolve().parent.parent


def aiga_bot(args: list[str], database_url: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], input=stdin, text=True,
                          capture_output=True, env=env, cwd=ROOT, timeout=120)


def test_piped_conversation_resumes_in_a_second_process(database_url, database):
    assert aiga_bot(["sample-data"], database_url).returncode == 0
    first = aiga_bot(["console"], database_url, "ナビを始める\n1\n3\n2\n３\n")
    assert first.returncode == 0, first.stderr
    assert ">" not in first.stdout.splitlines()[0]  # no prompt decoration when piped
    assert "✓ 1. AIポリシー → 2点" in first.stdout
    assert "✓ 2. AI利用ルール → 3点" in first.stdout  # full-width ３ picked level 3
    assert first.stdout.rstrip().endswith("[戻る / スキップ / メモ（No.2） / メモ（No.3） / 中断]")
    # the program ended mid-way; a new process on the same database continues at item 3
    second = aiga_bot(["console"], database_url, "続き\n4\n")
    assert second.returncode == 0, second.stderr
    assert "再開します" in second.stdout
    assert "2/36 回答済み" in second.stdout and "3. AI管理ルール" in second.stdout
    assert "✓ 3. AI管理ルール → 4点" in second.stdout
    with database.transaction() as s:
        levels = {a.item_id: a.level for a in s.scalars(select(Answer))}
        assert s.scalar(select(Assessment)).roles == ["developer", "user"]
    assert sorted(levels.values()) == [2, 3, 4]


def test_whole_assessment_scripted_through_the_console(database_url):
    aiga_bot(["sample-data"], database_url)
    script = "ナビを始める\n1\n2\n" + "3\n" * 30 + "1\n"  # AI user: 30 items, then 提出する
    done = aiga_bot(["console", "--lang", "ja"], database_url, script)
    assert done.returncode == 0, done.stderr
    assert "提出しました" in done.stdout
    assert "全体スコア: 3.00" in done.stdout
    assert "1〜2点の項目はありません" in done.stdout


def test_english_console_and_unknown_org(database_url):
    aiga_bot(["sample-data"], database_url)
    out = aiga_bot(["console", "--lang", "en"], database_url, "help\n")
    assert "start navi" in out.stdout
    bad = aiga_bot(["console", "--org", "No Such Co"], database_url, "help\n")
    assert bad.returncode == 2 and "No Such Co" in bad.stderr


def test_run_console_in_process_flushes_and_exits_zero(database):
    from bot.sample import SAMPLE_ORG, ensure_sample_data
    from handlers.dates import now_tokyo

    with database.transaction() as s:
        ensure_sample_data(s, now_tokyo(), "1.1")
    out = StringIO()
    code = run_console(Router(database), user_id="u", org=SAMPLE_ORG, lang=None,
                       stdin=StringIO("状況\n\n"), stdout=out)
    assert code == 0
    assert "未着手" in out.getvalue()


@pytest.mark.parametrize("bad_url", ["mysql://nope", "not a url"])
def test_bad_database_url_stops_with_one_clear_line(bad_url):
    result = aiga_bot(["console"], bad_url)
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr and "Traceback" not in result.stderr
