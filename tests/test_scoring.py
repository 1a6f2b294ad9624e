"""Score arithmetic: mean of item levels, area means, holes; pure functions."""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers.navi.scoring import mean, score
from rubrics.loader import RubricRegistry, registry

MINI = RubricRegistry(Path(__file__).parent / "fixtures" / "rubrics").get("0.9")


def test_mean_rounds_half_up_to_two_decimals():
    assert mean([2, 2, 3, 2, 3, 2, 3, 2]) == 2.38  # 2.375 → 2.38 (float round() gives 2.38/2.37)
    assert mean([1, 2, 2, 2, 2, 2, 2, 4]) == 2.13  # 2.125 → 2.13, where round() gives 2.12
    assert mean([1, 2]) == 1.5
    assert mean([]) is None


def test_role_filtering_changes_what_counts():
    levels = {"policy": 4, "usage": 1, "cases": 3, "owner": 2, "data-ip": 1, "use-ip": 4,
              "monitoring": 3}
    dev = score(MINI, ["developer"], levels)
    assert dev.applicable == 5 and dev.answered == 5  # "usage" and "use-ip" are user-only
    assert dev.overall == mean([4, 3, 2, 1, 3])  # 5 items: policy cases owner data-ip monitoring
    user = score(MINI, ["user"], levels)
    assert user.applicable == 6
    assert user.overall == mean([4, 1, 3, 2, 4, 3])


def test_area_means_and_holes_lowest_first_grouped_by_area():
    levels = {"policy": 2, "usage": 1, "cases": 3, "owner": 4, "data-ip": 2, "use-ip": 1,
              "monitoring": 3}
    result = score(MINI, ["developer", "user"], levels)
    means = {a.area_id: a.mean for a in result.areas}
    assert means == {"rules": 1.5, "awareness": 3.0, "organisation": 4.0, "risk": 1.5,
                     "transparency": 3.0}
    assert result.overall == 2.29  # 16 / 7 = 2.2857…
    assert [(i.id, lvl) for i, lvl in result.holes] == [
        ("usage", 1), ("policy", 2),  # rules: lowest first
        ("use-ip", 1), ("data-ip", 2),  # risk
    ]


def test_area_with_no_applicable_item_has_no_mean():
    levels = {"policy": 3, "cases": 3, "owner": 3, "data-ip": 3, "monitoring": 3}
    result = score(MINI, ["developer"], levels)
    assert all(a.count > 0 for a in result.areas)
    only_user = score(MINI, ["user"], {"usage": 2})
    assert only_user.answered == 1
    assert {a.area_id: a.mean for a in only_user.areas}["rules"] == 2.0
    assert {a.area_id: a.mean for a in only_user.areas}["awareness"] is None


@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_uniform_answers_give_that_score_on_the_real_rubric(level):
    rubric = registry().get("1.1")
    result = score(rubric, ["developer", "user"], {i.id: level for i in rubric.items})
    assert result.overall == float(level)
    assert all(a.mean == float(level) for a in result.areas)
    assert len(result.holes) == (36 if level <= 2 else 0)
