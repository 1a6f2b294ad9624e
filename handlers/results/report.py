"""The secretariat's round report: participation, averages, distributions, focus items, change.

`build_round_report` gathers the figures once (live data: the secretariat sees every answer, so
no benchmark threshold applies here); `round_report_replies` says them in chat with a bar chart;
`export_round_report` writes the Excel workbook and CSV for `aiga-bot report`. Every view and
export is written to the audit log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.context import Turn
from handlers.navi.order import by_area
from handlers.navi.scoring import Figures, exact_mean, round2
from handlers.results.benchmark import company_figures, submitted_in
from handlers.results.texts import fmt, fmt_delta, say
from handlers.types import Fields, Image, Reply, Text
from rubrics.loader import Area, Item, Rubric, RubricRegistry, registry
from store import audit, queries, rounds
from store.models import Answer, Assessment, Organisation, Round, User

log = logging.getLogger(__name__)

LOWEST_COUNT = 5  # items named as the industry's focus


@dataclass(frozen=True)
class Stat:
    """One averaged figure, with the previous round's for comparison."""

    n: int
    exact: Fraction | None
    previous: Decimal | None = None

    @property
    def mean(self) -> Decimal | None:
        return round2(self.exact)

    @property
    def delta(self) -> Decimal | None:
        """The difference of the two figures shown, so it matches a reader's subtraction."""
        if self.mean is None or self.previous is None:
            return None
        return self.mean - self.previous


