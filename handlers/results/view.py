"""A member company's result as a board would read it: a to-do list, not just a number.

Score and area means; the holes with what level 3 asks (the next step); the member benchmark
when it may be published (handlers/results/benchmark.py has the rule); the change since the company's
previous round; a radar chart. Only the company's own users (and the secretariat) see it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

from handlers.context import Turn
from handlers.dates import fmt_date
from handlers.navi.scoring import Figures, round2, score
from handlers.results import benchmark as bm
from handlers.results.progress import Progress, compare
from handlers.results.segments import industry_fields
from handlers.results.texts import fmt, fmt_delta, say
from handlers.types import Fields, Image, Reply, Text
from rubrics.loader import Rubric, RubricError, RubricRegistry, registry
from store import queries
from store.models import Assessment, Organisation, Round
from store.rounds import previous_submitted

log = logging.getLogger(__name__)


# ----- access --------------------------------------------------------------------------------


def can_view(turn: Turn, org_id: int) -> bool:
    """A company's results are for its own users and the secretariat, nobody else."""
    return turn.is_admin or (turn.user.org_id is not None and turn.user.org_id == org_id)


def refusal_other_company(turn: Turn) -> list[Reply]:
    """The same polite words whether or not the company asked about exists or has answered."""
    own = turn.user.organisation.name if turn.user.organisation else ""
    key = "other_company_own" if own else "other_company"
    return [Text(say(turn.lang, key, org=own))]


def rubric_lookup(rubric: Rubric, rubrics: RubricRegistry | None) -> Callable[[str], Rubric]:
    """Versions other than the assessment's own come from the registry the caller uses."""

    def get(version: str) -> Rubric:
        if version == rubric.version:
            return rubric
        return (rubrics or registry()).get(version)

    return get


# ----- entry points --------------------------------------------------------------------------


def result_replies(turn: Turn, assessment: Assessment, rubric: Rubric,
                   rubrics: RubricRegistry | None = None) -> list[Reply]:
    """Score, to-do list of holes, benchmark (when allowed), progress and the radar chart."""
    if not can_view(turn, assessment.org_id):
        return refusal_other_company(turn)
    lookup = rubric_lookup(rubric, rubrics)
    mine = bm.company_figures(turn.session, assessment, rubric)
    outcome = bm.outcome(turn.session, assessment.round, lookup, now=turn.now,
                         org_id=assessment.org_id, actor=turn.user.key)
    bench = outcome.benchmark
    progress = _progress(turn, assessment, rubric, mine, lookup)
    replies: list[Reply] = [
        _score_fields(turn, assessment, rubric, mine, outcome),
        Text(_todo(turn, rubric, assessment, mine, bench)),
    ]
    replies += _progress_replies(turn, rubric, progress)
    chart = _radar(turn, assessment, rubric, mine, bench, progress)
    if chart is not None:
        replies.append(chart)
    return replies


def org_result_replies(turn: Turn, org_name: str,
                       rubrics: RubricRegistry | None = None) -> list[Reply]:
    """「結果 ○○社」: the latest submitted result of a named company, if the asker may see it."""
    org = queries.org_by_name(turn.session, org_name) if org_name.strip() else None
    if org is None or not can_view(turn, org.id):
        if not turn.is_admin:
            return refusal_other_company(turn)
        return [Text(say(turn.lang, "org_unknown", name=org_name.strip()[:100]))]
    assessment = queries.latest_submitted(turn.session, org.id)
    if assessment is None:
        return [Text(say(turn.lang, "org_no_result", org=org.name))]
    registry_ = rubrics or registry()
    return result_replies(turn, assessment, registry_.get(assessment.rubric_version), registry_)


