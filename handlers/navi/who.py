"""Who holds what, who answered what, and what happened: the company's own views.

Everything here reads the company's assessment only (the writer's company): another company's
data is never reachable from these views, whatever is typed.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.context import Turn
from handlers.dates import fmt_date, fmt_datetime
from handlers.navi import order, signoff
from handlers.navi.assign import company_assessment
from handlers.navi.mentions import name_of
from handlers.navi.team_notices import numbers_text
from handlers.navi.team_texts import say
from handlers.types import Fields, Reply, Text
from rubrics.loader import Item, RubricRegistry
from store import assignments as team
from store import queries
from store.audit import AuditEvent
from store.models import Assessment, User
from store.rounds import previous_submitted

HISTORY_MAX = 60  # the latest steps; the full history is in the report and the database


def _users(session: Session, ids: set[int | None]) -> dict[int, User]:
    return {u.id: u for u in (session.get(User, i) for i in ids if i is not None) if u}


def reopenings(session: Session, assessment: Assessment) -> list[AuditEvent]:
    """The secretariat's reopenings of this assessment (handlers/rounds/reopen.py audits them;
    the admin is not named to the company, the reason is)."""
    target = f"round:{assessment.round_id}/org:{assessment.org_id}"
    return list(session.scalars(select(AuditEvent).where(
        AuditEvent.action == "assessment.reopen", AuditEvent.target == target)
        .order_by(AuditEvent.at, AuditEvent.id)))


def holdings(session: Session, assessment: Assessment, rubrics: RubricRegistry
             ) -> tuple[dict[int, list[Item]], dict[int, list[Item]], list[Item]]:
    """Per assignee (user id): the items held and the open ones; the unassigned items."""
    rubric = rubrics.get(assessment.rubric_version)
    items = order.walk(rubric, assessment.roles or None)
    answers = queries.answers_by_item(session, assessment.id)
    still = {i.id for i in signoff.open_items(session, assessment, items, answers)}
    held = team.assignments(session, assessment.id)
    by_person: dict[int, list[Item]] = {}
    open_by: dict[int, list[Item]] = {}
    free = []
    for item in items:
        if item.id not in held:
            free.append(item)
            continue
        who = held[item.id].assignee_id
        by_person.setdefault(who, []).append(item)
        if item.id in still:
            open_by.setdefault(who, []).append(item)
    return by_person, open_by, free


def status_rows(turn: Turn, assessment: Assessment | None,
                rubrics: RubricRegistry) -> list[tuple[str, str]]:
    """For the status view: open items grouped by assignee, and the approver's state."""
    if assessment is None:
        return []
    session, lang = turn.session, turn.lang
    by_person, open_by, _free = holdings(session, assessment, rubrics)
    people = _users(session, set(by_person))
    rows = [(say(lang, "status_open_by", name=name_of(people.get(who), lang)),
             numbers_text([i.number for i in open_by.get(who, [])]))
            for who in by_person]
    if (line := signoff.waiting_line(session, assessment, lang)) is not None:
        rows.append(line)
    return rows


def assignments_view(turn: Turn, rubrics: RubricRegistry) -> list[Reply]:
    """「担当」: per person what they hold and what is still open; then the unassigned."""
    assessment = company_assessment(turn)
    lang = turn.lang
    if assessment is None:
        return [Text(say(lang, "no_assessment"))]
    by_person, open_by, free = holdings(turn.session, assessment, rubrics)
    if not by_person:
        return [Text(say(lang, "list_empty"))]
    people = _users(turn.session, set(by_person))
    rows = [(name_of(people.get(who), lang),
             say(lang, "list_person", open=len(open_by.get(who, [])), held=len(held),
                 numbers=numbers_text([i.number for i in held])))
            for who, held in by_person.items()]
    if free:
        rows.append((say(lang, "list_unassigned"), numbers_text([i.number for i in free])))
    title = say(lang, "list_title", org=assessment.organisation.name,
                round=assessment.round.name)
    return [Fields(title=title, fields=rows)]


