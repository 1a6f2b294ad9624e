"""The survey report: counts and percentages per question, breakdowns only for groups at or
above the privacy floor, free text with company names only when named, xlsx + CSV + chart,
and the members' summary refused below the floor."""

from __future__ import annotations

import csv
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from handlers import config
from handlers.dates import now_tokyo
from handlers.surveys import report_files
from handlers.surveys.messages import members_summary
from handlers.surveys.report import build
from handlers.surveys.service import close_survey, publish_summary
from handlers.types import plain_text
from store import surveys as store
from store.errors import UserError
from tests.survey_support import answer_all, chat, seed

NAMES = ("A社", "B社", "C社", "D社")


def answered(database, **settings) -> int:
    sid = seed(database, NAMES, industry="金融", **settings)
    texts = ["1", "1", "2", "=HYPERLINK(\"http://x\")"]
    for n, (name, q1) in enumerate(zip(NAMES[:3], texts, strict=False)):
        answer_all(chat(database, f"u{n}", name), sid, [q1, "1,2", str(n + 3), "総務",
                                                         texts[3] if n == 0 else "ぜひ推進を"])
    return sid


def test_named_report_figures_breakdown_and_files(database, tmp_path):
    sid = answered(database)
    with database.transaction() as s:
        survey = s.get(store.Survey, sid)
        data = build(s, survey, floor=3)
        q1, q2, q3 = data.questions[:3]
        assert data.respondents == 3 and q1.counts == [2, 1, 0] and q1.n == 3
        assert q2.counts == [3, 3, 0] and q3.mean is not None and str(q3.mean) == "4.00"
        assert [g.code for g in data.groups] == ["regular", "金融"]  # 3 companies each
        assert ("A社", '=HYPERLINK("http://x")') in data.questions[4].texts
        assert build(s, survey, floor=5).groups == []  # below the floor: hidden
        report_files.write_workbook(data, tmp_path / "r.xlsx", now_tokyo(),
                                    store.named_rows(s, survey))
        report_files.write_csv(data, tmp_path / "r.csv")
    book = load_workbook(tmp_path / "r.xlsx")
    assert {"集計 Summary", "自由記述 Free text", "回答 Answers"} <= set(book.sheetnames)
    cells = [c for row in book["自由記述 Free text"].iter_rows() for c in row]
    hyperlink = next(c for c in cells if str(c.value).startswith("=HYPERLINK"))
    assert hyperlink.data_type == "s"  # text, never a formula
    rows = list(csv.reader((tmp_path / "r.csv").open(encoding="utf-8-sig")))
    assert any(r[-1].startswith("'=HYPERLINK") for r in rows)
    assert any(r[1] == "all" and r[7] == "賛成" and r[8] == "2" and r[9] == "66.7" for r in rows)


def test_anonymous_report_has_no_names_and_no_breakdown(database):
    sid = answered(database, anonymity="anonymous")
    with database.transaction() as s:
        data = build(s, s.get(store.Survey, sid), floor=3)
        assert data.respondents == 3 and data.groups == []
        assert all(company is None for company, _ in data.questions[4].texts)


def test_members_summary_only_totals_and_the_floor(database):
    sid = answered(database)
    now = now_tokyo()
    with database.transaction() as s:
        survey = s.get(store.Survey, sid)
        with pytest.raises(UserError, match="still open"):
            publish_summary(s, survey, now, 3)
        close_survey(s, survey, now)
        with pytest.raises(UserError, match="Fewer than 5"):
            publish_summary(s, survey, now, 5)
        publish_summary(s, survey, now + timedelta(minutes=1), 3)
        text = plain_text(members_summary(s, survey, "ja", 3))
        assert "66.7%" in text and "A社" not in text and "ぜひ推進を" not in text


def test_status_in_chat_for_admins(database):
    sid = answered(database)
    config.configure(config.HandlerConfig(benchmark_min_companies=3))
    admin = chat(database, "boss", None, admins=frozenset({"console:boss"}))
    status = admin.say(f"アンケート状況 {sid}")
    assert "回答 / answered: 3社 / 4社" in status
    report = admin.say(f"survey report {sid}")
    assert "A社: 総務" in report and "66.7%" in report