def benchmark_replies(turn: Turn, round_id: int | None = None,
                      rubrics: RubricRegistry | None = None) -> list[Reply]:
    """「ベンチマーク」: the company against the members, per area and per item.

    `round_id` None means the round of the company's latest submitted assessment.
    """
    org: Organisation | None = turn.user.organisation
    if org is None:
        return [Text(say(turn.lang, "no_org"))]
    if round_id is None:
        assessment = queries.latest_submitted(turn.session, org.id)
    else:
        assessment = queries.assessment_for(turn.session, org.id, round_id)
    if assessment is None or assessment.status != "submitted":
        return [Text(say(turn.lang, "bench_not_participant"))]
    registry_ = rubrics or registry()
    rubric = registry_.get(assessment.rubric_version)
    outcome = bm.outcome(turn.session, assessment.round, rubric_lookup(rubric, registry_),
                         now=turn.now, org_id=org.id, actor=turn.user.key)
    if outcome.benchmark is None:
        return [Text(_withheld(turn, outcome))]
    bench = outcome.benchmark
    mine = bm.company_figures(turn.session, assessment, rubric)
    rnd = assessment.round
    areas = [(rubric.area(a.id).name.get(turn.lang),
              _with_position(turn, round2(mine.areas.get(a.id)), bench, bench.area(a.id),
                             mine.areas.get(a.id)))
             for a in rubric.areas]
    overall = _with_position(turn, round2(mine.overall), bench, bench.overall, mine.overall)
    items = []
    for item in rubric.items:
        if item.id not in mine.items:
            continue
        level = mine.items[item.id]
        items.append((f"{item.number}. {item.title.get(turn.lang)}",
                      _with_position(turn, None, bench, bench.item(item.id), level,
                                     level_text=say(turn.lang, "level", n=level))))
    footer = _bench_footer(turn, bench)
    return [
        Fields(title=say(turn.lang, "bench_title", round=rnd.name, n=bench.population),
               fields=[(say(turn.lang, "overall"), overall),
                       *industry_fields(turn.lang, bench, org.industry), *areas],
               footer=footer),
        Fields(title=say(turn.lang, "bench_items_title"), fields=items),
    ]


# ----- parts ---------------------------------------------------------------------------------


def _withheld(turn: Turn, outcome: bm.Outcome) -> str:
    """Why the benchmark is not shown, politely and without any figure."""
    key = {
        "open": "bench_open",
        "too_few": "bench_too_few",
        "not_participant": "bench_not_participant",
        "config_error": "bench_config",
    }.get(outcome.status, "bench_config")
    return say(turn.lang, key, n=outcome.threshold)


def _with_position(turn: Turn, shown: Decimal | None, bench: bm.Benchmark | None,
                   cell: bm.Cell, value: Fraction | int | None,
                   level_text: str | None = None) -> str:
    """'2.33 ｜ 会員平均 2.61 ｜ パーセンタイル 40', or just the company's own figure."""
    own = level_text if level_text is not None else fmt(shown)
    if bench is None:
        return own
    if value is None:
        return f"{own} ｜ {say(turn.lang, 'not_applicable')}"
    pos = bm.position(bench, cell, value)
    if pos.member_mean is None:
        return f"{own} ｜ {say(turn.lang, 'cell_withheld', n=bench.threshold)}"
    return (f"{own} ｜ {say(turn.lang, 'member_mean', mean=fmt(pos.member_mean))} ｜ "
            f"{say(turn.lang, 'percentile', p=pos.percentile)}")


def _bench_footer(turn: Turn, bench: bm.Benchmark) -> str:
    return say(turn.lang, "bench_footer", n=bench.population, t=bench.threshold,
               date=fmt_date(bench.frozen_at, turn.lang))


def _score_fields(turn: Turn, assessment: Assessment, rubric: Rubric, mine: Figures,
                  outcome: bm.Outcome) -> Fields:
    lang = turn.lang
    bench = outcome.benchmark
    result = score(rubric, assessment.roles, mine.items)
    counts = {a.area_id: a.count for a in result.areas}
    fields = [(say(lang, "overall"),
               _with_position(turn, round2(mine.overall), bench,
                              bench.overall if bench else bm.EMPTY, mine.overall))]
    for area in rubric.areas:
        name = f"{area.name.get(lang)} ({counts.get(area.id, 0)})"
        value = mine.areas.get(area.id)
        fields.append((name, _with_position(turn, round2(value), bench,
                                            bench.area(area.id) if bench else bm.EMPTY, value)))
    if bench is not None:
        footer = _bench_footer(turn, bench) + "\n" + say(lang, "bench_more")
    else:
        footer = _withheld(turn, outcome)
    title = say(lang, "result_title", org=assessment.organisation.name,
                round=assessment.round.name)
    return Fields(title=title, fields=fields, footer=footer)


def _todo(turn: Turn, rubric: Rubric, assessment: Assessment, mine: Figures,
          bench: bm.Benchmark | None) -> str:
    """The holes, grouped by area and lowest first, each with what level 3 asks."""
    lang = turn.lang
    holes = score(rubric, assessment.roles, mine.items).holes
    lines = [say(lang, "todo_title")]
    if not holes:
        lines.append(say(lang, "no_holes"))
    area_id = None
    for item, level in holes:
        if item.area != area_id:
            area_id = item.area
            lines.append(f"【{rubric.area(item.area).name.get(lang)}】")
        extra = ""
        if bench is not None and bench.shown(bench.item(item.id)):
            extra = f"（{say(lang, 'member_mean', mean=fmt(bench.item(item.id).mean))}）"
        lines.append(f"・{item.number}. {item.title.get(lang)} — "
                     f"{say(lang, 'level', n=level)}{extra}")
        # a text the committee has not approved says so: 「（案）」 / "(draft)"
        lines.append(f"　→ {say(lang, 'next_step')}: {item.levels[3].marked(lang)}")
    return "\n".join(lines)


