"""One validated settings object (issue 9): every setting documented in .env.example, .env
read, platform URLs accepted as platforms give them, bad values named without being echoed."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError, load_serve_settings, load_settings, setting_names
from handlers import config

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / ".env.example"
LINE = re.compile(r"^([A-Z][A-Z0-9_]*)=(.*)$")


def example() -> dict[str, str]:
    out = {}
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        if match := LINE.match(line):
            assert match.group(1) not in out, f"{match.group(1)} twice in .env.example"
            out[match.group(1)] = match.group(2)
    return out


@pytest.fixture
def env(monkeypatch, tmp_path):
    """A clean environment (no setting inherited from the machine) in an empty folder."""
    monkeypatch.chdir(tmp_path)
    for name in setting_names():
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_env_example_documents_exactly_the_settings():
    assert sorted(example()) == setting_names()
    text = EXAMPLE.read_text(encoding="utf-8")
    for name in setting_names():  # each has a comment line somewhere above it
        before = text.split(f"\n{name}=", 1)[0].rstrip().splitlines()
        assert (before and before[-1].startswith("#")) or LINE.match(before[-1]), name


def test_env_example_as_dot_env_gives_the_defaults(env, tmp_path):
    shutil.copy(EXAMPLE, tmp_path / ".env")
    loaded = load_settings()  # every value written in the example is the default
    assert loaded.model_dump() == Settings(_env_file=None).model_dump()


def test_worker_and_teams_fields_are_in_the_one_object():
    """The worker reads its schedule from Settings; the Teams adapter takes Settings as is."""
    from bot.settings import WorkerGroup
    from bot.teams.settings import TeamsSettings

    for cls in (WorkerGroup, TeamsSettings):
        for name, field in cls.model_fields.items():
            assert name in Settings.model_fields, name
            assert Settings.model_fields[name].default == field.default, name
    assert issubclass(Settings, TeamsSettings) and issubclass(Settings, WorkerGroup)
    assert Settings().policy().days_before == (14, 7, 3, 1, 0)


def test_dot_env_is_read_and_the_environment_wins(env, tmp_path):
    (tmp_path / ".env").write_text(
        "DATABASE_URL=postgres://navi:pw-secret-123@db.example:5432/aiga\nPORT=8080\n"
        "LOG_FORMAT=JSON\nAIGA_CHART_DIR=/srv/charts\nAIGA_REMINDER_HOUR=9:30\n",
        encoding="utf-8")
    env.setenv("PORT", "9090")
    settings = load_settings()
    assert settings.port == 9090 and settings.log_format == "json"
    assert settings.database_url.startswith("postgres://")
    assert settings.policy().hour.hour == 9 and settings.policy().hour.minute == 30
    # handlers are told through handlers.config (issue 12), not through os.environ
    assert config.current().chart_dir == Path("/srv/charts")
    assert "AIGA_CHART_DIR" not in os.environ
    assert "pw-secret-123" in settings.secrets()  # the log filter blanks the DB password out


def test_platform_url_forms_reach_the_psycopg_driver():
    from store.db import make_engine

    for url in ("postgres://u:p@h:5432/d", "postgresql://u:p@h:5432/d",
                "postgresql+psycopg://u:p@h:5432/d?sslmode=require"):
        engine = make_engine(Settings(_env_file=None, database_url=url).database_url)
        assert engine.url.drivername == "postgresql+psycopg"
        assert engine.url.database == "d" and engine.url.host == "h"
        engine.dispose()


@pytest.mark.parametrize("name,value,words", [
    ("AIGA_REMINDER_HOUR", "noon", "time of day"),
    ("AIGA_ANNOUNCE_CHANNELS", "C0123", "slack:C0123ABC"),
    ("MICROSOFT_APP_ID", "not-a-guid", "GUID"),
    ("LOG_LEVEL", "LOUD", "DEBUG"),
    ("DATABASE_URL", "mysql://x", "postgres://"),
    ("AIGA_BENCHMARK_MIN_COMPANIES", "1", "at least 3"),
    ("AIGA_THREADS", "1", "greater than or equal to 2"),
])
def test_each_bad_setting_is_named(env, name, value, words):
    env.setenv(name, value)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    [line] = str(raised.value).splitlines()
    assert line.startswith(f"setting {name}:") and words in line


def test_serve_needs_one_platform_and_teams_alone_is_enough(env):
    with pytest.raises(SettingsError):
        load_serve_settings()
    env.setenv("MICROSOFT_APP_ID", "6f0e2c3a-1b2d-4e5f-8a9b-0c1d2e3f4a5b")
    env.setenv("MICROSOFT_APP_TENANT_ID", "7a1b2c3d-0000-4000-8000-aabbccddeeff")
    with pytest.raises(SettingsError) as raised:  # single tenant without its secret
        load_serve_settings()
    assert str(raised.value).startswith("setting MICROSOFT_APP_PASSWORD:")
    env.setenv("MICROSOFT_APP_PASSWORD", "s3cr3t-client-value")
    settings = load_serve_settings()
    assert settings.platforms() == ["teams"]
    assert "s3cr3t-client-value" in settings.secrets()
