"""Take it home (issue 18): a company's own assessment as an Excel workbook and a PDF.

「エクスポート」/"export" gives a company user their company's assessment — the one of the
round open now, else the latest submitted — with every answer (who answered and when), every
note with its evidence link, and the result (score, area means, holes): an .xlsx for internal
reporting and a one-file PDF drawn with matplotlib and the bundled Japanese font (as the
round summary is). Only the company's own users get it; the secretariat may name any company
(「エクスポート ○○社」). Anyone else gets the same polite refusal whether or not the company
exists, so the command cannot be used to learn who takes part.

Typed text (notes, names) is written as text, never as a formula, and links are written as
given: the bot never opens them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from sqlalchemy import select

from handlers import downloads
from handlers.catalogue import Catalogue
from handlers.context import Turn
from handlers.dates import TOKYO, fmt_datetime
from handlers.navi import order
from handlers.navi.scoring import Score, score
from handlers.results import charts
from handlers.results.texts import TEXTS as RESULTS
from handlers.results.view import refusal_other_company
from handlers.results.workbook import atomic_write
from handlers.types import File, Reply, Text
from rubrics.loader import Rubric, RubricRegistry, registry
from store import item_notes, queries
from store.models import Assessment, Organisation, User
from store.rounds import current_round

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_MIME = "application/pdf"
LINES_PER_PAGE = 46
WRAP = 52  # characters per PDF line (Japanese is full width on an A4 portrait page)

SAY = Catalogue({
    "export_done": (
        "{org} の「{round}」（{status}）を書き出しました: Excel と PDF。社内資料としてお使いください"
        "（他社には共有されません）。",
        "Exported {org}'s \"{round}\" ({status}): an Excel workbook and a PDF for your "
        "internal reporting (not shared with anyone else).",
    ),
    "export_nothing": (
        "{org} には書き出せる自己診断がまだありません。「ナビを始める」で始められます。",
        "{org} has no assessment to export yet. Say \"start navi\" to begin.",
    ),
    "export_which": (
        "どの会員企業を書き出すか指定してください（例: 「エクスポート 株式会社サンプル」）。",
        "Name the member company to export (e.g. \"export Sample Inc.\").",
    ),
    "in_progress": ("回答中・暫定", "in progress, provisional"),
    "submitted": ("提出済み", "submitted"),
}, parent=RESULTS)


@dataclass
class NoteRow:
    number: int
    title: str
    note_id: int
    author: str
    text: str
    url: str
    created: datetime
    updated: datetime


@dataclass
class ExportData:
    """Everything written to both files, read once from the database."""

    org: str
    round: str
    rubric: str
    status: str
    roles: str
    started: datetime
    submitted: datetime | None
    exported: datetime
    exported_by: str
    result: Score
    area_names: dict[str, str]
    answers: list[tuple[int, str, str, int | None, str, datetime | None, int]] = field(
        default_factory=list)  # number, area, title, level, by, at, note count
    notes: list[NoteRow] = field(default_factory=list)


# ----- the command -----------------------------------------------------------------------------


def export_replies(turn: Turn, name: str = "",
                   rubrics: RubricRegistry | None = None) -> list[Reply]:
    """「エクスポート」 (own company) or 「エクスポート ○○社」 (own company, or any for admins)."""
    org = _company(turn, name.strip()[:200])
    if isinstance(org, list):
        return org
    assessment = _assessment(turn, org)
    if assessment is None:
        return [Text(SAY.say(turn.lang, "export_nothing", org=org.name))]
    rubric = (rubrics or registry()).get(assessment.rubric_version)
    data = collect(turn, assessment, rubric)
    stem = f"aiga-navi-{assessment.id}-{turn.now.astimezone(TOKYO):%Y%m%d-%H%M}"
    # random names in the downloads folder (swept after a day): Teams links to them
    xlsx = downloads.private(write_xlsx(data, downloads.new_path(".xlsx")))
    pdf = downloads.private(write_pdf(data, downloads.new_path(".pdf")))
    title = f"{data.org} {data.round}"
    status = SAY.say(turn.lang, "submitted" if assessment.status == "submitted"
                     else "in_progress")
    return [Text(SAY.say(turn.lang, "export_done", org=org.name, round=data.round,
                         status=status)),
            File(path=str(xlsx), filename=f"{stem}.xlsx", mime=XLSX_MIME, title=f"{title}.xlsx"),
            File(path=str(pdf), filename=f"{stem}.pdf", mime=PDF_MIME, title=f"{title}.pdf")]


def export_dir() -> Path:
    """Beside the charts (var/exports by default); absolute, like the charts' folder."""
    return downloads.folder()


