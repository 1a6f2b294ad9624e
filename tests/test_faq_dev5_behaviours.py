"""Behaviours added after the fifth development set's first contact (83.8 %, 134/160).

A question with several parts gets an answer to each part (parts.py); a fee question that also
touches a topic the guide is silent on gets the fees and the honest sentence; "admission fee" on
its own is the entrance fee; 「4がつ」 is a month; an officer's affiliation asks who the officers
are; a duration asked of an event is looked for in the entries giving one; and the facts the
guide gives (Spotlight's planned themes, what ver1.1 changed, the number of representative
directors, what follows the secretariat's check) are in the answers. Engine tests are pure;
the chat tests run through the real Router (console), on SQLite and on PostgreSQL when
TEST_DATABASE_URL is set.
"""

from __future__ import annotations

from datetime import date

import pytest

from handlers.faq import amounts, parts
from handlers.faq.engine import engine
from handlers.router import Router
from tests.support import factories as f
from tests.support.chat import Chat

TODAY = date(2026, 11, 30)


def ask(text: str, lang: str | None = None):
    return engine().interpret(text, TODAY, default_lang=lang or "ja")


@pytest.fixture
def router(database):
    return Router(database, admins=frozenset(), clock=lambda: f.NOW)


# ----- the other parts of a multi-part question ----------------------------------------------


@pytest.mark.parametrize(("text", "extra"), [
    ("capital 5億円, joining in Novmber — fees? also, do we have voting rights?", "voting"),
    ("資本金３億円で１１月入会の会費は？あと、議決権はありますか", "voting"),
    ("議決権って何票？うちからは4-5人くらい参加させたいです", "participation"),
    ("what does the AIGA Spotlight do? also who are the board members?", "spotlight"),
])
def test_each_part_of_a_question_gets_its_entry(text, extra):
    result = ask(text)
    assert extra in {e.id for e in result.also}


@pytest.mark.parametrize("text", [
    "資本金3億円、10月入会の会費はいくら？",
    "What is AIGA Spotlight?",
    "pls tell me the fee for SMB track in April?? thx",
    "議決権は？？？",
])
def test_a_one_part_question_gets_no_extra_entries(text):
    assert ask(text).also == ()


def test_a_part_asking_a_figure_its_entry_lacks_is_left_out():
    result = ask("What's AIGA Spotlight about? and how long is one episode?", "en")
    assert result.top_entry == "spotlight"  # the entry that gives minutes answers the duration
    assert "approval" not in {e.id for e in result.also}


def test_parts_split_on_numbered_items_and_also():
    pieces = parts.parts("(1) which class? (2) total cost（３）what do we sign. also: voting")
    assert len(pieces) == 4


def test_parts_are_distinct_and_bounded():
    assert parts.parts("会費？" * 300) == ["会費"]
    many = parts.parts("？".join(f"質問{n}について" for n in range(50)))
    assert len(many) == parts.MAX_PARTS and many[0] == "質問0について"


def counting_ranks(monkeypatch) -> list[str]:
    """The texts the engine's index ranks, counted (each rank is a search)."""
    index = engine().index
    seen: list[str] = []
    real = type(index).rank

    def rank(self, text, *args, **kwargs):
        seen.append(text)
        return real(self, text, *args, **kwargs)

    monkeypatch.setattr(type(index), "rank", rank)
    return seen


def test_a_message_of_hundreds_of_parts_ranks_a_handful(monkeypatch):
    """「会費？あと議決権？」×60 must not become 120 searches on the turn's thread."""
    seen = counting_ranks(monkeypatch)
    result = ask("会費はいくら？あと、議決権は？WGは？" * 60)
    assert result.kind in ("answer", "choices")
    assert len(seen) <= parts.MAX_PARTS + 3  # the whole (twice at most) and the parts


def test_a_one_part_question_is_ranked_once(monkeypatch):
    seen = counting_ranks(monkeypatch)
    ask("What is AIGA Spotlight?", "en")
    assert len(seen) == 1


def test_two_entries_compared_are_both_shown():
    result = ask("Stand-Upとコモンズはどう違う？")
    assert {result.top_entry, *(e.id for e in result.also)} >= {"stand-up", "commons"}


def test_a_multi_part_reply_answers_both_parts_in_chat(router):
    out = Chat(router, "ken").say("資本金２億円、５月入会の総額は？あと議決権は何口？")
    assert "35万円" in out and "1社1口" in out


