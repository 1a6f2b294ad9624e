"""Slack settings: required only by serve, validated without ever echoing a value."""

from __future__ import annotations

import pytest

from bot.settings import SLACK_API_DEFAULT, SettingsError, load_serve_settings, load_settings

SLACK_VARS = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL",
              "PORT", "DATABASE_URL", "AIGA_ADMINS")


@pytest.fixture
def env(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .env from the working tree
    for name in SLACK_VARS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_console_needs_no_slack_settings(env):
    settings = load_settings()
    assert settings.slack_bot_token is None and settings.slack_api_url == SLACK_API_DEFAULT
    assert settings.port == 3000


def test_http_mode_settings(env):
    env.setenv("SLACK_BOT_TOKEN", "xoxb-123-456-abc")
    env.setenv("SLACK_SIGNING_SECRET", "8f742231b10e8888abcd99yyyzzz85a5")
    env.setenv("SLACK_API_URL", "http://127.0.0.1:8080/api")
    env.setenv("PORT", "8081")
    settings = load_serve_settings()
    assert settings.slack_api_url == "http://127.0.0.1:8080/api/"
    assert not settings.slack_socket_mode and settings.port == 8081
    assert "xoxb-123" not in repr(settings) and "8f7422" not in repr(settings)


def test_socket_mode_needs_no_signing_secret(env, tmp_path):
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=xoxb-1-2-abc\nSLACK_APP_TOKEN=xapp-1-A1-2-x\n"
                                   "SLACK_SIGNING_SECRET=\n", encoding="utf-8")
    settings = load_serve_settings()
    assert settings.slack_socket_mode and settings.slack_signing_secret is None


@pytest.mark.parametrize("name,value,words", [
    ("SLACK_BOT_TOKEN", "xoxp-user-secret-123", "xoxb-"),
    ("SLACK_APP_TOKEN", "xoxb-not-an-app-token", "xapp-"),
    ("SLACK_SIGNING_SECRET", "has spaces in it!!", "Signing Secret"),
    ("SLACK_API_URL", "slack.com/api", "http(s) URL"),
    ("PORT", "eighty", "integer"),
    ("AIGA_ADMINS", "U0123", "slack:U0123ABC"),
])
def test_one_line_naming_each_bad_setting_never_its_value(env, name, value, words):
    env.setenv(name, value)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    [line] = str(raised.value).splitlines()
    assert line.startswith(f"setting {name}:") and words in line
    if "secret" in value or "token" in value:
        assert value not in line


def test_serve_lists_every_missing_setting(env):
    with pytest.raises(SettingsError) as raised:
        load_serve_settings()
    lines = str(raised.value).splitlines()
    assert [x.split(":")[0] for x in lines] == ["setting SLACK_BOT_TOKEN",
                                                "setting SLACK_SIGNING_SECRET"]
