"""Reading amounts, shares and dates from free text, and the fee calculator's boundaries."""

from __future__ import annotations

from datetime import date

import pytest

from handlers.faq.amounts import (
    ParentShare,
    YearMonth,
    capital_of,
    find_date,
    find_half,
    find_month,
    parent_share,
)
from handlers.faq.approval import estimate
from handlers.faq.engine import engine
from handlers.faq.fees import FeeFacts, missing, quote
from handlers.faq.knowledge import knowledge

TODAY = date(2026, 11, 27)
KB = knowledge()


@pytest.mark.parametrize(("text", "yen"), [
    ("資本金5000万円", 50_000_000),
    ("資本金は1億です", 100_000_000),
    ("資本金１億円", 100_000_000),
    ("資本金５０００万円の会社", 50_000_000),
    ("資本金五千万円", 50_000_000),
    ("資本金3千万円", 30_000_000),
    ("1億5000万円の資本金", 150_000_000),
    ("1.5億円", 150_000_000),
    ("二十億円", 2_000_000_000),
    ("300M yen", 300_000_000),
    ("capital of 2 billion yen", 2_000_000_000),
    ("capitalised at 1.5bn yen", 1_500_000_000),
    ("¥80,000,000", 80_000_000),
    ("capital: 100,000,000 yen", 100_000_000),
    ("売上10億円、資本金3000万円", 30_000_000),  # revenue is not capital
])
def test_capital_in_any_usual_form(text, yen):
    assert capital_of(text) == yen


@pytest.mark.parametrize("text", ["会費10万円って本当？", "従業員50人", "売上10億円です",
                                  "2027-01-15", "資本金1億円以下", "30",
                                  "capital of $5 million", "資本金500万ドル"])
def test_no_capital_where_none_is_stated(text):
    assert capital_of(text) is None


@pytest.mark.parametrize(("text", "share"), [
    ("親会社が60%出資", ParentShare(60.0)),
    ("親会社の出資比率はちょうど50％", ParentShare(50.0)),
    ("parent owns 51%", ParentShare(51.0)),
    ("parent holds more than 50%", ParentShare(50.0, above=True)),
    ("親会社の比率は50%超", ParentShare(50.0, above=True)),
    ("過半数を親会社が保有", ParentShare(50.0, above=True)),
    ("親会社なし", ParentShare(0.0)),
    ("独立系のスタートアップ", ParentShare(0.0)),
    ("wholly-owned subsidiary", ParentShare(100.0)),
    ("５０パーセント", ParentShare(50.0)),
])
def test_parent_share(text, share):
    assert parent_share(text) == share


def test_at_least_fifty_percent_is_not_guessed():
    assert parent_share("親会社が50%以上出資") is None  # exactly 50 or more: ask


@pytest.mark.parametrize(("text", "expected"), [
    ("11月に入会", YearMonth(2026, 11)),
    ("１１月入会", YearMonth(2026, 11)),
    ("十一月", YearMonth(2026, 11)),
    ("来月", YearMonth(2026, 12)),
    ("来年4月から", YearMonth(2027, 4)),
    ("5月に入会", YearMonth(2027, 5)),  # May has passed this year: next May
    ("join in May", YearMonth(2027, 5)),
    ("next month", YearMonth(2026, 12)),
    ("2027-01-15", YearMonth(2027, 1)),
    ("2027年2月1日入会予定", YearMonth(2027, 2)),
])
def test_month_of_joining(text, expected):
    assert find_month(text, TODAY) == expected


def test_may_the_verb_is_not_a_month():
    assert find_month("may we join?", TODAY) is None
    assert find_month("3ヶ月", TODAY) is None


@pytest.mark.parametrize(("text", "day"), [
    ("12月3日", date(2026, 12, 3)), ("12/3", date(2026, 12, 3)), ("15/12", date(2026, 12, 15)),
    ("Dec 3", date(2026, 12, 3)), ("3rd of December", date(2026, 12, 3)),
    ("1月5日", date(2027, 1, 5)), ("今日", TODAY), ("明日", date(2026, 11, 28)),
    ("2026/11/30", date(2026, 11, 30)), ("February 30", None),
])
def test_dates(text, day):
    assert find_date(text, TODAY) == day


def test_half_year_words():
    assert find_half("上期に入会") == "first_half" and find_half("下半期") == "second_half"
    assert find_half("second half") == "second_half" and find_half("入会") is None


# ----- calculator ----------------------------------------------------------------------------


def fees(**facts) -> tuple[str | None, int, int, int]:
    result = quote(FeeFacts(**facts), KB)
    return result.class_id, result.entrance, result.annual, result.total