# ----- fees answered, the silent part said -----------------------------------------------------


@pytest.mark.parametrize("text", [
    "standard membership joining in Sept — total invoice? incl. consumption tax?",
    "通常枠で８月入会の合計は？消費税は込み？",
    "capital 50M yen, what class are we, and is headcount a criterion?",
])
def test_fees_with_a_silent_part_answer_the_fees_and_keep_the_topic(text):
    result = ask(text)
    assert result.kind in ("fee", "fee_ask") and result.silent is not None


@pytest.mark.parametrize("text", ["会費は税込ですか？", "Is the annual fee VAT inclusive?",
                                  "SMB枠の会費は税込？"])
def test_a_silent_topic_without_the_applicants_facts_stays_silent(text):
    assert ask(text).kind == "silent"


def test_the_fee_and_the_silent_sentence_both_reach_the_user(router):
    out = Chat(router, "mia", locale="en-US").say(
        "Regular track, joining AUG 2026: invoice total? Tax included?")
    assert "350,000" in out and "does not say" in out and "forward" in out.lower()


def test_a_fee_with_a_silent_part_can_be_forwarded(router):
    chat = Chat(router, "ryo")
    chat.say("資本金9000万円、従業員数は3000人。どの枠ですか？")
    out = chat.click("faq:fwd")
    assert "転送" in out or "forward" in out.lower()


# ----- words and numbers -----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["What's the admission fee for a company with ¥2bn capital?",
                                  "admission fee and annual fee, capital 3 billion yen, June"])
def test_admission_fee_alone_is_the_entrance_fee(text):
    assert ask(text, "en").kind in ("fee", "fee_ask")


def test_an_admission_fee_for_an_event_is_still_silent():
    result = ask("Is there an admission fee for the annual symposium?", "en")
    assert result.kind == "silent" and result.silent is not None
    assert result.silent.id == "event-fees"


@pytest.mark.parametrize(("text", "month"), [("４がつ", 4), ("１２ガツ入会", 12), ("9 がつ", 9)])
def test_a_month_in_kana_is_read(text, month):
    found = amounts.find_month(text, TODAY)
    assert found is not None and found.month == month


def test_a_kana_month_settles_the_half_year_of_a_fee():
    result = ask("SMBわく 年会費 ５がつ")
    assert result.kind == "fee" and result.quote is not None and result.quote.annual == 50_000


# ----- facets: an officer's affiliation, a duration -------------------------------------------


@pytest.mark.parametrize("text", ["Ciscoの人って協会にいる？", "anyone from KDDI in AIGA?",
                                  "東京海上の方はいますか"])
def test_an_officers_affiliation_asks_who_the_officers_are(text):
    assert ask(text).top_entry == "officers"


def test_an_affiliation_without_a_person_is_not_about_officers():
    assert ask("KDDIは会員ですか").top_entry != "officers"


@pytest.mark.parametrize("text", ["how long is each Spotlight episode?",
                                  "Spotlightって1回の所要時間は？"])
def test_a_duration_is_answered_by_the_entry_that_gives_minutes(text):
    assert ask(text).top_entry == "spotlight"


# ----- facts from the guide now in the answers -------------------------------------------------


def test_spotlight_planned_themes_are_given(router):
    out = Chat(router, "sae").say("AIGA Spotlightって今後どんなテーマをやる予定？")
    assert "AGI" in out and "経済安全保障" in out


def test_the_number_of_representative_directors_is_given(router):
    out = Chat(router, "tom").say("代表理事は何名？誰？")
    assert "3名" in out and "大柴" in out


def test_what_ver11_changed_in_scoring_is_given(router):
    out = Chat(router, "uma").say("ナビのver1.1では採点基準の何が変わった？")
    assert "3点・4点" in out


def test_after_the_application_the_board_is_named(router):
    out = Chat(router, "leo", locale="en-US").say("After sending the application form, what happens then?")
    assert "board" in out


@pytest.mark.parametrize(("text", "topic"), [
    ("If a member violates the confidentiality pledge, can they be expelled?", "sanctions"),
    ("会員規程に違反したら除名されますか", "sanctions"),
    ("3月中に申込みしたら、4月入会でも上期扱い？", "half-basis"),
    ("減資したので通常枠からSMB枠に変更できますか", "class-change"),
    ("WGってどんなのがあるの", "working-groups"),
])
def test_new_silent_topics(text, topic):
    result = ask(text)
    assert result.silent is not None and result.silent.id == topic
