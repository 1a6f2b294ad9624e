"""Progress: how a company's result changed since its previous submitted round.

Which round that is, is decided in one place: store/rounds.py `previous_round`.

Items are matched by id, which stays the same across rubric versions; an item the earlier
version did not have is "new", one the company was not asked last time (its roles changed) is
"not answered before". Each change is the difference of the two figures shown (both already
rounded), so a reader who subtracts them by hand gets the same number.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from handlers.navi.scoring import Figures, round2
from rubrics.loader import Item, Rubric
from store.models import Assessment

ItemStatus = Literal["up", "down", "same", "new_item", "not_before"]


@dataclass(frozen=True)
class Change:
    """One figure then and now; `delta` is None when there is nothing to compare."""

    before: Decimal | None
    after: Decimal | None

    @property
    def delta(self) -> Decimal | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass(frozen=True)
class ItemChange:
    item: Item
    before: int | None
    after: int
    status: ItemStatus

    @property
    def delta(self) -> int | None:
        return None if self.before is None else self.after - self.before


@dataclass(frozen=True)
class Progress:
    previous: Assessment
    overall: Change
    areas: dict[str, Change]  # by area id, in the current rubric's order
    items: list[ItemChange]  # current applicable items, rubric order
    removed: list[str]  # item ids answered last time that the current rubric no longer has


def compare(previous: Assessment, now_rubric: Rubric, now: Figures, then_rubric: Rubric,
            then: Figures) -> Progress:
    """Per area and per item, the current figures against the previous round's."""
    areas = {
        area.id: Change(round2(then.areas.get(area.id)), round2(now.areas.get(area.id)))
        for area in now_rubric.areas
    }
    items = []
    for item in now_rubric.items:
        if item.id not in now.items:
            continue
        after = now.items[item.id]
        before = then.items.get(item.id)
        if before is None:
            status: ItemStatus = "not_before" if then_rubric.item(item.id) else "new_item"
        else:
            status = "up" if after > before else "down" if after < before else "same"
        items.append(ItemChange(item, before, after, status))
    removed = [item_id for item_id in then.items if now_rubric.item(item_id) is None]
    return Progress(
        previous=previous,
        overall=Change(round2(then.overall), round2(now.overall)),
        areas=areas,
        items=items,
        removed=removed,
    )
