"""Reading one answer, and sending an answer set: named (replacing the respondent's last one) or
anonymous (a random ballot, and the completion recorded apart; see store/surveys.py).

A value is checked again when it is sent, against the question as it is then: a draft kept in
the conversation across a break cannot smuggle in a choice that does not exist.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy.orm import Session

from handlers.surveys.definition import SCALE, TEXT_LIMITS
from handlers.surveys.texts import refusal
from handlers.text import normalise
from store import surveys as store
from store.models import User
from store.surveys import Survey, SurveyQuestion

_NUMBERS = re.compile(r"^\d{1,3}(?:\s*[,、，/・\s]\s*\d{1,3})*$")


def choice_count(q: SurveyQuestion) -> int:
    return SCALE if q.kind == "scale" else len(q.choices or [])


def check_number(q: SurveyQuestion, number: int) -> int:
    top = choice_count(q)
    if not 1 <= number <= top:
        raise refusal("bad_number", max=top, value=str(number)[:10])
    return number


def read_numbers(q: SurveyQuestion, text: str) -> list[int] | None:
    """「1,3」「１、３」「2」 → sorted numbers (each checked); None when it is not numbers."""
    folded = normalise(text)
    if not _NUMBERS.match(folded):
        return None
    numbers = [int(n) for n in re.findall(r"\d+", folded)]
    return sorted({check_number(q, n) for n in numbers})


def read_text(q: SurveyQuestion, text: str) -> str:
    cleaned = (text or "").strip()
    limit = TEXT_LIMITS[q.kind]
    if not cleaned:
        raise refusal("text_empty")
    if len(cleaned) > limit:
        raise refusal("text_too_long", limit=f"{limit:,}", n=f"{len(cleaned):,}")
    return cleaned


def valid(q: SurveyQuestion, value: object) -> bool:
    """Whether a stored draft value still fits the question."""
    top = choice_count(q)
    if q.kind in ("single", "scale"):
        return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= top
    if q.kind == "multi":
        return (isinstance(value, list) and bool(value)
                and all(isinstance(v, int) and 1 <= v <= top for v in value))
    return isinstance(value, str) and 0 < len(value) <= TEXT_LIMITS[q.kind]


def missing_required(survey: Survey, answers: dict[str, object]) -> list[int]:
    return [q.position for q in survey.questions
            if q.required and not valid(q, answers.get(str(q.position)))]


def send(session: Session, survey: Survey, respondent: str, answers: dict[str, object],
         user: User, now: datetime) -> None:
    """Store the answer set; refused when a required answer is missing or (anonymous) the
    respondent already answered."""
    missing = missing_required(survey, answers)
    if missing:
        raise refusal("need_required", numbers=", ".join(str(n) for n in missing))
    values = {q.id: answers[str(q.position)] for q in survey.questions
              if valid(q, answers.get(str(q.position)))}
    if survey.anonymous:
        if store.is_complete(session, survey.id, respondent):
            raise refusal("anon_done_company" if survey.mode == store.COMPANY else "anon_done",
                          id=survey.id)
        store.save_anonymous(session, survey, respondent, values)
        return
    org = user.organisation
    store.save_named(session, survey, respondent, values, org_id=user.org_id,
                     org_name=org.name if org is not None else None, user_id=user.id,
                     user_name=user.display_name or user.key, now=now)


def saved(session: Session, survey: Survey, respondent: str
          ) -> tuple[store.SurveyResponse | None, dict[int, object]]:
    """A named respondent's answers as sent, by question position."""
    row = store.response_for(session, survey.id, respondent)
    if row is None:
        return None, {}
    positions = {q.id: q.position for q in survey.questions}
    return row, {positions[a.question_id]: a.value for a in row.answers
                 if a.question_id in positions}
