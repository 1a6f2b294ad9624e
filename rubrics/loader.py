"""Load and validate rubrics: the packaged YAML seed, and versions the secretariat imported.

Rubrics are data the secretariat edits; a broken file must fail loudly at load time with the
file, the item and the field named, never half-way through a member's assessment. Versions
imported from a workbook live in the database; `RubricRegistry` reads them through a
`RubricSource` handed in from outside, so this package never imports the store.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from threading import Lock
from typing import Any, Literal, Protocol

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from rubrics.validated_yaml import describe, load_model

DATA_DIR = Path(__file__).parent / "data"
Role = Literal["developer", "user"]
ROLES: tuple[Role, ...] = ("developer", "user")
Status = Literal["draft", "approved"]
DRAFT_MARK = {"ja": "（案）", "en": " (draft)"}
ITEM_ID = r"^[a-z0-9][a-z0-9-]*$"


class RubricError(ValueError):
    """A rubric file that cannot be used; the message names file, item and field."""


class Bilingual(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.ja


class DraftableText(Bilingual):
    """A text the committee approves: until then members must see it marked as a draft."""

    draft: bool = False

    @property
    def status(self) -> Status:
        return "draft" if self.draft else "approved"

    def marked(self, lang: str) -> str:
        """The text in `lang`, followed by 「（案）」 / "(draft)" while it is a draft."""
        return self.get(lang) + (DRAFT_MARK["en" if lang == "en" else "ja"] if self.draft else "")


class Level(DraftableText):
    """One level descriptor; `draft` marks text written by us for the secretariat to revise."""


class Explanation(DraftableText):
    """Why the item matters; a draft until the committee approves it."""


class Area(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    name: Bilingual


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=ITEM_ID, max_length=80)  # stable across rubric versions
    number: int = Field(ge=1)
    area: str
    title: Bilingual
    applies_to: list[Role] = Field(min_length=1)
    explanation: Explanation
    levels: dict[int, Level]
    guideline_ref: str = Field(default="", max_length=500)  # AI事業者ガイドライン section, if known
    # ids of the previous version this item continues (renumbered under a new id, or merged)
    replaces: list[str] = Field(default_factory=list)
    notes: str = Field(default="", max_length=4000)  # the committee's own remarks, not shown

    @field_validator("replaces")
    @classmethod
    def _replaced_ids(cls, ids: list[str]) -> list[str]:
        bad = [i for i in ids if not re.fullmatch(ITEM_ID, i)]
        if bad:
            raise ValueError(f"not item ids: {bad}")
        if len(set(ids)) != len(ids):
            raise ValueError("an id is listed twice")
        return ids

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
    previous: str = ""  # the version whose item ids `Item.replaces` names ("" for the seed)
    _cache: tuple | None = PrivateAttr(default=None)

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
        claimed: dict[str, str] = {}
        for item in self.items:
            for old in item.replaces:
                if old in seen_ids:
                    raise ValueError(f"item {item.number} ({item.id}): field 'replaces': "
                                     f"'{old}' is still an item of this version")
                if old in claimed:
                    raise ValueError(f"item {item.number} ({item.id}): field 'replaces': "
                                     f"'{old}' is already continued by '{claimed[old]}'")
                claimed[old] = item.id
        self.items.sort(key=lambda i: i.number)
        return self

    def current_id(self, previous_id: str) -> str | None:
        """This version's id for an item id of an earlier version: the same id when the item
        kept it, the item that lists it in `replaces` when renumbered or merged, else None
        (the item was dropped)."""
        if self.item(previous_id) is not None:
            return previous_id
        return next((i.id for i in self.items if previous_id in i.replaces), None)

    def draft_count(self) -> int:
        """How many texts (explanations and level descriptors) are still drafts."""
        return sum(int(i.explanation.draft) + sum(lv.draft for lv in i.levels.values())
                   for i in self.items)

    def _memo(self) -> tuple[dict[str, Item], dict[tuple[str, ...], list[Item]]]:
        """Items by id and applicable items by roles, computed once per items list: every
        answer looks items up several times (issue 19). Checked against the list itself, so a
        copy with other items (`model_copy(update=...)`) never reads this one's answers."""
        memo = self._cache
        if memo is None or memo[0] is not self.items:
            memo = (self.items, {i.id: i for i in self.items}, {})
            self._cache = memo  # one assignment: a thread sees the old memo or the new one
        return memo[1], memo[2]

    def item(self, item_id: str) -> Item | None:
        return self._memo()[0].get(item_id)

    def item_by_number(self, number: int) -> Item | None:
        return next((i for i in self.items if i.number == number), None)

    def area(self, area_id: str) -> Area:
        return next(a for a in self.areas if a.id == area_id)

    def applicable(self, roles: Iterable[str]) -> list[Item]:
        roles = tuple(roles)
        known = self._memo()[1]
        found = known.get(roles)
        if found is None:
            found = known[roles] = [i for i in self.items if i.applies(roles)]
        return list(found)  # a copy: a caller may sort or extend it


