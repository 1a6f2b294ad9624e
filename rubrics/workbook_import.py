"""Turn an edited rubric workbook into a validated rubric version, or list every problem.

Nothing is half-read: either every sheet, row and cell is sound and a `Rubric` comes back, or a
`WorkbookError` names each problem (sheet, cell, column) in Japanese and English. The "replaces"
ids are checked against the previous version, so progress carried across rounds stays right.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from pydantic import ValidationError

from rubrics.loader import ITEM_ID, Rubric, _name_item
from rubrics.validated_yaml import describe
from rubrics.workbook_cells import Problem, Row, WorkbookError, read_table, shown, split_ids
from rubrics.workbook_layout import (
    AREA_COLUMNS,
    AREAS_SHEET,
    INFO_COLUMNS,
    INFO_ROWS,
    INFO_SHEET,
    ITEM_COLUMNS,
    ITEMS_SHEET,
    LEVELS,
    MAX_AREAS,
    MAX_FILE_BYTES,
    MAX_ITEMS,
    MAX_SHORT,
    MAX_UNPACKED_BYTES,
)

VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,39}$")


def check_version(version: str) -> None:
    if not VERSION.fullmatch(version):
        raise WorkbookError([Problem(
            "", f"版「{shown(version)}」は使えません。英数字と . - _ で 40 文字まで（例: 2.0）。",
            f"the version '{shown(version)}' cannot be used: letters, digits and . - _, up to "
            "40 characters (e.g. 2.0)")])


def read_workbook(path: Path, *, version: str, previous: Rubric | None,
                  name_ja: str | None = None, name_en: str | None = None) -> Rubric:
    """The workbook at `path` as rubric `version`, checked against `previous` (None: first)."""
    check_version(version)
    book = _open(path)
    out: list[Problem] = []
    try:
        sheets = {name: _sheet(book, name, out) for name in (ITEMS_SHEET, AREAS_SHEET, INFO_SHEET)}
        info = _info(sheets[INFO_SHEET], out) if sheets[INFO_SHEET] is not None else {}
        areas = _areas(sheets[AREAS_SHEET], out) if sheets[AREAS_SHEET] is not None else None
        items = (_items(sheets[ITEMS_SHEET], areas, previous, out)
                 if sheets[ITEMS_SHEET] is not None else [])
    except Exception as exc:  # a damaged sheet fails while it is read, in many ways
        raise WorkbookError([Problem(path.name, "ブックの中身を読めません。Excel で保存し直してください。",
                                     f"the workbook's content cannot be read: save it again "
                                     f"from Excel ({type(exc).__name__})")]) from None
    finally:
        book.close()
    if out:
        order = {ITEMS_SHEET: 0, AREAS_SHEET: 1, INFO_SHEET: 2}
        raise WorkbookError(sorted(out, key=lambda p: (order.get(p.sheet, -1), p.row or 0,
                                                       p.column or 0)))
    raw = {"version": version, "name": _name(info, version, name_ja, name_en),
           "effective": info["effective"], "source": info["source"],
           "note": {"ja": info["note_ja"], "en": info["note_en"]},
           "areas": areas, "items": items, "previous": previous.version if previous else ""}
    try:
        return Rubric.model_validate(raw)
    except ValidationError as exc:
        raise WorkbookError([Problem(ITEMS_SHEET, describe(exc, raw, "items", _name_item),
                                     describe(exc, raw, "items", _name_item))]) from exc


def _open(path: Path) -> Any:
    def refuse(ja: str, en: str) -> WorkbookError:
        return WorkbookError([Problem(path.name, ja, en)])

    try:
        size = path.stat().st_size
    except OSError:
        raise refuse("ファイルが見つかりません。", "the file cannot be found") from None
    if size > MAX_FILE_BYTES:
        raise refuse(f"ファイルが大きすぎます（{size // 1024} KB、上限 {MAX_FILE_BYTES // 1024} KB）。",
                     f"the file is too large ({size // 1024} KB, at most "
                     f"{MAX_FILE_BYTES // 1024} KB)")
    if not zipfile.is_zipfile(path):
        raise refuse("Excel ブック（.xlsx）ではありません。Excel で .xlsx として保存してください。",
                     "is not an Excel workbook (.xlsx): save it from Excel as .xlsx")
    with zipfile.ZipFile(path) as packed:
        unpacked = sum(info.file_size for info in packed.infolist())
    if unpacked > MAX_UNPACKED_BYTES:
        raise refuse(f"展開すると {unpacked // 2**20} MB になるファイルは読みません。",
                     f"the file unpacks to {unpacked // 2**20} MB, too large to be a rubric")
    try:
        return load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise refuse("Excel ブック（.xlsx）として読めません。Excel で保存し直してください。",
                     f"cannot be read as an Excel workbook (.xlsx): save it again from Excel "
                     f"({type(exc).__name__})") from None


def _sheet(book: Any, name: str, out: list[Problem]) -> Any:
    """The sheet by its exact name, or by either half of it ("Items", "項目")."""
    names = {n.strip().casefold(): n for n in book.sheetnames}
    for wanted in (name, *name.split(" ")):
        if wanted.casefold() in names:
            return book[names[wanted.casefold()]]
    out.append(Problem(name, f"シート「{name}」がありません（シート名を変えないでください）。",
                       f"the sheet '{name}' is missing (keep the sheet names as exported)"))
    return None


def _info(sheet: Any, out: list[Problem]) -> dict[str, str]:
    known = {key for key, _ in INFO_ROWS}
    info: dict[str, str] = {}
    for row in read_table(sheet, INFO_SHEET, INFO_COLUMNS, len(INFO_ROWS) + 10, out):
        key = row.text("key", limit=MAX_SHORT)
        if key and key not in known:
            row.problem("key", f"「{key}」は知らない項目です。", f"unknown field '{key}'")
        elif key in info:
            row.problem("key", f"「{key}」が 2 回あります。", f"'{key}' appears twice")
        elif key == "effective" and isinstance(value := row.cells["value"][0], (date, datetime)):
            info[key] = value.strftime("%Y-%m")  # Excel turned 2026-04 into a date
        elif key:
            info[key] = row.text("value", required=key != "version")
    for key, label in INFO_ROWS:
        if key != "version" and key not in info:
            out.append(Problem(INFO_SHEET, f"「{key}」（{label}）の行がありません。",
                               f"the row '{key}' is missing"))
    return info


def _name(info: dict[str, str], version: str, name_ja: str | None,
          name_en: str | None) -> dict[str, str]:
    """--name wins; else the sheet's name, with its old version number replaced by the new."""
    old = info.get("version", "")

    def renamed(text: str) -> str:
        return text.replace(old, version) if old and old != version else text

    return {"ja": name_ja or renamed(info["name_ja"]),
            "en": name_en or (name_ja if name_ja else renamed(info["name_en"]))}


