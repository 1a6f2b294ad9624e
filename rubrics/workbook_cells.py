"""Read a workbook sheet into rows of typed values, naming the cell of every problem.

A person edits these sheets by hand, in Excel: a number where text belongs, a formula, a stray
column, 10,000 pasted rows. Each problem becomes a `Problem` that names the sheet, the cell and
the column heading in both languages; the reader keeps going, so one import lists them all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from rubrics.loader import RubricError
from rubrics.workbook_layout import (
    MAX_COLUMNS,
    MAX_ROWS_SCANNED,
    MAX_TEXT,
    STATUSES,
    TICKED,
    UNTICKED,
    Column,
    column_letter,
    heading_index,
    normalise_heading,
)


@dataclass(frozen=True)
class Problem:
    sheet: str
    ja: str
    en: str
    row: int | None = None
    column: int | None = None
    heading: str = ""

    def where(self) -> str:
        cell = f"{column_letter(self.column) if self.column else ''}{self.row or ''}"
        place = f"{self.sheet}!{cell}" if cell and self.sheet else (self.sheet or cell)
        return f"{place} ({self.heading})" if self.heading else place

    def lines(self) -> str:
        where = self.where()
        prefix = f"{where}: " if where else ""
        return f"{prefix}{self.ja}\n    {prefix}{self.en}"


class WorkbookError(RubricError):
    """A workbook that cannot become a rubric version; `problems` lists every reason."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s): " + "; ".join(
            f"{p.where()}: {p.en}" for p in problems[:5]))
        self.problems = problems


