"""Score arithmetic: overall mean, area means and holes. Pure functions, easy to test."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

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
