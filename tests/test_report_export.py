"""The workbook and CSV: they open again, hold the expected figures, and are audited."""

from __future__ import annotations

import csv
import getpass
import shutil
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from bot.cli import main
from handlers.results.report import export_round_report
from handlers.results.workbook import _csv_text
from store import audit
from tests.support import factories as f

RUBRICS = f.progress_rubrics()
scenario = f.report_scenario
SHEETS = ["概要 Summary", "回答 Answers", "1 ルール・プロセスの明文化", "2 周知徹底・人材育成",
          "3 組織体制整備", "4 各リスク領域への対策", "5 透明性・アカウンタビリティ確保"]


@pytest.fixture(autouse=True)
def _env(monkeypatch):
    """The CLI reads its settings from the environment: no threshold from the caller's shell."""
    monkeypatch.delenv("AIGA_BENCHMARK_MIN_COMPANIES", raising=False)


def rows(ws) -> list[tuple]:
    return [r for r in ws.iter_rows(values_only=True)]


def row_starting(ws, first: object) -> tuple:
    return next(r for r in ws.iter_rows(values_only=True) if r[0] == first)


def export(database, tmp_path) -> tuple[Path, Path, int]:
    xlsx, csv_path = tmp_path / "out" / "report.xlsx", tmp_path / "out" / "report.csv"
    with database.transaction() as s:
        _before, rnd = scenario(s)
        export_round_report(s, rnd, actor="console:admin", now=f.NOW, xlsx=xlsx, csv=csv_path,
                            rubrics=RUBRICS)
        return xlsx, csv_path, rnd.id


def test_workbook_opens_again_with_the_expected_figures(database, tmp_path, artifacts_dir):
    xlsx, _csv, _rid = export(database, tmp_path)
    shutil.copy(xlsx, artifacts_dir / "round-report.xlsx")
    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames == SHEETS
    summary = book["概要 Summary"]
    assert row_starting(summary, "会員企業 Registered")[1] == 6
    assert row_starting(summary, "提出済み submitted")[1] == 3
    assert row_starting(summary, "回答中 in_progress")[1] == 2
    assert row_starting(summary, "未着手 not_started")[1] == 1
    assert row_starting(summary, "全体 Overall")[1:5] == (3, 2.37, 3.0, -0.63)
    risk = row_starting(summary, "各リスク領域への対策 Measures for each risk domain")
    assert risk[1:5] == (3, 1.94, 3.0, -1.06)
    overall_cell = next(c for c in summary["C"] if c.value == 2.37)
    assert overall_cell.number_format == "0.00"
    assert row_starting(summary, "A社")[1:3] == ("提出済み", "開発者・提供者・利用者")
    assert row_starting(summary, "A社")[4] == 2.13  # 17/8 = 2.125 rounded half up
    assert row_starting(summary, "E社")[1] == "未着手"
    lowest = [r[0] for r in rows(summary) if r[0] in (16, 17, 1, 20, 2)]
    assert lowest == [16, 17, 1, 20, 2]


def test_answers_sheet_has_every_answer_and_note_as_text(database, tmp_path):
    xlsx, _csv, _rid = export(database, tmp_path)
    ws = openpyxl.load_workbook(xlsx)["回答 Answers"]
    body = rows(ws)[1:]
    assert len(body) == 8 + 6 + 7 + 1 + 2  # A, B, C submitted; D and G in progress
    a_policy = next(r for r in body if r[0] == "A社" and r[5] == "policy")
    assert a_policy[4] == 1 and a_policy[8] == 1
    assert a_policy[10] == datetime(2026, 10, 29, 10, 0)  # answered at, Tokyo wall time
    assert a_policy[9] == '=HYPERLINK("http://x")'  # a note, not a formula
    cell = next(c for c in ws["J"] if c.value == '=HYPERLINK("http://x")')
    assert cell.data_type == "s"
    assert next(r for r in body if r[0] == "A社" and r[5] == "owner")[9] == "CAIO を任命済み"
    assert {r[1] for r in body if r[0] == "D社"} == {"回答中"}
    assert all(isinstance(r[10], datetime) for r in body)


def test_area_sheet_has_distribution_and_company_levels(database, tmp_path):
    xlsx, _csv, _rid = export(database, tmp_path)
    ws = openpyxl.load_workbook(xlsx)["4 各リスク領域への対策"]
    assert row_starting(ws, 16) == (16, "項目16", 2, 1.5, 1, 1, 0, 0, 100, 3.0, -1.5)
    assert row_starting(ws, 20)[:10] == (20, "項目20（新設）", 3, 2.33, 1, 1, 0, 1, 67, None)
    assert row_starting(ws, 20)[10] == "新項目 new"
    assert row_starting(ws, "A社")[:5] == ("A社", 1.33, 1, 2, 1)  # mean 4/3; 16, 17, 20
    assert row_starting(ws, "B社")[:5] == ("B社", 2.0, 2, None, 2)  # developer: no 17


