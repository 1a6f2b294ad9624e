"""The board's one-page summary and the richer workbook (issue 15): aggregates only, labels."""

from __future__ import annotations

import shutil

import openpyxl
import pytest
from sqlalchemy import select

from bot.cli import main
from handlers import config
from handlers.results.report import build_round_report, export_round_report
from handlers.results.summary import (
    build_summary,
    industry_segments,
    summary_text,
    write_summary,
)
from store import audit
from store.errors import UserError
from store.models import Organisation, Round, User
from tests.support import factories as f

RUBRICS = f.progress_rubrics()


def threshold(n: int) -> None:
    """Configure the publication threshold as Settings would (conftest restores it)."""
    from dataclasses import replace

    config.configure(replace(config.current(), benchmark_min_companies=n))


@pytest.fixture(autouse=True)
def _env(monkeypatch):
    monkeypatch.delenv("AIGA_BENCHMARK_MIN_COMPANIES", raising=False)


def _scenario(session):
    before, rnd = f.report_scenario(session)
    by_name = {o.name: o for o in session.scalars(select(Organisation))}
    by_name["A社"].industry = by_name["B社"].industry = "finance"
    by_name["C社"].industry = "it"
    by_name["B社"].membership_class = "smb"
    person = f.user(session, "slack:UANS", by_name["A社"])
    person.display_name = "山田 花子"
    for answer in session.scalars(select(f.Answer)):
        answer.answered_by = person.id
    session.flush()
    return before, rnd


def test_workbook_has_who_answered_class_industry_labels_and_the_chart(database, tmp_path,
                                                                       artifacts_dir):
    xlsx = tmp_path / "report.xlsx"
    with database.transaction() as s:
        _before, rnd = _scenario(s)
        export_round_report(s, rnd, actor="console:admin", now=f.NOW, xlsx=xlsx, rubrics=RUBRICS)
    shutil.copy(xlsx, artifacts_dir / "round-report-issue15.xlsx")
    book = openpyxl.load_workbook(xlsx)
    answers = list(book["回答 Answers"].iter_rows(values_only=True))
    assert answers[0][11:14] == ("回答者 Answered by", "区分 Class", "業種 Industry")
    a_row = next(r for r in answers if r[0] == "A社")
    assert a_row[11] == "山田 花子 (slack:UANS)" and a_row[12:14] == ("通常枠", "金融")
    b_row = next(r for r in answers if r[0] == "B社")
    assert b_row[12:14] == ("SMB・スタートアップ枠", "金融")
    # area by area: the answers of a company never go back to an area already listed
    a_areas = [r[6] for r in answers if r[0] == "A社"]
    assert a_areas == sorted(a_areas, key=a_areas.index)
    assert len({a for a in a_areas}) == len([a for i, a in enumerate(a_areas)
                                              if i == 0 or a_areas[i - 1] != a])
    summary = book["概要 Summary"]
    cells = [c for row in summary.iter_rows(values_only=True) for c in row if c is not None]
    assert "業種 Industry" in cells and "金融" in cells and "未設定" in cells
    assert not any(c in ("regular", "smb", "finance") for c in cells)
    assert len(summary._images) == 1  # the chart, embedded


