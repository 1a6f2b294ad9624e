"""Messages to a colleague other than the writer: an assignment, a sign-off request, a
send-back. A turn can only answer its own writer, so each is queued as a delivery row for the
worker (bot/worker/navi_notices.py), keyed (subject, slot, recipient): written twice, sent once.

The subject is "navi:<assessment id>" (the worker's subject "navi", bot/worker/navi_notices.py);
the slot names what and which request ("asg:<history id>", "sign:<request no>",
"back:<request no>"). A console user has no 1:1 chat the bot can write
to: nothing is queued for them and the writer is told how they see it instead.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from handlers.dates import fmt_date
from handlers.navi import order
from handlers.navi.mentions import name_of
from handlers.navi.scoring import score
from handlers.navi.team_texts import say
from handlers.types import Choice, Fields, Lang, Question, Reply
from rubrics.loader import RubricRegistry
from store import assignments as team
from store import queries
from store import reminders as rstore
from store.models import Assessment, User

SUBJECT = "navi:"
DM_PLATFORMS = frozenset({"slack", "teams"})
ASSIGN, SIGNOFF, SEND_BACK = "asg", "sign", "back"


def subject_of(assessment_id: int) -> str:
    return f"{SUBJECT}{assessment_id}"


def assessment_id_of(subject: str) -> int | None:
    tail = subject[len(SUBJECT):] if subject.startswith(SUBJECT) else ""
    return int(tail) if tail.isdecimal() and len(tail) <= 9 else None


def queue(session: Session, assessment: Assessment, kind: str, ref: int, person: User,
          now: datetime) -> bool:
    """Queue one message to `person` (True), or nothing for a console user (False)."""
    if person.platform not in DM_PLATFORMS:
        return False
    rstore.add_delivery(session, round_id=None, subject=subject_of(assessment.id),
                        slot=f"{kind}:{ref}", recipient=f"user:{person.id}",
                        platform=person.platform, address=person.platform_user_id,
                        user_id=person.id, org_id=person.org_id, now=now)
    return True


def compose(session: Session, assessment: Assessment, slot: str, person: User, lang: Lang,
            rubrics: RubricRegistry) -> list[Reply]:
    """What a queued message says, as of sending."""
    kind, _, _ref = slot.partition(":")
    if kind == SIGNOFF:
        return summary(session, assessment, lang, rubrics)
    if kind == SEND_BACK:
        return sent_back(session, assessment, lang, rubrics)
    return assigned(session, assessment, person, lang, rubrics)


def assigned(session: Session, assessment: Assessment, person: User, lang: Lang,
             rubrics: RubricRegistry) -> list[Reply]:
    """The assignee's items (the open ones first), with a button to start just those."""
    rubric = rubrics.get(assessment.rubric_version)
    mine = team.assignments(session, assessment.id)
    answers = queries.answers_by_item(session, assessment.id)
    held = [i for i in order.walk(rubric) if i.id in mine and mine[i.id].assignee_id == person.id]
    by_id = mine[held[-1].id].assigned_by if held else None
    by = session.get(User, by_id) if by_id is not None else None
    rows = []
    for item in held:
        due = mine[item.id].due_at
        state = say(lang, "who_open") if item.id not in answers else say(
            lang, "who_row", level=answers[item.id].level, name=name_of(session.get(
                User, answers[item.id].answered_by or 0), lang),
            when=fmt_date(answers[item.id].answered_at, lang))
        if due is not None:
            state += " " + say(lang, "assigned_due", due=fmt_date(due, lang))
        rows.append((f"{item.number}. {item.title.get(lang)}", state))
    title = say(lang, "notice_assigned", org=assessment.organisation.name,
                round=assessment.round.name, by=name_of(by, lang))
    return [Fields(title=title, fields=rows,
                   footer=say(lang, "notice_deadline",
                              deadline=fmt_date(assessment.round.deadline_at, lang))),
            Question(title=say(lang, "start_mine"), key=f"navi:mine:{assessment.id}",
                     choices=[Choice(say(lang, "start_mine"), f"navi:mine:{assessment.id}",
                                     style="primary")])]


def summary(session: Session, assessment: Assessment, lang: Lang,
            rubrics: RubricRegistry) -> list[Reply]:
    """The approver's summary: score, area means, holes, then approve / send back."""
    rubric = rubrics.get(assessment.rubric_version)
    answers = queries.answers_by_item(session, assessment.id)
    levels = {item_id: a.level for item_id, a in answers.items()}
    result = score(rubric, assessment.roles, levels)
    rows = [(say(lang, "signoff_overall"), _two(result.overall))]
    rows += [(rubric.area(a.area_id).name.get(lang), _two(a.mean)) for a in result.areas
             if a.mean is not None]
    holes = ", ".join(f"{i.number}（{level}）" if lang == "ja" else f"{i.number} ({level})"
                      for i, level in result.holes) or "—"
    rows.append((say(lang, "signoff_holes"), holes))
    row = team.signoff_of(session, assessment.id)
    request = row.request_no if row is not None else 0
    key = f"team:signoff:{assessment.id}:{request}"
    title = say(lang, "signoff_title", org=assessment.organisation.name,
                round=assessment.round.name, count=len(order.walk(rubric, assessment.roles)))
    return [Fields(title=title, fields=rows),
            Question(title=say(lang, "signoff_question"), key=key, choices=[
                Choice(say(lang, "approve"), f"team:approve:{assessment.id}:{request}",
                       style="primary"),
                Choice(say(lang, "send_back"), f"team:sendback:{assessment.id}:{request}",
                       style="danger")])]


def sent_back(session: Session, assessment: Assessment, lang: Lang,
              rubrics: RubricRegistry) -> list[Reply]:
    """To the assignees: which items came back, the approver's comment, a button to revise."""
    row = team.signoff_of(session, assessment.id)
    rubric = rubrics.get(assessment.rubric_version)
    numbers = numbers_text([i.number for i in order.walk(rubric)
                            if row is not None and i.id in (row.returned_items or [])])
    by = session.get(User, row.decided_by or 0) if row is not None else None
    text = say(lang, "notice_sent_back", org=assessment.organisation.name,
               round=assessment.round.name, by=name_of(by, lang), numbers=numbers,
               comment=(row.comment if row is not None else "") or "")
    return [Question(title=text, key=f"navi:mine:{assessment.id}", choices=[
        Choice(say(lang, "revise"), f"navi:mine:{assessment.id}", style="primary")])]


def numbers_text(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers) or "—"


def _two(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"
