"""The facet asked (issue 14): a figure the guide does not give is said to be missing, the step
after a step is answered, a legal form's eligibility goes to who can join, near ties go to the
entry the question names; and event questions reach the FAQ when the guide is the answer."""

from __future__ import annotations

import time
from datetime import date

import pytest
from sqlalchemy import select

from handlers.faq import is_past_event_question
from handlers.faq.engine import engine
from handlers.faq.facets import asked_figure, eligibility, next_step
from handlers.faq.gaps import unknown_terms
from handlers.faq.knowledge import KnowledgeError, knowledge, load_knowledge
from handlers.faq.normalise import fold
from handlers.faq.topics import SilentTopics, unrecorded_event
from handlers.router import Router
from store.faq import ForwardedQuestion
from tests.support import factories as f
from tests.support.chat import Chat

TODAY = date(2026, 11, 27)
NOW = f.NOW


def ask(text: str):
    return engine().interpret(text, TODAY)


# ----- a figure the guide does not give -----------------------------------------------------


@pytest.mark.parametrize("text", ["有識者会員は現在何名いますか？", "秘密保持誓約の有効期間は何年ですか？",
                                  "How many days do we have to pay the invoice?",
                                  "How many hours is the All-Hands?"])
def test_a_figure_no_entry_gives_is_said_to_be_missing_with_the_entry_as_background(text):
    result = ask(text)
    assert result.kind == "choices" and result.figure is not None and result.hits


@pytest.mark.parametrize("text, entry", [
    ("年次シンポジウムには何人参加しましたか", "annual-symposium"),
    ("How many member companies are there?", "members"),
    ("AIガバナンス研究会ってどれくらいの頻度でやってる？", "all-hands"),
    ("ナビの項目1番目って何？", "navi-items"),
])
def test_the_entry_that_gives_the_figure_asked_goes_first(text, entry):
    result = ask(text)
    assert result.top_entry == entry and result.figure is None


def test_votes_asked_get_an_entry_that_gives_them():
    result = ask("正会員って1社で何票持てるの")
    assert result.figure is None and "1社1口" in result.hits[0].entry.answer.ja


def test_a_question_without_a_figure_asks_for_none_and_per_company_is_not_a_count():
    assert asked_figure(fold("会費はいくら？")) is None
    assert asked_figure(fold("ナビは何項目？")) is None  # answered by the Navi's own entries
    figure = asked_figure(fold("how many companies"))
    assert figure is not None and not figure.given.search(fold("1社1口"))
    assert figure.given.search(fold("会員数は126社です"))


def test_the_figure_line_is_said_in_the_users_language(router):
    out = Chat(router, "ann").say("有識者会員は現在何名いますか？")
    assert "人数の記載がありません" in out and "どれでもない" in out
    out = Chat(router, "bob", locale="en-US").say("How many days do we have to pay the invoice?")
    assert "does not give a number of days" in out


# ----- the step after a step ---------------------------------------------------------------


@pytest.mark.parametrize("text, entry", [
    ("会費の支払いが終わったら次は何がありますか？", "membership-start"),
    ("after we pay, what happens next?", "membership-start"),
    ("承認された後はどうなりますか", "payment"),
    ("What happens after we submit the application form?", "application-review"),
    ("有識者会員は理事会で承認された後どうなりますか", "membership-start"),  # skips 5 and 6
])
def test_the_step_after_the_step_named_is_answered(text, entry):
    assert ask(text).top_entry == entry


@pytest.mark.parametrize("text", ["申請内容に不備があったらどうなりますか", "会費はいくら？",
                                  "what happens next?", "after lunch, what happens next?"])
def test_no_step_named_or_no_after_is_not_a_next_step(text):
    assert next_step(fold(text), knowledge()) is None


def test_the_last_step_has_no_next():
    assert next_step(fold("ロゴの掲載の後は何がありますか"), knowledge()) is None


def test_a_step_pointing_at_a_missing_entry_stops_the_load(tmp_path):
    from handlers.faq.knowledge import DATA_FILE
    text = DATA_FILE.read_text(encoding="utf-8").replace("entry: membership-start",
                                                         "entry: no-such-entry", 1)
    bad = tmp_path / "membership.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError, match="no-such-entry"):
        load_knowledge(bad)


# ----- eligibility of a legal form, near ties, shorthand -------------------------------------


