"""Load and validate rubric YAML files.

Rubrics are data the secretariat edits; a broken file must fail loudly at load time with the
file, the item and the field named, never half-way through a member's assessment.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from rubrics.validated_yaml import load_model

DATA_DIR = Path(__file__).parent / "data"
Role = Literal["developer", "user"]
ROLES: tuple[Role, ...] = ("developer", "user")


class RubricError(ValueError):
    """A rubric file that cannot be used; the message names file, item and field."""


class Bilingual(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.ja


class Level(Bilingual):
    """One level descriptor; `draft` marks text written by us for the secretariat to revise."""

    draft: bool = False


class Explanation(Bilingual):
    draft: bool = False


class Area(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    name: Bilingual


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")  # stable across rubric versions
    number: int = Field(ge=1)
    area: str
    title: Bilingual
    applies_to: list[Role] = Field(min_length=1)
    explanation: Explanation
    levels: dict[int, Level]

    @field_validator("levels")
    @classmethod
    def _four_levels(cls, levels: dict[int, Level]) -> dict[int, Level]:
        missing = [n for n in (1, 2, 3, 4) if n not in levels]
        if missing:
            raise ValueError(f"missing level(s) {missing}; every item needs levels 1, 2, 3 and 4")
        extra = sorted(set(levels) - {1, 2, 3, 4})
        if extra:
            raise ValueError(f"unknown level(s) {extra}; levels are 1 to 4")
        return dict(sorted(levels.items()))

    def applies(self, roles: Iterable[str]) -> bool:
        return any(role in self.applies_to for role in roles)


class Rubric(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: str
    name: Bilingual
    effective: str
    source: str
    note: Bilingual
    areas: list[Area]
    items: list[Item]

    @model_validator(mode="after")
    def _consistent(self) -> Rubric:
        area_ids = [a.id for a in self.areas]
        if len(set(area_ids)) != len(area_ids):
            raise ValueError("duplicate area id")
        seen_numbers: dict[int, str] = {}
        seen_ids: set[str] = set()
        for item in self.items:
            where = f"item {item.number} ({item.id})"
            if item.area not in area_ids:
                raise ValueError(f"{where}: field 'area': unknown area '{item.area}'")
            if item.number in seen_numbers:
                raise ValueError(f"{where}: field 'number': duplicate item number {item.number}")
            if item.id in seen_ids:
                raise ValueError(f"{where}: field 'id': duplicate item id '{item.id}'")
            seen_numbers[item.number] = item.id
            seen_ids.add(item.id)
        self.items.sort(key=lambda i: i.number)
        return self

    def item(self, item_id: str) -> Item | None:
        return next((i for i in self.items if i.id == item_id), None)

    def item_by_number(self, number: int) -> Item | None:
        return next((i for i in self.items if i.number == number), None)

    def area(self, area_id: str) -> Area:
        return next(a for a in self.areas if a.id == area_id)

    def applicable(self, roles: Iterable[str]) -> list[Item]:
        roles = list(roles)
        return [i for i in self.items if i.applies(roles)]


def _name_item(row: dict, _index: int) -> str:
    return f"item {row.get('number', '?')} ({row.get('id', '?')})"


def load_rubric(path: Path | str) -> Rubric:
    """Read one rubric file; raise RubricError naming the file, the item and the field."""
    return load_model(path, Rubric, RubricError, "items", _name_item)


class RubricRegistry:
    """Every rubric version found in a folder, by version string."""

    def __init__(self, folder: Path = DATA_DIR) -> None:
        self._rubrics: dict[str, Rubric] = {}
        for path in sorted(folder.glob("navi-*.yaml")):
            rubric = load_rubric(path)
            self._rubrics[rubric.version] = rubric

    def get(self, version: str) -> Rubric:
        try:
            return self._rubrics[version]
        except KeyError:
            raise RubricError(f"no rubric version '{version}' (have {self.versions()})") from None

    def versions(self) -> list[str]:
        """Oldest first, compared as versions: "1.9" before "1.10" (text order would not)."""
        return sorted(self._rubrics, key=version_key)

    def latest(self) -> Rubric:
        return self._rubrics[self.versions()[-1]]


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key for "1.10", "2.0-draft"…: numeric parts as numbers, other parts as text after
    them (so "1.10" > "1.9", and a stray "1.a" sorts without failing)."""
    parts = re.split(r"[.\-_]", version.strip())
    return tuple((0, int(p)) if p.isdecimal() and len(p) < 10 else (1, p) for p in parts)


@cache
def registry() -> RubricRegistry:
    """The packaged rubrics, loaded once per process."""
    return RubricRegistry()
