"""Inputs nobody planned for, in the Navi (issue 13 finding 8) and its state (issue 12): odd
digits, item numbers that do not exist, forged button verbs, state saved by an older release or
corrupted, and rubric versions that sort as text."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from handlers.router import Router
from handlers.text import as_number
from rubrics.loader import RubricRegistry, version_key
from store.models import Answer, AnswerEvent, Assessment, ConversationState
from tests.support.chat import Chat
from tests.test_navi_flow import ORG, router, seeded, start  # noqa: F401 - fixtures

FAQ_WORDS = ("会費", "出典", "入会")  # what an FAQ paragraph about the guide would say


@pytest.mark.parametrize("typed", ["⓵", "²", "⑴", "١٢", "𝟙", "1" * 40, "-1", "1e3", "½"])
def test_as_number_never_raises(typed: str) -> None:
    value = as_number(typed)
    assert value is None or (isinstance(value, int) and 0 <= value < 10_000)


def test_isdigit_but_not_int_is_a_polite_reprompt_in_every_step(router):  # noqa: F811
    chat = Chat(router, "erin", org=ORG)
    assert "よろしいですか" in chat.say("ナビを始める")
    assert "問題が起き" not in chat.say("⓵")
    chat.say("はい")
    chat.click(chat.choice_value("両方"))
    out = chat.say("⓵")
    assert "1〜4 の数字" in out and "1. AIポリシー" in out
    assert "問題が起き" not in chat.say("レポート ⓵") + chat.say("report #⓵")


@pytest.mark.parametrize(("typed", "lang", "expected"), [
    ("項目 999", "ja", "項目 999 はありません。項目は 1〜36 です。"),
    ("項目 40", "ja", "項目 40 はありません。項目は 1〜36 です。"),
    ("項目 0", "ja", "項目 0 はありません。"),
    ("item 999", "en", "There is no item 999; items are 1–36."),
    ("#37", "en", "There is no item 37"),
    ("項目 " + "9" * 50, "ja", "項目 99999999… はありません"),
])
def test_an_item_that_does_not_exist_is_reprompted_not_answered_from_the_faq(
        router, typed, lang, expected):  # noqa: F811
    outside = Chat(router, f"out-{lang}", org=ORG, locale=lang)
    text = outside.say(typed)
    assert expected in text
    assert not any(word in text for word in FAQ_WORDS)
    inside = Chat(router, f"in-{lang}", org=ORG, locale=lang)
    inside.say("ナビを始める" if lang == "ja" else "start navi")
    inside.say("はい" if lang == "ja" else "yes")
    inside.click(inside.choice_value("両方" if lang == "ja" else "Both"))
    text = inside.say(typed)
    assert expected in text
    assert ("1. AIポリシー" if lang == "ja" else "1. AI policy") in text  # the question again


def test_an_item_that_exists_still_moves_there(router):  # noqa: F811
    chat = Chat(router, "finn", org=ORG)
    start(chat)
    assert "30. アカウンタビリティの確保" in chat.say("項目 30")
    # a colleague who has not joined yet is taken into the company's assessment (it used to
    # say 「進行中の自己診断はありません」 although one was in progress)
    assert "30. アカウンタビリティの確保" in Chat(router, "gail", org=ORG).say("項目 30")
    assert "進行中の自己診断はありません" in Chat(router, "hugo", org="他社").say("項目 30")


@pytest.mark.parametrize("verb", ["text", "note_text", "yes", "cancel", "goto", "level2", ""])
def test_forged_button_verbs_change_nothing(router, seeded, verb):  # noqa: F811
    chat = Chat(router, "hank", org=ORG)
    start(chat)
    chat.say("3")
    with seeded.transaction() as s:
        aid = s.scalar(select(Assessment.id))
        before = s.query(AnswerEvent).count()
    out = chat.click(f"navi:{verb}:{aid}:ai-policy:hacked")
    assert "古いメッセージ" in out
    with seeded.transaction() as s:
        assert s.query(AnswerEvent).count() == before
        assert all(a.note is None for a in s.scalars(select(Answer)))


def _set_state(database, user_id: str, data: dict) -> None:
    with database.transaction() as s:
        conv = s.scalars(select(ConversationState)).all()
        row = next(c for c in conv if c.user_id == _user_pk(s, user_id))
        row.data = data


def _user_pk(session, user_id: str) -> int:
    from store.models import User
    return session.scalar(select(User.id).where(User.platform_user_id == user_id))


def test_a_state_saved_by_the_previous_release_still_loads(router, seeded):  # noqa: F811
    chat = Chat(router, "ivy", org=ORG)
    start(chat)
    with seeded.transaction() as s:
        aid = s.scalar(select(Assessment.id))
    # exactly what the untyped release wrote: nulls included, an extra key it used to keep
    _set_state(seeded, "ivy", {"navi": {"step": "item", "aid": aid, "item": "ai-use-rules",
                                        "last": None, "round": None, "legacy": 1},
                               "pending": [], "lang": "ja"})
    out = chat.say("続き")
    assert "2. AI利用ルール" in out
    assert "3. AI管理ルール" in chat.say("4")
    with seeded.transaction() as s:
        assert s.scalar(select(Answer.level).where(Answer.item_id == "ai-use-rules")) == 4


@pytest.mark.parametrize("junk", [
    {"navi": {"step": "flying", "aid": 1}},
    {"navi": {"step": "item", "aid": "one", "item": ["x"]}},
    {"navi": "item"},
    {"navi": [1, 2]},
    {"navi": {"step": "note", "aid": None, "note_item": 5}},
    {"pending": "navi:level", "navi": None},
    {"pending": [1, None, {"x": 1}]},
])
def test_a_corrupted_state_restarts_politely(router, seeded, junk):  # noqa: F811
    chat = Chat(router, "jack", org=ORG)
    start(chat)
    _set_state(seeded, "jack", junk)
    for typed in ("1", "はい", "メモ abc", "続き"):
        out = chat.say(typed)
        assert "問題が起き" not in out, (typed, out)
    assert "AIポリシー" in out  # 「続き」 finds the company's assessment again


def test_rubric_versions_sort_as_versions(tmp_path: Path) -> None:
    source = next((Path(__file__).parent / "fixtures" / "rubrics").glob("navi-*.yaml"))
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    for version in ("1.9", "1.10", "1.2", "0.9"):
        data["version"] = version
        (tmp_path / f"navi-{version}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                                       encoding="utf-8")
    shutil.copy(source, tmp_path / "ignored.yaml")
    found = RubricRegistry(tmp_path)
    assert found.versions() == ["0.9", "1.2", "1.9", "1.10"]
    assert found.latest().version == "1.10"
    assert sorted(["2.0", "1.10-draft", "1.10", "10.0", "1.a", "1"], key=version_key) == [
        "1", "1.10", "1.10-draft", "1.a", "2.0", "10.0"]


def test_a_router_turn_never_writes_a_second_copy_of_the_step(router, seeded):  # noqa: F811
    """conversation_states.state is gone: the typed state under data is the only truth."""
    start(Chat(router, "kim", org=ORG))
    assert not hasattr(ConversationState, "state")
    with seeded.transaction() as s:
        data = s.scalar(select(ConversationState.data))
    assert data["navi"]["step"] == "item" and isinstance(data["navi"]["aid"], int)


def test_router_has_no_dead_turn_helpers() -> None:
    import handlers.router as module
    assert not hasattr(module, "text_turn") and not hasattr(module, "action_turn")
    assert isinstance(Router.__init__, object)
