"""The round report as files: an Excel workbook (openpyxl) and a CSV of the figures.

Workbook: 「概要 Summary」 (participation, averages, focus items, every company's status and
scores), 「回答 Answers」 (every company's answers and notes, one row each), and one sheet per
area (item averages with their distribution, then a company × item table of levels).
Text typed by members (notes, company names) is always written as text, never as a formula,
so a note beginning with "=" cannot run in the secretariat's Excel (CSV/formula injection).
"""

from __future__ import annotations

import csv
import os
import tempfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from handlers.dates import TOKYO
from handlers.navi.scoring import round2
from handlers.results.report import RoundReport, Stat

TWO_DECIMALS = "0.00"
BOLD = Font(bold=True)
STATUS = {"submitted": "提出済み", "in_progress": "回答中", "not_started": "未着手"}
ROLES = {"developer": "開発者・提供者", "user": "利用者"}
_SHEET_FORBIDDEN = str.maketrans({c: "・" for c in "[]:*?/\\"})


def write_workbook(report: RoundReport, path: Path, now: datetime) -> Path:
    """Build the workbook and save it atomically (a half-written file never appears)."""
    book = Workbook()
    _summary(book.active, report, now)
    _answers(book.create_sheet("回答 Answers"), report)
    for index, (area, _stat) in enumerate(report.areas, start=1):
        title = f"{index} {area.name.ja}".translate(_SHEET_FORBIDDEN)[:31]
        _area_sheet(book.create_sheet(title), report, area.id)
    _atomic(path, book.save)
    return path


