"""Hostile and careless workbooks: each is answered with sentences naming sheet, cell and column.

Nothing here may raise anything but `WorkbookError`, and no problem may go unreported: one
import lists them all, so the committee fixes the workbook in one pass.
"""

from __future__ import annotations

import time
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from rubrics.workbook_cells import WorkbookError
from rubrics.workbook_export import export_workbook
from rubrics.workbook_import import read_workbook
from rubrics.workbook_layout import AREAS_SHEET, INFO_SHEET, ITEMS_SHEET, MAX_FILE_BYTES
from tests.test_rubric_workbook import SEED, Sheet, edit


@pytest.fixture
def book(tmp_path) -> Path:
    path = tmp_path / "navi.xlsx"
    export_workbook(SEED, path)
    return path


def problems(path: Path, version: str = "1.2", previous=SEED) -> list[str]:
    with pytest.raises(WorkbookError) as err:
        read_workbook(path, version=version, previous=previous)
    found = [p.lines() for p in err.value.problems]
    for text in found:  # every problem in both languages
        ja, en = text.split("\n")
        assert ja.strip() and en.strip() and ja != en.strip(), text
    return found


def one(found: list[str], *parts: str) -> str:
    hits = [p for p in found if all(part in p for part in parts)]
    assert hits, (parts, found)
    return hits[0]


