"""The secretariat's side of a survey: create, edit, send, close, publish the members' summary.

Sending plans the worker's slots for the subject "survey:<id>" (bot/worker/surveys.py): the
announcement now, one reminder to those who have not answered at 10:00 Tokyo the day before
the deadline (when that is still ahead), and — when an admin publishes it — the members'
summary. Editing is refused for any question that already has an answer: its wording, kind,
choices and whether it is required stay as the answers were given to them.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy.orm import Session

from handlers.dates import TOKYO
from handlers.surveys.definition import QuestionDef, SurveyDef
from handlers.surveys.texts import refusal
from handlers.text import normalise
from store import reminders as rstore
from store import surveys as store
from store import targeting
from store.surveys import Survey, SurveyQuestion

ANNOUNCE, REMIND, SUMMARY = "announce", "remind", "summary"  # slot names
KIND = {ANNOUNCE: "survey_announce", REMIND: "survey_reminder", SUMMARY: "survey_summary"}
REMINDER_HOUR = time(10, 0)
MIN_LEAD = timedelta(hours=2)  # a reminder this close to the announcement is not sent


def find_survey(session: Session, ref: str) -> Survey:
    folded = normalise(str(ref)).lstrip("#")
    row = session.get(Survey, int(folded)) if folded.isdecimal() and len(folded) < 10 else None
    if row is None:
        raise refusal("err_no_survey", ref=str(ref)[:40])
    return row


def is_open(survey: Survey, now: datetime) -> bool:
    return survey.status == store.OPEN and now < survey.deadline_at


def create_survey(session: Session, definition: SurveyDef, now: datetime,
                  created_by: str | None = None) -> Survey:
    """Store a draft survey (sent later with `send_survey`)."""
    if definition.deadline <= now:
        raise refusal("err_deadline_past")
    row = Survey(title=definition.title, title_en=definition.title_en, intro=definition.intro,
                 intro_en=definition.intro_en, mode=definition.mode,
                 anonymity=definition.anonymity, audience=definition.audience,
                 deadline_at=definition.deadline, status=store.DRAFT,
                 created_by=(created_by or "")[:200] or None, created_at=now, updated_at=now)
    row.questions = [_question(i, q) for i, q in enumerate(definition.questions, start=1)]
    session.add(row)
    session.flush()
    return row


def _question(position: int, q: QuestionDef) -> SurveyQuestion:
    return SurveyQuestion(position=position, kind=q.kind, text=q.text, text_en=q.text_en,
                          required=q.required, choices=list(q.choices),
                          choices_en=list(q.choices_en) if q.choices_en else None)


def _same(row: SurveyQuestion, q: QuestionDef) -> bool:
    return (row.kind, row.text, row.required, list(row.choices or [])) == (
        q.kind, q.text, q.required, list(q.choices))


def edit_survey(session: Session, survey: Survey, definition: SurveyDef,
                now: datetime) -> Survey:
    """Apply a revised definition; questions with answers must stay exactly as they are."""
    if survey.status == store.CLOSED:
        raise refusal("err_closed_edit", id=survey.id)
    if definition.deadline <= now:
        raise refusal("err_deadline_past")
    changed = survey.anonymity != definition.anonymity or survey.mode != definition.mode
    if changed and store.completion_count(session, survey.id):
        raise refusal("err_edit_mode", id=survey.id)
    answered = store.answered_question_ids(session, survey)
    new = definition.questions
    for row in survey.questions:
        if row.id in answered and (row.position > len(new) or not _same(row, new[row.position - 1])):
            raise refusal("err_edit_answered", n=row.position)
    existing = {row.position: row for row in survey.questions}
    for position, q in enumerate(new, start=1):
        row = existing.get(position)
        if row is None:
            survey.questions.append(_question(position, q))
        elif row.id not in answered:
            row.kind, row.text, row.text_en, row.required = q.kind, q.text, q.text_en, q.required
            row.choices, row.choices_en = list(q.choices), list(q.choices_en or []) or None
        else:
            row.text_en, row.choices_en = q.text_en, list(q.choices_en or []) or None
    for position, row in existing.items():
        if position > len(new):
            survey.questions.remove(row)
    survey.title, survey.title_en = definition.title, definition.title_en
    survey.intro, survey.intro_en = definition.intro, definition.intro_en
    survey.mode, survey.anonymity = definition.mode, definition.anonymity
    survey.audience, survey.deadline_at = definition.audience, definition.deadline
    survey.updated_at = now
    session.flush()
    if survey.status == store.OPEN:
        plan(session, survey, now)
    return survey


def reminder_at(survey: Survey) -> datetime:
    """10:00 Tokyo on the day before the deadline's day."""
    day = survey.deadline_at.astimezone(TOKYO).date() - timedelta(days=1)
    return datetime.combine(day, REMINDER_HOUR, TOKYO)


def plan(session: Session, survey: Survey, now: datetime) -> None:
    """The worker's slots for an open survey (pending ones move with a new deadline)."""
    sent = survey.sent_at or now
    wanted = [(ANNOUNCE, KIND[ANNOUNCE], sent)]
    remind = reminder_at(survey)
    if remind >= sent + MIN_LEAD and remind < survey.deadline_at:
        wanted.append((REMIND, KIND[REMIND], remind))
    if survey.published_at is not None:
        wanted.append((SUMMARY, KIND[SUMMARY], survey.published_at))
    rstore.sync_subject_slots(session, survey.subject, wanted, now)


def send_survey(session: Session, survey: Survey, now: datetime,
                audience: str | None = None) -> int:
    """Open a draft survey to its audience; returns how many companies it is for."""
    if survey.status != store.DRAFT:
        raise refusal("err_already_sent", id=survey.id)
    if survey.deadline_at <= now:
        raise refusal("err_deadline_past")
    if audience:
        survey.audience = targeting.parse(audience).spec
    companies = targeting.companies(session, targeting.parse(survey.audience))
    if not companies:
        raise refusal("err_no_audience", audience=survey.audience)
    survey.status, survey.sent_at, survey.updated_at = store.OPEN, now, now
    plan(session, survey, now)
    return len(companies)


def close_survey(session: Session, survey: Survey, now: datetime) -> Survey:
    if survey.status == store.CLOSED:
        raise refusal("err_already_closed", id=survey.id)
    survey.status, survey.closed_at, survey.updated_at = store.CLOSED, now, now
    rstore.cancel_pending(session, None, now, "survey closed", subject=survey.subject)
    return survey


def respondents(session: Session, survey: Survey) -> int:
    return store.completion_count(session, survey.id)


def publish_summary(session: Session, survey: Survey, now: datetime, floor: int) -> Survey:
    """Queue the members' summary (aggregates only) for the announcement channels; refused
    before the survey has ended or with fewer respondents than the privacy floor."""
    if survey.status == store.DRAFT:
        raise refusal("err_not_sent", id=survey.id)
    if survey.status == store.OPEN and now < survey.deadline_at:
        raise refusal("err_publish_open", id=survey.id)
    if survey.published_at is not None:
        raise refusal("err_already_published", id=survey.id)
    if respondents(session, survey) < floor:
        raise refusal("err_publish_floor", n=floor)
    survey.published_at, survey.updated_at = now, now
    if SUMMARY not in rstore.subject_slots(session, survey.subject):  # other slots untouched
        session.add(rstore.ReminderSlot(subject=survey.subject, name=SUMMARY,
                                        kind=KIND[SUMMARY], due_at=now, status=rstore.PENDING,
                                        created_at=now, updated_at=now))
        session.flush()
    return survey
