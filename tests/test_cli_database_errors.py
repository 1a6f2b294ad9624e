"""Every `aiga-bot` subcommand against a database it cannot use (issue 13, finding 8).

Unmigrated SQLite, an older schema, an unreachable PostgreSQL port and each malformed
DATABASE_URL: one plain sentence naming the fix, exit code 2, never a traceback. Run in
process through `bot.cli.main` (about 300 runs; a process each would take minutes).
"""

from __future__ import annotations

import argparse
import shutil
import socket
import traceback

import pytest

from bot.cli import build_parser, main
from bot.settings import setting_names
from store.db import Database
from store.migrate import head_revision, upgrade

# One valid command line per leaf subcommand; test_every_subcommand_is_listed keeps it complete.
COMMANDS: dict[str, list[str]] = {
    "console": ["console"],
    "db upgrade": ["db", "upgrade"],
    "sample-data": ["sample-data"],
    "faq export": ["faq", "export", "--csv", "faq.csv"],
    "round reopen": ["round", "reopen", "1", "Acme", "--reason", "typo"],
    "round preview": ["round", "preview", "1"],
    "event preview": ["event", "preview", "1"],
    "org contact add": ["org", "contact", "add", "Acme", "a@example.org"],
    "org contact list": ["org", "contact", "list", "Acme"],
    "org contact remove": ["org", "contact", "remove", "Acme", "a@example.org"],
    "survey create": ["survey", "create", "survey.yaml"],
    "survey edit": ["survey", "edit", "1", "survey.yaml"],
    "survey list": ["survey", "list"],
    "survey preview": ["survey", "preview", "1"],
    "survey send": ["survey", "send", "1"],
    "survey status": ["survey", "status", "1"],
    "survey report": ["survey", "report", "1"],
    "survey close": ["survey", "close", "1"],
    "survey publish": ["survey", "publish", "1"],
    "org edit": ["org", "edit", "Acme", "--class", "smb"],
    "org rename": ["org", "rename", "Acme", "Acme2"],
    "org remove": ["org", "remove", "Acme"],
    "org unlink": ["org", "unlink", "slack:U1"],
    "org users": ["org", "users", "Acme"],
    "org import": ["org", "import", "in.csv"],
    "org export": ["org", "export", "--csv", "out.csv"],
    "broadcast send": ["broadcast", "send", "--text", "hello"],
    "broadcast report": ["broadcast", "report", "1"],
    "broadcast cancel": ["broadcast", "cancel", "1"],
    "broadcast list": ["broadcast", "list"],
    "event add": ["event", "add", "--kind", "seminar", "--title", "t",
                  "--start", "2030-01-10 10:00", "--end", "2030-01-10 11:00"],
    "event list": ["event", "list"],
    "event show": ["event", "show", "1"],
    "event announce": ["event", "announce", "1"],
    "event cancel": ["event", "cancel", "1"],
    "event edit": ["event", "edit", "1"],
    "event rule add": ["event", "rule", "add"],
    "event rule list": ["event", "rule", "list"],
    "event rule stop": ["event", "rule", "stop", "1"],
    "org add": ["org", "add", "--name", "Acme"],
    "org link": ["org", "link", "slack:U1", "Acme"],
    "org list": ["org", "list"],
    "report": ["report", "1"],
    "round open": ["round", "open", "--rubric", "1.1", "--opens", "2030-01-01",
                   "--deadline", "2030-02-01"],
    "round list": ["round", "list"],
    "round status": ["round", "status", "1"],
    "round close": ["round", "close", "1"],
    "round mutes": ["round", "mutes", "1"],
    "round failures": ["round", "failures", "1"],
    "round extend": ["round", "extend", "1", "--deadline", "2030-03-01"],
    "rubric list": ["rubric", "list"],
    "rubric export": ["rubric", "export", "1.1", "--xlsx", "out.xlsx"],
    "rubric import": ["rubric", "import", "in.xlsx", "--version", "9.0"],
    "rubric diff": ["rubric", "diff", "1.0", "1.1"],
    "serve": ["serve", "--port", "1"],
    "teams-package": ["teams-package"],
    "worker": ["worker", "--once"],
}
# Commands that never open the database: they answer for their own reasons (serve: no platform
# configured; teams-package: no app id), still with a sentence and exit 2.
NO_DATABASE = {"serve", "teams-package"}

