"""One Settings object (issue 12): nothing but bot/settings.py reads the environment; the
handlers are told through handlers.config, the worker and the calendar links through the
object; the event schedule and link settings are validated and named like every other."""

from __future__ import annotations

import ast
import zipfile
from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError, load_settings, setting_names
from handlers import config

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def env(monkeypatch, tmp_path):
    """A clean environment (no setting inherited from the machine) in an empty folder."""
    monkeypatch.chdir(tmp_path)
    for name in setting_names():
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def _environment_reads(source: str) -> list[tuple[int, list[str]]]:
    """(line, string constants on it) of every os.environ / getenv use and dotenv import."""
    tree = ast.parse(source)
    strings: dict[int, list[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            strings.setdefault(node.lineno, []).append(node.value)
    found = []
    for node in ast.walk(tree):
        hit = (isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv")
               and isinstance(node.value, ast.Name) and node.value.id == "os")
        hit = hit or (isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            ("dotenv", "os")) and any(a.name in ("environ", "getenv", "dotenv_values",
                                                 "load_dotenv") for a in node.names))
        hit = hit or (isinstance(node, ast.Import)
                      and any(a.name.startswith("dotenv") for a in node.names))
        if hit:
            found.append((node.lineno, strings.get(node.lineno, [])))
    return found


def test_only_the_settings_module_reads_the_environment():
    """A setting has one reader. Reading a variable that is no setting (the login name for
    an audit line) stays allowed."""
    names = set(setting_names())
    offenders = []
    for folder in ("bot", "handlers", "store", "rubrics"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel == "bot/settings.py":
                continue
            for line, constants in _environment_reads(path.read_text(encoding="utf-8")):
                if not constants or names & set(constants):
                    offenders.append(f"{rel}:{line}")
    assert offenders == []


def test_load_settings_configures_the_handlers(env, tmp_path):
    (tmp_path / ".env").write_text(
        "AIGA_ICS_DIR=/srv/ics\nAIGA_BENCHMARK_MIN_COMPANIES=7\n"
        "AIGA_WEBSITE_URL=https://aiga.example\n", encoding="utf-8")
    env.setenv("AIGA_CHART_DIR", str(tmp_path / "charts"))
    load_settings()
    told = config.current()
    assert told.ics_dir == Path("/srv/ics") and told.chart_dir == tmp_path / "charts"
    assert told.benchmark_min_companies == 7 and told.website_url == "https://aiga.example"


def test_defaults_reach_the_handlers_unchanged(env):
    load_settings()
    assert config.current() == config.HandlerConfig()


def test_event_schedule_comes_from_the_settings(env):
    from bot.worker import load_event_policy

    env.setenv("AIGA_EVENT_REMINDERS", "2h, 30m,2h")
    env.setenv("AIGA_EVENT_ANNOUNCE_DAYS", "7")
    env.setenv("AIGA_REMINDER_HOUR", "9:15")
    env.setenv("AIGA_REMINDER_CLOSED_DAYS", "08-13..08-16")
    policy = load_settings().event_policy()
    assert policy.reminders == (120, 30) and policy.announce_days == 7
    assert (policy.hour.hour, policy.hour.minute) == (9, 15)
    assert (8, 14) in policy.closed_days and (12, 30) not in policy.closed_days
    assert load_event_policy() == policy  # what `aiga-bot event` uses


def test_the_worker_gets_its_event_policy_and_links_from_the_settings(env, database):
    from bot.events_http import token
    from bot.worker import build_deliverer

    secret = "0123456789abcdef-link"
    settings = Settings(aiga_event_reminders="45m", aiga_link_secret=secret,
                        aiga_public_url="https://navi.example/")
    events = build_deliverer(database, settings).subjects["event"]
    assert events.policy.reminders == (45,)
    assert events.links.url(7) == f"https://navi.example/events/7.ics?t={token(7, secret)}"
    assert build_deliverer(database, Settings()).subjects["event"].links.url(7) is None


@pytest.mark.parametrize("name,value,words", [
    ("AIGA_EVENT_REMINDERS", "soon", "like 1d,1h,30m"),
    ("AIGA_EVENT_REMINDERS", "0m", "between 1 minute and 30 days"),
    ("AIGA_EVENT_REMINDERS", "99999d", "between 1 minute and 30 days"),
    ("AIGA_EVENT_REMINDERS", "1d;1h", "like 1d,1h,30m"),
    ("AIGA_EVENT_REMINDERS", "1d," * 2000, "like 1d,1h,30m"),
    ("AIGA_EVENT_ANNOUNCE_DAYS", "91", "90"),
    ("AIGA_EVENT_ANNOUNCE_DAYS", "-1", "0"),
    ("AIGA_EVENT_ANNOUNCE_DAYS", "two weeks", "integer"),
    ("AIGA_PUBLIC_URL", "ftp://files.example", "public URL"),
    ("AIGA_PUBLIC_URL", "navi.example.org", "public URL"),
    ("AIGA_PUBLIC_URL", "https://", "public URL"),
    ("AIGA_BENCHMARK_MIN_COMPANIES", "2", "at least 3"),
])
def test_each_bad_event_or_link_setting_is_named_never_echoed(env, name, value, words):
    env.setenv(name, value)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    [line] = str(raised.value).splitlines()
    assert line.startswith(f"setting {name}:") and words in line
    assert f"'{value}'" not in line  # the value itself is never echoed


def test_blank_event_and_link_settings_mean_the_defaults(env):
    for name in ("AIGA_EVENT_REMINDERS", "AIGA_LINK_SECRET", "AIGA_PUBLIC_URL", "AIGA_ICS_DIR"):
        env.setenv(name, "  ")
    settings = load_settings()
    assert settings.event_policy().reminders == (1440, 60)
    assert settings.calendar_links().url(1) is None
    assert config.current().ics_dir == Path("var") / "ics"


def test_the_link_secret_is_a_secret(env):
    secret = "the-link-secret-0123456789"
    env.setenv("AIGA_LINK_SECRET", secret)
    settings = load_settings()
    assert secret in settings.secrets()  # the log filter blanks it out
    assert secret not in repr(settings) and secret not in str(settings.model_dump())


def test_teams_package_takes_the_website_from_the_settings(env, tmp_path):
    from bot.cli import main
    from tests.support.fake_connector import APP_ID

    out = tmp_path / "app.zip"
    assert main(["teams-package", "--out", str(out), "--app-id", APP_ID]) == 2  # no site yet
    (tmp_path / ".env").write_text("AIGA_WEBSITE_URL=https://aiga.example/\n", encoding="utf-8")
    assert main(["teams-package", "--out", str(out), "--app-id", APP_ID]) == 0
    with zipfile.ZipFile(out) as package:
        assert "https://aiga.example/" in package.read("manifest.json").decode()
