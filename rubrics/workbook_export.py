"""Write a rubric version as the workbook the Navi committee edits in Excel.

Everything a version holds goes into the workbook (texts, draft status, roles, references, the
"replaces" history, notes, areas and the version's own details), so importing the unchanged file
gives back the same version. Headings are frozen, columns sized and wrapped so it reads.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from rubrics.loader import Item, Rubric
from rubrics.workbook_layout import (
    AREA_COLUMNS,
    AREAS_SHEET,
    INFO_COLUMNS,
    INFO_ROWS,
    INFO_SHEET,
    ITEM_COLUMNS,
    ITEMS_SHEET,
    LEVELS,
    TICK,
    Column,
    column_letter,
)

HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
DRAFT_FILL = PatternFill("solid", fgColor="FFF2CC")  # drafts stand out for the committee
WRAP = Alignment(wrap_text=True, vertical="top")


def item_row(item: Item) -> dict[str, object]:
    row: dict[str, object] = {
        "id": item.id, "number": item.number, "area": item.area,
        "title_ja": item.title.ja, "title_en": item.title.en,
        "developer": TICK if "developer" in item.applies_to else "",
        "user": TICK if "user" in item.applies_to else "",
        "explanation_ja": item.explanation.ja, "explanation_en": item.explanation.en,
        "explanation_status": item.explanation.status,
        "guideline_ref": item.guideline_ref, "replaces": ", ".join(item.replaces),
        "notes": item.notes,
    }
    for n in LEVELS:
        level = item.levels[n]
        row |= {f"level{n}_ja": level.ja, f"level{n}_en": level.en,
                f"level{n}_status": level.status}
    return row


def _header(sheet: Worksheet, columns: tuple[Column, ...], freeze: str) -> None:
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.heading)
        cell.font, cell.fill, cell.alignment = Font(bold=True), HEADER_FILL, WRAP
        sheet.column_dimensions[column_letter(index)].width = column.width
    sheet.row_dimensions[1].height = 36
    sheet.freeze_panes = freeze


def _write_rows(sheet: Worksheet, columns: tuple[Column, ...],
                rows: list[dict[str, object]]) -> None:
    for r, row in enumerate(rows, start=2):
        for c, column in enumerate(columns, start=1):
            value = row.get(column.key, "")
            cell = sheet.cell(row=r, column=c, value=value if value != "" else None)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text that looks like a formula stays text
            cell.alignment = WRAP
            if column.key.endswith("_status") and value == "draft":
                cell.fill = DRAFT_FILL


def _choices(sheet: Worksheet, columns: tuple[Column, ...], keys: tuple[str, ...],
             formula: str, last_row: int) -> None:
    """A drop-down on the given columns; typing something else still gets a clear error."""
    validation = DataValidation(type="list", formula1=formula, allow_blank=True)
    validation.showErrorMessage = False  # import explains problems better than Excel's box
    for index, column in enumerate(columns, start=1):
        if column.key in keys:
            letter = column_letter(index)
            validation.add(f"{letter}2:{letter}{max(last_row, 2) + 200}")
    sheet.add_data_validation(validation)


def build_workbook(rubric: Rubric) -> Workbook:
    book = Workbook()
    items = book.active
    items.title = ITEMS_SHEET
    _header(items, ITEM_COLUMNS, "D2")  # id, number and area stay in view while scrolling
    _write_rows(items, ITEM_COLUMNS, [item_row(i) for i in rubric.items])
    last = len(rubric.items) + 1
    statuses = tuple(c.key for c in ITEM_COLUMNS if c.key.endswith("_status"))
    _choices(items, ITEM_COLUMNS, statuses, '"draft,approved"', last)
    _choices(items, ITEM_COLUMNS, ("developer", "user"), f'"{TICK}"', last)
    _choices(items, ITEM_COLUMNS, ("area",),
             f"'{AREAS_SHEET}'!$A$2:$A${len(rubric.areas) + 1}", last)

    areas = book.create_sheet(AREAS_SHEET)
    _header(areas, AREA_COLUMNS, "A2")
    _write_rows(areas, AREA_COLUMNS, [
        {"id": a.id, "name_ja": a.name.ja, "name_en": a.name.en, "order": n}
        for n, a in enumerate(rubric.areas, start=1)])

    info = book.create_sheet(INFO_SHEET)
    _header(info, INFO_COLUMNS, "A2")
    values = {"version": rubric.version, "name_ja": rubric.name.ja, "name_en": rubric.name.en,
              "effective": rubric.effective, "source": rubric.source,
              "note_ja": rubric.note.ja, "note_en": rubric.note.en}
    _write_rows(info, INFO_COLUMNS, [{"key": key, "label": label, "value": values[key]}
                                     for key, label in INFO_ROWS])
    return book


def export_workbook(rubric: Rubric, path: Path) -> None:
    """Write `rubric` to `path` (.xlsx); the caller decides whether an existing file may go."""
    build_workbook(rubric).save(path)
