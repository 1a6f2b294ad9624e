"""The rubric workbook round trip: export, edit as in Excel, import; hostile workbooks refused.

Every hostile workbook must come back as a list of problems naming the sheet, cell and column in
both languages, never as an exception from openpyxl or pydantic, and never as a half-read rubric.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from rubrics import registry
from rubrics.diff import diff_rubrics
from rubrics.loader import Rubric
from rubrics.workbook_cells import WorkbookError
from rubrics.workbook_export import export_workbook
from rubrics.workbook_import import read_workbook
from rubrics.workbook_layout import (
    AREAS_SHEET,
    INFO_SHEET,
    ITEM_COLUMNS,
    ITEMS_SHEET,
    column_letter,
)

SEED = registry().get("1.1")
class Sheet:
    """Cells addressed by item id and column key, as a person finds them on screen."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self.ws = book[ITEMS_SHEET]
        headings = [c.value for c in self.ws[1]]
        self.col = {c.key: headings.index(c.heading) + 1 for c in ITEM_COLUMNS}

    def row_of(self, item_id: str) -> int:
        for row in range(2, self.ws.max_row + 1):
            if self.ws.cell(row, self.col["id"]).value == item_id:
                return row
        raise KeyError(item_id)

    def set(self, item_id: str, key: str, value: Any) -> None:
        self.ws.cell(self.row_of(item_id), self.col[key]).value = value

    def get(self, item_id: str, key: str) -> Any:
        return self.ws.cell(self.row_of(item_id), self.col[key]).value

    def cell_name(self, item_id: str, key: str) -> str:
        return f"{column_letter(self.col[key])}{self.row_of(item_id)}"

    def copy_row(self, item_id: str) -> int:
        """Append a copy of an item's row (how a person starts a new item); its row number."""
        source, target = self.row_of(item_id), self.ws.max_row + 1
        for col in range(1, len(ITEM_COLUMNS) + 1):
            self.ws.cell(target, col).value = self.ws.cell(source, col).value
        return target


def edit(path: Path, change: Callable[[Sheet], None], target: Path | None = None) -> Path:
    """Open `path` with openpyxl, apply `change`, save (to `target`, default in place)."""
    book = load_workbook(path)
    change(Sheet(book))
    book.save(target or path)
    return target or path


@pytest.fixture
def book(tmp_path) -> Path:
    path = tmp_path / "navi.xlsx"
    export_workbook(SEED, path)
    return path


def same_content(a: Rubric, b: Rubric) -> bool:
    skip = {"version", "name", "previous"}
    return a.model_dump(exclude=skip) == b.model_dump(exclude=skip)


def problems(path: Path, previous: Rubric | None = SEED, version: str = "1.2") -> list[str]:
    with pytest.raises(WorkbookError) as err:
        read_workbook(path, version=version, previous=previous)
    return [p.lines() for p in err.value.problems]


# --- the round trip -----------------------------------------------------------------------

def test_unchanged_workbook_gives_back_the_same_version(book):
    again = read_workbook(book, version="1.2", previous=SEED)
    assert same_content(again, SEED)
    assert again.draft_count() == SEED.draft_count() == 139
    assert again.previous == "1.1" and again.name.ja == "AIガバナンスナビ ver1.2"
    # and a second trip through Excel changes nothing either
    second = book.with_name("again.xlsx")
    export_workbook(again, second)
    assert same_content(read_workbook(second, version="1.3", previous=again), again)


def test_layout_reads_in_excel(book):
    wb = load_workbook(book)
    items = wb[ITEMS_SHEET]
    assert wb.sheetnames == [ITEMS_SHEET, AREAS_SHEET, INFO_SHEET]
    assert items.freeze_panes == "D2" and wb[AREAS_SHEET].freeze_panes == "A2"
    headings = [c.value for c in items[1]]
    assert headings[0] == "ID（変更しない）\nStable id" and len(headings) == len(ITEM_COLUMNS)
    assert all(items.column_dimensions[column_letter(n)].width >= 7
               for n in range(1, len(headings) + 1))
    assert items["H2"].alignment.wrap_text and items.max_row == 37
    assert [c.value for c in wb[AREAS_SHEET]["A"]][1:] == [a.id for a in SEED.areas]
    sheet = Sheet(wb)
    assert sheet.get("ai-policy", "developer") == "○" and sheet.get("ai-use-rules",
                                                                     "developer") is None
    assert sheet.get("ai-policy", "level2_status") == "draft"
    assert sheet.get("personal-data-use", "level3_status") == "approved"


def test_text_that_looks_like_a_formula_survives(tmp_path):
    items = [i.model_copy(update={"notes": "=要確認（委員会で議論）"}) if i.number == 1 else i
             for i in SEED.items]
    rubric = SEED.model_copy(update={"items": items})
    export_workbook(rubric, tmp_path / "b.xlsx")
    again = read_workbook(tmp_path / "b.xlsx", version="1.2", previous=SEED)
    assert again.item("ai-policy").notes == "=要確認（委員会で議論）"
    assert same_content(again, rubric)


