"""Score arithmetic: overall mean, area means and holes. Pure functions, easy to test.

Averages of averages (the member average of the companies' area means) and percentiles are
computed on exact fractions and rounded once, at the end, half up to two decimals: rounding the
inputs first would let a figure drift by a hundredth from what the answers say.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from rubrics.loader import Item, Rubric

HOLE_MAX_LEVEL = 2  # the guide: finding the holes matters more than the total


@dataclass(frozen=True)
class AreaScore:
    area_id: str
    mean: float | None  # None when no item of the area applies to the company
    count: int


@dataclass(frozen=True)
class Score:
    overall: float | None
    areas: list[AreaScore]
    holes: list[tuple[Item, int]]  # (item, level), grouped by area in rubric order, lowest first
    answered: int
    applicable: int


def mean(values: list[int]) -> float | None:
    """Two decimals, rounding half up as people do by hand (2.125 → 2.13, not 2.12)."""
    if not values:
        return None
    exact = Decimal(sum(values)) / Decimal(len(values))
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def score(rubric: Rubric, roles: list[str], levels: Mapping[str, int]) -> Score:
    """Mean of the applicable items' levels; items not applicable to the roles are ignored."""
    items = rubric.applicable(roles)
    answered = {i.id: levels[i.id] for i in items if i.id in levels}
    areas = []
    holes: list[tuple[Item, int]] = []
    for area in rubric.areas:
        in_area = [i for i in items if i.area == area.id]
        values = [answered[i.id] for i in in_area if i.id in answered]
        areas.append(AreaScore(area.id, mean(values), len(in_area)))
        low = [(i, answered[i.id]) for i in in_area
               if i.id in answered and answered[i.id] <= HOLE_MAX_LEVEL]
        holes += sorted(low, key=lambda pair: (pair[1], pair[0].number))
    return Score(
        overall=mean(list(answered.values())),
        areas=areas,
        holes=holes,
        answered=len(answered),
        applicable=len(items),
    )


# ----- exact arithmetic for benchmarks, progress and reports ---------------------------------


@dataclass(frozen=True)
class Figures:
    """One company's exact figures: overall and area means as fractions, item levels as given.

    An area or the overall is None when no item of it applies to the company's roles.
    """

    overall: Fraction | None
    areas: dict[str, Fraction | None]
    items: dict[str, int]


def exact_mean(values: Iterable[Fraction | int]) -> Fraction | None:
    """The mean as an exact fraction (None for no values), to be rounded once for display."""
    values = list(values)
    if not values:
        return None
    return sum((Fraction(v) for v in values), Fraction(0)) / len(values)


def round2(value: Fraction | int | None) -> Decimal | None:
    """Two decimals, half away from zero like `mean` (17/8 → 2.13, -17/8 → -2.13).

    Integer arithmetic on the fraction, so a value exactly on a half is never mis-rounded.
    """
    if value is None:
        return None
    hundredths = Fraction(value) * 100
    magnitude = (abs(hundredths) * 2 + 1) // 2  # floor(|x| + 1/2)
    rounded = magnitude if hundredths >= 0 else -magnitude
    return Decimal(int(rounded)).scaleb(-2)


def percentile_rank(value: Fraction | int, population: Iterable[Fraction | int]) -> int | None:
    """Share of the population below `value`, counting ties as half, in whole percent.

    The mid-rank definition: a company in the middle of a tie is not flattered or punished
    by where the tie happens to be cut. None for an empty population.
    """
    values = [Fraction(v) for v in population]
    if not values:
        return None
    target = Fraction(value)
    below = sum(1 for v in values if v < target)
    equal = sum(1 for v in values if v == target)
    share = (Fraction(below) + Fraction(equal, 2)) * 100 / len(values)
    return int((share * 2 + 1) // 2)  # whole percent, half up


def figures(rubric: Rubric, roles: list[str], levels: Mapping[str, int]) -> Figures:
    """The exact figures behind `score`: same items, same applicability, no rounding yet."""
    items = rubric.applicable(roles)
    answered = {i.id: levels[i.id] for i in items if i.id in levels}
    areas = {
        area.id: exact_mean(answered[i.id] for i in items if i.area == area.id and i.id in answered)
        for area in rubric.areas
    }
    return Figures(overall=exact_mean(answered.values()), areas=areas, items=answered)