@dataclass
class Row:
    """One row of a sheet: typed values come out through the methods, problems go to `out`."""

    sheet: str
    number: int
    cells: dict[str, tuple[Any, str, int]]  # key → (value, openpyxl data type, column index)
    columns: dict[str, Column]
    out: list[Problem] = field(default_factory=list)

    def problem(self, key: str, ja: str, en: str) -> None:
        column = self.columns.get(key)
        heading = f"{column.ja} / {column.en}" if column else key
        index = self.cells.get(key, (None, "n", None))[2]
        self.out.append(Problem(self.sheet, ja, en, self.number, index, heading))

    def raw(self, key: str) -> Any:
        value, kind, _ = self.cells.get(key, (None, "n", 0))
        if kind == "f":
            self.problem(key, "数式は使えません。値として貼り付けてください。",
                         "formulas are not allowed: paste the value instead")
            return None
        if kind == "e":
            self.problem(key, f"Excel のエラー値 {value} が入っています。",
                         f"the cell holds the Excel error {value}")
            return None
        return value

    def text(self, key: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
        before = len(self.out)
        value = self.raw(key)
        if len(self.out) > before:
            return ""  # a formula or an error value: said once, not again as "empty"
        if value is None:
            value = ""
        if isinstance(value, bool) or not isinstance(value, str):
            kind_ja, kind_en = _kind(value)
            self.problem(key, f"文字列が必要ですが{kind_ja}が入っています（セルの書式を文字列に）。",
                         f"expected text, found {kind_en} (format the cell as text)")
            return ""
        value = value.strip()
        if required and not value:
            self.problem(key, "空欄です。記入してください。", "is empty: fill it in")
        elif len(value) > limit:
            self.problem(key, f"{len(value)} 文字あります（上限 {limit} 文字）。",
                         f"has {len(value)} characters (at most {limit})")
            return value[:limit]
        return value

    def integer(self, key: str, *, low: int = 1, high: int = 999) -> int | None:
        value = self.raw(key)
        if isinstance(value, str) and value.strip():
            value = value.strip()
            value = int(value) if value.isdecimal() and len(value) < 6 else value
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
            return value
        quoted = shown(value)
        self.problem(key, f"{low}〜{high} の整数が必要です（「{quoted}」）。",
                     f"expected a whole number from {low} to {high} (found '{quoted}')")
        return None

    def tick(self, key: str) -> bool:
        value = self.raw(key)
        if isinstance(value, bool):
            return value
        word = "" if value is None else str(value).strip().casefold()
        if word in TICKED:
            return True
        if word not in UNTICKED:
            self.problem(key, f"「{shown(word)}」は読めません。該当すれば ○、しなければ空欄にしてください。",
                         f"cannot read '{shown(word)}': put ○ if the role applies, else leave it "
                         "empty")
        return False

    def status(self, key: str) -> bool:
        """True for a draft. An empty status counts as a draft: members then see 「（案）」."""
        value = self.raw(key)
        word = "" if value is None else str(value).strip().casefold()
        if not word:
            return True
        if word not in STATUSES:
            self.problem(key, f"状態「{shown(word)}」は読めません。draft（案）か approved（承認）です。",
                         f"cannot read the status '{shown(word)}': use draft or approved")
            return True
        return STATUSES[word] == "draft"


def shown(value: Any, limit: int = 40) -> str:
    """A cell's value as it may be quoted in a one-line message: short, no line breaks."""
    text = "" if value is None else str(value)
    return "".join(c if c.isprintable() else " " for c in text[:limit])


def _kind(value: Any) -> tuple[str, str]:
    if isinstance(value, bool):
        return "真偽値", "TRUE/FALSE"
    if isinstance(value, (int, float)):
        return f"数値（{value}）", f"the number {value}"
    if isinstance(value, (datetime, date, time)):
        return "日付", "a date"
    return "文字列以外の値", "a value that is not text"


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_table(sheet: Any, name: str, columns: tuple[Column, ...], max_rows: int,
               out: list[Problem]) -> list[Row]:
    """The sheet's filled rows under its heading row; problems with the headings or the size
    go to `out` (and then no rows come back, since a row cannot be read without them)."""
    index = heading_index(columns)
    found: dict[str, Column] = {}
    positions: dict[str, int] = {}
    before = len(out)
    header = next(sheet.iter_rows(min_row=1, max_row=1, max_col=MAX_COLUMNS + 1), ())
    for number, cell in enumerate(header, start=1):
        value = cell.value
        if _empty(value):
            continue
        if number > MAX_COLUMNS:
            out.append(Problem(name, f"列が多すぎます（{MAX_COLUMNS} 列まで）。",
                               f"too many columns (at most {MAX_COLUMNS})", 1, number))
            break
        column = index.get(normalise_heading(str(value)))
        if column is None:
            out.append(Problem(name, f"見出し「{shown(value)}」は知らない列です。",
                               f"unknown column heading '{shown(value)}'", 1, number))
        elif column.key in positions:
            out.append(Problem(name, f"列「{column.ja}」が 2 つあります。",
                               f"the column '{column.en}' appears twice", 1, number))
        else:
            found[column.key], positions[column.key] = column, number
    for column in columns:
        if column.required and column.key not in positions:
            out.append(Problem(name, f"列「{column.ja}」がありません。",
                               f"the column '{column.en}' is missing", 1))
    if len(out) > before:
        return []
    return _rows(sheet, name, found, positions, max_rows, out)


def _rows(sheet: Any, name: str, found: dict[str, Column], positions: dict[str, int],
          max_rows: int, out: list[Problem]) -> list[Row]:
    rows: list[Row] = []
    width = max(positions.values())
    for number, cells in enumerate(sheet.iter_rows(min_row=2, max_col=width), start=2):
        if number > MAX_ROWS_SCANNED:
            out.append(Problem(name, f"{MAX_ROWS_SCANNED} 行を超えています。",
                               f"has more than {MAX_ROWS_SCANNED} rows", number))
            return []
        values = {key: _cell(cells, pos) for key, pos in positions.items()}
        if all(_empty(v[0]) for v in values.values()):
            continue
        if len(rows) == max_rows:
            out.append(Problem(name, f"記入された行が {max_rows} 行を超えています。",
                               f"has more than {max_rows} filled rows", number))
            return []
        rows.append(Row(name, number, values, found, out))
    return rows


def _cell(cells: tuple[Any, ...], position: int) -> tuple[Any, str, int]:
    if position > len(cells):
        return None, "n", position
    cell = cells[position - 1]
    return cell.value, getattr(cell, "data_type", "n") or "n", position


def split_ids(text: str) -> list[str]:
    """'a, b、c' → ['a', 'b', 'c']: ids as a person lists them in one cell."""
    return [part for part in re.split(r"[\s,、，;；]+", text) if part]
