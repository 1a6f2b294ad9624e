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
from handlers.navi.order import walk
from handlers.navi.scoring import round2
from handlers.results.report import RoundReport, Stat, report_chart
from store.orgs import class_label, industry_label

TWO_DECIMALS = "0.00"
BOLD = Font(bold=True)
STATUS = {"submitted": "提出済み", "in_progress": "回答中", "not_started": "未着手"}
ROLES = {"developer": "開発者・提供者", "user": "利用者"}
_SHEET_FORBIDDEN = str.maketrans({c: "・" for c in "[]:*?/\\"})


def write_workbook(report: RoundReport, path: Path, now: datetime) -> Path:
    """Build the workbook and save it atomically (a half-written file never appears)."""
    book = Workbook()
    _summary(book.active, report, now)
    _embed_chart(book.active, report)
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
              "previous_mean", "change",
              # per-company answers (scope "answer"): who, their class and industry, the level
              "company", "class", "industry", "status", "level", "note", "answered_by",
              "answered_at"]


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
    for _area, stats in report.by_area():
        for s in stats:
            d = s.distribution
            rows.append([*head, "item", s.item.id, s.item.number, s.item.area, s.item.title.ja,
                         s.item.title.en, s.stat.n, _num(s.stat.mean), d[1], d[2], d[3], d[4],
                         "" if s.low_share is None else s.low_share, _num(s.stat.previous),
                         "new" if s.is_new else _num(s.stat.delta)])
    blank = [""] * 9  # n … change
    for company, item_id, item, answer in _answer_rows(report):
        rows.append([*head, "answer", item_id, item.number if item else "",
                     item.area if item else "", item.title.ja if item else "",
                     item.title.en if item else "", *blank, _csv_text(company.org.name),
                     class_label(company.org.membership_class, "ja"),
                     industry_label(company.org.industry, "ja"), STATUS[company.status],
                     answer.level, _csv_text(answer.note or ""),
                     _csv_text(report.people.get(answer.answered_by or 0, "")),
                     answer.answered_at.astimezone(TOKYO).strftime("%Y-%m-%d %H:%M")])
    return rows


def _answer_rows(report: RoundReport):
    """(company, item id, item or None, answer) of every answer, companies in name order and
    each company's answers area by area (the rubric's order), unknown ids last."""
    walk_order = {i.id: n for n, i in enumerate(walk(report.rubric))}
    for company in report.companies:
        if company.assessment is None:
            continue
        for item_id, answer in sorted(company.answers.items(),
                                      key=lambda kv: (walk_order.get(kv[0], 10_000), kv[0])):
            yield company, item_id, report.rubric.item(item_id), answer


def _stat_cells(stat: Stat) -> list[object]:
    return [stat.n, _num(stat.mean), "", "", "", "", "", _num(stat.previous), _num(stat.delta)]


def _num(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _csv_text(value: str) -> str:
    """A leading = + - @ would make a spreadsheet evaluate the cell; quote it as text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def atomic_write(path: Path, save) -> None:
    """Write through `save(temporary path)` and move into place: never a half-written file."""
    _atomic(path, save)


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
    r = _participation_by(ws, r + 1, report)
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
                     "全体 Overall", *(a.name.ja for a, _ in report.areas),
                     "区分 Class", "業種 Industry"], bold=True)
    for company in report.companies:
        a = company.assessment
        figs = company.figures
        scores = [round2(figs.overall), *(round2(figs.areas.get(area.id))
                                          for area, _ in report.areas)] if figs else [
            None] * (1 + len(report.areas))
        r = _row(ws, r, [company.org.name, STATUS[company.status],
                         _roles(a.roles) if a else "", a.submitted_at if a else None, *scores,
                         class_label(company.org.membership_class, "ja"),
                         industry_label(company.org.industry, "ja")])
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
              "回答日時 Answered at", "回答者 Answered by", "区分 Class", "業種 Industry"]
    r = _row(ws, 1, header, bold=True)
    for company, item_id, item, answer in _answer_rows(report):
        a = company.assessment
        assert a is not None
        r = _row(ws, r, [company.org.name, STATUS[company.status], _roles(a.roles),
                         a.submitted_at, item.number if item else None, item_id,
                         report.rubric.area(item.area).name.ja if item else "",
                         item.title.ja if item else "", answer.level, answer.note,
                         answer.answered_at, report.people.get(answer.answered_by or 0, ""),
                         class_label(company.org.membership_class, "ja"),
                         industry_label(company.org.industry, "ja")])
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    for col, width in zip("ABCDEFGHIJKLMN", (30, 10, 16, 17, 5, 24, 22, 36, 6, 60, 17, 30, 18,
                                              14), strict=True):
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


def _participation_by(ws: Worksheet, r: int, report: RoundReport) -> int:
    """Participation by class and by industry: counts only, no company named."""
    for title, key in (("区分 Class", lambda c: class_label(c.org.membership_class, "ja")),
                       ("業種 Industry", lambda c: industry_label(c.org.industry, "ja"))):
        r = _row(ws, r, [title, *(f"{STATUS[x]} {x}" for x in STATUS), "計 Total"], bold=True)
        groups: dict[str, list[str]] = {}
        for company in report.companies:
            groups.setdefault(key(company), []).append(company.status)
        for label, states in sorted(groups.items()):
            r = _row(ws, r, [label, *(states.count(x) for x in STATUS), len(states)])
        r += 1
    return r


def _embed_chart(ws: Worksheet, report: RoundReport) -> None:
    """The report's chart beside the summary (left out, not failed, if it cannot be drawn)."""
    if not report.submitted:
        return
    chart = report_chart("ja", report)
    if chart is None or chart.path is None:
        return
    from openpyxl.drawing.image import Image as SheetImage

    picture = SheetImage(chart.path)
    scale = 900 / max(picture.width, 1)
    picture.width, picture.height = int(picture.width * scale), int(picture.height * scale)
    ws.add_image(picture, "K2")
