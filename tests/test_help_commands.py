"""Help printed from the router's own command table (issue 20): every command word the router
accepts appears in help and every word help shows is one the router accepts; per surface (the
console has no buttons) and per role (admins also see the secretariat's commands)."""

from __future__ import annotations

import re

import pytest

from handlers import intents
from handlers.commands import CommandSyntax
from handlers.faq.engine import ADMIN_LIST
from handlers.intents import COMMANDS, SyntaxHelp, help_text, parse
from handlers.messages import SHARED
from handlers.router import CHAT_COMMANDS, GLOBAL_INTENTS, NAVI_INTENTS, Router
from handlers.text import as_number, normalise
from handlers.types import Incoming, plain_text
from tests.support.chat import Chat
from tests.test_navi_flow import ORG, router, seeded  # noqa: F401 - fixtures

SURFACES = ("console", "slack", "teams")
ROUTED = GLOBAL_INTENTS | NAVI_INTENTS | {"events"}


def _help(lang: str, *, admin: bool, surface: str) -> str:
    return help_text(lang, admin=admin, surface=surface, syntaxes=CHAT_COMMANDS, extra=[])


def _command_words(help_: str, lang: str) -> list[str]:
    """The words each help line offers (before its ': '), quoted 「…」 or "…"."""
    words = []
    for line in help_.splitlines():
        if not line.startswith(("・", "- ")):
            continue
        head = line.split(": ", 1)[0]
        words += re.findall(r"「([^」]+)」", head) if lang == "ja" else re.findall(r'"([^"]+)"',
                                                                                 head)
    return words


def _accepted(word: str) -> bool:
    """Does the router take `word` as a command (not as free text for the FAQ)?"""
    if parse(word) is not None or as_number(word) is not None:
        return True
    if ADMIN_LIST.match(normalise(word)):
        return True
    return any(c.syntax.parse(word) is not None or c.syntax.parse(f"{word} 1") is not None
               for c in CHAT_COMMANDS)


def test_every_intent_the_parser_knows_is_routed_and_in_help() -> None:
    names = {c.name for c in COMMANDS}
    for phrase in intents._LOOKUP:
        intent = parse(phrase)
        assert intent is not None and intent.name in names, phrase
    for typed in ("項目 12", "メモ 事例", "結果 A社", "次のAll-Handsはいつ？", "レポート 3"):
        assert parse(typed).name in names, typed
    assert {c.name for c in COMMANDS if c.scope in ("global", "navi", "events")} == ROUTED
    for command in COMMANDS:
        assert command.description_key in SHARED, command.description_key


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("surface", SURFACES)
def test_every_word_in_help_is_accepted_by_the_router(lang, surface) -> None:
    help_ = _help(lang, admin=True, surface=surface)
    words = _command_words(help_, lang)
    assert len(words) > 40
    refused = [w for w in words if not _accepted(w)]
    assert refused == []


def test_every_chat_command_word_is_in_the_admins_help_and_described() -> None:
    both = _help("ja", admin=True, surface="slack") + _help("en", admin=True, surface="slack")
    for chat_commands in CHAT_COMMANDS:
        for noun, verbs in chat_commands.syntax.verbs.items():
            for verb in verbs:
                assert f"{noun} {verb}" in both, (noun, verb)
                assert f"help_{noun}_{verb}" in SHARED, (noun, verb)
        for alias in chat_commands.syntax.aliases:
            assert f"「{alias}」" in both or f'"{alias}"' in both, alias


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_member_command_is_in_every_members_help(lang) -> None:
    for surface in SURFACES:
        help_ = _help(lang, admin=False, surface=surface)
        for command in COMMANDS:
            if command.who == "admin" or surface not in command.surfaces or (
                    command.name == f"lang_{lang}"):
                continue
            assert SHARED.say(lang, command.description_key) in help_, (surface, command.name)


def test_the_words_the_issue_missed_are_there() -> None:
    help_ = _help("ja", admin=False, surface="console")
    for word in ("戻る", "スキップ", "中断", "提出", "ベンチマーク", "イベント", "取消", "項目 12",
                 "次のAll-Handsはいつ？", "イベント提案"):
        assert f"「{word}」" in help_, word
    english = _help("en", admin=False, surface="teams")
    for word in ("back", "skip", "pause", "submit", "benchmark", "events", "event propose"):
        assert f'"{word}"' in english, word


def test_members_do_not_see_the_secretariats_commands() -> None:
    for lang in ("ja", "en"):
        member = _help(lang, admin=False, surface="slack")
        admin = _help(lang, admin=True, surface="slack")
        for secret in ("round open", "org add", "broadcast send", "event approve", "レポート"
                       if lang == "ja" else "report", "質問一覧" if lang == "ja" else
                       "faq questions"):
            assert secret not in member.split("・答えられない")[0], (lang, secret)
            assert secret in admin, (lang, secret)


def test_the_console_help_has_no_buttons_and_the_chat_help_does() -> None:
    for lang, word in (("ja", "ボタン"), ("en", "button")):
        assert word not in _help(lang, admin=True, surface="console")
        for surface in ("slack", "teams"):
            assert word in _help(lang, admin=False, surface=surface)
    assert "番号で選ぶ" in _help("ja", admin=False, surface="console")


def test_a_new_chat_command_shows_up_in_help_without_anyone_writing_it() -> None:
    extra = SyntaxHelp(CommandSyntax({"widget": ("spin",)}, {"ウィジェット回転": "widget spin"}))
    text = help_text("ja", admin=True, surface="console", syntaxes=(*CHAT_COMMANDS, extra),
                     extra=[])
    assert "・「ウィジェット回転」「widget spin」" in text  # listed even before it is described
    assert "widget spin" not in help_text("ja", admin=False, surface="console",
                                          syntaxes=(extra,), extra=[])


def test_help_for_an_unknown_surface_or_odd_input_never_fails() -> None:
    for surface in ("", "fax", "x" * 1000, "CONSOLE"):
        assert "ナビを始める" in _help("ja", admin=False, surface=surface)
    assert "start navi" in _help("fr", admin=False, surface="slack")  # any non-ja: English


def test_help_through_the_router_by_role_and_surface(seeded):  # noqa: F811
    bot = Router(seeded, admins=frozenset({"console:boss", "slack:UBOSS"}))
    member = Chat(bot, "mia", org=ORG).say("ヘルプ")
    boss = Chat(bot, "boss", org=ORG).say("ヘルプ")
    assert "事務局（管理者）向け" in boss and "事務局（管理者）向け" not in member
    assert "「ラウンド開始」" in boss and "「ラウンド開始」" not in member
    assert "ボタン" not in boss and "ボタン" not in member  # console
    slack = plain_text(bot.handle(Incoming(platform="slack", user_id="UBOSS", text="help",
                                           locale="en-US")))
    assert "For the secretariat" in slack and "press a button" in slack
    assert "switch to English" not in slack and "switch to Japanese" in slack
    unknown = Chat(bot, "nemo", org=ORG).say("what is this thing")
    assert "did not understand" in unknown and '"back"' in unknown  # the same table
