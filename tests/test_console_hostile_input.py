"""The console against input nobody planned for (issue 13, findings 1 and 8): real processes.

Bytes that are not UTF-8, a terminal that decodes strictly, a NUL inside a note (PostgreSQL
refuses NUL in text), a 10,000-character --user, a megabyte on one line.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from store.models import Answer, User

ROOT = Path(__file__).resolve().parent.parent
START = "ナビを始める\n1\n2\n".encode()  # the sample company, AI developer: item 1 asked


def console(database_url: str, stdin: bytes, *args: str, **env: str):
    environment = {**os.environ, "DATABASE_URL": database_url, **env}
    return subprocess.run([sys.executable, "-m", "bot.cli", "console", *args], input=stdin,
                          capture_output=True, env=environment, cwd=ROOT, timeout=120)


def seed(database_url: str) -> None:
    done = subprocess.run([sys.executable, "-m", "bot.cli", "sample-data"], cwd=ROOT,
                          env={**os.environ, "DATABASE_URL": database_url},
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr


def _ok(done) -> str:
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 0 and "Traceback" not in err, err
    return done.stdout.decode("utf-8")


def test_invalid_utf8_inside_a_note_is_kept_as_replacement_characters(database_url, database):
    seed(database_url)
    note = "2\nメモ 方針".encode() + b"\xff\xfe" + "あり\n".encode()  # \xff: never UTF-8
    out = _ok(console(database_url, START + note))
    assert "メモを保存" in out
    with database.transaction() as s:
        notes = [a.note for a in s.scalars(select(Answer)) if a.note]
    assert notes == ["方針\ufffd\ufffdあり"]


def test_strict_utf8_stdin_does_not_end_the_console(database_url):
    seed(database_url)
    for encoding in ("utf-8:strict", "ascii:strict"):
        out = _ok(console(database_url, b"\xff\xfe\n" + "ヘルプ\n".encode(),
                          PYTHONIOENCODING=encoding, LC_ALL="C"))
        assert out.strip()


def test_nul_in_a_note_is_dropped_on_every_database(database_url, database):
    """PostgreSQL refuses NUL in text; Incoming drops it before anything is stored."""
    seed(database_url)
    out = _ok(console(database_url, START + "2\nメモ 全社\x00ポリシー\x00あり\n".encode()))
    assert "メモを保存" in out
    with database.transaction() as s:
        notes = [a.note for a in s.scalars(select(Answer)) if a.note]
    assert notes == ["全社ポリシーあり"]


def test_a_user_id_too_long_for_the_users_table_is_refused(database_url, database):
    done = console(database_url, "ヘルプ\n".encode(), "--user", "u" * 10_000, "--lang", "en")
    err = done.stderr.decode()
    assert done.returncode == 2 and "Traceback" not in err
    assert "--user" in err and "200" in err
    for bad in ("", "a\tb"):
        refused = console(database_url, b"help\n", "--user", bad)
        assert refused.returncode == 2 and b"--user" in refused.stderr
    with database.transaction() as s:
        assert s.scalar(select(User).where(User.platform == "console")) is None
    assert _ok(console(database_url, b"help\n", "--user", "u" * 200, "--lang", "en"))


def test_a_megabyte_of_digits_on_one_line_is_refused_quickly(database_url):
    seed(database_url)
    started = time.monotonic()
    out = _ok(console(database_url, b"1" * 1_000_000 + b"\n" + "ヘルプ\n".encode()))
    assert time.monotonic() - started < 60
    assert "4,000" in out  # the polite "too long" answer, then the next line is answered
    assert out.count("\n\n") >= 1 or len(out.splitlines()) > 2
