"""The Slack app manifest grants exactly what the code uses: no missing scope or event.

The Web API methods are found two ways: the `.client.<method>(` pattern in bot/slack/, and an
AST walk over every module under bot/ for calls of any `AsyncWebClient` method (the worker's
bot/slack_notify.py calls conversations.history, which the first never saw: `missing_scope`
with Slack's real scopes, and interrupted channel posts reported "uncertain")."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import yaml

from bot.slack.app import COMMAND

BOT = Path(__file__).resolve().parent.parent / "bot"
SLACK = BOT / "slack"
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
    # history of a DM, a public and a private announcement channel (delivery confirmation,
    # rewriting an edited event's announcement)
    "conversations_history": {"im:history", "channels:history", "groups:history"},
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


def web_api_calls(root: Path = BOT) -> dict[str, set[str]]:
    """AsyncWebClient method → the modules under `root` that call it (by AST, any receiver)."""
    from slack_sdk.web.async_client import AsyncWebClient

    methods = {n for n in dir(AsyncWebClient) if not n.startswith("_")} - {"api_call"}
    used: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in methods):
                used.setdefault(node.func.attr, set()).add(path.relative_to(root).as_posix())
    return used


def test_every_web_api_method_called_anywhere_in_bot_is_granted():
    used = web_api_calls()
    assert {"chat_postMessage", "conversations_history", "conversations_open"} <= set(used)
    unknown = set(used) - set(SCOPES)
    assert not unknown, f"add {unknown} (called in {[used[m] for m in unknown]}) to SCOPES"
    granted = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    missing = {m: SCOPES[m] - granted for m in used if SCOPES[m] - granted}
    assert not missing, f"manifest.yaml lacks {missing}"


def test_no_scope_is_granted_that_nothing_uses():
    used = web_api_calls()
    needed = set().union(*(SCOPES[m] for m in used if m in SCOPES))
    needed |= {scope for _, scope in EVENTS.values() if scope} | {"commands"}
    granted = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    assert granted - needed == set(), "a scope nothing uses: remove it or name its use"


def test_the_scan_finds_a_call_hidden_in_any_module(tmp_path):
    """The scanner itself: any receiver name, nested in functions, in a sub-package."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "m.py").write_text(
        "async def f(web):\n    async def g():\n        await web.reactions_add(name='x')\n"
        "    return g\nx = {}.get('users_list')\n", encoding="utf-8")
    assert web_api_calls(tmp_path) == {"reactions_add": {"pkg/m.py"}}