def _company(turn: Turn, name: str) -> Organisation | list[Reply]:
    own = turn.user.organisation
    if not name:
        if own is not None:
            return own
        key = "export_which" if turn.is_admin else "no_org"
        return [Text(SAY.say(turn.lang, key))]
    org = queries.org_by_name(turn.session, name)
    if turn.is_admin:
        return org if org is not None else [Text(SAY.say(turn.lang, "org_unknown", name=name))]
    if own is None:
        return [Text(SAY.say(turn.lang, "no_org"))]
    if org is None or org.id != own.id:
        return refusal_other_company(turn)
    return org


def _assessment(turn: Turn, org: Organisation) -> Assessment | None:
    """The round open now (whatever its state), else the latest submitted, else the latest."""
    rnd = current_round(turn.session, turn.now)
    found = queries.assessment_for(turn.session, org.id, rnd.id) if rnd else None
    return found or queries.latest_submitted(turn.session, org.id) or turn.session.scalar(
        select(Assessment).where(Assessment.org_id == org.id)
        .order_by(Assessment.started_at.desc()).limit(1))


# ----- what goes in --------------------------------------------------------------------------


def _name(turn: Turn, user_id: int | None) -> str:
    user = turn.session.get(User, user_id) if user_id is not None else None
    return (user.display_name or user.platform_user_id) if user is not None else ""


def collect(turn: Turn, assessment: Assessment, rubric: Rubric) -> ExportData:
    lang = "ja"  # the files are for the company's internal reporting, in Japanese
    answers = queries.answers_by_item(turn.session, assessment.id)
    items = order.walk(rubric, assessment.roles) if assessment.roles else list(rubric.items)
    notes = item_notes.notes_by_item(turn.session, assessment.id)
    result = score(rubric, assessment.roles, {k: a.level for k, a in answers.items()})
    data = ExportData(
        org=assessment.organisation.name, round=assessment.round.name,
        rubric=f"{rubric.name.get(lang)} ver{rubric.version}",
        status=SAY.say(lang, assessment.status if assessment.status == "submitted"
                       else "in_progress"),
        roles="・".join({"developer": "AI開発者・提供者", "user": "AI利用者"}.get(r, r)
                       for r in assessment.roles),
        started=assessment.started_at, submitted=assessment.submitted_at, exported=turn.now,
        exported_by=turn.user.display_name or turn.user.platform_user_id, result=result,
        area_names={a.id: a.name.get(lang) for a in rubric.areas})
    for item in items:
        answer = answers.get(item.id)
        data.answers.append((item.number, data.area_names.get(item.area, ""),
                             item.title.get(lang), answer.level if answer else None,
                             _name(turn, answer.answered_by) if answer else "",
                             answer.answered_at if answer else None,
                             len(notes.get(item.id, []))))
        data.notes += [NoteRow(item.number, item.title.get(lang), n.id,
                               _name(turn, n.author_id), n.text, n.evidence_url or "",
                               n.created_at, n.updated_at) for n in notes.get(item.id, [])]
    return data


def _summary_rows(data: ExportData) -> list[tuple[str, object]]:
    result = data.result
    rows: list[tuple[str, object]] = [
        ("会社", data.org), ("ラウンド", data.round), ("ナビ", data.rubric),
        ("状態", data.status), ("立場", data.roles or "—"),
        ("開始", fmt_datetime(data.started, "ja")),
        ("提出", fmt_datetime(data.submitted, "ja") if data.submitted else "—"),
        ("回答", f"{result.answered}/{result.applicable}"),
        ("全体スコア", result.overall if result.overall is not None else "—"),
    ]
    rows += [(f"領域: {data.area_names.get(a.area_id, a.area_id)}",
              a.mean if a.mean is not None else "—") for a in result.areas]
    rows += [("穴（2点以下）", "、".join(f"{i.number}.{i.title.get('ja')}（{lv}点）"
                                        for i, lv in result.holes) or "なし")]
    rows += [("書き出し", f"{fmt_datetime(data.exported, 'ja')}（{data.exported_by}）")]
    return rows


# ----- Excel ---------------------------------------------------------------------------------


def _text(value: object) -> object:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, datetime):
        return value.astimezone(TOKYO).replace(tzinfo=None)
    return value