@pytest.mark.parametrize("text", ["うちは一般社団法人なんですが、正会員として入れますか",
                                  "Can a university join?", "NPO法人でも入会できますか"])
def test_a_legal_form_asking_to_join_gets_who_can_join(text):
    assert ask(text).top_entry == "organisations"


def test_the_associations_own_name_is_not_a_legal_form():
    assert eligibility(fold("一般社団法人AIガバナンス協会に入会できますか"), knowledge()) is None


def test_a_near_tie_goes_to_the_entry_named_more_precisely():
    result = ask("一般社団法人の設立記念シンポジウムはいつ開催されましたか？どんな内容でしたか？")
    assert result.top_entry == "founding-symposium"


def test_chat_shorthand_is_read_as_the_word_and_never_named_as_missing():
    index = engine().index
    assert unknown_terms(index, "can multiple ppl from our company join WG activities?") == ()
    assert ask("can multiple ppl from our company join WG activities?").top_entry == \
        "participation"


# ----- events: the guide's answer, the events feature's listing -----------------------------


@pytest.mark.parametrize("text, faq", [
    ("月次のAll-Handsってオンライン？対面？", True),  # 「月次の」 is not 「次の」
    ("AIGA Stand-Upとはどんな会ですか", True),
    ("When is the annual symposium in 2026?", True),
    ("次回のMonthly All-Handsはいつ開催されますか？", False),
    ("is the next All-Hands online?", False),  # the listing says where
    ("来年の年次シンポジウムっていつやる予定？", False),
    ("次のAll-Handsはいつ？", False),
])
def test_event_questions_the_faq_answers(text, faq):
    assert is_past_event_question(text) is faq


@pytest.mark.parametrize("text, entry", [
    ("when is AIGA Meetup #3?", "meetups"), ("When is the annual symposium in 2026?",
                                             "annual-symposium"),
    ("次回のAll-Handsはいつ？", "all-hands"), ("来年の年次シンポジウムっていつやる予定？",
                                           "annual-symposium"),
])
def test_a_date_the_guide_does_not_record_is_silent_with_the_event_as_background(text, entry):
    assert unrecorded_event(fold(text), knowledge()).id == entry
    result = ask(text)
    assert result.kind == "silent" and result.silent.related == entry


@pytest.mark.parametrize("text", ["AIGA Meetup #2はいつでしたか", "When was the founding symposium?",
                                  "年次シンポジウムは2025年の何日？", "月次のAll-Handsはいつ？",
                                  "会費はいつ払う？"])
def test_a_date_the_guide_records_is_not_silent(text):
    assert unrecorded_event(fold(text), knowledge()) is None


def test_hostile_sizes_cost_little_and_do_not_crash():
    topics = SilentTopics(knowledge())
    for text in ("#" * 40_000 + "meetup いつ", "次の" * 20_000, "after " * 8_000 + "pay next",
                 "何名" * 20_000, "1番目" * 10_000):
        started = time.perf_counter()
        topics.find(text)
        is_past_event_question(text)
        ask(text[:4_000])
        assert time.perf_counter() - started < 0.5, text[:20]


@pytest.fixture
def router(database):
    return Router(database, admins=frozenset({"console:admin"}), clock=lambda: NOW)


def test_nothing_scheduled_adds_what_the_guide_says_and_the_forward_offer(router, database):
    chat = Chat(router, "cat")
    out = chat.say("次のAll-Handsはいつ？")
    assert "予定されているAll-Handsはまだありません" in out
    assert "記載が見つかりませんでした" in out and "毎月" in out  # the guide: it is monthly
    assert chat.question is not None and chat.question.key == "faq:forward"
    chat.say("どれでもない")
    with database.transaction() as s:
        assert [r.text for r in s.scalars(select(ForwardedQuestion))] == ["次のAll-Handsはいつ？"]


def test_a_scheduled_event_is_listed_without_the_guide(router):
    admin = Chat(router, "admin", locale="ja")
    admin.say('event add kind=allhands title="12月 All-Hands" start="2026-12-17 12:00" end=13:00')
    out = Chat(router, "dan").say("次のAll-Handsはいつ？")
    assert "2026年12月17日" in out and "記載が見つかりませんでした" not in out


def test_an_event_format_question_reaches_the_faq_not_the_listing(router):
    out = Chat(router, "eve").say("月次のAll-Handsってオンライン？対面？")
    assert "まだありません" not in out and "記載が見つかりませんでした" in out