def test_every_month_maps_to_its_half_year():
    firsts = [m for m in range(1, 13) if KB.half_of_month(m) == "first_half"]
    assert firsts == [1, 2, 3, 10, 11, 12]
    assert fees(capital=300_000_000, month=3) == ("regular", 100_000, 500_000, 600_000)
    assert fees(capital=300_000_000, month=4) == ("regular", 100_000, 250_000, 350_000)
    assert fees(capital=300_000_000, month=9) == ("regular", 100_000, 250_000, 350_000)
    assert fees(capital=300_000_000, month=10) == ("regular", 100_000, 500_000, 600_000)


def test_capital_boundary_exactly_100_million_is_smb():
    assert fees(capital=100_000_000, parent_pct=0.0, month=11) == ("smb", 50_000, 100_000,
                                                                   150_000)
    assert fees(capital=100_000_001, month=11) == ("regular", 100_000, 500_000, 600_000)
    assert "exactly_limit" in quote(FeeFacts(capital=100_000_000, parent_pct=0.0, month=11),
                                    KB).notes


def test_parent_boundary_exactly_50_percent_does_not_exclude():
    assert fees(capital=80_000_000, parent_pct=50.0, month=4) == ("smb", 50_000, 50_000, 100_000)
    assert fees(capital=80_000_000, parent_pct=50.5, month=4)[0] is None
    assert fees(capital=80_000_000, parent_pct=50.0, parent_above=True, month=4)[0] is None


def test_open_case_shows_reference_figures_and_says_so():
    result = quote(FeeFacts(capital=30_000_000, parent_pct=60.0, month=10), KB)
    assert result.class_id is None and result.reference_class == "regular"
    assert result.notes[0] == "open_case"
    at_limit = quote(FeeFacts(capital=100_000_000, parent_pct=60.0, month=10), KB)
    assert at_limit.notes == ["open_case"]  # no "exactly 100 million is SMB" note here
    assert (result.entrance, result.annual) == (100_000, 500_000)


def test_large_company_with_a_parent_is_simply_regular():
    assert fees(capital=500_000_000, parent_pct=100.0, month=6)[0] == "regular"


def test_expert_members_pay_nothing_and_need_nothing_else():
    assert missing(FeeFacts(expert=True), KB) is None
    assert fees(expert=True) == ("expert", 0, 0, 0)


def test_missing_facts_are_asked_one_at_a_time_in_order():
    assert missing(FeeFacts(), KB) == "capital"
    assert missing(FeeFacts(capital=50_000_000), KB) == "parent"
    assert missing(FeeFacts(capital=50_000_000, parent_pct=0.0), KB) == "month"
    assert missing(FeeFacts(capital=300_000_000), KB) == "month"  # parent irrelevant above
    assert missing(FeeFacts(band="at_most", parent_unsure=True, half="second_half"), KB) is None


def test_facts_survive_json_and_merge_newest_first():
    facts = FeeFacts(capital=50_000_000, month=11)
    again = FeeFacts.from_dict(facts.to_dict())
    assert again == facts
    assert again.merge(FeeFacts(band="above")).capital is None  # a new bound replaces it
    assert again.merge(FeeFacts(half="second_half")).month == 11


# ----- through the pure engine ---------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("資本金5000万円、親会社なし、11月入会", ("smb", 150_000)),
    ("資本金1億円ちょうど、親会社の出資50%、4月入会", ("smb", 100_000)),
    ("Our capital is 2 billion yen, joining in April: fees?", ("regular", 350_000)),
    ("資本金３億円で、来月入会の会費は？", ("regular", 600_000)),
])
def test_engine_reads_a_whole_sentence(text, expected):
    result = engine().interpret(text, TODAY)
    assert result.kind == "fee" and result.quote is not None
    assert (result.quote.class_id, result.quote.total) == expected


def test_approval_estimate_is_next_mid_month_meeting():
    early = estimate(KB, day=date(2026, 12, 3), month=None, today=TODAY)
    late = estimate(KB, day=date(2026, 12, 15), month=None, today=TODAY)
    year_end = estimate(KB, day=date(2026, 12, 20), month=None, today=TODAY)
    assert early.meeting == YearMonth(2026, 12) and early.later_meeting == YearMonth(2027, 1)
    assert late.meeting == YearMonth(2027, 1)
    assert year_end.meeting == YearMonth(2027, 1)
    today = estimate(KB, day=None, month=None, today=TODAY)
    assert today.assumed_today and today.meeting == YearMonth(2026, 12)