def _name_item(row: dict, _index: int) -> str:
    return f"item {row.get('number', '?')} ({row.get('id', '?')})"


def load_rubric(path: Path | str) -> Rubric:
    """Read one rubric file; raise RubricError naming the file, the item and the field."""
    return load_model(path, Rubric, RubricError, "items", _name_item)


class RubricSource(Protocol):
    """Versions stored outside the package (the database), as validated-rubric JSON."""

    def versions(self) -> list[str]: ...

    def load(self, version: str) -> Mapping[str, Any] | None: ...


class RubricRegistry:
    """Every rubric version by version string: the packaged YAML in a folder, plus the versions
    of an optional `RubricSource`. A stored rubric never changes, so each is validated once and
    kept; the list of versions is asked afresh, so a version imported while the server runs is
    served without a restart."""

    def __init__(self, folder: Path = DATA_DIR, *, stored: RubricSource | None = None,
                 packaged: Mapping[str, Rubric] | None = None) -> None:
        self._packaged: dict[str, Rubric] = dict(packaged or {})
        if packaged is None:
            for path in sorted(folder.glob("navi-*.yaml")):
                rubric = load_rubric(path)
                self._packaged[rubric.version] = rubric
        self._stored = stored
        self._cache: dict[str, Rubric] = {}
        self._lock = Lock()

    def with_stored(self, stored: RubricSource) -> RubricRegistry:
        """The same packaged rubrics (not read again) plus the versions of `stored`."""
        return RubricRegistry(stored=stored, packaged=self._packaged)

    def is_packaged(self, version: str) -> bool:
        return version in self._packaged

    def get(self, version: str) -> Rubric:
        found = self._packaged.get(version) or self._cache.get(version)
        if found is None and self._stored is not None:
            found = self._load_stored(version)
        if found is None:
            raise RubricError(f"no rubric version '{version}' (have {self.versions()})")
        return found

    def _load_stored(self, version: str) -> Rubric | None:
        raw = self._stored.load(version) if self._stored is not None else None
        if raw is None:
            return None
        try:
            rubric = Rubric.model_validate(dict(raw))
        except ValidationError as exc:
            raise RubricError(f"stored rubric version '{version}' is not valid: "
                              f"{describe(exc, dict(raw), 'items', _name_item)}") from exc
        with self._lock:
            return self._cache.setdefault(version, rubric)

    def versions(self) -> list[str]:
        """Oldest first, compared as versions: "1.9" before "1.10" (text order would not)."""
        found = set(self._packaged)
        if self._stored is not None:
            found |= set(self._stored.versions())
        return sorted(found, key=version_key)

    def latest(self) -> Rubric:
        return self.get(self.versions()[-1])

    def previous(self, version: str) -> Rubric | None:
        """The newest version older than `version`: the one an import of it is compared with."""
        older = [v for v in self.versions() if version_key(v) < version_key(version)]
        return self.get(older[-1]) if older else None

    def translate(self, item_id: str, from_version: str, to_version: str) -> str | None:
        """An item id of `from_version` as it is called in `to_version` (None once dropped),
        following each version's `replaces` in turn: for carrying progress across rounds."""
        if from_version == to_version:
            return item_id
        if version_key(to_version) < version_key(from_version):  # backwards: only kept ids
            return item_id if self.get(to_version).item(item_id) is not None else None
        current: str | None = item_id
        for version in self.versions():
            key = version_key(version)
            if current is None or not version_key(from_version) < key <= version_key(to_version):
                continue
            current = self.get(version).current_id(current)
        return current


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key for "1.10", "2.0-draft"…: numeric parts as numbers, other parts as text after
    them (so "1.10" > "1.9", and a stray "1.a" sorts without failing)."""
    parts = re.split(r"[.\-_]", version.strip())
    return tuple((0, int(p)) if p.isdecimal() and len(p) < 10 else (1, p) for p in parts)


@cache
def packaged_registry() -> RubricRegistry:
    """The packaged rubrics, loaded once per process."""
    return RubricRegistry()


_installed: RubricRegistry | None = None


def registry() -> RubricRegistry:
    """The process's rubrics: the packaged ones, plus the database's once `use_stored` ran."""
    return _installed or packaged_registry()


def registry_with_stored(stored: RubricSource) -> RubricRegistry:
    """The packaged rubrics plus the versions imported into the database, e.g.
    `registry_with_stored(StoredRubrics(database))` (store/rubric_versions.py)."""
    return packaged_registry().with_stored(stored)


def use_stored(stored: RubricSource | None) -> RubricRegistry:
    """Start-up (once per process, by each entry point): make `registry()` everywhere serve
    the versions imported into the database too, so a new version needs no release."""
    global _installed
    _installed = registry_with_stored(stored) if stored is not None else None
    return registry()
