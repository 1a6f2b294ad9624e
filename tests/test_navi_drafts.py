"""Drafts shown as drafts (issue 15): a text we wrote (`draft: true`) is marked 「（案）」 in the
question, and each member reads once per assessment that such texts await the secretariat."""

# ruff: noqa: F811 - the fixtures are imported from tests/test_navi_flow.py
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from handlers.navi.questions import draft_notice, drafted, has_drafts
from handlers.router import Router
from handlers.types import Question, Text
from rubrics.loader import DATA_DIR, RubricRegistry
from store.models import Organisation, Round
from tests.support.chat import Chat
from tests.test_navi_flow import NOW, ORG, RUBRIC, router, seeded, start  # noqa: F401

NOTICE = ("「（案）」と付いた説明と段階の記述", "marked \"(draft)\"")


def _notices(chat: Chat) -> list[str]:
    return [r.text for r in chat.last if isinstance(r, Text) and any(n in r.text for n in NOTICE)]


def test_the_notice_names_the_items_the_guide_describes() -> None:
    assert has_drafts(RUBRIC)
    assert "協会資料に記述があるのは項目 15・16 のみ" in draft_notice("ja", RUBRIC)
    assert "describe items 15, 16 only" in draft_notice("en", RUBRIC)
    item15 = RUBRIC.item_by_number(15)
    assert not drafted("ja", item15.levels[3]).endswith("（案）")
    assert drafted("ja", item15.explanation).endswith("（案）")
    assert drafted("en", item15.explanation).endswith(" (draft)")


def test_draft_texts_are_marked_and_the_guides_own_are_not(router):
    chat = Chat(router, "ann", org=ORG)
    start(chat)
    q = chat.question
    assert q.body.endswith("（案）")
    assert [c.description.endswith("（案）") for c in q.choices] == [False, True, True, True]
    chat.say("項目 15")
    q = chat.question
    assert q.body.endswith("（案）")  # the explanation is ours
    assert not any("（案）" in c.description for c in q.choices)  # levels: the guide's
    chat.say("項目 16")
    assert [c.description.endswith("（案）") for c in chat.question.choices] == [
        False, True, False, False]  # level 2 of item 16 is ours


def test_the_notice_comes_once_per_assessment_per_member(router):
    chat = Chat(router, "ben", org=ORG)
    chat.say("ナビを始める")
    chat.say("はい")
    chat.click(chat.choice_value("両方"))
    assert len(_notices(chat)) == 1
    for typed in ("3", "スキップ", "戻る", "項目 20", "中断", "続き", "ナビを始める", "3"):
        chat.say(typed)
        assert _notices(chat) == [], typed
    colleague = Chat(router, "cat", org=ORG)
    colleague.say("ナビを始める")
    assert len(_notices(colleague)) == 1  # a colleague reads it too, once
    colleague.say("3")
    assert _notices(colleague) == []
    en = Chat(router, "dev", org=ORG, locale="en")
    en.say("start navi")
    assert len(_notices(en)) == 1 and "(draft)" in en.last[-1].fallback()


def test_the_notice_comes_before_the_question_on_every_surface(router):
    for platform in ("slack", "teams", "console"):
        chat = Chat(router, f"eve-{platform}", platform=platform, org=ORG)
        chat.say("ナビを始める")
        if chat.question is not None and chat.question.key.startswith("navi:confirm"):
            chat.say("はい")
            chat.click(chat.choice_value("両方"))
        kinds = [type(r) for r in chat.last if isinstance(r, Text | Question)]
        notice_at = next(i for i, r in enumerate(chat.last) if r.fallback().startswith("注"))
        assert isinstance(chat.last[notice_at + 1], Question), kinds


@pytest.fixture
def approved_rubric(tmp_path: Path) -> RubricRegistry:
    """The packaged rubric with every text approved, as version 9.9."""
    data = yaml.safe_load((DATA_DIR / "navi-1.1.yaml").read_text(encoding="utf-8"))
    data["version"] = "9.9"
    for item in data["items"]:
        item["explanation"].pop("draft", None)
        for level in item["levels"].values():
            level.pop("draft", None)
    (tmp_path / "navi-9.9.yaml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                           encoding="utf-8")
    return RubricRegistry(tmp_path)


def test_an_approved_rubric_shows_no_mark_and_no_notice(database, approved_rubric):
    with database.transaction() as s:
        s.add_all([Organisation(name=ORG, created_at=NOW),
                   Round(name="承認済み版の回", rubric_version="9.9",
                         opens_at=NOW - timedelta(days=1), deadline_at=NOW + timedelta(days=9),
                         status="open", created_at=NOW)])
    assert not has_drafts(approved_rubric.get("9.9"))
    chat = Chat(Router(database, rubrics=approved_rubric, clock=lambda: NOW), "fin", org=ORG)
    out = chat.say("ナビを始める") + chat.say("はい") + chat.click(chat.choice_value("両方"))
    assert "（案）" not in out and _notices(chat) == []
    assert "1. AIポリシー" in out