def who_answered(turn: Turn, rubrics: RubricRegistry) -> list[Reply]:
    """「回答者」: every item's last answer, by whom and when, its holder, and last round's level."""
    assessment = company_assessment(turn) or (
        queries.latest_submitted(turn.session, turn.user.org_id) if turn.user.org_id else None)
    lang = turn.lang
    if assessment is None:
        return [Text(say(lang, "no_assessment"))]
    session = turn.session
    rubric = rubrics.get(assessment.rubric_version)
    answers = queries.answers_by_item(session, assessment.id)
    held = team.assignments(session, assessment.id)
    before = previous_submitted(session, assessment)
    earlier = queries.answers_by_item(session, before.id) if before is not None else {}
    people = _users(session, {a.answered_by for a in answers.values()}
                    | {h.assignee_id for h in held.values()})
    rows = []
    for item in order.walk(rubric, assessment.roles or None):
        answer = answers.get(item.id)
        parts = [say(lang, "who_row", level=answer.level,
                     name=name_of(people.get(answer.answered_by or 0), lang),
                     when=fmt_date(answer.answered_at, lang))
                 if answer is not None else say(lang, "who_open")]
        if item.id in held:
            parts.append(say(lang, "who_holder",
                             name=name_of(people.get(held[item.id].assignee_id), lang)))
        if item.id in earlier:
            parts.append(say(lang, "who_previous", level=earlier[item.id].level))
        rows.append((f"{item.number}. {item.title.get(lang)}", " ・ ".join(parts)))
    return [Fields(title=say(lang, "who_title", round=assessment.round.name), fields=rows)]


def history_view(turn: Turn, rubrics: RubricRegistry) -> list[Reply]:
    """「履歴」: answers, notes, assignments and sign-off steps, oldest first."""
    assessment = company_assessment(turn) or (
        queries.latest_submitted(turn.session, turn.user.org_id) if turn.user.org_id else None)
    lang = turn.lang
    if assessment is None:
        return [Text(say(lang, "no_assessment"))]
    session = turn.session
    rubric = rubrics.get(assessment.rubric_version)
    number = {i.id: i.number for i in rubric.items}
    answers = team.answer_events(session, assessment.id)
    steps = team.history(session, assessment.id)
    people = _users(session, {e.user_id for e in answers} | {s.user_id for s in steps}
                    | {v for s in steps for k, v in (s.detail or {}).items()
                       if k in ("to", "approver") and isinstance(v, int)})
    lines: list[tuple[object, int, str]] = []
    for event in answers:
        who = name_of(people.get(event.user_id or 0), lang)
        key = "h_answer" if event.level is not None else "h_note"
        lines.append((event.at, 0, f"{fmt_datetime(event.at, lang)} " + say(
            lang, key, who=who, number=number.get(event.item_id, "?"), level=event.level)))
    for step in steps:
        detail = step.detail or {}
        items = [number.get(i, 0) for i in detail.get("items", [])]
        to = detail.get("to") if isinstance(detail.get("to"), int) else detail.get("approver")
        text = say(lang, f"h_{step.action}", who=name_of(people.get(step.user_id or 0), lang),
                   numbers=numbers_text(sorted(items)),
                   to=name_of(people.get(to) if isinstance(to, int) else None, lang)
                   if to is not None else "—",
                   comment=detail.get("comment", ""))
        lines.append((step.at, 1, f"{fmt_datetime(step.at, lang)} {text}"))
    for event in reopenings(session, assessment):  # the secretariat's, from the audit log
        reason = str((event.detail or {}).get("reason", ""))[:300]
        lines.append((event.at, 1, f"{fmt_datetime(event.at, lang)} "
                      + say(lang, "h_reopen", reason=reason)))
    if not lines:
        return [Text(say(lang, "history_empty"))]
    lines.sort(key=lambda line: (line[0], line[1]))
    shown = [text for _at, _order, text in lines][-HISTORY_MAX:]
    title = say(lang, "history_title", org=assessment.organisation.name,
                round=assessment.round.name)
    return [Text("\n".join([title, *shown]))]
