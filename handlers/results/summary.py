"""A one-page summary of a round the board or the symposium can show: aggregates only.

What it says: the overall average against the previous rounds, the area averages, the weakest
items across the members, and participation by class and by industry (with each industry's
average as a benchmark segment). It is meant to leave the secretariat, so the benchmark's
privacy rule applies to every figure (handlers/results/benchmark.py): no figure is drawn over
fewer companies than the threshold — an item or an industry below it is left out, and a round
with fewer submissions than the threshold gets no summary at all. Files: summary.png (matplotlib,
with the bundled Japanese font), summary.pdf (the same figure, written by matplotlib: no new
dependency) and summary.txt (a short Japanese text).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

from handlers.navi.scoring import exact_mean, round2
from handlers.results.benchmark import Cell, min_companies, safe_segments
from handlers.results.report import RoundReport, build_round_report
from handlers.results.texts import fmt, say
from rubrics.loader import RubricRegistry
from store import rounds
from store.errors import UserError
from store.models import Round
from store.orgs import class_label, industry_label

HISTORY = 4  # rounds shown in the trend, this one included
WEAKEST = 5


@dataclass(frozen=True)
class Summary:
    report: RoundReport
    threshold: int
    trend: list[tuple[str, Decimal | None]]  # (round name, overall average), oldest first
    weakest: list[tuple[str, Decimal]]  # (item label, average), lowest first
    participation: list[tuple[str, str, int, int]]  # (kind, label, submitted, registered)
    industries: list[tuple[str, int, Decimal | None]]  # (industry, n, average) over threshold


def build_summary(session: Session, rnd: Round, rubrics: RubricRegistry) -> Summary:
    """The figures, or a UserError when the round has too few submissions to publish any."""
    threshold = min_companies()
    report = build_round_report(session, rnd, rubrics.get)
    if len(report.submitted) < threshold:
        raise UserError(*(say(x, "summary_too_few", n=len(report.submitted), t=threshold)
                          for x in ("ja", "en")))
    trend = _trend(session, rnd, rubrics, report)
    weakest = [(f"{s.item.number}. {s.item.title.ja}", s.stat.mean)
               for s in sorted((s for s in report.items if s.stat.n >= threshold),
                               key=lambda s: (s.stat.exact, s.item.number))[:WEAKEST]]
    participation = []
    for kind, label_of in (("class", lambda o: class_label(o.membership_class, "ja")),
                           ("industry", lambda o: industry_label(o.industry, "ja"))):
        groups: dict[str, list[bool]] = {}
        for company in report.companies:
            groups.setdefault(label_of(company.org), []).append(company.status == "submitted")
        small = [k for k, flags in groups.items() if kind == "industry" and len(flags) < threshold]
        if small:  # a tiny industry's count would say whether its one or two companies took part
            groups.setdefault(say("ja", "summary_small_groups", t=threshold), []).extend(
                flag for k in small for flag in groups.pop(k))
        participation += [(kind, label, sum(flags), len(flags))
                          for label, flags in sorted(groups.items())]
    return Summary(report, threshold, trend, weakest, participation,
                   industry_segments(report, threshold))


def industry_segments(report: RoundReport, threshold: int) -> list[tuple[str, int, Decimal | None]]:
    """Each industry's overall average, by the members' benchmark rule (benchmark.safe_segments):
    at least `threshold` submitted companies in it and at least as many outside it, and the
    companies outside every shown industry none or at least `threshold` — otherwise a segment
    next to the all-member average would give a company's score away by subtraction. One
    industry holding every company is shown (its average is the total's)."""
    groups: dict[str, list] = {}
    for company in report.submitted:
        if company.figures is not None and company.figures.overall is not None:
            groups.setdefault(industry_label(company.org.industry, "ja"), []).append(
                company.figures.overall)
    population = sum(len(values) for values in groups.values())
    if len(groups) == 1 and population >= threshold:
        shown = set(groups)
    else:
        cells = {label: Cell(tuple(values)) for label, values in groups.items()}
        shown = set(safe_segments(cells, population, threshold))
    return [(label, len(values), round2(exact_mean(values)))
            for label, values in sorted(groups.items()) if label in shown]


def _trend(session: Session, rnd: Round, rubrics: RubricRegistry,
           report: RoundReport) -> list[tuple[str, Decimal | None]]:
    trend = [(rnd.name, report.overall.mean)]
    before = rounds.previous_round(session, rnd)
    while before is not None and len(trend) < HISTORY:
        past = build_round_report(session, before, rubrics.get)
        if len(past.submitted) >= min_companies():
            trend.append((before.name, past.overall.mean))
        before = rounds.previous_round(session, before)
    return trend[::-1]


def summary_text(summary: Summary) -> str:
    """A few Japanese sentences to read beside the charts."""
    report = summary.report
    lines = [say("ja", "summary_heading", round=report.round.name,
                 rubric=report.rubric.version),
             say("ja", "summary_participation", submitted=len(report.submitted),
                 total=len(report.companies)),
             say("ja", "summary_overall", mean=fmt(report.overall.mean))]
    if len(summary.trend) > 1:
        lines.append(say("ja", "summary_trend", rounds="、".join(
            f"{name} {fmt(mean)}" for name, mean in summary.trend)))
    area_means = [(a.name.ja, s.mean) for a, s in report.areas if s.mean is not None]
    if area_means:
        best, worst = max(area_means, key=lambda x: x[1]), min(area_means, key=lambda x: x[1])
        lines.append(say("ja", "summary_areas", best=best[0], best_mean=fmt(best[1]),
                         worst=worst[0], worst_mean=fmt(worst[1])))
    if summary.weakest:
        lines.append(say("ja", "summary_weakest", items="、".join(
            f"{label}（{fmt(mean)}）" for label, mean in summary.weakest[:3])))
    lines.append(say("ja", "summary_privacy", t=summary.threshold))
    return "\n".join(lines)


def write_summary(summary: Summary, folder: Path) -> list[Path]:
    """summary.png, summary.pdf and summary.txt in `folder` (created if need be)."""
    from handlers.results.summary_chart import draw

    folder.mkdir(parents=True, exist_ok=True)
    png, pdf, txt = folder / "summary.png", folder / "summary.pdf", folder / "summary.txt"
    draw(summary, png, pdf)
    txt.write_text(summary_text(summary) + "\n", encoding="utf-8")
    return [png, pdf, txt]