CASES = {
    "empty level text": (lambda s: s.set("ai-policy", "level3_en", None),
                         ["ai-policy", "level3_en"], ["is empty", "空欄"]),
    "only spaces": (lambda s: s.set("ai-policy", "title_ja", " \u3000 "),
                    ["ai-policy", "title_ja"], ["is empty"]),
    "number where text belongs": (lambda s: s.set("ai-policy", "title_en", 12345),
                                  ["ai-policy", "title_en"], ["expected text", "12345"]),
    "date where text belongs": (lambda s: s.set("ai-policy", "level2_en", datetime(2026, 4, 1)),
                                ["ai-policy", "level2_en"], ["a date"]),
    "TRUE where text belongs": (lambda s: s.set("ai-policy", "explanation_ja", True),
                                ["ai-policy", "explanation_ja"], ["TRUE/FALSE"]),
    "formula": (lambda s: s.set("ai-policy", "level2_ja", '=A2&"です"'),
                ["ai-policy", "level2_ja"], ["formulas are not allowed", "数式"]),
    "excel error": (lambda s: s.set("ai-policy", "notes", "#N/A"),
                    ["ai-policy", "notes"], ["Excel error"]),
    "duplicate number": (lambda s: s.set("ai-use-rules", "number", 1),
                         ["ai-use-rules", "number"], ["duplicate number '1'", "row 2"]),
    "duplicate id": (lambda s: s.set("ai-use-rules", "id", "ai-policy"),
                     [None, "id"], ["duplicate id 'ai-policy'"]),
    "fractional number": (lambda s: s.set("ai-policy", "number", 1.5),
                          ["ai-policy", "number"], ["whole number", "1.5"]),
    "negative number": (lambda s: s.set("ai-policy", "number", -3),
                        ["ai-policy", "number"], ["whole number"]),
    "number as words": (lambda s: s.set("ai-policy", "number", "一"),
                        ["ai-policy", "number"], ["whole number"]),
    "unknown area": (lambda s: s.set("ai-policy", "area", "finance"),
                     ["ai-policy", "area"], ["unknown area 'finance'"]),
    "bad role": (lambda s: s.set("ai-policy", "user", "maybe"),
                 ["ai-policy", "user"], ["cannot read 'maybe'"]),
    "no role": (lambda s: (s.set("ai-policy", "user", None), s.set("ai-policy", "developer", "")),
                ["ai-policy", "developer"], ["no role ticked"]),
    "bad status": (lambda s: s.set("ai-policy", "level2_status", "done"),
                   ["ai-policy", "level2_status"], ["status 'done'"]),
    "bad id": (lambda s: s.set("ai-policy", "id", "AI Policy!"),
               [None, "id"], ["lower-case"]),
    "replaces unknown": (lambda s: s.set("ai-policy", "replaces", "no-such-item"),
                         ["ai-policy", "replaces"], ["not an item of the previous version 1.1"]),
    "replaces itself": (lambda s: s.set("ai-policy", "replaces", "ai-policy"),
                        ["ai-policy", "replaces"], ["own id"]),
    "replaces a kept item": (lambda s: s.set("ai-policy", "replaces", "ai-use-rules"),
                             ["ai-policy", "replaces"], ["still an item of this version"]),
    "huge cell": (lambda s: s.set("ai-policy", "explanation_en", "x" * 32_000),
                  ["ai-policy", "explanation_en"], ["32000 characters (at most 4000)"]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_careless_edit_is_named_by_sheet_cell_and_column(book, case):
    change, (item, key), expected = CASES[case]
    sheet_holder: dict[str, str] = {}

    def apply(s: Sheet) -> None:
        if item is not None:
            sheet_holder["cell"] = s.cell_name(item, key)
        change(s)
    edit(book, apply)
    found = problems(book)
    hit = one(found, *expected)
    assert ITEMS_SHEET in hit
    if "cell" in sheet_holder:
        assert f"{ITEMS_SHEET}!{sheet_holder['cell']}" in hit, hit


def test_all_problems_are_listed_at_once(book):
    def many(s: Sheet) -> None:
        s.set("ai-policy", "level4_ja", None)
        s.set("ai-use-rules", "area", "nowhere")
        s.set("ai-management-rules", "developer", "??")
        s.set("use-case-inventory", "number", 1)
    edit(book, many)
    found = problems(book)
    assert len(found) == 4, found


def test_two_items_cannot_continue_the_same_old_item(book):
    def split(s: Sheet) -> None:
        s.set("ai-policy", "replaces", "ai-use-rules")
        s.set("ai-management-rules", "replaces", "ai-use-rules")
        s.ws.delete_rows(s.row_of("ai-use-rules"))
    edit(book, split)
    one(problems(book), "already continued by 'ai-policy'")


def test_replaces_needs_a_previous_version(book):
    edit(book, lambda s: s.set("ai-policy", "replaces", "ai-use-rules-old"))
    one(problems(book, previous=None), "no previous version")


@pytest.mark.parametrize("sheet", [ITEMS_SHEET, AREAS_SHEET, INFO_SHEET])
def test_missing_sheet(book, sheet):
    wb = load_workbook(book)
    del wb[sheet]
    wb.save(book)
    one(problems(book), f"the sheet '{sheet}' is missing")


def test_renamed_sheet_halves_still_match(book):
    wb = load_workbook(book)
    wb[ITEMS_SHEET].title = "Items"
    wb.save(book)
    assert read_workbook(book, version="1.2", previous=SEED).items == SEED.items


def test_unknown_and_missing_columns(book):
    def columns(s: Sheet) -> None:
        s.ws.cell(1, s.col["level3_en"]).value = "Level three"
        s.ws.cell(1, 40).value = "担当者"
    edit(book, columns)
    found = problems(book)
    one(found, "unknown column heading 'Level three'")
    one(found, "unknown column heading '担当者'", f"{ITEMS_SHEET}!AN1")
    one(found, "the column 'Level 3 (en)' is missing")


def test_unknown_area_sheet_problems(book):
    wb = load_workbook(book)
    areas = wb[AREAS_SHEET]
    areas["A3"] = "rules"
    areas["D4"] = "first"
    wb.save(book)
    found = problems(book)
    one(found, f"{AREAS_SHEET}!A3", "duplicate area id 'rules'")
    one(found, f"{AREAS_SHEET}!D4", "whole number")


def test_ten_thousand_rows_are_refused_quickly(book):
    wb = load_workbook(book)
    ws = wb[ITEMS_SHEET]
    template = [c.value for c in ws[2]]
    for n in range(10_000):
        ws.append([f"x{n}", n + 100, *template[2:]])
    wb.save(book)
    started = time.monotonic()
    one(problems(book), "more than 500 filled rows")
    assert time.monotonic() - started < 10


def test_blank_formatted_rows_below_the_table_are_ignored(book):
    wb = load_workbook(book)
    ws = wb[ITEMS_SHEET]
    for row in range(40, 400):
        ws.cell(row, 2).value = "  "  # a person's stray spaces, far below the items
    wb.save(book)
    assert len(read_workbook(book, version="1.2", previous=SEED).items) == 36


def test_a_sheet_without_items(tmp_path, book):
    wb = load_workbook(book)
    wb[ITEMS_SHEET].delete_rows(2, 100)
    wb.save(book)
    one(problems(book), "has no items")


@pytest.mark.parametrize("content", [
    b"id,number,area\nai-policy,1,rules\n",  # a CSV saved under .xlsx
    b"",
    b"\x00" * 1000,
    "AIガバナンスナビ".encode("shift_jis"),
])
def test_files_that_are_not_workbooks(tmp_path, content):
    path = tmp_path / "navi.xlsx"
    path.write_bytes(content)
    one(problems(path), "not an Excel workbook")


def test_a_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "navi.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    one(problems(path), "cannot be read as an Excel workbook")


def test_a_workbook_with_a_damaged_sheet(tmp_path, book):
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(damaged, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]  # cut off mid-sheet
            dst.writestr(info, data)
    found = problems(damaged)
    assert len(found) == 1 and ("cannot be read" in found[0] or "save it again" in found[0])


def test_a_file_too_large_and_a_missing_file(tmp_path):
    big = tmp_path / "big.xlsx"
    with big.open("wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)
    one(problems(big), "too large")
    one(problems(tmp_path / "nowhere.xlsx"), "cannot be found")


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path, book):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        dst.writestr("xl/sharedStrings2.xml", b"<a>" + b"x" * (120 * 2**20) + b"</a>")
    assert bomb.stat().st_size < MAX_FILE_BYTES
    started = time.monotonic()
    one(problems(bomb), "unpacks to 120 MB")
    assert time.monotonic() - started < 2


def test_an_old_xls_or_empty_new_workbook(tmp_path):
    path = tmp_path / "new.xlsx"
    Workbook().save(path)
    found = problems(path)
    assert len(found) == 3 and all("is missing" in p for p in found)


@pytest.mark.parametrize("version", ["", " ", "1.1/../x", "v" * 41, "２.０", "1.0\n", "-1"])
def test_bad_version_strings(book, version):
    one(problems(book, version=version), "cannot be used")
