"""Issue 14: the FAQ answers what was asked — the facet first, assumptions stated, menus and the
calculator only after; honest about what the guide does not say; "none of these" on the console.

Runs through the real Router (console), on SQLite and on PostgreSQL when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from handlers.faq import is_past_event_question
from handlers.faq.amounts import capital_amount, find_month
from handlers.faq.engine import engine
from handlers.faq.knowledge import knowledge
from handlers.faq.topics import SilentTopics
from handlers.router import Router
from handlers.types import Question
from store.faq import ForwardedQuestion
from tests.support import factories as f
from tests.support.chat import Chat

NOW = f.NOW  # Friday 27 November 2026, 10:00 in Tokyo
TODAY = date(2026, 11, 27)


@pytest.fixture
def router(database):
    return Router(database, admins=frozenset({"console:admin"}), clock=lambda: NOW)


# ----- fees: the answer first, the assumption stated, the calculator after ------------------


def test_a_month_without_a_class_gets_both_classes_for_that_half_then_the_calculator(router):
    chat = Chat(router, "amy")
    out = chat.say("11月に入会したらいくらになりますか")
    assert "11月入会は上期（10月～翌3月）です" in out
    assert "入会費10万円＋年会費50万円＝合計60万円" in out  # standard
    assert "入会費5万円＋年会費10万円＝合計15万円" in out  # SMB / startup
    assert "資本金1億円より大きければ通常枠" in out  # the assumption, said
    assert "下期" not in out.split("出典")[0].replace("下期＝", "")  # the half asked, only
    last = chat.last[-1]
    assert isinstance(last, Question) and last.key == "faq:calc-offer"  # offered AFTER
    assert "合計: 60万円" in chat.say("資本金3億円")  # a typed fact settles the figure


def test_a_class_without_a_month_gets_both_halves(router):
    out = Chat(router, "ben").say("通常わくで入会したら年会費はいくら？")
    assert "上期（10月～翌3月）入会の場合 入会費10万円+年会費50万円" in out
    assert "下期（4月～9月）入会の場合 入会費10万円+年会費25万円" in out
    assert "資本金はいくらですか" not in out


@pytest.mark.parametrize("text, total", [
    ("通常わくで十月入会の年会費おしえて", "60万円"),
    ("regular member fee joining in October", "¥600,000"),
    ("Regular membership, joining in July: what is the total first-year cost?", "¥350,000"),
    ("資本金1億5千万円の会社で、9月入会を考えています。費用は？", "35万円"),
    ("Our capital is 50 million yen and we have no parent. Fees if we join in 2026-10?",
     "¥150,000"),
])
def test_class_and_month_from_the_question_itself(router, text, total):
    out = Chat(router, "cat").say(text)
    assert total in out


def test_the_parent_share_is_assumed_and_said_not_asked(router):
    chat = Chat(router, "dee")
    out = chat.say("資本金1億円ちょうどの会社が4月に入会する場合の年会費は？")
    assert "合計: 10万円" in out and "50%以下（親会社なしを含む）と仮定" in out
    assert chat.question is None or chat.question.key == "faq:calc-offer"


def test_a_comparison_of_two_months_shows_both_half_years(router):
    out = Chat(router, "eve").say("SMB枠だと10月と4月では年会費はどう違う？")
    assert "年会費10万円" in out and "年会費5万円" in out


@pytest.mark.parametrize("text, yen", [
    ("資本金1億5千万円", 150_000_000), ("資本金3,000万円", 30_000_000),
    ("capital of 50 million yen", 50_000_000), ("Our capital is ¥200m", 200_000_000),
    ("1.5 billion yen in capital", 1_500_000_000), ("capital is 5 oku yen", 500_000_000),
])
def test_capital_in_any_notation(text, yen):
    amount = capital_amount(text)
    assert amount is not None and amount.value == yen


def test_a_year_month_and_a_bad_month_number():
    assert find_month("joining 2026-10", TODAY).month == 10
    assert find_month("joining 2026-13", TODAY) is None or find_month(
        "joining 2026-13", TODAY).month != 13


@pytest.mark.parametrize("text, verdict", [
    ("Our capital is ¥200m. Can we join as a startup?", "Not eligible for the SMB / startup"),
    ("資本金100,000,000円の株式会社はSMB・スタートアップ枠の対象ですか", "SMB・スタートアップ枠の対象です"),
    ("親会社比率６０％、資本金３千万の会社はSMB枠？", "SMB・スタートアップ枠の対象外"),
])
def test_eligibility_questions_get_a_verdict_first(router, text, verdict):
    assert verdict in Chat(router, "fox").say(text)


def test_which_half_a_date_belongs_to(router):
    out = Chat(router, "gil").say("9月30日に入会した場合はどちらの期になる？")
    assert out.startswith("9月は下期（4月～9月）です")


def test_an_explicit_calculation_request_still_asks_step_by_step(router):
    chat = Chat(router, "hep")
    chat.say("会費を計算したい。11月入会です")
    assert chat.question is not None and chat.question.key == "faq:fee:capital"


# ----- facts inside the guide, and what it does not say --------------------------------------


@pytest.mark.parametrize("text, fact", [
    ("透明性・アカウンタビリティ確保の項目数は？", "透明性・アカウンタビリティ確保: 10項目"),
    ("How many areas does the Navi cover?", "36 items in 5 areas"),
    ("What does AIGA stand for?", "AIGA stands for AI Governance Association"),
    ("ナビの改定方針は誰が決めていますか", "専門委員会"),
    ("有識者会員はどの手続きを省略できますか", "5及び6"),
])
def test_one_fact_inside_the_guide_is_answered_directly(router, text, fact):
    chat = Chat(router, "ida")
    out = chat.say(text)
    assert fact in out
    assert "もしかして" not in out and "Did you mean" not in out


@pytest.mark.parametrize("text", ["会費は税込ですか？", "翌年度以降の年会費はいくらですか？",
                                  "会員になるメリットは？", "Who pays the bank transfer fees?",
                                  "How do I cancel my membership?"])
def test_the_guide_is_silent_and_says_so_with_the_forward_offer(router, text):
    chat = Chat(router, "jon")
    out = chat.say(text)
    assert "記載が見つかりませんでした" in out or "does not say" in out
    assert chat.question is not None and chat.question.key == "faq:forward"


def test_silent_topic_words_do_not_steal_answered_questions():
    topics = SilentTopics(knowledge())
    for text in ("ナビの改定はどのくらいの頻度？", "年会費はいくら？", "継続的なリスク管理とは",
                 "What is the entrance fee?", "Is there a taxonomy of risks?"):
        assert topics.find(text) is None, text
    assert topics.find("税" * 40_000 + "税込") is None  # only the first 4,000 characters


@pytest.mark.parametrize("text, past", [
    ("AIGA Meetup #2はいつでしたか", True), ("設立記念シンポジウムはいつ？", True),
    ("When was the founding symposium?", True), ("年次シンポジウムには何人参加しましたか", True),
    ("次のMeetupはいつ？", False), ("upcoming events", False), ("When is the next symposium?", False),
    ("会費はいくら？", False), ("m" * 40_000, False),
])
def test_past_event_questions_are_recognised_for_the_router(text, past):
    assert is_past_event_question(text) is past


def test_the_faq_itself_answers_past_events():
    faq = engine()
    assert faq.interpret("AIGA Meetup #2はいつでしたか", TODAY).top_entry == "meetups"
    assert faq.interpret("When was the founding symposium?",
                         TODAY).top_entry == "founding-symposium"


# ----- "none of these" on the console: typed or by number ------------------------------------


def _forwarded(database) -> list[str]:
    with database.transaction() as s:
        return [r.text for r in s.scalars(select(ForwardedQuestion))]


def test_none_of_these_typed_forwards_the_question(router, database):
    chat = Chat(router, "kim")
    chat.say("申込フォームの入力を間違えてしまいました")
    assert "事務局に転送しました" in chat.say("どれでもない")
    assert _forwarded(database) == ["申込フォームの入力を間違えてしまいました"]
    assert "事務局に転送しました" not in chat.say("どれでもない")  # not twice


def test_none_of_these_by_number_forwards_the_question(router, database):
    chat = Chat(router, "lou", locale="en-US")
    chat.say("I made a typo in the application form")
    question = chat.question
    assert question is not None and question.choices[-1].value == "faq:fwd"
    assert "Forwarded to the secretariat" in chat.say(str(len(question.choices)))
    assert _forwarded(database) == ["I made a typo in the application form"]


def test_none_of_these_with_nothing_open_is_not_a_forward(router, database):
    out = Chat(router, "max").say("none of these")
    assert "Forwarded" not in out and "転送しました" not in out
    assert _forwarded(database) == []
