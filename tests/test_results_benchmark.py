"""The member benchmark: when it may be shown, its figures, and the subtraction attack."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from handlers import config
from handlers.results import benchmark as bm
from handlers.results.view import benchmark_replies, result_replies
from handlers.types import Fields, plain_text
from store import audit, queries
from store.models import Round
from tests.support import factories as f

RUBRICS = f.mini_rubrics()
MINI = RUBRICS.get("0.9")
ALL = [i.id for i in MINI.items]


def threshold(n: int) -> None:
    """Configure the publication threshold as Settings would (conftest restores it)."""
    config.configure(replace(config.current(), benchmark_min_companies=n))


def setup_round(session, levels: list[int], *, status: str = "closed", past_deadline=True):
    """One company per level in `levels`, each answering every item at that level."""
    deadline = f.NOW - timedelta(days=1) if past_deadline else f.NOW + timedelta(days=10)
    rnd = f.round_(session, "2026年度上期", deadline=deadline, status=status)
    companies = []
    for index, level in enumerate(levels):
        company = f.org(session, f"会社{index}")
        f.assessment(session, company, rnd, f.uniform(ALL, level))
        companies.append(company)
    return rnd, companies


def result_text(session, company, lang="ja") -> str:
    person = f.user(session, f"console:{company.name}", company)
    assessment = queries.latest_submitted(session, company.id)
    return plain_text(result_replies(f.turn(session, person, lang=lang), assessment, MINI,
                                     RUBRICS))


def bench_text(session, company, lang="ja") -> str:
    person = f.user(session, f"console:{company.name}", company)
    return plain_text(benchmark_replies(f.turn(session, person, lang=lang), None, RUBRICS))


def test_nothing_is_shown_while_the_round_is_open(database):
    with database.transaction() as s:
        _rnd, companies = setup_round(s, [1, 2, 3, 4, 4, 3], status="open", past_deadline=False)
        text = result_text(s, companies[1])
        assert "締切後に公開" in text
        assert "会員平均" not in text and "パーセンタイル" not in text
        assert "会員平均" not in bench_text(s, companies[1])
        assert s.scalar(select(audit.BenchmarkSnapshot)) is None


def test_published_after_the_deadline_with_exact_figures(database):
    with database.transaction() as s:
        _rnd, companies = setup_round(s, [1, 2, 3, 4, 4], status="open", past_deadline=True)
        text = result_text(s, companies[1])
        # overall: members 1, 2, 3, 4, 4 → 14/5 = 2.80; level 2 has 1 below, itself tied
        assert "全体スコア: 2.00 ｜ 会員平均 2.80 ｜ パーセンタイル 30" in text
        assert "ルール・プロセスの明文化 (2): 2.00 ｜ 会員平均 2.80 ｜ パーセンタイル 30" in text
        assert "5 社の集計" in text
        top = result_text(s, companies[4], lang="en")
        assert "Overall score: 4.00 | member average 2.80 | percentile 80" in top.replace(
            " ｜ ", " | ")


def test_benchmark_by_item_for_a_company(database):
    with database.transaction() as s:
        rnd, _companies = setup_round(s, [1, 2, 3, 4, 4])
        mixed = f.org(s, "混合株式会社")
        f.assessment(s, mixed, rnd, {"policy": 4, "usage": 1, "cases": 3, "owner": 2,
                                     "data-ip": 2, "use-ip": 4, "monitoring": 1})
        replies = benchmark_replies(f.turn(s, f.user(s, "console:m", mixed)), None, RUBRICS)
        items = dict(next(r for r in replies if isinstance(r, Fields)
                          and r.title.startswith("項目別")).fields)
        # policy: 1, 2, 3, 4, 4, 4 → 18/6 = 3.00; level 4: 3 below + 3 ties / 2 → 75
        assert items["1. 項目1"] == "4点 ｜ 会員平均 3.00 ｜ パーセンタイル 75"
        # usage: 1, 1, 2, 3, 4, 4 → 15/6 = 2.50; level 1: 0 below + 2 ties / 2 → 16.67 → 17
        assert items["2. 項目2"] == "1点 ｜ 会員平均 2.50 ｜ パーセンタイル 17"
        # monitoring: 1, 1, 2, 3, 4, 4 as well
        assert items["24. 項目24"] == "1点 ｜ 会員平均 2.50 ｜ パーセンタイル 17"
        assert "6社" in replies[0].title


def test_subtraction_attack_threshold_minus_one_then_threshold(database):
    """With threshold−1 companies nothing at all is shown; at the threshold the figures
    appear. Nothing was shown before, so the company that made up the number is not exposed."""
    with database.transaction() as s:
        rnd, companies = setup_round(s, [1, 2, 3, 4])  # 4 = threshold − 1, round over
        for company in companies:
            text = result_text(s, company) + bench_text(s, company)
            assert "5社以上" in text
            assert "会員平均" not in text.replace("会員平均は", "")
            assert "2.50" not in text  # the average of 1..4 is never printed
        assert bm.outcome(s, rnd, RUBRICS.get, now=f.NOW, org_id=companies[0].id,
                          actor="t").status == "too_few"
        assert s.scalar(select(audit.BenchmarkSnapshot)) is None
        late = f.org(s, "遅れて提出した会社")
        f.assessment(s, late, rnd, f.uniform(ALL, 4), at=f.NOW)
        text = result_text(s, companies[0])
        assert "会員平均 2.80" in text  # 1, 2, 3, 4, 4


def test_subtraction_attack_late_submission_never_moves_a_published_figure(database):
    """Shown over N companies, then (after a reopening) over N+1, an average would give away
    the newcomer's answers. The population is frozen at first publication instead."""
    with database.transaction() as s:
        rnd, companies = setup_round(s, [1, 2, 3, 4, 4])
        before = bench_text(s, companies[0])
        assert "会員平均 2.80" in before
        frozen = s.scalar(select(audit.BenchmarkSnapshot))
        assert frozen.population == 5
        # the secretariat reopens the round; one more company submits extreme answers
        rnd.status, rnd.deadline_at = "open", f.NOW + timedelta(days=7)
        newcomer = f.org(s, "新規会社")
        f.assessment(s, newcomer, rnd, f.uniform(ALL, 1), at=f.NOW)
        live = bm.snapshot_data([bm.company_figures(s, a, MINI)
                                 for a in bm.submitted_in(s, rnd)])
        assert live != frozen.data  # computed live, the figures would have moved (2.50)
        rnd.status = "closed"
        after = bench_text(s, companies[0])
        assert after == before  # every figure, every percentile unchanged
        newcomer_view = bench_text(s, newcomer)
        assert "会員平均 2.80" in newcomer_view and "5社" in newcomer_view
        # its own 1.00 against the frozen five (1, 2, 3, 4, 4): one tie, counted half → 10
        assert "全体スコア: 1.00 ｜ 会員平均 2.80 ｜ パーセンタイル 10" in newcomer_view
        assert len(s.scalars(select(audit.BenchmarkSnapshot)).all()) == 1


