"""The registry serves packaged and stored versions; ids map across versions; drafts counted."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import func, select, text

from rubrics import RubricRegistry, registry, registry_with_stored
from rubrics.loader import Rubric, RubricError
from store.errors import UserError
from store.rubric_versions import StoredRubrics, StoredRubricVersion, store_version

SEED = registry().get("1.1")
NOW = datetime.fromisoformat("2026-11-29T10:00:00+09:00")


def derived(version: str, previous: Rubric, change=None) -> dict[str, Any]:
    """A new version's JSON as the import would store it, optionally changed."""
    raw = previous.model_dump(mode="json")
    raw |= {"version": version, "previous": previous.version,
            "name": {"ja": f"ナビ ver{version}", "en": f"Navi ver{version}"}}
    if change:
        change(raw)
    return raw


class FakeSource:
    def __init__(self, rubrics: dict[str, dict[str, Any]]) -> None:
        self.rubrics, self.loads = rubrics, 0

    def versions(self) -> list[str]:
        return list(self.rubrics)

    def load(self, version: str) -> Mapping[str, Any] | None:
        self.loads += 1
        return self.rubrics.get(version)


def rename(old: str, new: str, number: int | None = None):
    def change(raw: dict[str, Any]) -> None:
        item = next(i for i in raw["items"] if i["id"] == old)
        item["id"], item["replaces"] = new, [*item["replaces"], old]
        if number is not None:
            item["number"] = number
    return change


def test_packaged_registry_is_unchanged():
    assert registry().versions() == ["1.1"] and registry() is registry()
    assert registry().latest() is SEED and registry().previous("1.1") is None


def test_stored_versions_are_served_validated_once_and_listed_fresh():
    source = FakeSource({"2.0": derived("2.0", SEED, rename("ai-policy", "ai-principles"))})
    rubrics = registry_with_stored(source)
    assert rubrics.versions() == ["1.1", "2.0"] and rubrics.latest().version == "2.0"
    first = rubrics.get("2.0")
    assert rubrics.get("2.0") is first and source.loads == 1  # immutable: cached by version
    assert rubrics.get("1.1") is SEED and source.loads == 1  # packaged never asks the store
    source.rubrics["1.10"] = derived("1.10", SEED)  # imported while the server runs
    assert rubrics.versions() == ["1.1", "1.10", "2.0"]
    assert rubrics.previous("2.0").version == "1.10" and rubrics.previous("1.2").version == "1.1"
    assert registry().versions() == ["1.1"]  # the shared packaged registry is untouched


def test_unknown_and_broken_stored_versions():
    broken = derived("3.0", SEED, lambda raw: raw["items"][0]["levels"].pop("2"))
    rubrics = registry_with_stored(FakeSource({"3.0": broken}))
    with pytest.raises(RubricError, match=r"no rubric version '9\.9'"):
        rubrics.get("9.9")
    with pytest.raises(RubricError, match=r"stored rubric version '3.0'.*missing level"):
        rubrics.get("3.0")


def test_ids_carry_across_versions_through_replaces():
    v20 = derived("2.0", SEED, rename("ai-policy", "ai-principles", number=40))
    v20_model = Rubric.model_validate(v20)
    v21 = derived("2.1", v20_model, rename("ai-principles", "ai-charter"))
    rubrics = registry_with_stored(FakeSource({"2.0": v20, "2.1": v21}))
    assert rubrics.get("2.0").current_id("ai-policy") == "ai-principles"
    assert rubrics.translate("ai-policy", "1.1", "2.1") == "ai-charter"
    assert rubrics.get("2.1").current_id("ai-policy") == "ai-charter"  # history carried
    assert rubrics.translate("ai-use-rules", "1.1", "2.1") == "ai-use-rules"
    assert rubrics.translate("ai-policy", "1.1", "1.1") == "ai-policy"
    assert rubrics.translate("ai-charter", "2.1", "1.1") is None
    assert rubrics.translate("ai-use-rules", "2.1", "1.1") == "ai-use-rules"


@pytest.mark.parametrize(("change", "message"), [
    (lambda raw: raw["items"][1]["replaces"].append("ai-policy"), "still an item"),
    (lambda raw: (raw["items"][0]["replaces"].append("gone"),
                  raw["items"][1]["replaces"].append("gone")), "already continued"),
    (lambda raw: raw["items"][0]["replaces"].append("Not An Id"), "not item ids"),
    (lambda raw: raw["items"][0]["replaces"].extend(["a", "a"]), "listed twice"),
    (lambda raw: raw["items"][0].__setitem__("guideline_ref", "x" * 501), "500"),
])
def test_the_model_refuses_ambiguous_mappings(change, message):
    with pytest.raises(ValueError, match=message):
        Rubric.model_validate(derived("2.0", SEED, change))


def test_drafts_are_data():
    assert SEED.draft_count() == 139
    policy, pdu = SEED.item("ai-policy"), SEED.item("personal-data-use")
    assert policy.levels[2].status == "draft" and pdu.levels[3].status == "approved"
    assert policy.levels[2].marked("ja") == policy.levels[2].ja + "（案）"
    assert policy.levels[2].marked("en") == policy.levels[2].en + " (draft)"
    assert pdu.levels[3].marked("ja") == pdu.levels[3].ja
    assert policy.explanation.marked("en").endswith("(draft)")


def test_constructing_a_registry_from_a_folder_still_works(tmp_path):
    assert RubricRegistry(tmp_path).versions() == []


def test_stored_rubrics_in_the_database(database):
    raw = derived("2.0", SEED)
    with database.transaction() as s:
        store_version(s, raw, now=NOW,
                      imported_by="secretariat", source_file="navi-2.0.xlsx")
    rubrics = registry_with_stored(StoredRubrics(database))
    assert rubrics.versions() == ["1.1", "2.0"]
    assert rubrics.get("2.0").model_dump(mode="json") == Rubric.model_validate(raw).model_dump(
        mode="json")
    with database.transaction() as s, pytest.raises(UserError, match="already stored"):
        store_version(s, raw, now=NOW)
    with database.transaction() as s:
        assert s.scalar(select(func.count()).select_from(StoredRubricVersion)) == 1


def test_reading_inside_a_turns_write_transaction_does_not_wait(database):
    """A turn's transaction holds SQLite's write lock; the registry must not queue behind it."""
    with database.transaction() as s:
        store_version(s, derived("2.0", SEED), now=NOW)
    rubrics = registry_with_stored(StoredRubrics(database))
    with database.transaction() as s:
        s.execute(text("UPDATE rubric_versions SET imported_by = 'x'"))  # a write in progress
        started = time.monotonic()
        assert rubrics.get("2.0").version == "2.0" and "2.0" in rubrics.versions()
        assert time.monotonic() - started < 3


def test_two_imports_of_one_version_at_once_store_one(database):
    now = NOW
    results: list[str] = []
    first_in = threading.Event()

    def second() -> None:
        first_in.wait(5)
        try:
            with database.transaction() as s:
                store_version(s, derived("2.0", SEED), now=now, source_file="b.xlsx")
            results.append("stored")
        except UserError:
            results.append("refused")

    worker = threading.Thread(target=second)
    worker.start()
    with database.transaction() as s:
        store_version(s, derived("2.0", SEED), now=now, source_file="a.xlsx")
        first_in.set()
        time.sleep(0.3)  # the other import is now waiting on us
    worker.join(40)
    assert results == ["refused"]
    with database.transaction() as s:
        rows = list(s.scalars(select(StoredRubricVersion.source_file)))
    assert rows == ["a.xlsx"]
