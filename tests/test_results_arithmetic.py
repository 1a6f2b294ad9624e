"""Exact arithmetic behind results and benchmarks: rounding, means of means, percentiles."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from bot.settings import SettingsError, load_settings
from handlers import config
from handlers.navi.scoring import figures, mean, percentile_rank, round2
from handlers.results.benchmark import (
    BenchmarkConfigError,
    Cell,
    min_companies,
    snapshot_data,
)
from tests.support.factories import mini_rubrics

MINI = mini_rubrics().get("0.9")


def test_round2_rounds_half_away_from_zero_exactly():
    assert round2(Fraction(17, 8)) == Decimal("2.13")  # 2.125: float round() would say 2.12
    assert round2(Fraction(-17, 8)) == Decimal("-2.13")
    assert round2(Fraction(19, 8)) == Decimal("2.38")  # 2.375
    assert round2(Fraction(1, 3)) == Decimal("0.33")
    assert round2(Fraction(2, 3)) == Decimal("0.67")
    assert round2(Fraction(1001, 400)) == Decimal("2.50")  # 2.5025 rounds down
    assert round2(3) == Decimal("3.00") and str(round2(3)) == "3.00"
    assert round2(None) is None


@pytest.mark.parametrize("levels", [[1, 2], [2, 2, 3, 2, 3, 2, 3, 2], [1, 2, 2, 2, 2, 2, 2, 4],
                                    [4, 4, 3], [1, 1, 1, 2, 2, 3, 4], [3] * 36])
def test_round2_agrees_with_the_existing_mean(levels):
    assert float(round2(Fraction(sum(levels), len(levels)))) == mean(levels)


def test_percentile_is_the_share_below_with_ties_counting_half():
    population = [1, 2, 2, 3, 4]
    assert percentile_rank(2, population) == 40  # 1 below + 2 ties / 2 = 2 of 5
    assert percentile_rank(4, population) == 90  # 4 below + 1 / 2 = 4.5 of 5
    assert percentile_rank(1, population) == 10
    assert percentile_rank(Fraction(5, 2), population) == 60  # a value between: 3 below
    assert percentile_rank(1, [1, 2, 3, 4]) == 13  # 12.5 → 13, half up
    assert percentile_rank(3, [3, 3, 3]) == 50  # everyone tied: the middle
    assert percentile_rank(3, []) is None


def test_figures_are_exact_and_follow_the_roles():
    levels = {"policy": 2, "usage": 1, "cases": 3, "owner": 4, "data-ip": 2, "use-ip": 1,
              "monitoring": 3}
    both = figures(MINI, ["developer", "user"], levels)
    assert both.overall == Fraction(16, 7)
    assert both.areas == {"rules": Fraction(3, 2), "awareness": 3, "organisation": 4,
                          "risk": Fraction(3, 2), "transparency": 3}
    dev = figures(MINI, ["developer"], levels)
    assert set(dev.items) == {"policy", "cases", "owner", "data-ip", "monitoring"}
    assert dev.areas["rules"] == 2 and dev.areas["risk"] == 2
    only_user = figures(MINI, ["user"], {"usage": 2})
    assert only_user.areas["awareness"] is None and only_user.overall == 2


def test_member_average_of_area_means_is_rounded_once():
    """Three companies whose rules-area means are 5/2, 3 and 5/2: the member mean is 8/3."""
    rows = [
        figures(MINI, ["user"], {"policy": 2, "usage": 3, "cases": 1, "owner": 1, "use-ip": 1,
                                 "monitoring": 1}),  # rules: policy 2, usage 3 → 5/2
        figures(MINI, ["user"], {"policy": 3, "usage": 3, "cases": 1, "owner": 1, "use-ip": 1,
                                 "monitoring": 1}),  # rules 3
        figures(MINI, ["user"], {"policy": 1, "usage": 4, "cases": 1, "owner": 1, "use-ip": 1,
                                 "monitoring": 1}),  # rules 5/2
    ]
    data = snapshot_data(rows)
    assert data["areas"]["rules"] == ["5/2", "5/2", "3"]
    rules = Cell(tuple(Fraction(v) for v in data["areas"]["rules"]))
    assert rules.mean == Decimal("2.67")  # 8/3 = 2.666…
    # where rounding the inputs first would be wrong: the exact mean of 2.125 and 2.12 is
    # 2.1225 → 2.12, while the rounded inputs 2.13 and 2.12 average to 2.125 → 2.13
    cell = Cell((Fraction(17, 8), Fraction(53, 25)))
    assert cell.mean == Decimal("2.12")
    assert round2((round2(Fraction(17, 8)) + round2(Fraction(53, 25))) / 2) == Decimal("2.13")


def test_snapshot_keeps_no_company_identity_and_sorted_values():
    rows = [figures(MINI, ["developer", "user"], dict.fromkeys(
        ("policy", "usage", "cases", "owner", "data-ip", "use-ip", "monitoring"), level))
        for level in (4, 1, 3)]
    data = snapshot_data(rows)
    assert data["overall"] == ["1", "3", "4"]  # sorted: order of submission is lost
    assert data["items"]["policy"] == [1, 3, 4]
    assert set(data) == {"overall", "areas", "items"}


def test_item_cells_count_only_the_companies_the_item_applies_to():
    dev = figures(MINI, ["developer"], {"policy": 2, "cases": 2, "owner": 2, "data-ip": 4,
                                        "monitoring": 2})
    user = figures(MINI, ["user"], {"policy": 3, "usage": 3, "cases": 3, "owner": 3,
                                    "use-ip": 3, "monitoring": 3})
    data = snapshot_data([dev, user])
    assert data["items"]["data-ip"] == [4]  # developer-only item: one company
    assert data["items"]["usage"] == [3]  # user-only item: one company
    assert data["items"]["policy"] == [2, 3]


@pytest.mark.parametrize(("raw", "expected"), [("", 5), ("3", 3), (" 7 ", 7), ("12", 12)])
def test_threshold_setting(raw, expected, monkeypatch):
    """From the environment through Settings into the handlers' configuration."""
    monkeypatch.setenv("AIGA_BENCHMARK_MIN_COMPANIES", raw)
    config.configure(config.HandlerConfig(
        benchmark_min_companies=load_settings().aiga_benchmark_min_companies or 5))
    assert min_companies() == expected
    config.configure(config.HandlerConfig())
    assert min_companies() == 5


@pytest.mark.parametrize("raw", ["2", "0", "-5", "abc", "4.5", "five"])
def test_threshold_below_three_or_not_a_number_is_refused(raw, monkeypatch):
    monkeypatch.setenv("AIGA_BENCHMARK_MIN_COMPANIES", raw)
    with pytest.raises(SettingsError, match="AIGA_BENCHMARK_MIN_COMPANIES"):
        load_settings()


@pytest.mark.parametrize("value", [2, 0, -5])
def test_the_configuration_refuses_a_threshold_below_the_floor(value):
    with pytest.raises(ValueError, match="at least 3"):
        config.HandlerConfig(benchmark_min_companies=value)
    bypassed = config.HandlerConfig()
    object.__setattr__(bypassed, "benchmark_min_companies", value)
    config.configure(bypassed)
    with pytest.raises(BenchmarkConfigError, match="at least 3"):
        min_companies()  # never loosened, even when a bad value got past the check
