"""One rule for "the previous round" (store/rounds.py `previous_round`), the same for the round
report, a company's progress and the carry-over of last round's answers; one rule for naming a
round by number or name. Two rounds opening on the same day are the case the old rules split on.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from handlers.results.report import build_round_report, resolve_round
from handlers.results.view import result_replies
from handlers.rounds.carry_over import carry_over_offer
from handlers.rounds.commands import handle_round
from handlers.rounds.mute import handle_round_action
from handlers.types import plain_text
from store import queries, rounds
from tests.support import factories as f

RUBRICS = f.progress_rubrics()
V09 = RUBRICS.get("0.9")
ITEMS = [i.id for i in V09.items]
SAME_DAY = f.NOW - timedelta(days=40)


def same_day_rounds(session):
    """Two rounds opening at the same moment: 「前半」 created first (smaller id), then 「後半」."""
    first = f.round_(session, "前半", opens=SAME_DAY, deadline=f.NOW - timedelta(days=20),
                     status="closed")
    second = f.round_(session, "後半", opens=SAME_DAY, deadline=f.NOW + timedelta(days=20))
    assert first.opens_at == second.opens_at and first.id < second.id
    return first, second


def test_same_day_the_round_created_first_is_the_previous_one(database):
    with database.transaction() as s:
        first, second = same_day_rounds(s)
        assert rounds.previous_round(s, second) == first
        assert rounds.previous_round(s, first) is None  # never the later one, never itself


def test_same_day_rule_is_the_same_for_report_progress_and_carry_over(database):
    with database.transaction() as s:
        first, second = same_day_rounds(s)
        company = f.org(s, "同日株式会社")
        then = f.assessment(s, company, first, f.uniform(ITEMS, 2), roles=("developer",),
                            notes={"policy": "前回のメモ"})
        now = f.assessment(s, company, second, f.uniform(ITEMS, 3), roles=("developer",))
        assert rounds.previous_submitted(s, now) == then
        assert rounds.previous_submitted(s, then) is None
        # the round report compares with the same round
        assert build_round_report(s, second, RUBRICS.get).previous_round == first
        # the company's result shows the change since it
        person = f.user(s, "console:u", company)
        text = plain_text(result_replies(f.turn(s, person), now, V09, RUBRICS))
        assert "前回（前半）からの変化" in text
        # the Navi offers its answers
        unanswered = f.assessment(s, f.org(s, "別株式会社"), second, {}, submitted=False)
        assert carry_over_offer(f.turn(s, person), unanswered, V09.item("policy"), ()) is None
        offer = carry_over_offer(f.turn(s, person), now, V09.item("policy"), ())
        assert offer is not None
        line, choice = offer
        assert "前回（前半）の回答: 2点" in line and "前回のメモ" in line
        assert choice.value == f"navi:level:{now.id}:policy:2"


def test_opening_moment_wins_over_the_number(database):
    """A round created earlier but opening later comes after: the number only breaks ties."""
    with database.transaction() as s:
        late = f.round_(s, "後から開始", opens=f.NOW - timedelta(days=10))
        early = f.round_(s, "先に開始", opens=f.NOW - timedelta(days=100),
                         deadline=f.NOW - timedelta(days=60), status="closed")
        assert early.id > late.id
        assert rounds.previous_round(s, late) == early
        assert rounds.previous_round(s, early) is None


def test_a_company_skips_rounds_it_did_not_submit_in(database):
    with database.transaction() as s:
        oldest = f.round_(s, "一番前", opens=f.NOW - timedelta(days=300),
                          deadline=f.NOW - timedelta(days=280), status="closed")
        first, second = same_day_rounds(s)
        company = f.org(s, "飛び石株式会社")
        kept = f.assessment(s, company, oldest, f.uniform(ITEMS, 1))
        f.assessment(s, company, first, f.uniform(ITEMS, 4), submitted=False)  # never submitted
        now = f.assessment(s, company, second, f.uniform(ITEMS, 3))
        assert rounds.previous_submitted(s, now) == kept
        assert rounds.previous_round(s, second) == first  # the report still compares rounds


def test_a_trial_round_is_never_the_previous_of_a_real_one(database):
    with database.transaction() as s:
        trial = f.round_(s, "試用", opens=f.NOW - timedelta(days=100),
                         deadline=f.NOW - timedelta(days=60), status="closed")
        trial.is_sample = True
        real = f.round_(s, "本番")
        company = f.org(s, "試用した株式会社")
        f.assessment(s, company, trial, f.uniform(ITEMS, 4))
        now = f.assessment(s, company, real, f.uniform(ITEMS, 2))
        s.flush()
        assert rounds.previous_round(s, real) is None
        assert rounds.previous_submitted(s, now) is None
        assert rounds.previous_round(s, trial) is None


@pytest.mark.parametrize("ref", ["#{id}", "{id}", " {id} ", "＃{id}"])
def test_a_round_by_number(database, ref):
    with database.transaction() as s:
        rnd = f.round_(s, "番号で")
        text = ref.format(id=rnd.id)
        if text.strip().startswith("＃"):  # a full-width hash is not a number sign
            assert rounds.round_by_ref(s, text) is None
        else:
            assert rounds.round_by_ref(s, text) == rnd
            assert resolve_round(s, text, f.NOW) == rnd


@pytest.mark.parametrize("ref", ["99999999999999999999", "²", "3²", "-1", "1.5", "", "#",
                                 "0x1", "１" * 50])
def test_hostile_round_numbers_find_nothing_and_never_crash(database, ref):
    with database.transaction() as s:
        f.round_(s, "ひとつ")
        assert rounds.round_by_ref(s, ref) is None
        assert rounds.round_number(ref) is None or len(ref) <= rounds.MAX_ID_DIGITS


def test_a_name_two_rounds_share_names_neither(database):
    with database.transaction() as s:
        one = f.round_(s, "同じ名前", opens=f.NOW - timedelta(days=200),
                       deadline=f.NOW - timedelta(days=150), status="closed")
        f.round_(s, "同じ名前")
        unique = f.round_(s, "42", opens=f.NOW - timedelta(days=400),
                          deadline=f.NOW - timedelta(days=350), status="closed")
        assert rounds.round_by_ref(s, "同じ名前") is None  # ask for the number, never guess
        assert resolve_round(s, "同じ名前", f.NOW) is None
        assert rounds.round_by_ref(s, str(one.id)) == one
        assert rounds.round_by_ref(s, "42") == unique  # no round #42: the name is used


def test_current_round_and_the_report_default(database):
    with database.transaction() as s:
        assert rounds.current_round(s, f.NOW) is None and resolve_round(s, None, f.NOW) is None
        closed = f.round_(s, "終わった", opens=f.NOW - timedelta(days=100),
                          deadline=f.NOW - timedelta(days=60), status="closed")
        f.round_(s, "これから", opens=f.NOW + timedelta(days=5), status="open")
        assert rounds.current_round(s, f.NOW) is None  # nothing open has opened yet
        assert resolve_round(s, "", f.NOW) == closed  # the latest one already opened
        first, second = same_day_rounds(s)
        first.status = "open"
        assert rounds.current_round(s, f.NOW) == second  # same day: the later number
        assert not hasattr(queries, "current_round")  # one lookup: store/rounds.py
        assert resolve_round(s, None, f.NOW) == second


@pytest.mark.parametrize("value", ["round:mute:²", "round:mute:99999999999999999999",
                                   "round:mute:#1", "round:mute:", "round:mute:1:2",
                                   "round:snooze:1", "round:mute:-1"])
def test_hostile_mute_buttons_are_stale_not_errors(database, value):
    with database.transaction() as s:
        f.round_(s, "ボタン")
        person = f.user(s, "console:m", f.org(s, "押す株式会社"))
        for lang, words in (("ja", "古いか、無効"), ("en", "no longer valid")):
            assert words in plain_text(handle_round_action(f.turn(s, person, lang=lang), value))


@pytest.mark.parametrize("ref", ["99999999999999999999", "²", "同じ名前"])
def test_round_status_with_a_bad_reference_answers_politely(database, ref):
    with database.transaction() as s:
        f.round_(s, "同じ名前")
        f.round_(s, "同じ名前", opens=f.NOW - timedelta(days=200),
                 deadline=f.NOW - timedelta(days=150), status="closed")
        admin = f.user(s, "console:admin", None, admin=True)
        for lang, words in (("ja", "見つかりません"), ("en", "No round")):
            text = plain_text(handle_round(f.turn(s, admin, lang=lang),
                                           ["round", "status", ref], RUBRICS))
            assert words in text and ref[:20] in text
