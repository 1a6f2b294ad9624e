"""A survey report as files: an Excel workbook, a CSV of every figure, and a PNG chart.

Workbook sheets: 「集計 Summary」 (each question's counts and percentages, the chart beside
them), 「区分・業種別 Breakdown」 (groups at or above the privacy floor only), 「自由記述 Free
text」 (company names only when the survey is named) and, for a named survey, 「回答 Answers」
(one row per respondent). Members' text is always written as text, never as a formula; the CSV
quotes a leading = + - @ the same way the round report does.
"""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

from handlers.results import charts
from handlers.results.workbook import _csv_text, _put, _row, atomic_write
from handlers.surveys.asking import choice_labels, question_text, shown_value
from handlers.surveys.report import SurveyReport, group_label, pct
from handlers.surveys.texts import say
from store.surveys import SurveyResponse

CSV_HEADER = ["survey_id", "scope", "group", "question", "kind", "question_text", "choice",
              "label", "count", "pct", "n", "mean", "company", "text"]


def write_workbook(report: SurveyReport, path: Path, now: datetime,
                   responses: list[SurveyResponse] | None = None) -> Path:
    book = Workbook()
    summary = book.active
    summary.title = "集計 Summary"
    s = report.survey
    r = _row(summary, 1, [f"アンケート #{s.id} {s.title}"], bold=True)
    r = _row(summary, r, ["締切 deadline", s.deadline_at])
    r = _row(summary, r, ["回答 respondents", report.respondents])
    r = _row(summary, r, ["回答方法 mode", s.mode, "匿名性 anonymity", s.anonymity])
    r = _row(summary, r, ["作成 generated", now]) + 1
    for stat in report.questions:
        q = stat.question
        r = _row(summary, r, [f"問{q.position}", question_text(q, "ja"), f"n={stat.n}"],
                 bold=True)
        for label, count in zip(choice_labels(q, "ja"), stat.counts, strict=False):
            r = _row(summary, r, ["", label, count, float(pct(count, stat.n))])
        if stat.mean is not None:
            r = _row(summary, r, ["", "平均 mean", float(stat.mean)])
        r += 1
    _breakdown(book.create_sheet("区分・業種別 Breakdown"), report)
    _free_text(book.create_sheet("自由記述 Free text"), report)
    if responses is not None and not s.anonymous:
        _answers(book.create_sheet("回答 Answers"), report, responses)
    path_png = chart(report)
    if path_png is not None:
        from openpyxl.drawing.image import Image as SheetImage

        picture = SheetImage(str(path_png))
        scale = 700 / max(picture.width, 1)
        picture.width, picture.height = int(picture.width * scale), int(picture.height * scale)
        summary.add_image(picture, "G2")
    atomic_write(path, book.save)
    return path


def _breakdown(ws, report: SurveyReport) -> None:
    note = "report_anon_note" if report.survey.anonymous else "report_floor_note"
    r = _row(ws, 1, [say("ja", note, n=report.floor)], bold=True)
    r = _row(ws, r, [f"非表示のグループ hidden groups: {report.hidden_groups}"])
    r = _row(ws, r + 1, ["区分/業種", "グループ", "社数", "問", "選択肢", "件数", "%"], bold=True)
    for group in report.groups:
        for stat in group.stats:
            labels = choice_labels(stat.question, "ja")
            for label, count in zip(labels, stat.counts, strict=False):
                r = _row(ws, r, [group.dimension, group_label(group, "ja"), group.companies,
                                 stat.question.position, label, count,
                                 float(pct(count, stat.n))])


def _free_text(ws, report: SurveyReport) -> None:
    r = _row(ws, 1, ["問", "設問", "会社", "回答"], bold=True)
    for stat in report.questions:
        for company, text in stat.texts:
            r = _row(ws, r, [stat.question.position, question_text(stat.question, "ja"),
                             company or "", text])


