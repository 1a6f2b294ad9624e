"""Sentences that misled a new member (issue 20), each fixed in Japanese and English.

After submitting, 「項目 3」 said no assessment was in progress; a stale click said "here is the
current question" and showed none; a skipped item came back unannounced (tests/test_navi_order);
a planned round was not dated; 「結果」 said "0/0 answered"; the console was told to press
buttons it does not have.
"""

# ruff: noqa: F811 - the fixtures are imported from tests/test_navi_flow.py
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from handlers.router import Router
from handlers.types import Question
from store.models import Answer, Assessment, Round
from tests.support.chat import Chat
from tests.test_navi_flow import LEVELS, NOW, ORG, router, seeded  # noqa: F401 - fixtures

WORDS = {
    "ja": {"start": "ナビを始める", "yes": "はい", "both": "両方", "item3": "項目 3",
           "locked": "は 2026年11月27日(金) に提出済みのため、回答は変更できません",
           "reopen": "事務局が再開できます", "stale": "提出前のメッセージのもの",
           "result": "結果を見る", "score": "全体スコア"},
    "en": {"start": "start navi", "yes": "yes", "both": "Both", "item3": "item 3",
           "locked": "submitted \"2026年度下期\" on", "reopen": "(the secretariat can reopen it)",
           "stale": "belongs to a message from before submission", "result": "Show the result",
           "score": "Overall score"},
}
NOT_IN_PROGRESS = ("進行中の自己診断はありません", "no assessment in progress")
CURRENT_QUESTION = ("いまの質問はこちら", "Here is the current question")


def submit_all(chat: Chat, lang: str) -> None:
    words = WORDS[lang]
    chat.say(words["start"])
    chat.say(words["yes"])
    chat.click(chat.choice_value(words["both"]))
    for _ in range(40):
        q = chat.question
        if q is None or not q.key.startswith("navi:item:"):
            break
        chat.say(str(LEVELS[q.key.rsplit(":", 1)[1]]))
    assert chat.question.key.startswith("navi:submit:")
    chat.say("1")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_after_submitting_item_3_says_submitted_not_none_in_progress(router, seeded, lang):
    chat = Chat(router, f"amy-{lang}", org=ORG, locale=lang)
    submit_all(chat, lang)
    words = WORDS[lang]
    for typed in (words["item3"], "戻る" if lang == "ja" else "back", "提出", "メモ abc"):
        out = chat.say(typed)
        assert words["locked"] in out, typed
        assert words["reopen"] in out
        assert not any(s in out for s in NOT_IN_PROGRESS)
    # a colleague who never joined is told the same, and nothing changed
    out = Chat(router, f"ben-{lang}", org=ORG, locale=lang).say(words["item3"])
    assert words["locked"] in out and words["reopen"] in out
    out = chat.say("1")  # the offered 「結果を見る」, by its number in the console
    assert words["score"] in out
    with seeded.transaction() as s:
        assert s.scalar(select(Assessment.status)) == "submitted"
        assert s.scalar(select(Answer.level).where(Answer.item_id == "ai-management-rules")) == (
            LEVELS["ai-management-rules"])


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_stale_click_after_submission_says_so_and_offers_the_result(router, seeded, lang):
    chat = Chat(router, f"cal-{lang}", platform="slack", org=ORG, locale=lang)
    submit_all(chat, lang)
    with seeded.transaction() as s:
        aid = s.scalar(select(Assessment.id))
    words = WORDS[lang]
    for old in (f"navi:level:{aid}:ai-policy:4", f"navi:skip:{aid}", f"navi:submit:{aid}",
                f"navi:review:{aid}", "navi:confirm:1:yes", "bogus:thing"):
        out = chat.click(old)
        assert words["stale"] in out or words["locked"] in out, old
        assert not any(s in out for s in CURRENT_QUESTION), old
        q = chat.question
        assert q is not None and [c.label for c in q.choices] == [words["result"]], old
    out = chat.click(chat.choice_value(words["result"]))
    assert words["score"] in out
    with seeded.transaction() as s:
        assert s.scalar(select(Answer.level).where(Answer.item_id == "ai-policy")) == (
            LEVELS["ai-policy"])


def test_a_stale_click_with_nothing_going_on_shows_no_phantom_question(router):
    chat = Chat(router, "dan", platform="teams", org=ORG)
    out = chat.click("navi:level:77:ai-policy:4")
    assert "古いメッセージ" in out and "いまお答えいただく質問はありません" in out
    assert not any(s in out for s in CURRENT_QUESTION)
    out = Chat(router, "dee", platform="teams", org=ORG, locale="en").click("nonsense")
    assert "There is no question waiting" in out
    # the result button before anything was submitted: polite, nothing invented
    out = Chat(router, "dot", platform="slack", org=ORG).click("navi:result")
    assert "まだ提出された結果はありません" in out and "0/0" not in out


