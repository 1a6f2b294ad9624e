"""The member's industry beside all members in the chat benchmark (issue 15), and the
subtraction attacks an industry segment would open if it were shown carelessly."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from fractions import Fraction

import pytest

from handlers import config
from handlers.results import benchmark as bm
from handlers.results.view import benchmark_replies
from handlers.types import Fields, plain_text
from store import audit
from tests.support import factories as f

RUBRICS = f.mini_rubrics()
MINI = RUBRICS.get("0.9")
ALL = [i.id for i in MINI.items]


def threshold(n: int) -> None:
    config.configure(replace(config.current(), benchmark_min_companies=n))


def world(session, companies: list[tuple[str | None, int]], *, deadline_past: bool = True,
          status: str = "closed"):
    """One company per (industry, level), each answering every item at that level."""
    deadline = f.NOW - timedelta(days=1) if deadline_past else f.NOW + timedelta(days=10)
    rnd = f.round_(session, "2026年度上期", deadline=deadline, status=status)
    made = []
    for index, (industry, level) in enumerate(companies):
        company = f.org(session, f"会社{index}")
        company.industry = industry
        f.assessment(session, company, rnd, f.uniform(ALL, level))
        made.append(company)
    return rnd, made


def bench(session, company, lang: str = "ja") -> tuple[dict[str, str], str]:
    person = f.user(session, f"console:{company.name}", company)
    replies = benchmark_replies(f.turn(session, person, lang=lang), None, RUBRICS)
    fields = next((dict(r.fields) for r in replies if isinstance(r, Fields)), {})
    return fields, plain_text(replies)


def test_the_industry_average_is_shown_beside_all_members(database):
    with database.transaction() as s:
        _rnd, companies = world(s, [("finance", 1), ("finance", 2), ("finance", 2),
                                    ("finance", 3), ("finance", 4),
                                    ("it", 4), ("it", 4), ("it", 3), ("it", 3), ("it", 2)])
        fields, text = bench(s, companies[0])
        # all: 1+2+2+3+4+4+4+3+3+2 = 28/10; finance: 12/5 = 2.40
        assert fields["全体スコア"].startswith("1.00 ｜ 会員平均 2.80")
        assert fields["業種平均（金融）"] == "2.40（5社）"
        keys = list(fields)
        assert keys.index("業種平均（金融）") == keys.index("全体スコア") + 1  # next to all
        assert "業種平均（IT）" not in text  # only the member's own industry
        fields, _ = bench(s, companies[5], lang="en")
        assert fields["Industry average (IT)"] == "3.20 (5 companies)"  # 16/5


def test_a_segment_whose_complement_is_small_is_refused(database):
    """Six finance companies and one IT company: the finance average over 6 beside the
    all-member average over 7 would give the IT company away (7 × all − 6 × finance)."""
    with database.transaction() as s:
        rnd, companies = world(s, [("finance", 2)] * 3 + [("finance", 3)] * 3 + [("it", 4)])
        all_mean, finance = Fraction(19, 7), Fraction(15, 6)
        assert 7 * all_mean - 6 * finance == 4  # the attack, if the segment were shown
        fields, text = bench(s, companies[0])
        assert fields["業種平均（金融）"].startswith("非表示")
        assert "2.50" not in text and "6社" not in fields["業種平均（金融）"]
        lone, lone_text = bench(s, companies[6])
        assert "4.00" not in lone_text.split("全体スコア")[0]  # the title and footer say nothing
        assert lone["業種平均（IT）"].startswith("非表示")
        assert "4.00" not in lone["業種平均（IT）"]
        assert "industries" not in audit.snapshot_for(s, rnd.id).data  # not even stored


def test_two_segments_may_not_leave_a_small_remainder(database):
    """Threshold 3: finance 3, IT 3 and one company without an industry. Each segment has 4
    outside it, but both together leave 1: 7 × all − 3 × finance − 3 × IT = that company.
    So the smaller (here: the first by name at a tie) is withheld too, leaving 4 outside."""
    threshold(3)
    with database.transaction() as s:
        _rnd, companies = world(s, [("finance", 1), ("finance", 2), ("finance", 2),
                                    ("it", 3), ("it", 3), ("it", 4), (None, 4)])
        finance, _ = bench(s, companies[0])
        it, _ = bench(s, companies[3])
        unset, unset_text = bench(s, companies[6])
        shown = [v for v in (finance["業種平均（金融）"], it["業種平均（IT）"])
                 if not v.startswith("非表示")]
        assert len(shown) == 1 and shown == ["3.33（3社）"]  # IT: 10/3
        assert finance["業種平均（金融）"].startswith("非表示")
        assert not any(k.startswith("業種平均") for k in unset)  # no industry, no row
        assert "3.33" not in unset_text


def test_safe_segments_against_every_small_partition():
    """Brute force: for every partition of up to 12 companies into up to three industries
    plus an unset rest, no figure shown (all, each shown segment) leaves a group of 1..N−1
    companies that can be isolated by adding and subtracting shown figures."""
    from itertools import product

    for n_min in (3, 5):
        for sizes in product(range(0, 8), repeat=3):
            for rest in range(0, 6):
                population = sum(sizes) + rest
                if population < n_min:
                    continue
                cells = {code: bm.Cell(tuple(Fraction(1) for _ in range(k)))
                         for code, k in zip("abc", sizes, strict=True)}
                shown = bm.safe_segments(cells, population, n_min)
                for cell in shown.values():
                    assert cell.n >= n_min and population - cell.n >= n_min
                outside = population - sum(c.n for c in shown.values())
                assert outside == 0 or outside >= n_min, (sizes, rest, shown)


def test_frozen_at_first_publication_and_checked_again_when_the_threshold_rises(database):
    with database.transaction() as s:
        rnd, companies = world(s, [("finance", 2)] * 5 + [("it", 4)] * 5)
        before, _ = bench(s, companies[0])
        assert before["業種平均（金融）"] == "2.00（5社）"
        # the round is reopened, a sixth finance company submits extreme answers
        rnd.status, rnd.deadline_at = "open", f.NOW + timedelta(days=7)
        late = f.org(s, "遅れた会社")
        late.industry = "finance"
        f.assessment(s, late, rnd, f.uniform(ALL, 4), at=f.NOW)
        rnd.status = "closed"
        assert bench(s, companies[0])[0] == before  # not 2.33 over 6: frozen
        late_view, _ = bench(s, late)
        assert late_view["業種平均（金融）"] == "2.00（5社）"
        # an industry changed afterwards does not move companies between frozen segments
        companies[0].industry = "it"
        assert bench(s, companies[0])[0]["業種平均（IT）"] == "4.00（5社）"
        threshold(6)  # raised: the frozen segments of 5 are hidden, never a new one shown
        fields, text = bench(s, companies[1])
        assert fields["業種平均（金融）"].startswith("非表示") and "2.00（5社）" not in text


def test_nothing_before_the_deadline_nor_for_companies_that_did_not_submit(database):
    with database.transaction() as s:
        rnd, companies = world(s, [("finance", 2)] * 5 + [("it", 4)] * 5,
                               deadline_past=False, status="open")
        _fields, text = bench(s, companies[0])
        assert "業種平均" not in text and "締切後に公開" in text
        working = f.org(s, "回答中の会社")
        working.industry = "finance"
        f.assessment(s, working, rnd, {"policy": 2}, submitted=False)
        rnd.status = "closed"
        _, text = bench(s, working)
        assert "業種平均" not in text and "提出した会員企業" in text


def test_a_company_left_out_by_its_roles_is_in_no_segment(database):
    """Five user-only finance companies, five user-only IT ones and one developer-only
    finance company: the developer is in no cell (rule 3), so not in the finance segment."""
    with database.transaction() as s:
        rnd = f.round_(s, "2026年度上期", deadline=f.NOW - timedelta(days=1))
        companies = []
        for index, (industry, roles, level) in enumerate(
                [("finance", ("user",), 2)] * 5 + [("it", ("user",), 3)] * 5
                + [("finance", ("developer",), 4)]):
            company = f.org(s, f"会社{index}")
            company.industry = industry
            f.assessment(s, company, rnd, {i.id: level for i in MINI.applicable(roles)},
                         roles=roles)
            companies.append(company)
        fields, _ = bench(s, companies[0])
        assert fields["業種平均（金融）"] == "2.00（5社）"
        assert audit.snapshot_for(s, rnd.id).data["industries"]["finance"] == ["2"] * 5


@pytest.mark.parametrize("industry", ["", None, "unknown-code", "<b>*金融*</b>"])
def test_odd_industry_values_never_break_the_benchmark(database, industry):
    with database.transaction() as s:
        _rnd, companies = world(s, [(industry, 2)] * 5 + [("it", 4)] * 5)
        fields, _text = bench(s, companies[0])
        assert fields["全体スコア"].startswith("2.00 ｜ 会員平均 3.00")
        if industry:  # a code the register does not know is shown as it is, never a crash
            assert fields[f"業種平均（{industry}）"] == "2.00（5社）"
        else:
            assert not any(k.startswith("業種平均") for k in fields)
