"""The order the Navi walks the items in: area by area, as the guide's table lists them.

The guide numbers the 36 items across areas (1–3 and 11–13 are one area, 4–5 and 34–36
another), so asking 1→36 flips the area label back and forth. Every list the Navi shows — the
questions, "next unanswered", back and skip, the status view, the review before submitting, the
missing items — follows this one order: the rubric's areas in their order (`rubric.areas`),
the items of an area by number. Item numbers are kept as the guide gives them.
"""

from __future__ import annotations

from collections.abc import Iterable

from rubrics.loader import Area, Item, Rubric


def walk(rubric: Rubric, roles: Iterable[str] | None = None) -> list[Item]:
    """The items (the applicable ones when `roles` is given) in the order they are asked."""
    position = {area.id: index for index, area in enumerate(rubric.areas)}
    items = rubric.items if roles is None else rubric.applicable(roles)
    return sorted(items, key=lambda i: (position.get(i.area, len(position)), i.number))


def by_area(rubric: Rubric, items: Iterable[Item]) -> list[tuple[Area, list[Item]]]:
    """`items` grouped by area, each area once, areas and items in walking order."""
    chosen = {i.id for i in items}
    groups = []
    for area in rubric.areas:
        in_area = [i for i in walk(rubric) if i.area == area.id and i.id in chosen]
        if in_area:
            groups.append((area, in_area))
    return groups


def next_unanswered(items: list[Item], answers: dict, after: Item | None,
                    exclude: Item | None = None) -> tuple[Item | None, bool]:
    """First unanswered item after `after` in `items`' order, wrapping round to the start.

    Returns (item, wrapped): `wrapped` is True when the item lies before `after` — a skipped
    item coming back once the last one is answered, which the member should be told about.
    """
    ids = [i.id for i in items]  # by id: comparing pydantic items field by field is slow
    start = ids.index(after.id) + 1 if after is not None and after.id in ids else 0
    for offset, item in enumerate(items[start:] + items[:start]):
        if item.id not in answers and (exclude is None or item.id != exclude.id):
            return item, after is not None and start + offset >= len(items)
    return None, False