@pytest.fixture
def planned_only(database):
    """The open round has ended; the next is a row with opens_at in the future."""
    from store.models import Organisation
    with database.transaction() as s:
        s.add_all([Organisation(name=ORG, created_at=NOW),
                   Round(name="2025年度下期", rubric_version="1.1",
                         opens_at=NOW - timedelta(days=200),
                         deadline_at=NOW - timedelta(days=150), status="closed", created_at=NOW),
                   Round(name="2027年度上期", rubric_version="1.1",
                         opens_at=NOW + timedelta(days=40), deadline_at=NOW + timedelta(days=70),
                         status="planned", created_at=NOW),
                   Round(name="中止した回", rubric_version="1.1",
                         opens_at=NOW + timedelta(days=10), deadline_at=NOW + timedelta(days=20),
                         status="closed", created_at=NOW)])
    return database


@pytest.mark.parametrize(("lang", "typed", "expected"), [
    ("ja", "ナビを始める",
     "次回「2027年度上期」は 2027年1月6日(水) に受付開始の予定です（締切 2027年2月5日(金)）"),
    ("en", "start navi", "The next one, \"2027年度上期\", is planned to open on"),
    ("ja", "状況", "2027年1月6日(水) に受付開始の予定"),
    ("ja", "結果", "2027年1月6日(水) に受付開始の予定"),
])
def test_a_planned_round_is_dated(planned_only, lang, typed, expected):
    bot = Router(planned_only, clock=lambda: NOW)
    out = Chat(bot, f"eve-{typed}", org=ORG, locale=lang).say(typed)
    assert expected in out
    assert "中止した回" not in out and "0/0" not in out
    if lang == "en":
        assert "deadline" in out


def test_no_round_at_all_still_says_the_secretariat_will_announce(database):
    from store.models import Organisation
    with database.transaction() as s:
        s.add(Organisation(name=ORG, created_at=NOW))
    out = Chat(Router(database, clock=lambda: NOW), "fay", org=ORG).say("結果")
    assert "まだ提出された結果はありません" in out and "次回の開始は事務局からお知らせします" in out
    assert "0/0" not in out


def test_result_before_submitting_says_how_far_and_what_to_do(router):
    chat = Chat(router, "gus", org=ORG)
    assert "「ナビを始める」で自己診断を始める" in chat.say("結果")
    chat.say("ナビを始める")
    chat.say("はい")
    chat.click(chat.choice_value("両方"))
    chat.say("3")
    out = chat.say("結果")
    assert "1/36 回答済み" in out and "「提出」すると結果が出ます" in out


@pytest.mark.parametrize(("platform", "buttons"), [("console", False), ("slack", True),
                                                  ("teams", True)])
def test_the_console_is_not_told_to_press_buttons(router, platform, buttons):
    chat = Chat(router, f"hal-{platform}", platform=platform, org=ORG)
    chat.say("ナビを始める")
    out = chat.say("なんとなく")  # not an answer to 「始めますか？」
    assert ("ボタン" in out) is buttons and "1〜2 の番号" in out
    chat.say("はい")
    out = chat.say("よく分からない")  # not an answer to the roles question
    assert ("ボタン" in out) is buttons and "1〜3 の番号" in out
    chat.click(chat.choice_value("両方"))
    out = chat.say("5")
    assert ("ボタン" in out) is buttons and "1〜4 の数字" in out
    en = Chat(router, f"ian-{platform}", platform=platform, org=ORG, locale="en")
    assert "1. AI policy" in en.say("start navi")  # joins the company's assessment
    out = en.say("7")
    assert ("press a button" in out) is buttons and "1 to 4" in out


def test_the_note_action_typed_as_the_console_shows_it(router, seeded):
    chat = Chat(router, "jo", org=ORG)
    chat.say("ナビを始める")
    chat.say("はい")
    chat.click(chat.choice_value("両方"))
    out = chat.say("2")
    assert "メモ（No.1）" in out
    assert "No.1「AIポリシー」へのメモ" in chat.say("メモ（No.1）")
    assert "No.1 にメモを保存" in chat.say("方針は2025年に公表")
    with seeded.transaction() as s:
        assert s.scalar(select(Answer.note).where(Answer.item_id == "ai-policy")) == (
            "方針は2025年に公表")


def test_an_item_that_does_not_apply_names_the_roles(router):
    chat = Chat(router, "kai", org=ORG)
    chat.say("ナビを始める")
    chat.say("はい")
    chat.click(chat.choice_value("AI利用者"))
    out = chat.say("項目 16")  # developers only
    assert "項目 16 は、貴社の立場（AI利用者）では対象外" in out
    assert "1〜36 のうち" not in out
    assert isinstance(chat.last[-1], Question) and chat.last[-1].key.endswith(":ai-policy")


def test_english_roles_are_joined_in_english(router):
    chat = Chat(router, "lea", org=ORG, locale="en")
    chat.say("start navi")
    chat.say("yes")
    out = chat.click(chat.choice_value("Both"))
    assert "Roles: AI developer / provider and AI user (36 items apply)" in out
    assert "・" not in out.split("Roles: ")[1].split(")")[0]
    assert "area by area" in out