MALFORMED = {
    "sqlite-colon": "sqlite:",
    "sqlite-memory": "sqlite://",
    "sqlite-memory-named": "sqlite:///:memory:",
    "bad-port": "postgresql://postgres@127.0.0.1:notaport/x",
    "port-out-of-range": "postgresql://postgres@127.0.0.1:99999/x",
    "unknown-driver": "mysql://root@127.0.0.1/x",
    "unknown-postgres-driver": "postgresql+asyncpg://postgres@127.0.0.1/x",
    "bare-postgres": "postgres://",
    "no-database-name": "postgresql://postgres@127.0.0.1:5432",
    "folder": "sqlite:///{tmp}",
    "garbage": "not a url",
}


def _leaves(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> list[str]:
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        return [" ".join(path)]
    return [leaf for name, p in subs[0].choices.items() for leaf in _leaves(p, (*path, name))]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed at once: nothing listens there


@pytest.fixture
def env(monkeypatch, tmp_path):
    """A clean environment: no .env, no platform settings, only the DATABASE_URL we set."""
    monkeypatch.chdir(tmp_path)
    for name in setting_names():
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.fixture(scope="module")
def old_schema(tmp_path_factory):
    """A SQLite file one migration behind this code."""
    from alembic.script import ScriptDirectory

    from store.migrate import _config

    previous = ScriptDirectory.from_config(_config()).get_revision(head_revision()).down_revision
    path = tmp_path_factory.mktemp("old") / "old.db"
    db = Database(f"sqlite:///{path}")
    upgrade(db.engine, previous)
    db.dispose()
    return path, previous


def _run(name: str, capsys) -> tuple[int, str]:
    try:
        code = main(COMMANDS[name])
    except SystemExit as exc:  # argparse, or a command that exits by itself
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        pytest.fail(f"`aiga-bot {name}` raised:\n{traceback.format_exc()}")
    out = capsys.readouterr()
    return code, out.out + out.err


def _assert_sentence(name: str, code: int, output: str, *words: str) -> None:
    assert "Traceback" not in output, output
    assert code == 2, f"`aiga-bot {name}` exited {code}: {output}"
    if name not in NO_DATABASE:
        assert all(w in output for w in words), f"`aiga-bot {name}`: {output}"
    assert output.strip() and len(output) < 2000


def test_every_subcommand_is_listed():
    assert sorted(_leaves(build_parser())) == sorted(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_unmigrated_sqlite(name, env, tmp_path, capsys):
    path = tmp_path / "empty.db"
    path.touch()
    env.setenv("DATABASE_URL", f"sqlite:///{path}")
    code, output = _run(name, capsys)
    if name == "db upgrade":
        assert code == 0 and f"created the schema at revision {head_revision()}" in output
        return
    _assert_sentence(name, code, output, "aiga-bot db upgrade", "no schema")
    db = Database(f"sqlite:///{path}")
    with db.engine.connect() as connection:  # an explicit URL never changes schema silently
        assert connection.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar() == 0
    db.dispose()


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_older_schema(name, env, tmp_path, capsys, old_schema):
    template, previous = old_schema
    path = tmp_path / "old.db"
    shutil.copy(template, path)
    env.setenv("DATABASE_URL", f"sqlite:///{path}")
    code, output = _run(name, capsys)
    if name == "db upgrade":
        assert code == 0 and f"from revision {previous} to {head_revision()}" in output
        return
    _assert_sentence(name, code, output, "aiga-bot db upgrade", "not up to date", previous)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_unreachable_postgresql(name, env, capsys):
    env.setenv("DATABASE_URL", f"postgresql://aiga:s3cret-pw@127.0.0.1:{_free_port()}/aiga")
    code, output = _run(name, capsys)
    _assert_sentence(name, code, output, "cannot reach the database", "DATABASE_URL")
    assert "s3cret-pw" not in output


@pytest.mark.parametrize("url", MALFORMED.values(), ids=MALFORMED.keys())
@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_malformed_database_url(name, url, env, tmp_path, capsys):
    env.setenv("DATABASE_URL", url.format(tmp=tmp_path))
    code, output = _run(name, capsys)
    assert "Traceback" not in output, output
    assert code == 2, f"`aiga-bot {name}` with {url!r} exited {code}: {output}"
    assert "DATABASE_URL" in output, output  # every command: the setting is wrong, say so
    assert "sqlite:///" in output or "postgres://" in output  # and show a form that works


def test_a_newer_schema_is_not_called_old(env, tmp_path, capsys):
    path = tmp_path / "new.db"
    db = Database(f"sqlite:///{path}")
    upgrade(db.engine)
    with db.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999_future'")
    db.dispose()
    env.setenv("DATABASE_URL", f"sqlite:///{path}")
    code, output = _run("org list", capsys)
    assert code == 2 and "newer than this code" in output and "Traceback" not in output
