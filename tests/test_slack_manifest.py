"""The Slack app manifest grants exactly what the code uses: no missing scope or event."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.slack.app import COMMAND

SLACK = Path(__file__).resolve().parent.parent / "bot" / "slack"
MANIFEST = yaml.safe_load((SLACK / "manifest.yaml").read_text(encoding="utf-8"))

# Web API method (slack_sdk name) → bot scopes it needs (api.slack.com/methods)
SCOPES = {
    "auth_test": set(),
    "chat_postMessage": {"chat:write"},
    "chat_update": {"chat:write"},
    "chat_postEphemeral": {"chat:write"},
    "conversations_open": {"im:write"},
    "users_info": {"users:read", "users:read.email"},
    "views_publish": set(),
    "views_open": set(),
    "files_upload_v2": {"files:write"},
}
# Bolt listener → Events API subscription and its scope
EVENTS = {"message": ("message.im", "im:history"), "app_mention": ("app_mention",
                                                                    "app_mentions:read"),
          "app_home_opened": ("app_home_opened", None)}


def source() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in SLACK.glob("*.py"))


def test_every_web_api_method_used_has_its_scope():
    used = set(re.findall(r"\.client\.([a-z_0-9A-Z]+)\(", source()))
    assert used, "no Web API calls found: the pattern is stale"
    unknown = used - set(SCOPES)
    assert not unknown, f"add the scopes of {unknown} to SCOPES and to manifest.yaml"
    granted = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    needed = set().union(*(SCOPES[m] for m in used))
    assert needed <= granted, needed - granted


def test_every_event_listened_to_is_subscribed():
    listened = set(re.findall(r'@bolt\.event\("([a-z_]+)"\)', source()))
    assert listened == set(EVENTS)
    subscribed = set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])
    granted = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    for name in listened:
        event, scope = EVENTS[name]
        assert event in subscribed
        assert scope is None or scope in granted


def test_command_interactivity_home_and_socket_mode_flag():
    [command] = MANIFEST["features"]["slash_commands"]
    assert command["command"] == COMMAND
    assert "commands" in MANIFEST["oauth_config"]["scopes"]["bot"]
    settings = MANIFEST["settings"]
    assert settings["interactivity"]["is_enabled"] is True
    assert MANIFEST["features"]["app_home"]["home_tab_enabled"] is True
    assert MANIFEST["features"]["app_home"]["messages_tab_enabled"] is True
    assert "socket_mode_enabled" in settings
    urls = [command["url"], settings["interactivity"]["request_url"],
            settings["event_subscriptions"]["request_url"]]
    assert all(url.endswith("/slack/events") for url in urls)  # one URL for everything
