"""Assigning items or whole areas of the company's assessment to colleagues.

「項目 14-17 を @担当者 に」 / "assign items 14-17 to @someone" (handlers/navi/team_parse.py
reads it). Only a colleague of the same company can hold items; an optional due date must lie
between today and the round's deadline. The assignee is told in their 1:1 chat with a button
that starts just their items (handlers/navi/focus.py walks them).
"""

from __future__ import annotations

from datetime import datetime, time

from handlers.context import Turn
from handlers.dates import TOKYO, fmt_date
from handlers.events.when import WhenError, read_date
from handlers.navi import order, team_notices
from handlers.navi.mentions import colleague, name_of
from handlers.navi.team_parse import TeamCommand
from handlers.navi.team_texts import say
from handlers.types import Reply, Text
from rubrics.loader import Item, Rubric, RubricRegistry
from store import assignments as team
from store import queries
from store.models import Assessment, User
from store.rounds import current_round


def company_assessment(turn: Turn) -> Assessment | None:
    """The company's assessment in the round open now, whoever started it."""
    org = turn.user.organisation
    rnd = current_round(turn.session, turn.now) if org is not None else None
    return queries.assessment_for(turn.session, org.id, rnd.id) if rnd and org else None


def open_assessment(turn: Turn) -> tuple[Assessment | None, list[Reply]]:
    """The company's open assessment, or what to say when there is none to work on."""
    if turn.user.organisation is None:
        return None, [Text(say(turn.lang, "no_org"))]
    assessment = company_assessment(turn)
    if assessment is None:
        return None, [Text(say(turn.lang, "no_assessment"))]
    if assessment.status != "in_progress":
        return None, [Text(say(turn.lang, "locked", org=assessment.organisation.name))]
    return assessment, []


def pick_items(lang: str, rubric: Rubric, assessment: Assessment, unit: str,
               numbers: tuple[int, ...]) -> tuple[list[Item], str]:
    """The items 「項目 …」 or 「領域 …」 names (applicable to the roles), or why not."""
    applicable = order.walk(rubric, assessment.roles or None)
    if unit == "area":
        bad = [n for n in numbers if not 1 <= n <= len(rubric.areas)]
        if bad:
            return [], say(lang, "unknown_areas", numbers=_short(bad), last=len(rubric.areas))
        wanted = {rubric.areas[n - 1].id for n in numbers}
        return [i for i in applicable if i.area in wanted], ""
    by_number = {i.number: i for i in applicable}
    bad = [n for n in numbers if n not in by_number]
    if bad:
        return [], say(lang, "unknown_items", numbers=_short(bad))
    return [i for i in applicable if i.number in numbers], ""


def assign(turn: Turn, command: TeamCommand, rubrics: RubricRegistry) -> list[Reply]:
    """Store the assignment and tell the assignee; refuse anything unclear, storing nothing."""
    lang = turn.lang
    if command.problem:
        return [Text(say(lang, command.problem))]
    assessment, refusal = open_assessment(turn)
    if assessment is None:
        return refusal
    rubric = rubrics.get(assessment.rubric_version)
    items, problem = pick_items(lang, rubric, assessment, command.unit, command.numbers)
    if problem or not items:
        return [Text(problem or say(lang, "unknown_items", numbers=_short(command.numbers)))]
    assert command.person is not None
    person = colleague(turn.session, turn.user, command.person)
    if person is None:
        return [Text(say(lang, "not_colleague"))]
    due, problem = _due(turn, assessment, command.due)
    if problem:
        return [Text(problem)]
    team.assign(turn.session, assessment.id, [i.id for i in items], person, turn.user, due,
                turn.now)
    entry = team.history(turn.session, assessment.id)[-1]
    name = name_of(person, lang)
    shown_due = say(lang, "assigned_due", due=fmt_date(due, lang)) if due else ""
    lines = [say(lang, "assigned", numbers=_short([i.number for i in items]), name=name,
                 due=shown_due)]
    if person.id != turn.user.id:
        told = team_notices.queue(turn.session, assessment, team_notices.ASSIGN, entry.id,
                                  person, turn.now)
        lines.append(say(lang, "assigned_dm" if told else "assigned_console", name=name))
    return [Text("\n".join(lines))]


def _due(turn: Turn, assessment: Assessment, typed: str) -> tuple[datetime | None, str]:
    """A due date typed as 「12月20日」「2026-12-20」「12/20」: the end of that day in Tokyo."""
    if not typed:
        return None, ""
    lang = turn.lang
    today = turn.now.astimezone(TOKYO).date()
    try:
        day, rest = read_date(typed.strip().lower()[:80], today)
    except WhenError:
        return None, say(lang, "due_unreadable")
    if rest.strip(" ()（）"):
        return None, say(lang, "due_unreadable")
    due = datetime.combine(day, time(23, 59), tzinfo=TOKYO)
    deadline = assessment.round.deadline_at
    if day < today:
        return None, say(lang, "due_past", due=fmt_date(due, lang))
    if day > deadline.astimezone(TOKYO).date():
        return None, say(lang, "due_after_deadline", due=fmt_date(due, lang),
                         deadline=fmt_date(deadline, lang))
    return min(due, deadline), ""


def name_approver(turn: Turn, command: TeamCommand) -> list[Reply]:
    """「承認者 @…」: the company's approver from now on (a colleague only)."""
    lang = turn.lang
    if command.problem:
        return [Text(say(lang, command.problem))]
    org = turn.user.organisation
    if org is None:
        return [Text(say(lang, "no_org"))]
    assert command.person is not None
    person = colleague(turn.session, turn.user, command.person)
    if person is None:
        return [Text(say(lang, "not_colleague"))]
    team.name_approver(turn.session, org.id, person, turn.user, turn.now)
    assessment = company_assessment(turn)
    if assessment is not None:
        team.record(turn.session, assessment.id, turn.user, "approver", turn.now, to=person.id)
    return [Text(say(lang, "approver_set", name=name_of(person, lang)))]


def show_approver(turn: Turn) -> list[Reply]:
    org = turn.user.organisation
    if org is None:
        return [Text(say(turn.lang, "no_org"))]
    person: User | None = team.approver_of(turn.session, org.id)
    if person is None:
        return [Text(say(turn.lang, "approver_none"))]
    return [Text(say(turn.lang, "approver_is", name=name_of(person, turn.lang)))]


def _short(numbers: list[int] | tuple[int, ...]) -> str:
    shown = [str(n) for n in list(numbers)[:12]]
    return ", ".join(shown) + (" …" if len(numbers) > 12 else "")