@dataclass(frozen=True)
class ItemStat:
    item: Item
    stat: Stat
    distribution: dict[int, int]  # level → number of companies
    is_new: bool  # the previous round's rubric did not have this item

    @property
    def low_share(self) -> int | None:
        """Percentage of companies at level 1–2 (a hole), whole percent rounded half up."""
        if not self.stat.n:
            return None
        share = Fraction(self.distribution[1] + self.distribution[2]) * 100 / self.stat.n
        return int((share * 2 + 1) // 2)


@dataclass(frozen=True)
class Company:
    """One registered company's place in the round (no assessment: not started)."""

    org: Organisation
    assessment: Assessment | None
    figures: Figures | None  # for submitted assessments only
    answers: dict[str, Answer] = field(default_factory=dict)

    @property
    def status(self) -> str:
        if self.assessment is None:
            return "not_started"
        return "submitted" if self.assessment.status == "submitted" else "in_progress"


@dataclass(frozen=True)
class RoundReport:
    round: Round
    rubric: Rubric
    previous_round: Round | None
    companies: list[Company]
    overall: Stat
    areas: list[tuple[Area, Stat]]
    items: list[ItemStat]
    people: dict[int, str] = field(default_factory=dict)  # user id → who answered, for exports

    def count(self, status: str) -> int:
        return sum(1 for c in self.companies if c.status == status)

    @property
    def submitted(self) -> list[Company]:
        return [c for c in self.companies if c.status == "submitted"]

    def by_area(self) -> list[tuple[Area, list[ItemStat]]]:
        """The item figures grouped by area, each area once, in the rubric's area order (the
        guide numbers items across areas, so number order would repeat area headings)."""
        stats = {s.item.id: s for s in self.items}
        return [(area, [stats[i.id] for i in items])
                for area, items in by_area(self.rubric, self.rubric.items)]

    @property
    def lowest(self) -> list[ItemStat]:
        answered = [s for s in self.items if s.stat.n]
        return sorted(answered, key=lambda s: (s.stat.exact, s.item.number))[:LOWEST_COUNT]


# ----- finding the round ---------------------------------------------------------------------


def resolve_round(session: Session, ref: str | int | None, now: datetime) -> Round | None:
    """A round by id ("3", "#3") or exact name (store/rounds.py `round_by_ref`); None or ""
    means the open round, else the latest one already opened."""
    if ref is None or (isinstance(ref, str) and not ref.strip()):
        return rounds.current_round(session, now) or rounds.latest_opened(session, now)
    return rounds.round_by_ref(session, ref)


# ----- figures -------------------------------------------------------------------------------


def build_round_report(session: Session, rnd: Round,
                       rubric_for: Callable[[str], Rubric]) -> RoundReport:
    """Everything the chat reply, the workbook and the CSV show, computed once."""
    rubric = rubric_for(rnd.rubric_version)
    companies = _companies(session, rnd, rubric_for)
    rows = [c.figures for c in companies if c.figures is not None]
    before = rounds.previous_round(session, rnd)
    then: _Means | None = None
    then_rubric: Rubric | None = None
    if before is not None:
        then_rubric = rubric_for(before.rubric_version)
        then = _means(session, before, rubric_for)
    overall = Stat(sum(1 for r in rows if r.overall is not None),
                   exact_mean(r.overall for r in rows if r.overall is not None),
                   then.overall if then else None)
    areas = []
    for area in rubric.areas:
        values = [r.areas[area.id] for r in rows if r.areas.get(area.id) is not None]
        areas.append((area, Stat(len(values), exact_mean(values),
                                 then.areas.get(area.id) if then else None)))
    items = []
    for item in rubric.items:
        levels = [r.items[item.id] for r in rows if item.id in r.items]
        distribution = {level: levels.count(level) for level in (1, 2, 3, 4)}
        is_new = then_rubric is not None and then_rubric.item(item.id) is None
        items.append(ItemStat(item, Stat(len(levels), exact_mean(levels),
                                         then.items.get(item.id) if then else None),
                              distribution, is_new))
    return RoundReport(rnd, rubric, before, companies, overall, areas, items,
                       _people(session, companies))


def _people(session: Session, companies: list[Company]) -> dict[int, str]:
    """Who gave each answer, by name where the platform told us one (else the chat id)."""
    ids = {a.answered_by for c in companies for a in c.answers.values() if a.answered_by}
    if not ids:
        return {}
    users = session.scalars(select(User).where(User.id.in_(ids)))
    return {u.id: (f"{u.display_name} ({u.key})" if u.display_name else u.key) for u in users}


@dataclass(frozen=True)
class _Means:
    overall: Decimal | None
    areas: dict[str, Decimal | None]
    items: dict[str, Decimal | None]


def _means(session: Session, rnd: Round, rubric_for: Callable[[str], Rubric]) -> _Means:
    """A round's displayed averages (for the change since the previous round)."""
    rows = [company_figures(session, a, rubric_for(a.rubric_version))
            for a in submitted_in(session, rnd)]
    area_ids = {k for r in rows for k in r.areas}
    item_ids = {k for r in rows for k in r.items}
    return _Means(
        overall=round2(exact_mean(r.overall for r in rows if r.overall is not None)),
        areas={k: round2(exact_mean(r.areas[k] for r in rows if r.areas.get(k) is not None))
               for k in area_ids},
        items={k: round2(exact_mean(r.items[k] for r in rows if k in r.items))
               for k in item_ids},
    )


def _companies(session: Session, rnd: Round,
               rubric_for: Callable[[str], Rubric]) -> list[Company]:
    """Every registered member company (regular and SMB; expert members are individuals and
    count only if they took part). Trial companies count only in a trial (sample) round."""
    by_org = rounds.assessments_by_org(session, rnd.id)
    orgs = session.scalars(select(Organisation).where(Organisation.is_sample == rnd.is_sample)
                           .order_by(Organisation.name))
    companies = []
    for org in orgs:
        assessment = by_org.get(org.id)
        if assessment is None and org.membership_class not in rounds.PARTICIPATING_CLASSES:
            continue
        answers = queries.answers_by_item(session, assessment.id) if assessment else {}
        figs = None
        if assessment is not None and assessment.status == "submitted":
            figs = company_figures(session, assessment, rubric_for(assessment.rubric_version))
        companies.append(Company(org, assessment, figs, answers))
    return companies


# ----- chat ----------------------------------------------------------------------------------


def round_report_replies(turn: Turn, round_id: int | None,
                         rubrics: RubricRegistry | None = None) -> list[Reply]:
    """「レポート」: the round report for the secretariat; members get a polite refusal."""
    lang = turn.lang
    if not turn.is_admin:
        return [Text(say(lang, "report_admin_only"))]
    rnd = resolve_round(turn.session, round_id, turn.now)
    if rnd is None:
        key = "no_rounds" if round_id is None else "round_unknown"
        return [Text(say(lang, key, ref=round_id))]
    registry_ = rubrics or registry()
    report = build_round_report(turn.session, rnd, registry_.get)
    audit.record(turn.session, actor=turn.user.key, action="report.view",
                 target=f"round:{rnd.id}", now=turn.now,
                 detail={"platform": turn.msg.platform, "submitted": report.count("submitted")})
    replies: list[Reply] = [_summary_fields(lang, report)]
    if not report.submitted:
        replies.append(Text(say(lang, "no_submissions")))
        return replies
    replies += [Text(_lowest_text(lang, report)), Text(_items_text(lang, report))]
    chart = report_chart(lang, report)
    if chart is not None:
        replies.append(chart)
    return replies


def report_text(lang: str, report: RoundReport) -> str:
    """The chat report as plain text (the CLI prints it)."""
    parts = [_summary_fields(lang, report).fallback()]
    if report.submitted:
        parts += [_lowest_text(lang, report), _items_text(lang, report)]
    else:
        parts.append(say(lang, "no_submissions"))
    return "\n\n".join(parts)


def _summary_fields(lang: str, report: RoundReport) -> Fields:
    rnd = report.round
    fields = [
        (say(lang, "participation"), say(
            lang, "participation_value", submitted=report.count("submitted"),
            in_progress=report.count("in_progress"), not_started=report.count("not_started"),
            total=len(report.companies))),
        (say(lang, "overall_average"), _stat_text(report.overall)),
    ]
    fields += [(f"{area.name.get(lang)}", _stat_text(stat)) for area, stat in report.areas]
    if report.previous_round is not None:
        fields.append((say(lang, "previous_overall", round=report.previous_round.name),
                       fmt(report.overall.previous)))
    else:
        fields.append((say(lang, "previous_label", round="—"), say(lang, "previous_none")))
    return Fields(title=say(lang, "report_title", round=rnd.name, rubric=report.rubric.version),
                  fields=fields, footer=say(lang, "report_footer", ref=rnd.id))


def _stat_text(stat: Stat) -> str:
    text = f"{fmt(stat.mean)}（n={stat.n}）"
    if stat.delta is not None:
        text += f" {fmt_delta(stat.delta)}"
    return text


def _lowest_text(lang: str, report: RoundReport) -> str:
    lines = [say(lang, "lowest_title")]
    for s in report.lowest:
        lines.append(say(lang, "lowest_line", number=s.item.number,
                         title=s.item.title.get(lang), mean=fmt(s.stat.mean),
                         holes=s.low_share))
    return "\n".join(lines)


def _items_text(lang: str, report: RoundReport) -> str:
    lines = [say(lang, "items_title")]
    for area, stats in report.by_area():
        lines.append(f"【{area.name.get(lang)}】")
        lines += [_item_line(lang, s) for s in stats]
    return "\n".join(lines)


def _item_line(lang: str, s: ItemStat) -> str:
    change = ""
    if s.is_new:
        change = say(lang, "new_inline")
    elif s.stat.delta is not None:
        change = say(lang, "change_inline", delta=fmt_delta(s.stat.delta))
    d = s.distribution
    return say(lang, "item_line", number=s.item.number, title=s.item.title.get(lang),
               mean=fmt(s.stat.mean), d1=d[1], d2=d[2], d3=d[3], d4=d[4], change=change)


def report_chart(lang: str, report: RoundReport) -> Image | None:
    """Area averages against the previous round, and every item's average."""
    from handlers.results import charts  # matplotlib is imported only when a chart is drawn

    labels = [area.name.get(lang) for area, _ in report.areas]
    series = [charts.Series(say(lang, "this_round", round=report.round.name),
                            tuple(charts.as_float(stat.mean) for _, stat in report.areas))]
    if report.previous_round is not None:
        series.append(charts.Series(
            say(lang, "previous_label", round=report.previous_round.name),
            tuple(charts.as_float(stat.previous) for _, stat in report.areas)))
    item_labels = [f"{s.item.number}. {s.item.title.get(lang)}" for s in report.items]
    try:
        path = charts.bar_chart(labels, series, item_labels,
                                [charts.as_float(s.stat.mean) for s in report.items],
                                say(lang, "bar_title"), say(lang, "bar_items_title"),
                                reference=charts.as_float(report.overall.mean))
    except (ImportError, OSError) as exc:
        log.error("report chart not drawn: %s", exc)
        return None
    alt = "; ".join(f"{label} {fmt(v)}" for label, v in zip(labels, series[0].values,
                                                            strict=True))
    return Image(path=str(path), alt=alt, title=say(lang, "bar_caption"))


# ----- export (CLI) --------------------------------------------------------------------------


def export_round_report(session: Session, rnd: Round, *, actor: str, now: datetime,
                        xlsx: Path | None = None, csv: Path | None = None,
                        rubrics: RubricRegistry | None = None) -> RoundReport:
    """Write the workbook and/or CSV and log each export in the caller's transaction."""
    from handlers.results import workbook as book
    registry_ = rubrics or registry()
    report = build_round_report(session, rnd, registry_.get)
    detail = {"companies": len(report.companies), "submitted": report.count("submitted")}
    if xlsx is not None:
        book.write_workbook(report, xlsx, now)
        audit.record(session, actor=actor, action="report.export.xlsx",
                     target=f"round:{rnd.id}", now=now, detail={**detail, "file": str(xlsx)})
    if csv is not None:
        rows = book.write_csv(report, csv)
        audit.record(session, actor=actor, action="report.export.csv",
                     target=f"round:{rnd.id}", now=now,
                     detail={**detail, "file": str(csv), "rows": rows})
    return report