def mixed_roles_round(session, groups: list[tuple[tuple[str, ...], int]], levels=None):
    """Companies by role group: [(roles, how many)], each answering its items at level 3."""
    rnd = f.round_(session, "2026年度上期", deadline=f.NOW - timedelta(days=1))
    companies = []
    for roles, count in groups:
        for _ in range(count):
            company = f.org(session, f"会社{len(companies)}")
            answers = {i.id: 3 for i in MINI.applicable(roles)}
            answers.update((levels or {}).get(roles, {}))
            f.assessment(session, company, rnd, answers, roles=roles)
            companies.append(company)
    return rnd, companies


def test_a_small_role_group_is_left_out_so_cells_cannot_be_combined(database):
    """One developer-only company among five user-only ones. If it were counted, the rules
    area (policy and usage) and the two item averages would give its policy level away:
    policy_X = 2 × 6 × rules − 6 × policy − 5 × usage. So it is left out of every cell."""
    dev, user = ("developer",), ("user",)
    user_levels = {"policy": 2, "usage": 3}
    with database.transaction() as s:
        rnd, companies = mixed_roles_round(
            s, [(user, 5), (dev, 1)], {user: user_levels, dev: {"policy": 4}})
        everyone = [bm.company_figures(s, a, MINI) for a in bm.submitted_in(s, rnd)]
        naive = bm.Benchmark(rnd.id, "0.9", 6, f.NOW, 5, bm.EMPTY, {
            k: bm._cell(v) for k, v in bm.snapshot_data(everyone)["areas"].items()}, {
            k: bm._cell(v) for k, v in bm.snapshot_data(everyone)["items"].items()})
        rules, policy, usage = (naive.area("rules").mean, naive.item("policy").mean,
                                naive.item("usage").mean)
        assert round(2 * 6 * rules - 6 * policy - 5 * usage) == 4  # the attack, if counted
        text = bench_text(s, companies[0])
        assert "会員ベンチマーク（2026年度上期・5社）" in text
        assert "1. 項目1: 2点 ｜ 会員平均 2.00 ｜ パーセンタイル 50" in text  # users only
        frozen = audit.snapshot_for(s, rnd.id)
        assert frozen.data == bm.snapshot_data(everyone[:5])  # X is in no cell at all
        assert audit.events(s, action_prefix="benchmark.")[0].detail == {
            "population": 5, "left_out": 1}
        lone = bench_text(s, companies[5])  # X still sees the benchmark of the others
        assert "1. 項目1: 4点 ｜ 会員平均 2.00 ｜ パーセンタイル 100" in lone
        assert "16. 項目16: 3点 ｜ 会員平均は非表示（対象5社未満）" in lone  # no developer


