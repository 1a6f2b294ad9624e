"""The whole assessment through the neutral core, on SQLite (and PostgreSQL when set)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from handlers.dates import TOKYO
from handlers.router import Router
from rubrics.loader import registry
from store.models import Answer, AnswerEvent, Assessment, Organisation, OrgDomain, Round, User
from tests.support.chat import Chat

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=TOKYO)
ORG = "株式会社テスト"
RUBRIC = registry().get("1.1")
# a fixed pattern of levels so the expected score is known: item n gets level (n % 4) + 1
LEVELS = {i.id: (i.number % 4) + 1 for i in RUBRIC.items}
# the guide's table, area by area (ルール, 周知徹底, 組織体制, 各リスク, 透明性), numbers kept
GUIDE_ORDER = [1, 2, 3, 11, 12, 13, 4, 5, 34, 35, 36, *range(6, 11), *range(14, 24), *range(24, 34)]


@pytest.fixture
def seeded(database):
    with database.transaction() as s:
        org = Organisation(name=ORG, membership_class="regular", created_at=NOW)
        org.domains.append(OrgDomain(domain="test.example"))
        s.add_all([org, Organisation(name="他社", created_at=NOW),
                   Round(name="2026年度下期", rubric_version="1.1",
                         opens_at=NOW - timedelta(days=1), deadline_at=NOW + timedelta(days=20),
                         status="open", created_at=NOW)])
    return database


@pytest.fixture
def router(seeded):
    return Router(seeded, clock=lambda: NOW)


def start(chat: Chat, role: str = "両方") -> str:
    assert "よろしいですか" in chat.say("ナビを始める")
    chat.say("はい")
    return chat.click(chat.choice_value(role))


def answer_all(chat: Chat, roles: list[str]) -> list[int]:
    """Answer every item shown, by typing the level number; returns item numbers in order."""
    seen = []
    for _ in range(40):
        q = chat.question
        if q is None or not q.key.startswith("navi:item:"):
            break
        item = RUBRIC.item(q.key.rsplit(":", 1)[1])
        seen.append(item.number)
        chat.say(str(LEVELS[item.id]))
    return seen


def expected_score(roles: list[str]) -> float:
    values = [LEVELS[i.id] for i in RUBRIC.applicable(roles)]
    from decimal import ROUND_HALF_UP, Decimal

    return float((Decimal(sum(values)) / len(values)).quantize(Decimal("0.01"), ROUND_HALF_UP))


def test_full_assessment_score_and_holes(router, seeded):
    chat = Chat(router, "alice", org=ORG)
    out = start(chat)
    assert "0/36" in out and "1. AIポリシー" in out
    seen = answer_all(chat, ["developer", "user"])
    assert seen == GUIDE_ORDER  # one item at a time, area by area as the guide's table
    assert "提出しますか" in chat.question.title
    out = chat.say("1")  # 提出する
    assert "提出しました" in out
    overall = expected_score(["developer", "user"])
    assert f"全体スコア: {overall:.2f}" in out
    assert "ルール・プロセスの明文化 (6)" in out
    # holes: items at 1–2, grouped by area, lowest first
    holes = out.split("穴（")[1]
    assert "【ルール・プロセスの明文化】\n・12. リスクベースアプローチ — 1点" in holes
    assert holes.index("12. リスクベースアプローチ — 1点") < holes.index("1. AIポリシー — 2点")
    with seeded.transaction() as s:
        a = s.scalar(select(Assessment))
        assert a.status == "submitted" and a.score == overall
        assert s.scalar(select(func.count()).select_from(Answer)) == 36
        alice = s.scalar(select(User).where(User.platform_user_id == "alice"))
        assert a.submitted_by == alice.id
        assert {x.answered_by for x in s.scalars(select(Answer))} == {alice.id}


@pytest.mark.parametrize(("role", "roles"), [("AI開発者", ["developer"]), ("AI利用者", ["user"])])
def test_items_that_do_not_apply_are_not_asked(router, role, roles):
    chat = Chat(router, "bob", org=ORG)
    start(chat, role)
    seen = answer_all(chat, roles)
    applicable = [i.number for i in RUBRIC.applicable(roles)]
    assert sorted(seen) == applicable and len(seen) < 36
    assert seen == [n for n in GUIDE_ORDER if n in applicable]  # area by area
    out = chat.say("1")
    assert f"全体スコア: {expected_score(roles):.2f}" in out


def test_bad_input_reprompts_and_changes_nothing(router, seeded):
    chat = Chat(router, "carol", org=ORG)
    start(chat)
    chat.say("3")  # item 1 → level 3
    for bad in ("5", "abc", "", "0", "-1", "3.5"):
        out = chat.say(bad)
        assert "1〜4 の数字" in out, bad
        assert "2. AI利用ルール" in out  # the same question again
    old_value = "navi:level:1:ai-policy:1"  # a button from the earlier message (item 1)
    out = chat.click(old_value)
    assert "古いメッセージ" in out
    out = chat.click("navi:level:999:ai-policy:1")  # forged assessment id
    assert "古いメッセージ" in out
    out = chat.click("nonsense")
    assert "古いメッセージ" in out
    chat.say("４")  # full-width digit picks level 4 for item 2
    with seeded.transaction() as s:
        levels = {a.item_id: a.level for a in s.scalars(select(Answer))}
    assert levels == {"ai-policy": 3, "ai-usage-rules": 4} or levels.get("ai-policy") == 3
    assert len(levels) == 2 and sorted(levels.values()) == [3, 4]


def test_back_skip_goto_note_pause_and_resume(router, seeded):
    chat = Chat(router, "dave", org=ORG)
    start(chat)
    chat.say("2")  # 1 → 2
    out = chat.say("スキップ")  # skip item 2
    assert "3. AI管理ルール" in out
    out = chat.say("戻る")
    assert "2. AI利用ルール" in out
    out = chat.say("戻る")
    assert "1. AIポリシー" in out and "現在の回答: 2点" in out
    chat.say("4")  # change item 1 to 4; next unanswered after 1 is 2
    out = chat.say("メモ 全社AIポリシーを2025年に公表")
    assert "No.1 にメモを保存" in out
    out = chat.say("項目 30")
    assert "30. アカウンタビリティの確保" in out
    chat.say("1")
    out = chat.click(chat.choice_value("メモ"))
    assert "No.30" in out
    assert "500字以内" in chat.say("x" * 501)
    out = chat.say("監査ログの保存方針を策定中")
    assert "No.30 にメモを保存" in out
    out = chat.say("中断")
    assert "2/36" in out  # items 1 and 30; item 2 was skipped
    assert "よく分かりませんでした" in chat.say("1")  # paused: a number answers nothing
    out = chat.say("続き")
    assert "再開します" in out and "31. 監査可能性の確保" in out
    with seeded.transaction() as s:
        notes = {a.item_id: a.note for a in s.scalars(select(Answer))}
        history = s.scalars(select(AnswerEvent).order_by(AnswerEvent.id)).all()
    assert notes["ai-policy"] == "全社AIポリシーを2025年に公表"
    assert notes[RUBRIC.items[29].id] == "監査ログの保存方針を策定中"
    assert [(e.item_id, e.level) for e in history[:2]] == [("ai-policy", 2), ("ai-policy", 4)]


def test_colleagues_share_one_assessment(router, seeded):
    alice = Chat(router, "alice", org=ORG)
    start(alice)
    alice.say("3")
    alice.say("3")
    bob = Chat(router, "bob", org=ORG)
    out = bob.say("ナビを始める")
    assert "3. AI管理ルール" in out and "2/36" in out  # no second confirm, same assessment
    bob.say("1")
    with seeded.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Assessment)) == 1
        who = {a.item_id: a.answered_by for a in s.scalars(select(Answer))}
        ids = {u.platform_user_id: u.id for u in s.scalars(select(User))}
    assert who["ai-policy"] == ids["alice"] and who["ai-management-rules"] == ids["bob"]


def test_submit_lists_missing_items_then_freezes(router, seeded):
    chat = Chat(router, "erin", org=ORG)
    start(chat, "AI利用者")
    chat.say("1")
    out = chat.say("提出")
    assert "未回答の項目が 29 件" in out
    answer_all(chat, ["user"])
    chat.say("1")
    with seeded.transaction() as s:
        assert s.scalar(select(Assessment)).status == "submitted"
    out = chat.click("navi:level:1:ai-policy:4")  # an old button after submission
    assert "提出済み" in out or "古いメッセージ" in out
    out = chat.say("ナビを始める")
    assert "提出済み" in out and "全体スコア" in out
    with seeded.transaction() as s:
        assert s.scalar(select(Answer).where(Answer.item_id == "ai-policy")).level == 1


def test_review_before_submitting(router):
    chat = Chat(router, "fay", org=ORG)
    start(chat, "AI利用者")
    answer_all(chat, ["user"])
    out = chat.say("2")  # 回答を見直す
    assert "1. AIポリシー: 2点" in out
    out = chat.say("項目 1")
    assert "現在の回答: 2点" in out
    chat.say("4")
    assert "提出しますか" in chat.question.title


def test_user_without_company_or_round(seeded):
    router = Router(seeded, clock=lambda: NOW)
    out = Chat(router, "stranger").say("ナビを始める")
    assert "所属会員企業が見つかりませんでした" in out
    out = Chat(router, "by-mail", email="x@test.example").say("ナビを始める")
    assert "よろしいですか" in out  # linked by e-mail domain
    later = Router(seeded, clock=lambda: NOW + timedelta(days=400))
    with seeded.transaction() as s:
        s.scalar(select(Round)).status = "closed"
    assert "no self-assessment round open" in Chat(later, "alice", org=ORG).say("start navi")
    assert "受付中の自己診断ラウンドはありません" in Chat(later, "ann", org=ORG).say("ナビを始める")


def test_english_and_switching_language(router):
    chat = Chat(router, "gil", org=ORG, locale="en-US")
    out = chat.say("start navi")
    assert "Start the self-assessment" in out
    chat.say("yes")
    out = chat.click(chat.choice_value("Both"))
    assert "1. AI policy" in out and "Level 1 — Not started / don't know" in out
    out = chat.say("日本語")
    assert "日本語で表示します" in out and "1. AIポリシー" in out
    out = chat.say("ヘルプ")
    assert "ナビを始める" in out


def test_unknown_text_gets_help_in_the_users_language(router):
    assert "Sorry, I did not understand" in Chat(router, "h1").say("what is this thing")
    assert "よく分かりませんでした" in Chat(router, "h2").say("これは何ですか")
