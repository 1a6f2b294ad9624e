"""The FAQ through the real Router: answers, the fee dialogue, forwarding and the admin list.

Runs on SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from handlers.faq import FaqHandler
from handlers.router import Router
from handlers.types import Answered, Fields, Question, plain_text
from store.faq import ForwardedQuestion
from store.models import Answer, ConversationState, Organisation, Round, User
from tests.support import factories as f
from tests.support.chat import Chat

NOW = f.NOW  # Friday 27 November 2026, 10:00 in Tokyo


@pytest.fixture
def router(database):
    return Router(database, admins=frozenset({"console:admin"}), clock=lambda: NOW)


def fields_of(chat: Chat) -> dict[str, str]:
    table = next(r for r in chat.last if isinstance(r, Fields))
    return dict(table.fields)


def faq_state(database, user_id: str) -> dict | None:
    with database.transaction() as s:
        user = s.scalar(select(User).where(User.platform_user_id == user_id))
        conv = s.scalar(select(ConversationState).where(ConversationState.user_id == user.id))
        return (conv.data or {}).get("faq")


def test_a_question_gets_the_guides_answer_with_its_source(router):
    chat = Chat(router, "alice")
    out = chat.say("事務所はどこにありますか")
    assert "〒104-0061 東京都中央区銀座1-12-4N&E BLD.7階" in out
    assert "出典: 一般社団法人AIガバナンス協会 ご入会案内「1. 団体概要」" in out
    out = chat.say("When was the association founded?")
    assert "1 October 2024" in out and "Source:" in out and "出典" not in out


def test_fee_dialogue_asks_one_thing_at_a_time_then_shows_the_breakdown(router, database):
    chat = Chat(router, "bob")
    chat.say("うちの会費を計算したいです")
    assert chat.question is not None and chat.question.key == "faq:fee:capital"
    chat.say("資本金は5000万円です")
    assert chat.question is not None and chat.question.key == "faq:fee:parent"
    assert faq_state(database, "bob")["pending"]["facts"] == {"capital": 50_000_000}
    chat.say("親会社はありません")
    assert chat.question is not None and chat.question.key == "faq:fee:month"
    out = chat.click(chat.choice_value("今月"))
    assert Answered("faq:fee:month", "11月") in chat.last
    assert fields_of(chat) == {
        "会員区分": "正会員（SMB・スタートアップ枠）",
        "入会時期": "11月 → 上期（10月～翌3月）",
        "入会費": "5万円",
        "年会費（上期入会）": "10万円",
        "合計": "15万円",
    }
    assert "資本金5000万円は1億円以下" in out and "会費表に基づく計算" in out
    assert faq_state(database, "bob") is None  # nothing pending any more


def test_fee_in_one_english_sentence_and_with_buttons(router):
    chat = Chat(router, "carol")
    chat.say("How much would we pay? Our capital is 300M yen and we'd join in May.")
    assert fields_of(chat) == {
        "Class": "Regular member (standard)", "Joining": "May → second half (April to September)",
        "Entrance fee": "¥100,000", "Annual fee (joining in the second half)": "¥250,000",
        "Total": "¥350,000",
    }
    chat.click("faq:fee:start")
    chat.say("1")  # a typed number picks the first button: 100 million yen or less
    assert chat.question is not None and chat.question.key == "faq:fee:parent"
    chat.click("faq:fee:parent:yes")
    chat.click("faq:fee:half:second_half")
    table = fields_of(chat)
    assert table["Class"] == "To be confirmed (not SMB / startup)"
    assert "please confirm with the secretariat" in plain_text(chat.last).lower()


def test_the_open_case_explains_and_points_to_the_secretariat(router):
    chat = Chat(router, "dan")
    out = chat.say("資本金1億円、親会社が60%出資している子会社です。10月入会の会費を教えて")
    assert "SMB・スタートアップ枠の対象外" in out and "事務局にご確認ください" in out
    table = next(r for r in chat.last if isinstance(r, Fields))
    assert table.title == "会費（参考: 通常枠として扱われる場合）"
    assert dict(table.fields)["合計"] == "60万円"


def test_exactly_100_million_and_exactly_50_percent_are_smb(router):
    out = Chat(router, "erin").say("資本金ちょうど1億円、親会社の出資比率は50%、5月入会の会費は？")
    assert "正会員（SMB・スタートアップ枠）" in out and "合計: 10万円" in out
    assert "ちょうど1億円の場合も" in out and "ちょうど50%の場合" in out


def test_approval_estimate_names_the_mid_month_meeting(router):
    out = Chat(router, "fay").say("12月3日に申し込んだら、いつ承認されますか？")
    assert "2026年12月3日にお申し込みの場合、2026年12月中旬頃の理事会" in out
    assert "目安" in out and "毎月中旬頃" in out
    out = Chat(router, "gus").say("If we apply on 15 December, when would we be approved?")
    assert "January 2027" in out and "estimate" in out


def test_weak_match_answers_the_best_entry_and_offers_the_close_ones(router):
    """Issue 14: a modest match is answered, not turned into a menu; close alternatives and
    "none of these" (numbered, so a typed number works on the console) come after it."""
    chat = Chat(router, "hal")
    out = chat.say("申込フォームの入力を間違えてしまいました")
    assert "不備等がある場合には" in out  # the answer itself, first
    question = chat.question
    assert question is not None and question.key == "faq:choices"
    assert 1 <= len(question.choices) <= 3 and question.choices[-1].value == "faq:fwd"
    assert all(c.value.startswith("faq:entry:") for c in question.choices[:-1])
    assert all(len(c.value) < 150 for c in question.choices)
    out = chat.click("faq:entry:apply")
    assert "随時受け付けています" in out
    assert any(isinstance(r, Answered) and r.key == "faq:choices" for r in chat.last)


def test_no_match_is_honest_and_forwarding_is_logged(router, database):
    chat = Chat(router, "ivy")
    out = chat.say("退会するにはどうすればいいですか")
    assert "見つかりませんでした" in out and chat.question is not None
    forward = chat.choice_value("事務局に転送する")
    assert "よく分かりませんでした" in chat.say("ok")  # small talk keeps the offer open
    out = chat.click(forward)
    assert "事務局に転送しました（受付番号 #" in out
    with database.transaction() as s:
        rows = s.scalars(select(ForwardedQuestion)).all()
        assert [(r.text, r.lang, r.status) for r in rows] == [
            ("退会するにはどうすればいいですか", "ja", "open")]
        assert rows[0].user.platform_user_id == "ivy"
    assert "転送する質問が見つかりません" in chat.click("faq:fwd")  # not twice


def test_declining_to_forward_logs_nothing(router, database):
    chat = Chat(router, "jo")
    chat.say("Is there a dress code for members?")
    chat.click("faq:fwd:no")
    with database.transaction() as s:
        assert s.scalars(select(ForwardedQuestion)).all() == []


def test_admins_list_and_close_forwarded_questions_others_cannot(router, database):
    Chat(router, "kim").say("駐車場はありますか")
    Chat(router, "kim").click("faq:fwd")
    member = Chat(router, "kim")
    assert "事務局（管理者）のみ" in member.say("質問一覧")
    assert "事務局（管理者）のみ" in member.click("faq:done:1")
    admin = Chat(router, "admin")
    out = admin.say("質問一覧")
    assert "転送された質問（未対応 1件）" in out and "駐車場はありますか" in out
    assert "Forwarded questions (1 open)" in Chat(router, "admin").say("faq questions")
    out = admin.click(admin.choice_value("#1 を対応済み"))
    assert "#1 を対応済みにしました" in out
    assert "未対応の転送質問はありません" in admin.say("質問一覧")
    with database.transaction() as s:
        row = s.scalars(select(ForwardedQuestion)).one()
        assert row.status == "done" and row.handled_at is not None


def test_cancel_and_unreadable_answers_during_the_fee_dialogue(router, database):
    chat = Chat(router, "lee")
    chat.say("11月入会の会費を計算して")  # asked to calculate: the calculator asks
    assert chat.question is not None and chat.question.key == "faq:fee:capital"
    out = chat.say("うーん")
    assert "読み取れませんでした" in out and chat.question.key == "faq:fee:capital"
    assert "会費の計算を中止しました" in chat.say("キャンセル")
    assert faq_state(database, "lee") is None


def test_another_question_mid_dialogue_is_answered_and_ends_it(router, database):
    chat = Chat(router, "max")
    chat.say("会費を計算して")
    out = chat.say("ホームページのURLは？")
    assert "https://www.ai-governance.jp/" in out
    assert faq_state(database, "max") is None


def test_answers_follow_the_language_of_the_question(router):
    chat = Chat(router, "nat", locale="ja-JP")  # prefers Japanese, asks in English
    out = chat.say("Do members get voting rights?")
    assert "have voting rights at the general meeting (one vote per company)" in out
    assert "Source: AI Governance Association membership guide" in out
    assert "総会議決権は" in chat.say("議決権はありますか")


def test_small_talk_falls_through_to_the_routers_help(router):
    chat = Chat(router, "oli")
    out = chat.say("ありがとう")
    assert "すみません、よく分かりませんでした。" in out
    assert "「資本金5000万円、11月入会の会費は？」" in out  # the FAQ's help lines
    assert "Sorry, I did not understand" in Chat(router, "oli-en").say("ok")
    assert not any(isinstance(r, Question) and r.key.startswith("faq:") for r in chat.last)


def test_stale_and_unknown_buttons_get_a_polite_answer(router):
    chat = Chat(router, "pat")
    assert "使えなくなりました" in chat.click("faq:entry:no-such-entry")
    assert "使えなくなりました" in chat.click("faq:bogus")
    assert "転送する質問が見つかりません" in chat.click("faq:fwd")


# ----- strict mode (the router passes strict=True during an assessment item) --------------


def test_strict_mode_answers_only_confident_matches_and_pending_replies(database):
    handler = FaqHandler()
    with database.transaction() as s:
        person = f.user(s, "console:quinn", None)
        turn = f.turn(s, person)
        assert handler.handle_text(turn, "abc", strict=True) is None
        assert handler.handle_text(turn, "申込フォームの入力を間違えてしまいました",
                                   strict=True) is None  # only a weak match
        assert handler.handle_text(turn, "退会したい", strict=True) is None
        answer = handler.handle_text(turn, "事務所はどこにありますか", strict=True)
        assert answer is not None and "銀座" in answer[0].fallback()
        fees = handler.handle_text(turn, "年会費を教えてください", strict=True)
        assert fees is not None and not any(isinstance(r, Question) for r in fees)
        asked = handler.handle_text(turn, "11月入会だと会費はいくら？", strict=True)
        assert asked is not None and turn.data["faq"]["pending"]["ask"] == "capital"
        assert handler.handle_text(turn, "abc", strict=True) is None  # pending kept for later
        replies = handler.handle_text(turn, "資本金3億円", strict=True)
        assert replies is not None and "合計: 60万円" in replies[-1].fallback()
        assert "faq" not in turn.data


def test_faq_question_in_the_middle_of_an_assessment_item(database):
    """Mid-item, a confident FAQ question is answered, small talk is not, and the next digit
    still answers the item (no FAQ buttons steal it)."""
    with database.transaction() as s:
        s.add_all([Organisation(name="株式会社FAQ", membership_class="regular", created_at=NOW),
                   Round(name="2026年度下期", rubric_version="1.1",
                         opens_at=NOW - timedelta(days=1), deadline_at=NOW + timedelta(days=20),
                         status="open", created_at=NOW)])
    router = Router(database, clock=lambda: NOW)
    chat = Chat(router, "rae", org="株式会社FAQ")
    chat.say("ナビを始める")
    chat.say("はい")
    chat.click(chat.choice_value("両方"))
    item_key = chat.question.key
    assert item_key.startswith("navi:item:")
    out = chat.say("年会費を教えてください")
    assert "入会費10万円+年会費50万円" in out and chat.question is None
    chat.say("abc")  # not an FAQ question: the router re-prompts the item
    assert chat.question is not None and chat.question.key == item_key
    chat.say("2")
    with database.transaction() as s:
        assert [a.level for a in s.scalars(select(Answer))] == [2]