def test_too_few_once_small_groups_are_left_out(database):
    with database.transaction() as s:
        _rnd, companies = mixed_roles_round(s, [(f.BOTH, 3), (("user",), 2)])
        text = bench_text(s, companies[0])
        assert "5社以上" in text and "会員平均" not in text.replace("会員平均は", "")


def test_each_cell_is_checked_again_when_the_threshold_is_raised(database):
    threshold(3)
    with database.transaction() as s:
        _rnd, companies = mixed_roles_round(s, [(f.BOTH, 3), (("user",), 3)])
        assert "16. 項目16: 3点 ｜ 会員平均 3.00" in bench_text(s, companies[0])  # frozen
        threshold(4)
        replies = benchmark_replies(f.turn(s, f.user(s, "console:a", companies[0])), None,
                                    RUBRICS)
        items = dict(replies[1].fields)
        assert items["16. 項目16"] == "3点 ｜ 会員平均は非表示（対象4社未満）"  # 3 developers
        assert items["17. 項目17"] == "3点 ｜ 会員平均 3.00 ｜ パーセンタイル 50"  # 6 users
        areas = dict(replies[0].fields)
        assert "会員平均 3.00" in areas["各リスク領域への対策"]  # all six have a risk item


def test_threshold_is_configurable_but_never_below_three(database):
    threshold(3)
    with database.transaction() as s:
        _rnd, companies = setup_round(s, [1, 2, 3])
        assert "会員平均 2.00" in bench_text(s, companies[0])
    with pytest.raises(ValueError, match="at least 3"):
        threshold(2)  # refused where the configuration is built
    bypassed = config.current()
    object.__setattr__(bypassed, "benchmark_min_companies", 2)  # a value that got past it
    config.configure(bypassed)
    with database.transaction() as s:
        rnd2 = f.round_(s, "別ラウンド", deadline=f.NOW - timedelta(days=1), status="closed")
        a, b = f.org(s, "A社"), f.org(s, "B社")
        f.assessment(s, a, rnd2, f.uniform(ALL, 1), at=f.NOW)
        f.assessment(s, b, rnd2, f.uniform(ALL, 4), at=f.NOW)
        text = bench_text(s, a)
        assert "表示できません" in text and "会員平均" not in text
        assert audit.snapshot_for(s, rnd2.id) is None


def test_companies_that_did_not_submit_are_not_shown_the_benchmark(database):
    with database.transaction() as s:
        rnd, _companies = setup_round(s, [1, 2, 3, 4, 4])
        working = f.org(s, "回答中の会社")
        f.assessment(s, working, rnd, {"policy": 2}, submitted=False)
        absent = f.org(s, "未参加の会社")
        for company in (working, absent):
            text = bench_text(s, company)
            assert "提出した会員企業にお見せしています" in text
            assert "会員平均" not in text
        assert "submitted their self-assessment" in bench_text(s, absent, lang="en")


def test_first_publication_is_frozen_once_and_audited(database):
    with database.transaction() as s:
        rnd, companies = setup_round(s, [1, 2, 3, 4, 4])
        for company in companies:
            bench_text(s, company)
        events = audit.events(s, action_prefix="benchmark.")
        assert [(e.action, e.target, e.detail) for e in events] == [
            ("benchmark.freeze", f"round:{rnd.id}", {"population": 5, "left_out": 0})]
        assert events[0].actor == "console:会社0"


def test_closed_round_is_published_before_its_deadline(database):
    with database.transaction() as s:
        rnd, companies = setup_round(s, [2, 2, 2, 2, 2], status="closed", past_deadline=False)
        assert "会員平均 2.00" in bench_text(s, companies[0])
        assert s.get(Round, rnd.id).status == "closed"


def test_trial_company_is_not_in_a_real_rounds_benchmark(database):
    with database.transaction() as s:
        rnd, companies = setup_round(s, [1, 2, 3, 4, 4])
        trial = f.org(s, "サンプル株式会社（試用データ）")
        trial.is_sample = True
        f.assessment(s, trial, rnd, f.uniform(ALL, 1))
        assert "会員ベンチマーク（2026年度上期・5社）" in bench_text(s, companies[0])
        assert "会員平均 2.80" in bench_text(s, companies[0])