def test_summary_is_refused_under_the_threshold_and_drawn_over_it(database, tmp_path,
                                                                  artifacts_dir):
    with database.transaction() as s:
        _before, rnd = _scenario(s)
        with pytest.raises(UserError) as refused:
            build_summary(s, rnd, RUBRICS)  # default threshold 5, three submissions
    assert "提出が 3 社" in refused.value.ja and "at least 5" in refused.value.en
    threshold(3)
    with database.transaction() as s:
        rnd = s.get(Round, rnd.id)
        summary = build_summary(s, rnd, RUBRICS)
        files = write_summary(summary, tmp_path / "summary")
    assert [p.name for p in files] == ["summary.png", "summary.pdf", "summary.txt"]
    for path in files:
        shutil.copy(path, artifacts_dir / f"round-{path.name}")
    assert files[0].read_bytes().startswith(b"\x89PNG") and files[1].read_bytes()[:5] == b"%PDF-"
    # every weakest item is averaged over at least 3 companies; none named
    counted = {f"{s.item.number}. {s.item.title.ja}": s.stat.n for s in _stats(summary)}
    assert summary.weakest and all(counted[label] >= 3 for label, _ in summary.weakest)
    assert any(n < 3 for n in counted.values())  # there were items to leave out
    text = files[2].read_text("utf-8")
    assert "提出 3 社（対象 6 社）" in text and "3社未満の集団" in text
    assert not any(name in text for name in ("A社", "B社", "C社"))
    # industries: 金融 has two companies and IT one: both under 3, merged, no average shown
    assert summary.industries == []
    labels = [label for kind, label, _s, _n in summary.participation if kind == "industry"]
    assert "金融" not in labels and "IT" not in labels
    assert any("3社未満の業種" in label for label in labels)
    assert ("class", "SMB・スタートアップ枠", 1, 1) in summary.participation
    # the trend reaches back to the previous round (two companies then: under 3, left out)
    assert [name for name, _ in summary.trend] == ["2026年度上期"]
    assert summary_text(summary).count("\n") >= 4


def _stats(summary):
    return summary.report.items


def test_industry_segments_need_threshold_companies(database):
    with database.transaction() as s:
        _before, rnd = _scenario(s)
        report = build_round_report(s, rnd, RUBRICS.get)
        for org in s.scalars(select(Organisation)):
            org.industry = "finance"
        s.flush()
        report = build_round_report(s, rnd, RUBRICS.get)
    assert [(label, n) for label, n, _ in industry_segments(report, 3)] == [("金融", 3)]
    assert industry_segments(report, 4) == []


def test_industry_segment_beside_the_total_cannot_be_subtracted(database):
    """A社 and B社 in finance, C社 in IT: at a threshold of 2 the finance average next to the
    all-member average would give C社's score away by subtraction, so it is withheld."""
    with database.transaction() as s:
        _before, rnd = _scenario(s)
        report = build_round_report(s, rnd, RUBRICS.get)
    assert sorted(c.org.name for c in report.submitted) == ["A社", "B社", "C社"]
    assert [(label, n) for label, n, _ in industry_segments(report, 2)] == []
    assert [(label, n) for label, n, _ in industry_segments(report, 1)] == [("IT", 1), ("金融", 2)]


def test_cli_summary_writes_files_and_is_audited(database, database_url, tmp_path, monkeypatch,
                                                  capsys):
    with database.transaction() as s:
        _before, rnd = _scenario(s)
        rid = rnd.id
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setattr("handlers.results.report.registry", lambda: RUBRICS)
    assert main(["report", str(rid), "--summary", str(tmp_path / "s")]) == 2
    assert "no summary" in capsys.readouterr().err
    monkeypatch.setenv("AIGA_BENCHMARK_MIN_COMPANIES", "3")
    assert main(["report", str(rid), "--summary", str(tmp_path / "s")]) == 0
    assert "サマリーを書き出しました" in capsys.readouterr().out
    assert (tmp_path / "s" / "summary.pdf").exists()
    with database.transaction() as s:
        assert [e.action for e in audit.events(s, action_prefix="report.export")] == [
            "report.export.summary"]
        assert s.scalar(select(User.id).where(User.platform_user_id == "UANS")) is not None


def test_the_report_names_each_area_once_in_the_rubric_order(database):
    """The packaged rubric numbers items across areas (1–3 and 11–13 are one area), as the
    guide does: the item list must still name each area once (issue 20)."""
    from handlers.results.report import report_text
    from rubrics import registry

    rubric = registry().get("1.1")
    areas = [i.area for i in rubric.items]  # in number order
    assert any(a in areas[:n - 1] and areas[n - 1] != a for n, a in enumerate(areas))
    with database.transaction() as s:
        rnd = f.round_(s, "R", version="1.1")
        f.assessment(s, f.org(s, "A社"), rnd, f.uniform([i.id for i in rubric.items], 2))
        report = build_round_report(s, rnd, registry().get)
    for lang in ("ja", "en"):
        text = report_text(lang, report)
        headings = [line for line in text.splitlines() if line.startswith("【")]
        assert headings == [f"【{a.name.get(lang)}】" for a in rubric.areas]