def committee_edits(s: Sheet) -> None:
    """What the committee does in one sitting: reword, approve, renumber, merge, add."""
    s.set("ai-policy", "level2_ja", "AIポリシーの策定方針が経営会議で承認されている。")
    for key in ("explanation_status", "level2_status", "level3_status", "level4_status"):
        s.set("ai-policy", key, "承認")  # typed in Japanese
    s.set("ai-use-rules", "number", 37)
    s.set("ai-use-rules", "id", "ai-use-policy")  # a new id: the mapping column says whence
    s.set("ai-use-policy", "replaces", "ai-use-rules")
    s.set("ai-management-rules", "replaces", "use-case-inventory、internal-rule-adoption")
    for gone in ("use-case-inventory", "internal-rule-adoption"):
        s.ws.delete_rows(s.row_of(gone))
    row = s.copy_row("ai-policy")
    s.ws.cell(row, s.col["id"]).value = "ai-agents"
    s.ws.cell(row, s.col["number"]).value = "38"  # typed as text: still a number
    s.ws.cell(row, s.col["title_ja"]).value = "AIエージェントの管理"
    s.ws.cell(row, s.col["title_en"]).value = "Managing AI agents"
    s.ws.cell(row, s.col["user"]).value = None
    s.ws.cell(row, s.col["guideline_ref"]).value = "第2部 C"
    s.ws.cell(row, s.col["notes"]).value = "ver2.0 で新設"
    for key in ("explanation_status", *(f"level{n}_status" for n in (1, 2, 3, 4))):
        s.ws.cell(row, s.col[key]).value = None  # left empty: a draft until approved
    s.set("ai-policy", "title_en", "AI policy statement")


def test_committee_edits_import_and_diff(book):
    edit(book, committee_edits)
    new = read_workbook(book, version="2.0", previous=SEED, name_ja="AIガバナンスナビ ver2.0 案")
    assert len(new.items) == 36 - 2 + 1 and new.name.en == "AIガバナンスナビ ver2.0 案"
    policy = new.item("ai-policy")
    assert [policy.levels[n].draft for n in (2, 3, 4)] == [False, False, False]
    assert policy.explanation.status == "approved" and policy.levels[2].marked("ja").endswith("。")
    assert new.draft_count() == SEED.draft_count() - 4 - 8 + 5  # approved, merged away, added
    agents = new.item("ai-agents")
    assert agents.number == 38 and agents.applies_to == ["developer"]
    assert agents.guideline_ref == "第2部 C" and agents.levels[2].marked("en").endswith("(draft)")
    assert new.current_id("ai-use-rules") == "ai-use-policy"
    assert new.current_id("use-case-inventory") == "ai-management-rules"
    assert new.current_id("ai-policy") == "ai-policy" and new.current_id("nothing") is None
    diff = diff_rubrics(SEED, new)
    kinds = {(c.kind, c.item) for c in diff.changes}
    assert {("added", "ai-agents"), ("renumbered", "ai-use-policy"), ("retitled", "ai-policy"),
            ("text", "ai-policy"), ("status", "ai-policy"),
            ("merged", "ai-management-rules"), ("merged", "ai-use-policy")} <= kinds
    assert not any(c.kind == "removed" for c in diff.changes)  # merged, not lost
    assert diff.count("status") == 4 and diff.count("text") == 1
    text = "\n".join(diff.lines())
    assert "#37 ai-use-policy" in text and "number 2 → 37" in text and "level 2 text" in text


def test_deleted_item_shows_as_removed(book):
    edit(book, lambda s: s.ws.delete_rows(s.row_of("ai-policy")))
    new = read_workbook(book, version="1.2", previous=SEED)
    assert [(c.kind, c.item) for c in diff_rubrics(SEED, new).changes] == [
        ("removed", "ai-policy")]
    assert new.current_id("ai-policy") is None


def test_columns_moved_by_the_committee_are_still_found(book):
    def move(s: Sheet) -> None:
        s.ws.move_range("A1:A37", rows=0, cols=30)  # the id column now sits after the notes
    edit(book, move)
    assert same_content(read_workbook(book, version="1.2", previous=SEED), SEED)


def test_effective_turned_into_a_date_by_excel_is_read_back(book):
    def retype(s: Sheet) -> None:
        info = s.book[INFO_SHEET]
        row = next(r for r in range(2, 9) if info.cell(r, 1).value == "effective")
        info.cell(row, 3).value = datetime(2026, 4, 1)
    edit(book, retype)
    assert read_workbook(book, version="2.0", previous=SEED).effective == "2026-04"
