"""How a submitted assessment's result is shown: score, area means, holes."""

from __future__ import annotations

from handlers.context import Turn
from handlers.messages import say
from handlers.scoring import score
from handlers.types import Fields, Reply, Text
from rubrics.loader import Rubric
from store import queries
from store.models import Assessment


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def result_replies(turn: Turn, assessment: Assessment, rubric: Rubric) -> list[Reply]:
    """The score table, then the holes grouped by area (lowest first)."""
    lang = turn.lang
    answers = queries.answers_by_item(turn.session, assessment.id)
    result = score(rubric, assessment.roles, {k: a.level for k, a in answers.items()})
    fields = [(say(lang, "overall"), _fmt(result.overall))]
    for area in result.areas:
        name = rubric.area(area.area_id).name.get(lang)
        fields.append((f"{name} ({area.count})", _fmt(area.mean)))
    title = say(lang, "result_title", org=assessment.organisation.name,
                round=assessment.round.name)
    lines = [say(lang, "holes_title")]
    if not result.holes:
        lines.append(say(lang, "no_holes"))
    current_area = None
    for item, level in result.holes:
        if item.area != current_area:
            current_area = item.area
            lines.append(f"【{rubric.area(item.area).name.get(lang)}】")
        lines.append(f"・{item.number}. {item.title.get(lang)} — "
                     f"{say(lang, 'level_label', n=level)}")
    return [Fields(title=title, fields=fields), Text("\n".join(lines))]