def _areas(sheet: Any, out: list[Problem]) -> list[dict[str, Any]] | None:
    before = len(out)
    rows: list[tuple[int, int, dict[str, Any]]] = []
    seen: set[str] = set()
    for row in read_table(sheet, AREAS_SHEET, AREA_COLUMNS, MAX_AREAS, out):
        area_id = row.text("id", limit=MAX_SHORT)
        if area_id and not re.fullmatch(ITEM_ID, area_id):
            row.problem("id", "ID は半角英小文字・数字・ハイフンで書いてください。",
                        "ids are lower-case letters, digits and hyphens")
        elif area_id in seen:
            row.problem("id", f"領域ID「{area_id}」が重複しています。",
                        f"duplicate area id '{area_id}'")
        seen.add(area_id)
        name = {"ja": row.text("name_ja", limit=MAX_SHORT),
                "en": row.text("name_en", limit=MAX_SHORT)}
        rows.append((row.integer("order") or 0, row.number, {"id": area_id, "name": name}))
    if not rows and len(out) == before:
        out.append(Problem(AREAS_SHEET, "領域が 1 つもありません。", "has no areas"))
    if len(out) > before:
        return None
    return [area for _, _, area in sorted(rows, key=lambda r: r[:2])]


def _items(sheet: Any, areas: list[dict[str, Any]] | None, previous: Rubric | None,
           out: list[Problem]) -> list[dict[str, Any]]:
    before = len(out)
    rows = read_table(sheet, ITEMS_SHEET, ITEM_COLUMNS, MAX_ITEMS, out)
    if not rows and len(out) == before:
        out.append(Problem(ITEMS_SHEET, "項目が 1 つもありません。", "has no items"))
    area_ids = {a["id"] for a in areas} if areas is not None else None
    items = [(row, _item(row, area_ids)) for row in rows]
    _unique(items, "number", "番号", "number")
    _unique(items, "id", "ID", "id")
    _check_replaces(items, previous)
    return [item for _, item in items]