def test_csv_holds_the_same_figures(database, tmp_path):
    _xlsx, csv_path, rid = export(database, tmp_path)
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel in Japan reads UTF-8 correctly
    with open(csv_path, encoding="utf-8-sig", newline="") as handle:
        table = list(csv.DictReader(handle))
    by = {(r["scope"], r["id"]): r for r in table}
    assert by[("participation", "submitted")]["n"] == "3"
    assert by[("participation", "not_started")]["n"] == "1"
    overall = by[("overall", "overall")]
    assert (overall["round_id"], overall["n"], overall["mean"], overall["previous_mean"],
            overall["change"]) == (str(rid), "3", "2.37", "3.00", "-0.63")
    policy = by[("item", "policy")]
    assert [policy[k] for k in ("number", "n", "mean", "level_1", "level_2", "level_3",
                                "level_4", "low_share_pct", "change")] == [
        "1", "3", "2.00", "1", "1", "1", "0", "67", "-1.00"]
    assert by[("item", "bias")]["change"] == "new"
    assert by[("area", "risk")]["mean"] == "1.94"
    # issue 15: the per-company answers are in the CSV too (8 + 6 + 7 + 1 + 2 answers)
    assert len(table) == 3 + 1 + 5 + 8 + 24
    answers = [r for r in table if r["scope"] == "answer"]
    a_policy = next(r for r in answers if r["company"] == "A社" and r["id"] == "policy")
    assert (a_policy["level"], a_policy["status"], a_policy["class"]) == ("1", "提出済み", "通常枠")
    assert a_policy["note"] == '\'=HYPERLINK("http://x")'  # neutralised, not a formula
    assert a_policy["answered_at"] == "2026-10-29 10:00"
    assert {r["status"] for r in answers if r["company"] == "D社"} == {"回答中"}
    assert not any(v.startswith(("=", "+", "@")) for r in table for v in r.values() if v)


def test_every_export_is_audited(database, tmp_path):
    xlsx, csv_path, rid = export(database, tmp_path)
    with database.transaction() as s:
        events = audit.events(s, action_prefix="report.export")
        assert [(e.actor, e.action, e.target, e.detail["file"]) for e in events] == [
            ("console:admin", "report.export.xlsx", f"round:{rid}", str(xlsx)),
            ("console:admin", "report.export.csv", f"round:{rid}", str(csv_path)),
        ]
        assert events[0].at == f.NOW and events[1].detail["rows"] == 17 + 24  # answers too


def test_spreadsheet_formulas_in_csv_text_are_neutralised():
    assert _csv_text("=1+2") == "'=1+2"
    assert _csv_text("@SUM(A1)") == "'@SUM(A1)"
    assert _csv_text("2026年度上期") == "2026年度上期"


# ----- the command line ----------------------------------------------------------------------


def test_cli_writes_both_files_and_logs_the_os_user(database, database_url, tmp_path,
                                                    monkeypatch, capsys):
    with database.transaction() as s:
        _before, rnd = scenario(s)
        rid = rnd.id
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setattr("handlers.results.report.registry", lambda: RUBRICS)
    xlsx, csv_path = tmp_path / "r.xlsx", tmp_path / "r.csv"
    assert main(["report", "2026年度上期", "--xlsx", str(xlsx), "--csv", str(csv_path)]) == 0
    out = capsys.readouterr().out
    assert "全体平均: 2.37（n=3） -0.63" in out and f"wrote {xlsx}" in out
    assert openpyxl.load_workbook(xlsx).sheetnames == SHEETS
    assert csv_path.read_text(encoding="utf-8-sig").startswith("round_id,round,scope")
    with database.transaction() as s:
        events = audit.events(s, action_prefix="report.")
        assert {(e.actor, e.action, e.target) for e in events} == {
            (f"cli:{getpass.getuser()}", "report.export.xlsx", f"round:{rid}"),
            (f"cli:{getpass.getuser()}", "report.export.csv", f"round:{rid}"),
        }


def test_cli_prints_only_when_no_file_is_asked(database, database_url, monkeypatch, capsys):
    with database.transaction() as s:
        _before, rnd = scenario(s)
        rid = rnd.id
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setattr("handlers.results.report.registry", lambda: RUBRICS)
    assert main(["report", str(rid), "--lang", "en"]) == 0
    assert "Round report: 2026年度上期 (1.0)" in capsys.readouterr().out
    with database.transaction() as s:
        assert [e.action for e in audit.events(s)] == ["report.view"]


@pytest.mark.parametrize("round_ref", ["2030年度", "9999"])
def test_cli_unknown_round_writes_nothing(database, database_url, tmp_path, monkeypatch,
                                          capsys, round_ref):
    with database.transaction() as s:
        scenario(s)
    monkeypatch.setenv("DATABASE_URL", database_url)
    xlsx = tmp_path / "r.xlsx"
    assert main(["report", round_ref, "--xlsx", str(xlsx)]) == 2
    assert "見つかりません" in capsys.readouterr().err
    assert not xlsx.exists()
    with database.transaction() as s:
        assert audit.events(s) == []


def test_cli_refuses_a_threshold_below_three(database_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("AIGA_BENCHMARK_MIN_COMPANIES", "2")
    assert main(["report", "1", "--csv", str(tmp_path / "r.csv")]) == 2
    assert "AIGA_BENCHMARK_MIN_COMPANIES" in capsys.readouterr().err
    assert not (tmp_path / "r.csv").exists()


def test_cli_unwritable_file_is_reported_and_not_logged(database, database_url, tmp_path,
                                                        monkeypatch, capsys):
    with database.transaction() as s:
        _before, rnd = scenario(s)
        rid = rnd.id
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setattr("handlers.results.report.registry", lambda: RUBRICS)
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where a folder should be")
    xlsx = tmp_path / "ok.xlsx"
    assert main(["report", str(rid), "--xlsx", str(xlsx), "--csv",
                 str(blocked / "r.csv")]) == 2
    assert "cannot write" in capsys.readouterr().err
    assert not xlsx.exists()  # written first, removed again: its audit entry was rolled back
    with database.transaction() as s:
        assert audit.events(s) == []
