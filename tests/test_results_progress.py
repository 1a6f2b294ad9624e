"""Progress since the previous round, across two rubric versions (1.0 adds an item)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from handlers.navi.scoring import Figures
from handlers.results.benchmark import company_figures
from handlers.results.progress import compare
from handlers.results.view import result_replies
from handlers.types import Image, plain_text
from store import queries
from store.rounds import previous_submitted
from tests.support import factories as f

RUBRICS = f.progress_rubrics()
V09, V10 = RUBRICS.get("0.9"), RUBRICS.get("1.0")
THEN = {"policy": 2, "cases": 3, "owner": 1, "data-ip": 2, "monitoring": 4}  # developer
NOW_LEVELS = {"policy": 3, "usage": 2, "cases": 3, "owner": 2, "data-ip": 1, "use-ip": 4,
              "bias": 2, "monitoring": 4}  # developer and user


def two_rounds(session):
    """An older round, the previous one (0.9), the current one (1.0) and a later one."""
    oldest = f.round_(session, "2024年度下期", version="0.9", status="closed",
                      opens=f.NOW - timedelta(days=500), deadline=f.NOW - timedelta(days=470))
    previous = f.round_(session, "2025年度下期", version="0.9", status="closed",
                        opens=f.NOW - timedelta(days=200), deadline=f.NOW - timedelta(days=170))
    current = f.round_(session, "2026年度上期", version="1.0")
    later = f.round_(session, "2027年度上期", version="1.0", status="planned",
                     opens=f.NOW + timedelta(days=100), deadline=f.NOW + timedelta(days=130))
    company = f.org(session, "進捗株式会社")
    f.assessment(session, company, oldest, f.uniform(THEN, 1), roles=("developer",))
    f.assessment(session, company, previous, THEN, roles=("developer",))
    mine = f.assessment(session, company, current, NOW_LEVELS)
    f.assessment(session, company, later, f.uniform(NOW_LEVELS, 4), submitted=False)
    return company, mine


def test_previous_round_is_the_latest_earlier_submitted_one(database):
    with database.transaction() as s:
        _company, mine = two_rounds(s)
        previous = previous_submitted(s, mine)
        assert previous is not None and previous.round.name == "2025年度下期"


def test_items_matched_by_id_across_versions_with_an_item_added(database):
    with database.transaction() as s:
        _company, mine = two_rounds(s)
        previous = previous_submitted(s, mine)
        progress = compare(previous, V10, company_figures(s, mine, V10), V09,
                           company_figures(s, previous, V09))
    by_id = {c.item.id: (c.before, c.after, c.status) for c in progress.items}
    assert by_id == {
        "policy": (2, 3, "up"),
        "usage": (None, 2, "not_before"),  # in 0.9, but the company was a developer only
        "cases": (3, 3, "same"),
        "owner": (1, 2, "up"),
        "data-ip": (2, 1, "down"),
        "use-ip": (None, 4, "not_before"),
        "bias": (None, 2, "new_item"),  # added in 1.0
        "monitoring": (4, 4, "same"),  # renumbered 24 → 25, matched by id
    }
    assert [c.item.number for c in progress.items if c.item.id == "monitoring"] == [25]
    areas = {k: (v.before, v.after, v.delta) for k, v in progress.areas.items()}
    assert areas == {
        "rules": (Decimal("2.00"), Decimal("2.50"), Decimal("0.50")),
        "awareness": (Decimal("3.00"), Decimal("3.00"), Decimal("0.00")),
        "organisation": (Decimal("1.00"), Decimal("2.00"), Decimal("1.00")),
        "risk": (Decimal("2.00"), Decimal("2.33"), Decimal("0.33")),  # 1, 4, 2 → 7/3
        "transparency": (Decimal("4.00"), Decimal("4.00"), Decimal("0.00")),
    }
    # overall 12/5 = 2.40 → 21/8 = 2.625 = 2.63: the change is that of the figures shown
    assert (progress.overall.before, progress.overall.after) == (Decimal("2.40"),
                                                                 Decimal("2.63"))
    assert progress.overall.delta == Decimal("0.23")
    assert progress.removed == []


def test_items_dropped_by_a_new_version_are_counted_as_removed():
    then = Figures(overall=Fraction(2), areas={}, items={"policy": 2, "retired-item": 2})
    now = Figures(overall=Fraction(3), areas={}, items={"policy": 3})
    progress = compare(None, V10, now, V09, then)  # type: ignore[arg-type]
    assert progress.removed == ["retired-item"]


def test_result_shows_progress_per_area_and_item(database):
    with database.transaction() as s:
        company, mine = two_rounds(s)
        person = f.user(s, "console:p", company)
        replies = result_replies(f.turn(s, person), mine, V10, RUBRICS)
        text = plain_text(replies)
        image = next(r for r in replies if isinstance(r, Image))
    assert "前回（2025年度下期）からの変化" in text
    assert "全体スコア: 2.40 → 2.63（+0.23）" in text
    assert "各リスク領域への対策: 2.00 → 2.33（+0.33）" in text
    assert "周知徹底・人材育成: 3.00 → 3.00（±0.00）" in text
    assert "上がった項目（2）\n・1. 項目1 2→3\n・6. 項目6 1→2" in text
    assert "下がった項目（1）\n・16. 項目16 2→1" in text
    assert "新しい項目（1）\n・20. 項目20（新設）（2点）" in text
    assert "前回は対象外だった項目（2）" in text
    assert "変化なし: 2項目" in text
    assert "前回（2025年度下期）" in image.alt and Path(image.path).is_file()


def test_result_in_english(database):
    with database.transaction() as s:
        company, mine = two_rounds(s)
        text = plain_text(result_replies(f.turn(s, f.user(s, "console:p", company), lang="en"),
                                         mine, V10, RUBRICS))
    assert "Change since the previous round (2025年度下期)" in text
    assert "Overall score: 2.40 → 2.63（+0.23）" in text
    assert "New items in this version (1)" in text


def test_first_round_says_changes_come_next_time(database):
    with database.transaction() as s:
        rnd = f.round_(s, "初回", version="1.0")
        company = f.org(s, "初参加株式会社")
        mine = f.assessment(s, company, rnd, NOW_LEVELS)
        text = plain_text(result_replies(f.turn(s, f.user(s, "console:q", company)), mine, V10,
                                         RUBRICS))
    assert "前回の提出結果がないため" in text and "からの変化" not in text


def test_missing_previous_rubric_is_said_not_raised(database):
    """Without the registry the packaged rubrics are used; 0.9 is not among them."""
    with database.transaction() as s:
        company, mine = two_rounds(s)
        text = plain_text(result_replies(f.turn(s, f.user(s, "console:p", company)), mine, V10))
        assert queries.latest_submitted(s, company.id).id == mine.id
    assert "前回の診断項目のデータが見つからない" in text
    assert "全体スコア: 2.63" in text  # the rest of the result is still there