def _item(row: Row, area_ids: set[str] | None) -> dict[str, Any]:
    item_id = row.text("id", limit=80)
    if item_id and not re.fullmatch(ITEM_ID, item_id):
        row.problem("id", "ID は半角英小文字・数字・ハイフンで書いてください（例: ai-policy）。",
                    "ids are lower-case letters, digits and hyphens (e.g. ai-policy)")
    area = row.text("area", limit=MAX_SHORT)
    if area and area_ids is not None and area not in area_ids:
        row.problem("area", f"領域「{area}」は「{AREAS_SHEET}」シートにありません。",
                    f"unknown area '{area}' (not on the sheet '{AREAS_SHEET}')")
    problems = len(row.out)
    roles = [role for role in ("developer", "user") if row.tick(role)]
    if not roles and len(row.out) == problems:
        row.problem("developer", "役割が選ばれていません。開発者・提供者か利用者に ○ を付けてください。",
                    "no role ticked: put ○ under developer/provider or user (or both)")
    replaces = split_ids(row.text("replaces", required=False))
    for old in replaces:
        if not re.fullmatch(ITEM_ID, old):
            row.problem("replaces", f"「{shown(old)}」は項目IDの形ではありません。",
                        f"'{shown(old)}' is not an item id")
    return {
        "id": item_id, "number": row.integer("number"), "area": area,
        "title": {"ja": row.text("title_ja", limit=MAX_SHORT),
                  "en": row.text("title_en", limit=MAX_SHORT)},
        "applies_to": roles,
        "explanation": {"ja": row.text("explanation_ja"), "en": row.text("explanation_en"),
                        "draft": row.status("explanation_status")},
        "levels": {n: {"ja": row.text(f"level{n}_ja"), "en": row.text(f"level{n}_en"),
                       "draft": row.status(f"level{n}_status")} for n in LEVELS},
        "guideline_ref": row.text("guideline_ref", required=False, limit=500),
        "replaces": replaces,
        "notes": row.text("notes", required=False),
    }


def _unique(items: list[tuple[Row, dict[str, Any]]], key: str, ja: str, en: str) -> None:
    first: dict[Any, int] = {}
    for row, item in items:
        value = item[key]
        if value in (None, ""):
            continue
        if value in first:
            row.problem(key, f"{ja}「{value}」は {first[value]} 行目と重複しています。",
                        f"duplicate {en} '{value}' (also on row {first[value]})")
        else:
            first[value] = row.number


def _check_replaces(items: list[tuple[Row, dict[str, Any]]], previous: Rubric | None) -> None:
    """Each replaced id names an item of the previous version (or is history that the same
    item already carried there), belongs to no item of this version, and to one item only."""
    current = {item["id"] for _, item in items}
    claimed: dict[str, str] = {}
    for row, item in items:
        carried = set()
        if previous is not None and (before := previous.item(item["id"])) is not None:
            carried = set(before.replaces)
        for old in item["replaces"]:
            if old == item["id"]:
                row.problem("replaces", f"自分の ID「{old}」は書きません（ID が同じなら引き継がれます）。",
                            f"'{old}' is this item's own id: an item that keeps its id "
                            "continues itself")
            elif old in current:
                row.problem("replaces", f"「{old}」はこの版にも項目として残っています。",
                            f"'{old}' is still an item of this version")
            elif old in claimed:
                row.problem("replaces", f"「{old}」は項目「{claimed[old]}」も引き継いでいます。",
                            f"'{old}' is already continued by '{claimed[old]}'")
            elif previous is None:
                row.problem("replaces", "前の版がないため、引き継ぐ旧IDは書けません。",
                            "there is no previous version for these ids to refer to")
            elif previous.item(old) is None and old not in carried:
                row.problem("replaces", f"「{old}」は前の版 {previous.version} にありません。",
                            f"'{old}' is not an item of the previous version {previous.version}")
            claimed.setdefault(old, item["id"])