def _answers(ws, report: SurveyReport, responses: list[SurveyResponse]) -> None:
    questions = [s.question for s in report.questions]
    _row(ws, 1, ["会社", "回答者", "送信日時", *(f"問{q.position}" for q in questions)],
         bold=True)
    for r, row in enumerate(responses, start=2):
        values = {a.question_id: a.value for a in row.answers}
        for col, value in enumerate([row.org_name or "", row.user_name or "", row.updated_at,
                                     *(shown_value(q, values.get(q.id), "ja")
                                       for q in questions)], start=1):
            _put(ws, r, col, value)


def csv_rows(report: SurveyReport) -> list[list[object]]:
    sid = report.survey.id
    rows: list[list[object]] = [CSV_HEADER]

    def figures(scope: str, group: str, stats) -> None:
        for stat in stats:
            q = stat.question
            text = _csv_text(question_text(q, "ja"))
            for index, (label, count) in enumerate(
                    zip(choice_labels(q, "ja"), stat.counts, strict=False), start=1):
                rows.append([sid, scope, group, q.position, q.kind, text, index,
                             _csv_text(label), count, pct(count, stat.n), stat.n,
                             stat.mean if stat.mean is not None else "", "", ""])
    figures("all", "", report.questions)
    for group in report.groups:
        figures(group.dimension, group.code, group.stats)
    for stat in report.questions:
        for company, text in stat.texts:
            q = stat.question
            rows.append([sid, "free_text", "", q.position, q.kind,
                         _csv_text(question_text(q, "ja")), "", "", "", "", stat.n, "",
                         _csv_text(company or ""), _csv_text(text)])
    return rows


def write_csv(report: SurveyReport, path: Path) -> int:
    rows = csv_rows(report)

    def save(target: str) -> None:
        with open(target, "w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows(rows)

    atomic_write(path, save)
    return len(rows) - 1


def chart(report: SurveyReport) -> Path | None:
    """One horizontal bar panel per choice or scale question (percent of those who answered),
    labelled in Japanese; None when there is nothing to draw."""
    stats = [s for s in report.questions if s.question.kind not in ("short", "long")]
    if not stats:
        return None
    payload = ["survey", report.survey.id, report.respondents,
               [(s.question.position, question_text(s.question, "ja"),
                 choice_labels(s.question, "ja"), s.counts, s.n) for s in stats]]
    path = charts._target("survey", payload)
    if path.exists():
        return path
    font = charts._font_name()
    import matplotlib.pyplot as plt

    heights = [0.9 + 0.32 * len(s.counts) for s in stats]
    with plt.rc_context({"font.family": font, "axes.unicode_minus": False}):
        fig, axes = plt.subplots(len(stats), 1, figsize=(8.0, sum(heights) + 0.6),
                                 gridspec_kw={"height_ratios": heights}, squeeze=False)
        try:
            for ax, stat in zip(axes[:, 0], stats, strict=True):
                labels = [charts._wrap(label, 18) for label in choice_labels(stat.question,
                                                                              "ja")]
                values = [float(pct(c, stat.n)) for c in stat.counts]
                positions = list(range(len(labels)))[::-1]
                ax.barh(positions, values, color=charts.STYLES[0][0])
                ax.set_yticks(positions)
                ax.set_yticklabels(labels, fontsize=8)
                ax.set_xlim(0, 110)
                for y, value, count in zip(positions, values, stat.counts, strict=True):
                    ax.annotate(f"{count}件 {value:.1f}%", (value, y), xytext=(3, 0),
                                textcoords="offset points", va="center", fontsize=7)
                ax.set_title(charts._wrap(f"問{stat.question.position} "
                                          f"{question_text(stat.question, 'ja')}"
                                          f"（n={stat.n}）", 40), fontsize=9, loc="left")
            fig.suptitle(f"{report.survey.title}（回答 {report.respondents}）", fontsize=11)
            fig.tight_layout()
            return charts._save(fig, path)
        finally:
            plt.close(fig)