def _progress(turn: Turn, assessment: Assessment, rubric: Rubric, mine: Figures,
              lookup: Callable[[str], Rubric]) -> Progress | str | None:
    """The comparison, None for a first round, or a message key when it cannot be made."""
    previous = previous_submitted(turn.session, assessment)
    if previous is None:
        return None
    try:
        then_rubric = lookup(previous.rubric_version)
    except RubricError as exc:
        log.warning("progress skipped: %s", exc)
        return "progress_no_rubric"
    then = bm.company_figures(turn.session, previous, then_rubric)
    return compare(previous, rubric, mine, then_rubric, then)


def _progress_replies(turn: Turn, rubric: Rubric, progress: Progress | str | None) -> list[Reply]:
    lang = turn.lang
    if progress is None:
        return [Text(say(lang, "progress_first"))]
    if isinstance(progress, str):
        return [Text(say(lang, progress))]
    fields = [(say(lang, "overall"), _change(progress.overall.before, progress.overall.after))]
    for area in rubric.areas:
        change = progress.areas[area.id]
        fields.append((area.name.get(lang), _change(change.before, change.after)))
    title = say(lang, "progress_title", round=progress.previous.round.name)
    return [Fields(title=title, fields=fields, footer=_item_changes(turn, progress))]


def _change(before: Decimal | None, after: Decimal | None) -> str:
    if before is None or after is None:
        return f"{fmt(before)} → {fmt(after)}"
    return f"{fmt(before)} → {fmt(after)}（{fmt_delta(after - before)}）"


def _item_changes(turn: Turn, progress: Progress) -> str:
    lang = turn.lang
    groups: dict[str, list[str]] = {"up": [], "down": [], "new_item": [], "not_before": []}
    same = 0
    for change in progress.items:
        label = f"{change.item.number}. {change.item.title.get(lang)}"
        if change.status == "same":
            same += 1
        elif change.status in ("up", "down"):
            groups[change.status].append(f"{label} {change.before}→{change.after}")
        else:
            groups[change.status].append(f"{label}（{say(lang, 'level', n=change.after)}）")
    lines = []
    for status in ("up", "down", "new_item", "not_before"):
        if groups[status]:
            lines.append(say(lang, f"items_{status}", n=len(groups[status])))
            lines += [f"・{x}" for x in groups[status]]
    lines.append(say(lang, "items_same", n=same))
    if progress.removed:
        lines.append(say(lang, "items_removed", n=len(progress.removed)))
    return "\n".join(lines)


def _radar(turn: Turn, assessment: Assessment, rubric: Rubric, mine: Figures,
           bench: bm.Benchmark | None, progress: Progress | str | None) -> Image | None:
    """The company against the member average and its previous round, if those exist."""
    from handlers.results import charts  # matplotlib is imported only when a chart is drawn

    lang = turn.lang
    rnd: Round = assessment.round
    labels = [a.name.get(lang) for a in rubric.areas]
    series = [charts.Series(say(lang, "series_company", round=rnd.name),
                            tuple(charts.as_float(round2(mine.areas.get(a.id))) for a in rubric.areas))]
    if bench is not None:
        cells = [bench.area(a.id) for a in rubric.areas]
        series.append(charts.Series(
            say(lang, "series_members", n=bench.population),
            tuple(charts.as_float(c.mean) if bench.shown(c) else None for c in cells)))
    if isinstance(progress, Progress):
        series.append(charts.Series(
            say(lang, "series_previous", round=progress.previous.round.name),
            tuple(charts.as_float(progress.areas[a.id].before) for a in rubric.areas)))
    title = say(lang, "radar_title", org=assessment.organisation.name)
    try:
        path = charts.radar_chart(labels, series, title)
    except (ImportError, OSError) as exc:
        log.error("radar chart not drawn: %s", exc)
        return None
    alt = "; ".join(f"{s.name}: " + ", ".join(
        f"{label} {fmt(None if v is None else Decimal(str(v)))}"
        for label, v in zip(labels, s.values, strict=True)) for s in series)
    return Image(path=str(path), alt=alt, title=say(lang, "radar_caption"))