def _row(ws, values: list[object], *, bold: bool = False) -> None:
    """Append one row; text stays text (a note starting with "=" is never a formula)."""
    ws.append([_text(v) for v in values])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
        elif isinstance(cell.value, datetime):
            cell.number_format = "yyyy-mm-dd hh:mm"
        if bold:
            cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def write_xlsx(data: ExportData, path: Path) -> Path:
    book = Workbook()
    summary = book.active
    summary.title = "概要 Summary"
    for key, value in _summary_rows(data):
        _row(summary, [key, value])
    summary.column_dimensions["A"].width, summary.column_dimensions["B"].width = 24, 80
    answers = book.create_sheet("回答 Answers")
    _row(answers, ["No.", "領域", "項目", "回答（点）", "回答者", "回答日時", "メモ件数"],
         bold=True)
    for row in data.answers:
        _row(answers, list(row))
    notes = book.create_sheet("メモ Notes")
    _row(notes, ["No.", "項目", "メモ#", "書いた人", "メモ", "根拠資料URL", "作成", "更新"],
         bold=True)
    for n in data.notes:
        _row(notes, [n.number, n.title, n.note_id, n.author, n.text, n.url, n.created,
                     n.updated])
        if n.url:
            cell = notes.cell(notes.max_row, 6)
            cell.hyperlink, cell.style = n.url, "Hyperlink"
    notes.column_dimensions["E"].width, notes.column_dimensions["F"].width = 60, 40
    atomic_write(path, book.save)
    return path


# ----- PDF -----------------------------------------------------------------------------------


def _wrap(text: str, width: int = WRAP) -> list[str]:
    lines = []
    for raw in (text or "").splitlines() or [""]:
        raw = re.sub(r"[\x00-\x1f\x7f]", " ", raw)
        lines += [raw[i:i + width] for i in range(0, max(len(raw), 1), width)]
    return lines


def pdf_lines(data: ExportData) -> list[str]:
    """The PDF's text after the first page's chart: the summary, answers, then the notes."""
    lines = [f"{k}: {v:.2f}" if isinstance(v, float) else f"{k}: {v}"
             for k, v in _summary_rows(data)]
    lines += ["", "【回答】"]
    for number, area, title, level, by, at, count in data.answers:
        when = fmt_datetime(at, "ja") if at else ""
        shown = f"{level}点" if level is not None else "未回答"
        lines += _wrap(f"{number}. {title}（{area}）: {shown} {by} {when}"
                       + (f" メモ{count}件" if count else ""))
    lines += ["", "【メモと根拠資料】"] + ([] if data.notes else ["なし"])
    for n in data.notes:
        lines += _wrap(f"{n.number}. #{n.note_id} {n.author}（{fmt_datetime(n.created, 'ja')}）:"
                       f" {n.text}")
        if n.url:
            lines += _wrap(f"　根拠: {n.url}")
    return lines


def write_pdf(data: ExportData, path: Path) -> Path:
    font = charts._font_name()
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    lines = pdf_lines(data)
    pages = [lines[i:i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)]

    def save(target: str) -> None:
        with plt.rc_context({"font.family": font, "axes.unicode_minus": False,
                             "pdf.fonttype": 42, "text.parse_math": False}), \
                PdfPages(target, metadata={"Title": f"{data.org} {data.round}",
                                           "Creator": "AIGA Navi Bot"}) as pdf:
            _chart_page(pdf, plt, data)
            for number, page in enumerate(pages, start=1):
                fig = plt.figure(figsize=(8.27, 11.69))
                try:
                    fig.text(0.06, 0.96, "\n".join(page), va="top", fontsize=9,
                             linespacing=1.5, usetex=False)
                    fig.text(0.94, 0.02, f"{number}/{len(pages)}", ha="right", fontsize=8)
                    pdf.savefig(fig)
                finally:
                    plt.close(fig)

    atomic_write(path, save)
    return path


def _chart_page(pdf, plt, data: ExportData) -> None:
    """Page one: who and when, and the area means as bars on the 1–4 scale."""
    result = data.result
    fig, ax = plt.subplots(figsize=(8.27, 11.69))
    try:
        overall = f"{result.overall:.2f}" if result.overall is not None else "—"
        fig.suptitle(f"AIガバナンスナビ 自己診断: {data.org}\n{data.round}（{data.status}）"
                     f" 全体スコア {overall}", fontsize=13)
        areas = [a for a in result.areas if a.count]
        labels = [charts._wrap(data.area_names.get(a.area_id, a.area_id), 8) for a in areas]
        values = [a.mean or 0 for a in areas]
        bars = ax.bar(range(len(areas)), values, color="#1f5fa8")
        for bar, area in zip(bars, areas, strict=True):
            if area.mean is not None:
                ax.annotate(f"{area.mean:.2f}", (bar.get_x() + bar.get_width() / 2, area.mean),
                            ha="center", va="bottom", fontsize=9)
        ax.set_xticks(range(len(areas)))
        ax.set_xticklabels(labels, fontsize=8)
        ax.set_ylim(0, charts.SCALE_MAX + 0.4)
        ax.set_title("領域別平均", fontsize=11)
        fig.subplots_adjust(top=0.85, bottom=0.55)
        pdf.savefig(fig)
    finally:
        plt.close(fig)
