"""Queries the conversation needs; each takes the turn's session and never commits itself.

The ones every answer runs are built once, with bound parameters (issue 19): SQLAlchemy then
skips building the expression and its cache key on each call, which cost more than the query.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from store.models import (
    Answer,
    AnswerEvent,
    Assessment,
    ConversationState,
    Organisation,
    OrgDomain,
    User,
)

_USER = select(User).where(User.platform == bindparam("platform"),
                           User.platform_user_id == bindparam("platform_user_id"))
_STATE = select(ConversationState).where(ConversationState.user_id == bindparam("user_id"))
_ANSWERS = select(Answer).where(Answer.assessment_id == bindparam("assessment_id"))
_ANSWER = _ANSWERS.where(Answer.item_id == bindparam("item_id"))


def get_or_create_user(
    session: Session, platform: str, platform_user_id: str, now: datetime
) -> User:
    user = session.scalar(_USER, {"platform": platform, "platform_user_id": platform_user_id})
    if user is None:
        user = User(platform=platform, platform_user_id=platform_user_id, created_at=now)
        session.add(user)
        session.flush()
    return user


def get_or_create_state(session: Session, user: User, now: datetime) -> ConversationState:
    conv = session.scalar(_STATE, {"user_id": user.id})
    if conv is None:
        conv = ConversationState(user_id=user.id, data={}, updated_at=now)
        session.add(conv)
        session.flush()
    return conv


def org_by_name(session: Session, name: str, *,
                include_removed: bool = False) -> Organisation | None:
    """A member company by its registered name; one that left only when asked for (the
    register brings it back when the same name is added again)."""
    query = select(Organisation).where(Organisation.name == name.strip())
    if not include_removed:
        query = query.where(Organisation.removed_at.is_(None))
    return session.scalar(query)


def org_by_email(session: Session, email: str) -> Organisation | None:
    """The company whose registered domain matches the e-mail (sub-domains included)."""
    domain = email.rsplit("@", 1)[-1].strip().lower()
    candidates = [domain]
    parts = domain.split(".")
    candidates += [".".join(parts[i:]) for i in range(1, len(parts) - 1)]
    row = session.execute(
        select(OrgDomain).where(OrgDomain.domain.in_(candidates))
    ).scalars().all()
    if not row:
        return None
    best = max(row, key=lambda d: len(d.domain))  # the most specific domain wins
    return best.organisation


def assessment_for(session: Session, org_id: int, round_id: int) -> Assessment | None:
    return session.scalar(
        select(Assessment).where(Assessment.org_id == org_id, Assessment.round_id == round_id)
    )


def latest_submitted(session: Session, org_id: int) -> Assessment | None:
    return session.scalar(
        select(Assessment)
        .where(Assessment.org_id == org_id, Assessment.status == "submitted")
        .order_by(Assessment.submitted_at.desc())
        .limit(1)
    )


def answers_by_item(session: Session, assessment_id: int) -> dict[str, Answer]:
    rows = session.scalars(_ANSWERS, {"assessment_id": assessment_id})
    return {a.item_id: a for a in rows}


def save_answer(
    session: Session, assessment: Assessment, item_id: str, level: int, user: User, now: datetime,
    *, answers: dict[str, Answer] | None = None, flush: bool = True,
) -> Answer:
    """Set (or change) one item's level and append it to the history. `answers`: the
    assessment's answers by item, loaded in this transaction — looked up there instead of
    queried, and kept up to date with the saved one. `flush=False`: written with the turn's
    next flush (one flush per turn instead of two; a conflict then surfaces there, still
    inside the turn's transaction, where the router retries it)."""
    if answers is not None:
        answer = answers.get(item_id)
    else:
        answer = session.scalar(_ANSWER, {"assessment_id": assessment.id, "item_id": item_id})
    if answer is None:
        answer = Answer(assessment_id=assessment.id, item_id=item_id, level=level,
                        answered_by=user.id, answered_at=now)
        session.add(answer)
        if answers is not None:
            answers[item_id] = answer
    else:
        answer.level, answer.answered_by, answer.answered_at = level, user.id, now
    session.add(AnswerEvent(assessment_id=assessment.id, item_id=item_id, level=level,
                            user_id=user.id, at=now))
    if flush:
        session.flush()
    return answer


def save_note(session: Session, answer: Answer, note: str, user: User, now: datetime) -> None:
    answer.note = note
    session.add(AnswerEvent(assessment_id=answer.assessment_id, item_id=answer.item_id,
                            note=note, user_id=user.id, at=now))
    session.flush()


def count_rows(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0
