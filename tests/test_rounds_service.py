"""Rounds: open / extend / close with clear refusals, the admin chat commands, participation,
and previous answers offered item by item in a new round."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from handlers.dates import TOKYO
from handlers.rounds.carry_over import carry_over_offer
from handlers.rounds.commands import handle_round, round_command
from handlers.rounds.participation import counts, participation
from handlers.rounds.service import RoundError, extend_round, open_round
from handlers.types import Fields, plain_text
from rubrics import registry
from store import reminders as rstore
from store.models import Round
from store.reminders import ReminderSlot
from tests.support import factories

NOW = datetime(2026, 11, 27, 15, 0, tzinfo=TOKYO)


def open_(session, **kw):
    args = {"rubric_version": "1.1", "opens": date(2026, 12, 1),
            "deadline": date(2026, 12, 25), "now": NOW, "name": "2026年度下期"} | kw
    return open_round(session, registry(), **args)


def test_open_plans_the_schedule_and_stores_tokyo_times(database):
    with database.transaction() as s:
        rnd = open_(s)
        assert rnd.opens_at == datetime(2026, 12, 1, 0, 0, tzinfo=TOKYO)
        assert rnd.deadline_at == datetime(2026, 12, 25, 23, 59, tzinfo=TOKYO)
        assert rnd.status == "open"
        names = sorted(rstore.slots_for(s, rnd.id))
    assert names == sorted(["open", "d14", "d7", "d3", "d1", "d0", "summary"])


@pytest.mark.parametrize(("kw", "ja", "en"), [
    ({"rubric_version": "9.9"}, "ルーブリック ver9.9 はありません", "no rubric version 9.9"),
    ({"deadline": date(2026, 11, 20), "opens": date(2026, 11, 1)}, "が過去です", "in the past"),
    ({"deadline": date(2026, 11, 30)}, "より前です", "before the opening day"),
    ({"name": "x" * 201}, "200字以内", "within 200 characters"),
])
def test_open_refuses_politely_and_writes_nothing(database, kw, ja, en):
    with database.transaction() as s:
        with pytest.raises(RoundError) as err:
            open_(s, **kw)
        assert ja in err.value.ja and en in err.value.en
    with database.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Round)) == 0
        assert s.scalar(select(func.count()).select_from(ReminderSlot)) == 0


def test_overlapping_and_duplicate_rounds_are_refused(database):
    with database.transaction() as s:
        first = open_(s)
        with pytest.raises(RoundError, match="overlaps round"):
            open_(s, name="別", opens=date(2026, 12, 20), deadline=date(2027, 1, 31))
        with pytest.raises(RoundError, match="already exists"):
            open_(s, opens=date(2027, 4, 1), deadline=date(2027, 5, 7))
        later = open_(s, name="2027年度上期", opens=date(2027, 4, 1), deadline=date(2027, 5, 7))
        with pytest.raises(RoundError, match="overlaps round"):
            extend_round(s, first, date(2027, 4, 2), NOW)
        with pytest.raises(RoundError, match="after the current one"):
            extend_round(s, first, date(2026, 12, 24), NOW)
        assert later.id != first.id


def test_participation_per_company(database):
    rubric = registry().get("1.1")
    with database.transaction() as s:
        rnd = open_(s)
        a, b, _c = (factories.org(s, f"株式会社{n}") for n in "ABC")
        factories.org(s, "有識者", membership_class="expert")
        ids = [i.id for i in rubric.items]
        factories.assessment(s, a, rnd, dict.fromkeys(ids, 4))
        factories.assessment(s, b, rnd, dict.fromkeys(ids[:20], 2), submitted=False)
        rows = {p.org_name: p for p in participation(s, rnd, registry())}
    assert set(rows) == {"株式会社A", "株式会社B", "株式会社C"}
    assert rows["株式会社A"].label("ja") == "提出済み"
    assert rows["株式会社B"].label("ja") == "20/36 回答済み"
    assert rows["株式会社C"].label("en") == "not started (0/36)"
    assert counts(list(rows.values())) == {"submitted": 1, "in_progress": 1, "not_started": 1}


@pytest.mark.parametrize(("text", "words"), [
    ("round list", ["round", "list"]),
    ("ラウンド一覧", ["round", "list"]),
    ("ラウンド開始 1.1 2026-12-01 2027-01-15 名前=下期", ["round", "open", "1.1", "2026-12-01",
                                                      "2027-01-15", "名前=下期"]),
    ("締切延長 3 ２０２７-０１-３１", ["round", "extend", "3", "２０２７-０１-３１"]),
    ("Round Close 3", ["round", "close", "3"]),
    ("round about", None),
    ("ラウンドって何？", None),
])
def test_round_command_words(text, words):
    assert round_command(text) == words


def chat(database, text: str, *, admin: bool = True, lang: str = "ja", now=NOW) -> str:
    with database.transaction() as s:
        person = factories.user(s, "slack:UADMIN" if admin else "slack:UMEMBER", None,
                                admin=admin)
        turn = factories.turn(s, person, lang=lang, now=now)
        words = round_command(text)
        assert words is not None
        return plain_text(handle_round(turn, words, registry()))


def test_chat_commands_for_the_secretariat(database):
    created = chat(database, 'round open 1.1 2026-12-01 2026-12-25 name="2026年度 下期" '
                   "allow-drafts")
    assert "#1「2026年度 下期」（ver1.1）を作成しました" in created
    assert "リマインド（14日前）: 2026年12月11日(金) 10:00 · pending" in created
    assert "締切を 2027年1月15日(金) に延長しました" in chat(database, "締切延長 1 2027-01-15")
    listed = chat(database, "round list", lang="en")
    assert "#1 2026年度 下期" in listed and "submitted 0/0" in listed
    status = chat(database, "ラウンド状況 1")
    assert "リマインド停止: なし" in status
    assert "を終了しました" in chat(database, "ラウンド終了 1")
    assert "既に終了しています" in chat(database, "ラウンド終了 1")


@pytest.mark.parametrize(("text", "ja"), [
    ("round open 1.1 2026-12-01", "使い方: round open"),
    ("round open 1.1 2026/13/01 2027-01-15", "開始日「2026/13/01」を読めません"),
    ("round open 2.0 2026-12-01 2027-01-15", "ルーブリック ver2.0 はありません"),
    ("round extend 7 2027-01-15", "ラウンド「7」が見つかりません"),
    ("round status", "ラウンドの番号を指定してください"),
])
def test_chat_mistakes_get_a_clear_answer_and_change_nothing(database, text, ja):
    assert ja in chat(database, text)
    with database.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Round)) == 0


def test_a_bad_extension_leaves_the_round_as_it_was(database):
    chat(database, "round open 1.1 2026-12-01 2026-12-25 allow-drafts")
    reply = chat(database, "round extend 1 2026-12-20", lang="en")
    assert "must be after the current one" in reply
    with database.transaction() as s:
        assert s.get(Round, 1).deadline_at == datetime(2026, 12, 25, 23, 59, tzinfo=TOKYO)


def test_members_cannot_run_round_commands(database):
    assert "事務局（管理者）のみ" in chat(database, "round list", admin=False)
    assert "Only the secretariat" in chat(database, "round open 1.1 2026-12-01 2026-12-25",
                                          admin=False, lang="en")
    with database.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Round)) == 0


def test_previous_answers_are_offered_item_by_item_when_the_item_survives(database):
    rubrics = factories.progress_rubrics()
    with database.transaction() as s:
        company = factories.org(s, "株式会社A")
        old = factories.round_(s, "2025年度下期", version="0.9",
                               opens=datetime(2025, 9, 1, tzinfo=TOKYO),
                               deadline=datetime(2025, 10, 31, tzinfo=TOKYO), status="closed")
        factories.assessment(s, company, old, {"policy": 3, "usage": 2, "monitoring": 4},
                             notes={"policy": "2025年に規程制定"})
        new = factories.round_(s, "2026年度上期", version="1.0")
        current = factories.assessment(s, company, new, {"usage": 1}, submitted=False)
        person = factories.user(s, "slack:U1", company)
        turn = factories.turn(s, person)
        rubric = rubrics.get("1.0")
        answered = {"usage"}
        policy = carry_over_offer(turn, current, rubric.item("policy"), answered)
        assert policy is not None
        line, choice = policy
        assert line == "前回（2025年度下期）の回答: 3点（メモ: 2025年に規程制定）"
        assert choice.label == "前回と同じ（3点）"
        assert choice.value == f"navi:level:{current.id}:policy:3"
        assert carry_over_offer(turn, current, rubric.item("usage"), answered) is None
        assert carry_over_offer(turn, current, rubric.item("bias"), answered) is None  # new
        assert carry_over_offer(turn, current, rubric.item("cases"), answered) is None  # blank
        turn.lang = "en"
        _, choice = carry_over_offer(turn, current, rubric.item("monitoring"), answered)
        assert choice.label == "Same as last time (Level 4)"


def test_no_offer_from_an_unsubmitted_or_later_round(database):
    rubrics = factories.progress_rubrics()
    with database.transaction() as s:
        company = factories.org(s, "株式会社A")
        old = factories.round_(s, "旧", version="0.9", opens=datetime(2025, 9, 1, tzinfo=TOKYO),
                               deadline=datetime(2025, 10, 31, tzinfo=TOKYO))
        factories.assessment(s, company, old, {"policy": 3}, submitted=False)
        new = factories.round_(s, "新", version="1.0")
        current = factories.assessment(s, company, new, {}, submitted=False)
        turn = factories.turn(s, factories.user(s, "slack:U1", company))
        assert carry_over_offer(turn, current, rubrics.get("1.0").item("policy"), set()) is None


def test_status_fields_list_every_company(database):
    with database.transaction() as s:
        for n in range(3):
            factories.org(s, f"会社{n}")
    chat(database, "round open 1.1 2026-12-01 2026-12-25 案を許可")
    with database.transaction() as s:
        person = factories.user(s, "slack:UADMIN", None, admin=True)
        replies = handle_round(factories.turn(s, person), ["round", "status", "1"], registry())
    assert isinstance(replies[0], Fields)
    assert [f[0] for f in replies[0].fields] == ["会社0", "会社1", "会社2"]
    assert "提出 0/3・回答中 0・未着手 3" in replies[0].title
