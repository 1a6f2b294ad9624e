"""The member benchmark: member averages and a company's percentile, without revealing anyone.

The privacy rule (also in the README section "Results, benchmark and round report"):

1. A round's benchmark is published only once the round is over: its status is "closed" or
   its deadline has passed. While a round is open nothing is shown, so no one can watch an
   average move as companies submit.
2. At the first publication the population is frozen (`store.audit.BenchmarkSnapshot`): the
   anonymous, sorted values of the companies that had submitted by then. Every later view of
   that round uses the snapshot, so a late submission (a reopened round, an extended deadline)
   can never change a published figure — an average shown over N and then over N+1 companies
   would give away the newcomer's answers by subtraction.
3. Companies are grouped by the set of items they answered (which their roles decide: developer,
   user or both). Cells over different groups can be combined: with one developer-only company
   among users, twice the rules-area average minus the policy and usage item averages is that
   company's policy level. So a group smaller than the threshold is left out of the benchmark
   altogether (its companies still see the benchmark). Every cell is then a union of groups of
   at least N companies, and no combination of cells narrows below N companies.
4. The snapshot is taken only when at least `min_companies()` companies remain, and each cell is
   shown only when its own population reaches the threshold (checked again at every view, so
   raising the threshold later hides cells and never reveals new ones).
5. Only companies that submitted in the round see its benchmark (give to get).
6. Industry segments (a company's industry's overall average beside all members') are frozen
   with the rest, from the same companies. A segment is shown only when it has at least N
   companies AND the companies outside it number at least N: with the all-member average over
   P companies and a segment over P−1, the one company outside would be P × all − (P−1) ×
   segment. For the same reason the companies outside every shown segment together (other and
   unset industries, segments too small) must be none or at least N; otherwise the smallest
   shown segment is withheld too, which makes them at least N. Segments do not overlap, so no
   sum or difference of shown figures narrows below N companies (see `safe_segments`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from handlers import config
from handlers.config import BENCHMARK_DEFAULT, BENCHMARK_FLOOR
from handlers.navi.scoring import Figures, exact_mean, figures, percentile_rank, round2
from rubrics.loader import Rubric
from store import audit, queries
from store.models import Assessment, Organisation, Round

log = logging.getLogger(__name__)

# The threshold's default and floor live in handlers/config.py. Re-export for bot/settings.py's
# validator only: remove once it imports BENCHMARK_FLOOR from handlers.config.
FLOOR_MIN_COMPANIES = BENCHMARK_FLOOR

RubricLookup = Callable[[str], Rubric]
Status = Literal["published", "open", "too_few", "not_participant", "config_error"]


class BenchmarkConfigError(ValueError):
    """The configured threshold is below the floor (only a bypassed HandlerConfig can be)."""


def min_companies() -> int:
    """The publication threshold from the deployment's configuration (bot/settings.py reads
    AIGA_BENCHMARK_MIN_COMPANIES); a value below the floor raises, never loosens the rule."""
    value = config.current().benchmark_min_companies
    if not isinstance(value, int) or value < BENCHMARK_FLOOR:
        raise BenchmarkConfigError(
            f"the benchmark threshold must be a whole number of at least {BENCHMARK_FLOOR}")
    return value


@dataclass(frozen=True)
class Cell:
    """The sorted values behind one benchmark figure (no company names)."""

    values: tuple[Fraction, ...]

    @property
    def n(self) -> int:
        return len(self.values)

    @property
    def mean(self) -> Decimal | None:
        return round2(exact_mean(self.values))

    def percentile(self, value: Fraction | int | None) -> int | None:
        return None if value is None else percentile_rank(value, self.values)


EMPTY = Cell(())


@dataclass(frozen=True)
class Benchmark:
    """A published (frozen) benchmark and the threshold each cell is checked against."""

    round_id: int
    rubric_version: str
    population: int
    frozen_at: datetime
    threshold: int
    overall: Cell
    areas: dict[str, Cell]
    items: dict[str, Cell]
    industries: dict[str, Cell] = field(default_factory=dict)  # frozen, before the rule

    def shown(self, cell: Cell) -> bool:
        return cell.n >= self.threshold

    def industry(self, code: str | None) -> Cell | None:
        """The overall values of the companies of industry `code`, or None when that segment
        may not be shown (rule 6, checked against today's threshold)."""
        if not code:
            return None
        return safe_segments(self.industries, self.overall.n, self.threshold).get(code)

    def area(self, area_id: str) -> Cell:
        return self.areas.get(area_id, EMPTY)

    def item(self, item_id: str) -> Cell:
        return self.items.get(item_id, EMPTY)


@dataclass(frozen=True)
class Position:
    """Where one company stands in one cell; mean and percentile are None when withheld."""

    member_mean: Decimal | None
    percentile: int | None
    n: int


def position(bench: Benchmark, cell: Cell, value: Fraction | int | None) -> Position:
    if not bench.shown(cell):
        return Position(None, None, cell.n)
    return Position(cell.mean, cell.percentile(value), cell.n)


@dataclass(frozen=True)
class Outcome:
    """What may be said about a round's benchmark: published with figures, or why not."""

    status: Status
    benchmark: Benchmark | None = None
    threshold: int = BENCHMARK_DEFAULT


# ----- publication ---------------------------------------------------------------------------


def is_over(rnd: Round, now: datetime) -> bool:
    """A round is over when the secretariat closed it or its deadline has passed."""
    return rnd.status == "closed" or now >= rnd.deadline_at


def submitted_in(session: Session, rnd: Round) -> list[Assessment]:
    """Submitted assessments of the round; trial (sample) companies count only in a sample
    round, so trial data never mixes with real figures."""
    return list(session.scalars(
        select(Assessment)
        .join(Organisation, Organisation.id == Assessment.org_id)
        .where(Assessment.round_id == rnd.id, Assessment.status == "submitted",
               Organisation.is_sample == rnd.is_sample)
        .order_by(Assessment.id)
    ))


def company_figures(session: Session, assessment: Assessment, rubric: Rubric) -> Figures:
    answers = queries.answers_by_item(session, assessment.id)
    return figures(rubric, assessment.roles, {k: a.level for k, a in answers.items()})


def outcome(session: Session, rnd: Round, rubric_for: RubricLookup, *, now: datetime,
            org_id: int | None, actor: str, is_admin: bool = False) -> Outcome:
    """The benchmark of `rnd` as `org_id` may see it, freezing it on first publication."""
    try:
        threshold = min_companies()
    except BenchmarkConfigError as exc:
        log.error("benchmark withheld: %s", exc)
        return Outcome("config_error")
    if not is_admin:
        mine = queries.assessment_for(session, org_id, rnd.id) if org_id is not None else None
        if mine is None or mine.status != "submitted":
            return Outcome("not_participant", threshold=threshold)
    snapshot = audit.snapshot_for(session, rnd.id)
    if snapshot is None:
        if not is_over(rnd, now):
            return Outcome("open", threshold=threshold)
        assessments = submitted_in(session, rnd)
        submitted = [company_figures(session, a, rubric_for(a.rubric_version))
                     for a in assessments]
        keep = eligible_indexes(submitted, threshold)
        if len(keep) < threshold:
            return Outcome("too_few", threshold=threshold)
        rows = [submitted[i] for i in keep]
        industries = [assessments[i].organisation.industry for i in keep]
        snapshot = _freeze(session, rnd, rows, industries, threshold,
                           left_out=len(submitted) - len(rows), now=now, actor=actor)
    return Outcome("published", _from_snapshot(snapshot, threshold), threshold)


def eligible(rows: list[Figures], threshold: int) -> list[Figures]:
    """Leave out every group of companies, by the set of items answered, smaller than N."""
    return [rows[i] for i in eligible_indexes(rows, threshold)]


def eligible_indexes(rows: list[Figures], threshold: int) -> list[int]:
    """The positions of the rows `eligible` keeps, in order."""
    groups: dict[frozenset[str], list[int]] = {}
    for index, row in enumerate(rows):
        groups.setdefault(frozenset(row.items), []).append(index)
    return sorted(i for group in groups.values() if len(group) >= threshold for i in group)


def safe_segments(segments: dict[str, Cell], population: int,
                  threshold: int) -> dict[str, Cell]:
    """The segments that may be shown beside an average over `population` (rule 6): each at
    least `threshold` companies with at least `threshold` outside it, and the companies
    outside all of them none or at least `threshold`."""
    shown = {k: c for k, c in segments.items()
             if k and c.n >= threshold and population - c.n >= threshold}
    while shown:
        rest = population - sum(c.n for c in shown.values())
        if rest == 0 or rest >= threshold:
            break
        del shown[min(shown, key=lambda k: (shown[k].n, k))]  # now rest ≥ threshold
    return shown


def _freeze(session: Session, rnd: Round, rows: list[Figures], industries: list[str | None],
            threshold: int, *, left_out: int, now: datetime,
            actor: str) -> audit.BenchmarkSnapshot:
    """Store the anonymous value lists once; a concurrent first viewer gets the same row."""
    data = snapshot_data(rows, industries, threshold)
    try:
        with session.begin_nested():
            snapshot = audit.BenchmarkSnapshot(
                round_id=rnd.id, rubric_version=rnd.rubric_version, population=len(rows),
                frozen_at=now, data=data)
            session.add(snapshot)
            session.flush()
    except IntegrityError:
        found = audit.snapshot_for(session, rnd.id)
        assert found is not None
        return found
    audit.record(session, actor=actor, action="benchmark.freeze", target=f"round:{rnd.id}",
                 now=now, detail={"population": len(rows), "left_out": left_out})
    return snapshot


def snapshot_data(rows: list[Figures], industries: list[str | None] | None = None,
                  threshold: int | None = None) -> dict:
    """Per cell, the sorted values of the companies it applies to, as text fractions; with
    `industries` (one per row), the overall values of each industry that could ever be shown
    (at least `threshold` companies, and as many outside it)."""
    areas: dict[str, list[Fraction]] = {}
    items: dict[str, list[int]] = {}
    for row in rows:
        for area_id, value in row.areas.items():
            if value is not None:
                areas.setdefault(area_id, []).append(value)
        for item_id, level in row.items.items():
            items.setdefault(item_id, []).append(level)
    overall = sorted(r.overall for r in rows if r.overall is not None)
    data: dict = {
        "overall": [str(v) for v in overall],
        "areas": {k: [str(v) for v in sorted(vs)] for k, vs in sorted(areas.items())},
        "items": {k: sorted(vs) for k, vs in sorted(items.items())},
    }
    if industries is not None and threshold is not None:
        groups: dict[str, list[Fraction]] = {}
        for row, code in zip(rows, industries, strict=True):
            if code and row.overall is not None:
                groups.setdefault(code, []).append(row.overall)
        safe = safe_segments({k: _cell(v) for k, v in groups.items()}, len(overall), threshold)
        if safe:
            data["industries"] = {k: [str(v) for v in safe[k].values] for k in sorted(safe)}
    return data


def _cell(values: list) -> Cell:
    return Cell(tuple(sorted(Fraction(v) for v in values)))


def _from_snapshot(snapshot: audit.BenchmarkSnapshot, threshold: int) -> Benchmark:
    data = snapshot.data or {}
    return Benchmark(
        round_id=snapshot.round_id,
        rubric_version=snapshot.rubric_version,
        population=snapshot.population,
        frozen_at=snapshot.frozen_at,
        threshold=threshold,
        overall=_cell(data.get("overall", [])),
        areas={k: _cell(v) for k, v in data.get("areas", {}).items()},
        items={k: _cell(v) for k, v in data.get("items", {}).items()},
        industries={k: _cell(v) for k, v in data.get("industries", {}).items()},
    )
