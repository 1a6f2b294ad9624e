"""The secretariat's round report: participation, averages, distributions, focus, change."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from handlers.results.report import build_round_report, resolve_round, round_report_replies
from handlers.types import Image, plain_text
from store import audit
from tests.support import factories as f

RUBRICS = f.progress_rubrics()
scenario = f.report_scenario


def test_figures_of_the_round(database):
    with database.transaction() as s:
        _before, rnd = scenario(s)
        report = build_round_report(s, rnd, RUBRICS.get)
        assert (report.count("submitted"), report.count("in_progress"),
                report.count("not_started"), len(report.companies)) == (3, 2, 1, 6)
        assert "F先生" not in [c.org.name for c in report.companies]
        # overall: mean of 17/8, 17/6 and 15/7 = 1193/504 = 2.367… ; previous (2 and 4) 3.00
        assert (report.overall.n, report.overall.mean) == (3, Decimal("2.37"))
        assert (report.overall.previous, report.overall.delta) == (Decimal("3.00"),
                                                                   Decimal("-0.63"))
        areas = {area.id: (stat.n, stat.mean, stat.delta) for area, stat in report.areas}
        assert areas == {
            "rules": (3, Decimal("2.33"), Decimal("-0.67")),  # 3/2, 3, 5/2 → 7/3
            "awareness": (3, Decimal("2.67"), Decimal("-0.33")),
            "organisation": (3, Decimal("3.00"), Decimal("0.00")),
            "risk": (3, Decimal("1.94"), Decimal("-1.06")),  # 4/3, 2, 5/2 → 35/18
            "transparency": (3, Decimal("2.67"), Decimal("-0.33")),
        }
        items = {s.item.id: (s.stat.n, s.stat.mean, s.distribution, s.low_share, s.is_new,
                             s.stat.delta) for s in report.items}
        assert items["policy"] == (3, Decimal("2.00"), {1: 1, 2: 1, 3: 1, 4: 0}, 67, False,
                                   Decimal("-1.00"))
        assert items["data-ip"] == (2, Decimal("1.50"), {1: 1, 2: 1, 3: 0, 4: 0}, 100, False,
                                    Decimal("-1.50"))  # developers only: A and B
        assert items["usage"][:2] == (2, Decimal("2.50"))  # users only: A and C
        assert items["bias"] == (3, Decimal("2.33"), {1: 1, 2: 1, 3: 0, 4: 1}, 67, True, None)
        assert [s.item.id for s in report.lowest] == ["data-ip", "use-ip", "policy", "bias",
                                                      "usage"]


def test_chat_report_for_the_secretariat(database):
    with database.transaction() as s:
        _before, rnd = scenario(s)
        admin = f.user(s, "console:admin", None, admin=True)
        replies = round_report_replies(f.turn(s, admin), None, RUBRICS)
        text = plain_text(replies)
        assert "ラウンドレポート: 2026年度上期（1.0）" in text
        assert "参加状況: 提出 3 ／ 回答中 2 ／ 未着手 1（会員企業 6社）" in text
        assert "全体平均: 2.37（n=3） -0.63" in text
        assert "各リスク領域への対策: 1.94（n=3） -1.06" in text
        assert "前回（2025年度下期）の全体平均: 3.00" in text
        assert "16. 項目16 — 平均 1.50（1〜2点: 100%）" in text
        assert "1. 項目1: 2.00（1/1/1/0）　前回比 -1.00" in text
        assert "20. 項目20（新設）: 2.33（1/1/0/1）　新項目" in text
        image = next(r for r in replies if isinstance(r, Image))
        assert Path(image.path).stat().st_size > 20_000
        events = audit.events(s, action_prefix="report.")
        assert [(e.actor, e.action, e.target) for e in events] == [
            ("console:admin", "report.view", f"round:{rnd.id}")]
        english = plain_text(round_report_replies(f.turn(s, admin, lang="en"), rnd.id, RUBRICS))
        assert "participation: submitted 3 / in progress 2 / not started 1" in english.lower()


def test_round_without_submissions(database):
    with database.transaction() as s:
        rnd = f.round_(s, "始まったばかり", version="1.0")
        f.org(s, "A社")
        admin = f.user(s, "console:admin", None, admin=True)
        text = plain_text(round_report_replies(f.turn(s, admin), rnd.id, RUBRICS))
        assert "提出 0 ／ 回答中 0 ／ 未着手 1" in text
        assert "まだ提出がありません" in text


def test_finding_the_round(database):
    with database.transaction() as s:
        before, rnd = scenario(s)
        assert resolve_round(s, None, f.NOW).id == rnd.id  # the open one
        assert resolve_round(s, str(before.id), f.NOW).id == before.id
        assert resolve_round(s, before.id, f.NOW).id == before.id
        assert resolve_round(s, f"#{before.id}", f.NOW).id == before.id
        assert resolve_round(s, " 2025年度下期 ", f.NOW).id == before.id
        assert resolve_round(s, "2030年度", f.NOW) is None
        assert resolve_round(s, "9999", f.NOW) is None
        rnd.status = "closed"
        assert resolve_round(s, None, f.NOW).id == rnd.id  # none open: the latest opened
        f.round_(s, "2025年度下期", version="0.9")
        assert resolve_round(s, "2025年度下期", f.NOW) is None  # two of that name: use the id
        admin = f.user(s, "console:admin", None, admin=True)
        text = plain_text(round_report_replies(f.turn(s, admin), 9999, RUBRICS))
        assert "ラウンド「9999」が見つかりません" in text


def test_trial_companies_never_mix_with_real_figures(database):
    with database.transaction() as s:
        _before, rnd = scenario(s)
        trial = f.org(s, "サンプル株式会社（試用データ）")
        trial.is_sample = True
        f.assessment(s, trial, rnd, {i.id: 1 for i in RUBRICS.get("1.0").items})
        report = build_round_report(s, rnd, RUBRICS.get)
        assert "サンプル株式会社（試用データ）" not in [c.org.name for c in report.companies]
        assert (report.count("submitted"), report.overall.mean) == (3, Decimal("2.37"))