def write_csv(report: RoundReport, path: Path) -> int:
    """One tidy table of every figure (UTF-8 with BOM so Excel in Japan reads it); row count."""
    rows = csv_rows(report)

    def save(target: str) -> None:
        with open(target, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerows(rows)

    _atomic(path, save)
    return len(rows) - 1


CSV_HEADER = ["round_id", "round", "scope", "id", "number", "area", "title_ja", "title_en",
              "n", "mean", "level_1", "level_2", "level_3", "level_4", "low_share_pct",
              "previous_mean", "change"]


def csv_rows(report: RoundReport) -> list[list[object]]:
    rnd = report.round
    head = [rnd.id, _csv_text(rnd.name)]
    rows: list[list[object]] = [CSV_HEADER]
    for status in ("submitted", "in_progress", "not_started"):
        rows.append([*head, "participation", status, "", "", "", "", report.count(status),
                     "", "", "", "", "", "", "", ""])
    rows.append([*head, "overall", "overall", "", "", "", "", *_stat_cells(report.overall)])
    for area, stat in report.areas:
        rows.append([*head, "area", area.id, "", area.id, area.name.ja, area.name.en,
                     *_stat_cells(stat)])
    for s in report.items:
        d = s.distribution
        rows.append([*head, "item", s.item.id, s.item.number, s.item.area, s.item.title.ja,
                     s.item.title.en, s.stat.n, _num(s.stat.mean), d[1], d[2], d[3], d[4],
                     "" if s.low_share is None else s.low_share, _num(s.stat.previous),
                     "new" if s.is_new else _num(s.stat.delta)])
    return rows


def _stat_cells(stat: Stat) -> list[object]:
    return [stat.n, _num(stat.mean), "", "", "", "", "", _num(stat.previous), _num(stat.delta)]


def _num(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _csv_text(value: str) -> str:
    """A leading = + - @ would make a spreadsheet evaluate the cell; quote it as text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _atomic(path: Path, save) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        save(tmp)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; an export is meant to be shared
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


# ----- sheets --------------------------------------------------------------------------------


def _put(ws: Worksheet, row: int, col: int, value: object, *, bold: bool = False) -> Cell:
    """Write one cell: numbers as numbers (two decimals), text always as text."""
    if isinstance(value, Decimal):
        cell = ws.cell(row, col, float(value))
        cell.number_format = TWO_DECIMALS
    elif isinstance(value, datetime):
        cell = ws.cell(row, col, value.astimezone(TOKYO).replace(tzinfo=None))
        cell.number_format = "yyyy-mm-dd hh:mm"
    else:
        cell = ws.cell(row, col, value)
        if isinstance(value, str):
            cell.data_type = "s"  # never a formula, whatever the text starts with
    if bold:
        cell.font = BOLD
    return cell


def _row(ws: Worksheet, row: int, values: list[object], *, bold: bool = False) -> int:
    for col, value in enumerate(values, start=1):
        if value is not None:
            _put(ws, row, col, value, bold=bold)
    return row + 1


def _summary(ws: Worksheet, report: RoundReport, now: datetime) -> None:
    ws.title = "概要 Summary"
    rnd = report.round
    r = _row(ws, 1, [f"ラウンドレポート Round report: {rnd.name}"], bold=True)
    r = _row(ws, r, ["ラウンドID Round id", rnd.id])
    r = _row(ws, r, ["診断項目 Rubric", f"ver{report.rubric.version}"])
    r = _row(ws, r, ["作成日時 Generated at", now])
    r = _row(ws, r, ["前回ラウンド Previous round",
                     report.previous_round.name if report.previous_round else "—"])
    r += 1
    r = _row(ws, r, ["参加状況 Participation", "社数 Companies"], bold=True)
    r = _row(ws, r, ["会員企業 Registered", len(report.companies)])
    for status in ("submitted", "in_progress", "not_started"):
        r = _row(ws, r, [f"{STATUS[status]} {status}", report.count(status)])
    r += 1
    r = _row(ws, r, ["", "社数 n", "平均 Mean", "前回 Previous", "変化 Change"], bold=True)
    r = _row(ws, r, ["全体 Overall", *_stat_values(report.overall)])
    for area, stat in report.areas:
        r = _row(ws, r, [f"{area.name.ja} {area.name.en}", *_stat_values(stat)])
    r += 1
    r = _row(ws, r, ["低い項目（協会として注力すべき点） Lowest items"], bold=True)
    r = _row(ws, r, ["No", "項目 Item", "領域 Area", "平均 Mean", "1〜2点の割合 % at 1–2"],
             bold=True)
    for s in report.lowest:
        r = _row(ws, r, [s.item.number, s.item.title.ja, report.rubric.area(s.item.area).name.ja,
                         s.stat.mean, s.low_share])
    r += 1
    r = _row(ws, r, ["会社 Company", "状態 Status", "立場 Roles", "提出日時 Submitted at",
                     "全体 Overall", *(a.name.ja for a, _ in report.areas)], bold=True)
    for company in report.companies:
        a = company.assessment
        figs = company.figures
        scores = [round2(figs.overall), *(round2(figs.areas.get(area.id))
                                          for area, _ in report.areas)] if figs else []
        r = _row(ws, r, [company.org.name, STATUS[company.status],
                         _roles(a.roles) if a else "", a.submitted_at if a else None, *scores])
    ws.column_dimensions["A"].width = 44
    for col in "BCDEFGHI":
        ws.column_dimensions[col].width = 16


def _stat_values(stat: Stat) -> list[object]:
    return [stat.n, stat.mean, stat.previous, stat.delta]


def _roles(roles: list[str]) -> str:
    return "・".join(ROLES.get(r, r) for r in roles)


def _answers(ws: Worksheet, report: RoundReport) -> None:
    header = ["会社 Company", "状態 Status", "立場 Roles", "提出日時 Submitted at", "No",
              "項目ID Item id", "領域 Area", "項目 Item", "点 Level", "メモ Note",
              "回答日時 Answered at"]
    r = _row(ws, 1, header, bold=True)
    order = {item.id: item for item in report.rubric.items}
    for company in report.companies:
        a = company.assessment
        if a is None:
            continue
        for item_id, answer in sorted(company.answers.items(),
                                      key=lambda kv: (order[kv[0]].number if kv[0] in order
                                                      else 10_000, kv[0])):
            item = order.get(item_id)
            r = _row(ws, r, [company.org.name, STATUS[company.status], _roles(a.roles),
                             a.submitted_at, item.number if item else None, item_id,
                             report.rubric.area(item.area).name.ja if item else "",
                             item.title.ja if item else "", answer.level, answer.note,
                             answer.answered_at])
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    for col, width in zip("ABCDEFGHIJK", (30, 10, 16, 17, 5, 24, 22, 36, 6, 60, 17),
                          strict=True):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2, min_col=10, max_col=10):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")


def _area_sheet(ws: Worksheet, report: RoundReport, area_id: str) -> None:
    stats = [s for s in report.items if s.item.area == area_id]
    r = _row(ws, 1, ["No", "項目 Item", "社数 n", "平均 Mean", "1点", "2点", "3点", "4点",
                     "1〜2点の割合 %", "前回 Previous", "変化 Change"], bold=True)
    for s in stats:
        d = s.distribution
        r = _row(ws, r, [s.item.number, s.item.title.ja, s.stat.n, s.stat.mean, d[1], d[2],
                         d[3], d[4], s.low_share, s.stat.previous,
                         "新項目 new" if s.is_new else s.stat.delta])
    r += 1
    r = _row(ws, r, ["会社 Company", "領域平均 Area mean",
                     *(f"{s.item.number}. {s.item.title.ja}" for s in stats)], bold=True)
    for company in report.submitted:
        figs = company.figures
        assert figs is not None
        r = _row(ws, r, [company.org.name, round2(figs.areas.get(area_id)),
                         *(figs.items.get(s.item.id) for s in stats)])
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 36
