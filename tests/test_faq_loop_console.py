"""The forwarded-question loop through the real Router as console users type it (issue 14):
a member forwards, the admin (console:admin, in AIGA_ADMINS) answers with 「回答 12 …」 or the
guided prompt, the member sees the answer at their next turn; hostile roles, numbers, sizes."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from handlers.router import Router
from handlers.types import MAX_TEXT_CHARS, Failure, Form, Incoming
from store.faq import ForwardedQuestion
from store.models import ConversationState, Organisation, User
from store.reminders import ReminderSlot
from tests.support import factories as f
from tests.support.chat import Chat

NOW = f.NOW
ORG = "株式会社ループ"


@pytest.fixture
def router(database):
    with database.transaction() as s:
        f.org(s, ORG)
    return Router(database, admins=frozenset({"console:admin"}), clock=lambda: NOW)


def forward(router, who: str = "kim", text: str = "駐車場はありますか", lang: str | None = None
            ) -> int:
    chat = Chat(router, who, org=ORG, locale=lang)
    chat.say(text)
    out = chat.click("faq:fwd")
    assert "受付番号 #" in out or "reference #" in out, out
    return int(re.search(r"#(\d+)", out).group(1))


def question(database, qid: int) -> ForwardedQuestion:
    with database.transaction() as s:
        row = s.get(ForwardedQuestion, qid)
        s.expunge(row)
        return row


def slots(database) -> list[tuple[str, str]]:
    with database.transaction() as s:
        return [(r.subject, r.name) for r in s.scalars(select(ReminderSlot)
                                                       .order_by(ReminderSlot.id))]


def test_console_loop_question_answer_inbox(router, database):
    qid = forward(router)
    assert slots(database) == [(f"faq:{qid}", "forward")]  # the secretariat's notice, queued
    row = question(database, qid)
    assert row.org_name == ORG and row.asker_name == "console:kim" and row.status == "open"

    admin = Chat(router, "admin")
    listed = admin.say("質問一覧")
    assert f"#{qid} 未対応" in listed and ORG in listed and "駐車場はありますか" in listed
    out = admin.say(f"回答 {qid} 来客用の駐車場はありません。\n近くのコインパーキングをご利用ください。")
    assert f"#{qid} に回答しました" in out and "次にボットに話しかけたとき" in out
    row = question(database, qid)
    assert row.status == "answered" and row.answered_by_name == "console:admin"
    assert row.answer == "来客用の駐車場はありません。\n近くのコインパーキングをご利用ください。"
    assert row.handled_at is not None and row.answer_lang == "ja"
    assert (f"faq:{qid}", "answer") not in slots(database)  # a console member has no DM

    member = Chat(router, "kim", org=ORG)
    out = member.say("ヘルプ")
    assert out.startswith(f"事務局から回答が届きました（受付番号 #{qid}）")
    assert "コインパーキング" in out and "console:admin" in out and "2026-11-27 10:00" in out
    assert "事務局から回答" not in member.say("ヘルプ")  # shown once

    listed = admin.say("質問一覧")
    assert f"#{qid} 回答済み（console:admin、2026-11-27 10:00）" in listed
    assert "未対応の転送質問はありません" in listed


def test_open_questions_are_listed_before_answered_ones(router, database):
    first = forward(router, "a1", "駐車場はありますか")
    second = forward(router, "a2", "ロゴの利用規定はありますか")
    third = forward(router, "a3", "請求書の宛名を変えられますか")
    admin = Chat(router, "admin")
    admin.say(f"回答 {first} ありません。")
    listed = admin.say("質問一覧")
    order = [listed.index(f"#{n} ") for n in (second, third, first)]
    assert order == sorted(order)
    assert "転送された質問（未対応 2件）" in listed
    assert admin.choice_value(f"#{second} に回答") == f"faq:reply:{second}"


def test_the_console_answer_button_gives_a_guided_prompt(router, database):
    qid = forward(router)
    admin = Chat(router, "admin")
    admin.say("質問一覧")
    out = admin.click(admin.choice_value(f"#{qid} に回答"))
    assert "次のメッセージで送ってください" in out and not any(isinstance(r, Form)
                                                      for r in admin.last)
    out = admin.say("はい、3台分あります。")
    assert f"#{qid} に回答しました" in out
    assert question(database, qid).answer == "はい、3台分あります。"
    # the prompt is used up: the next message is a question for the FAQ again
    assert "回答しました" not in admin.say("会費はいくら？")


def test_the_prompt_can_be_cancelled(router, database):
    qid = forward(router)
    admin = Chat(router, "admin")
    admin.click(f"faq:reply:{qid}")
    assert "回答を中止しました" in admin.say("キャンセル")
    assert question(database, qid).status == "open"


def test_an_english_question_gets_the_note_when_answered_in_japanese(router, database):
    qid = forward(router, "eve", "Is there parking for visitors?", lang="en")
    assert question(database, qid).lang == "en"
    Chat(router, "admin").say(f"answer {qid} 駐車場はありません。")
    out = Chat(router, "eve", org=ORG, locale="en").say("help")
    assert f"The secretariat answered your question (reference #{qid})" in out
    assert "the secretariat wrote this answer in Japanese" in out


def test_a_member_cannot_answer_and_gets_a_polite_refusal(router, database):
    qid = forward(router)
    member = Chat(router, "mallory", org=ORG)
    for typed in (f"回答 {qid} 嘘の回答", f"answer {qid} fake", f"faq answer {qid} x",
                  f"faq追加 {qid}", "faq remove 1", "追加faq一覧"):
        out = member.say(typed)
        assert "事務局（管理者）のみ" in out or "Only the secretariat" in out, typed
    assert "事務局（管理者）のみ" in member.click(f"faq:reply:{qid}")
    assert question(database, qid).status == "open"
    # 「回答 の期限は？」 from a member is a question for the FAQ, not a command
    assert "事務局（管理者）のみ" not in member.say("回答 の期限はいつですか")


@pytest.mark.parametrize("typed, expected", [
    ("回答 999 はい", "#999 の質問は見つかりませんでした"),
    ("回答 12345678901234567890 はい", "使い方"),
    ("回答", "使い方"),
    ("回答 abc はい", "使い方"),
    ("回答 1", "次のメッセージで送ってください"),  # no body: the prompt
    ("回答 ＃１ 全角の番号でも", "#1 に回答しました"),
])
def test_odd_numbers_and_forms_of_the_command(router, database, typed, expected):
    forward(router)
    assert expected in Chat(router, "admin").say(typed)


def test_an_answered_question_cannot_be_answered_again(router, database):
    qid = forward(router)
    admin = Chat(router, "admin")
    admin.say(f"回答 {qid} 一回目")
    out = admin.say(f"回答 {qid} 二回目")
    assert f"#{qid} はすでに回答済みです（console:admin、2026-11-27 10:00）" in out
    assert "はすでに回答済み" in admin.click(f"faq:reply:{qid}")
    assert "はすでに回答済み" in admin.click(f"faq:done:{qid}")
    assert question(database, qid).answer == "一回目"
    admin.say("質問一覧")
    done = forward(router, "b1")
    admin.click(f"faq:done:{done}")
    assert "すでに対応済み" in admin.say(f"回答 {done} 遅い回答")


def test_an_answer_over_the_input_budget_is_refused_unread(router, database):
    qid = forward(router)
    text = f"回答 {qid} " + "あ" * MAX_TEXT_CHARS
    replies = router.handle(Incoming(platform="console", user_id="admin", text=text))
    assert any(isinstance(r, Failure) for r in replies)
    assert question(database, qid).status == "open"
    assert (f"faq:{qid}", "answer") not in slots(database)
    # 3,001 characters fit the budget but not an answer: refused, nothing stored or queued
    out = Chat(router, "admin").say(f"回答 {qid} " + "い" * 3001)
    assert "3,000字以内" in out and question(database, qid).status == "open"


def test_a_member_who_left_and_a_company_removed(router, database):
    gone = forward(router, "gone")
    left = forward(router, "left")
    with database.transaction() as s:
        s.delete(s.scalar(select(User).where(User.platform_user_id == "gone")))
        s.scalar(select(Organisation).where(Organisation.name == ORG)).removed_at = NOW
    admin = Chat(router, "admin")
    listed = admin.say("質問一覧")
    assert f"{ORG}（退会済み）" in listed and "console:gone" in listed
    assert "質問者のユーザーはもう存在しない" in admin.say(f"回答 {gone} 回答です")
    assert question(database, gone).status == "answered"
    assert f"#{left} に回答しました" in admin.say(f"回答 {left} 回答です")


def test_a_stale_or_hostile_reply_state_is_ignored(router, database):
    forward(router)
    admin = Chat(router, "admin")
    admin.say("ヘルプ")  # the user and the state row exist
    with database.transaction() as s:
        user = s.scalar(select(User).where(User.platform_user_id == "admin"))
        conv = s.scalar(select(ConversationState).where(ConversationState.user_id == user.id))
        conv.data = {"faq_reply": {"id": "x", "at": None}}
    out = admin.say("会費はいくら？")
    assert "回答しました" not in out and "入会費" in out
