"""Queries the conversation needs; each takes the turn's session and never commits itself.

The ones every answer runs are built once, with bound parameters (issue 19): SQLAlchemy then
skips building the expression and its cache key on each call, which cost more than the query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

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
_USER_AND_STATE = (select(User, ConversationState)
                   .outerjoin(ConversationState, ConversationState.user_id == User.id)
                   .where(User.platform == bindparam("platform"),
                          User.platform_user_id == bindparam("platform_user_id")))
_ANSWERS = select(Answer).where(Answer.assessment_id == bindparam("assessment_id"))


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


def user_and_state(session: Session, platform: str, platform_user_id: str,
                   now: datetime) -> tuple[User, ConversationState]:
    """The member and their conversation state in one read: every turn needs both (issue 19:
    one statement fewer per answer). Either is created when missing (a member's first turn)."""
    row = session.execute(_USER_AND_STATE, {"platform": platform,
                                            "platform_user_id": platform_user_id}).first()
    user, conv = row if row is not None else (None, None)
    if user is None:
        user = get_or_create_user(session, platform, platform_user_id, now)
    if conv is None:
        conv = get_or_create_state(session, user, now)
    return user, conv


def save_state(session: Session, conv: ConversationState, data: dict, now: datetime) -> None:
    """Write the turn's conversation data, bumping `version` only if nobody else did since it
    was read — the same optimistic check the ORM's version counter makes (StaleDataError,
    which the router retries), in one statement built once instead of a unit-of-work flush
    (issue 19). The object in memory is made to match, unmarked."""
    if conv in session.new:  # created this turn and not yet written: the flush inserts it
        conv.data, conv.updated_at = data, now
        return
    written = session.connection().execute(_SAVE_STATE, {"conv_id": conv.id, "seen": conv.version,
                                            "new_version": conv.version + 1,
                                            "new_data": data, "new_at": now})
    if written.rowcount != 1:
        raise StaleDataError("conversation_states: changed by a concurrent turn")
    for name, value in (("data", data), ("version", conv.version + 1), ("updated_at", now)):
        set_committed_value(conv, name, value)


_STATE_TABLE = ConversationState.__table__
_SAVE_STATE = (update(_STATE_TABLE)
               .where(_STATE_TABLE.c.id == bindparam("conv_id"),
                      _STATE_TABLE.c.version == bindparam("seen"))
               .values(data=bindparam("new_data"), version=bindparam("new_version"),
                       updated_at=bindparam("new_at")))
_ASSESSMENT = select(Assessment).where(Assessment.id == bindparam("assessment_id"))


def assessment_by_id(session: Session, assessment_id: int) -> Assessment | None:
    """`session.get(Assessment, id)` with a statement built once (every answer reads it)."""
    return session.scalar(_ASSESSMENT, {"assessment_id": assessment_id})


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


@dataclass(frozen=True, slots=True)
class AnswerRow:
    """An answer as one turn reads it: the same fields as `Answer`, not an ORM object.
    An answer's turn reads all of the assessment's answers (up to 36) to find the next item and
    changes one; building 36 tracked objects for that was the turn's largest single cost on
    PostgreSQL (issue 19)."""

    id: int
    assessment_id: int
    item_id: str
    level: int
    note: str | None
    answered_by: int | None
    answered_at: datetime


_ANSWER_COLUMNS = Answer.__table__.c  # type: ignore[attr-defined]
_ANSWER_ROWS = select(*(getattr(_ANSWER_COLUMNS, name) for name in AnswerRow.__slots__)).where(
    _ANSWER_COLUMNS.assessment_id == bindparam("assessment_id"))


def answer_rows(session: Session, assessment_id: int) -> dict[str, AnswerRow]:
    """The assessment's answers by item, read-only (see `AnswerRow`); `save_answer` keeps
    the dict up to date with what it saves."""
    result = session.connection().execute(_ANSWER_ROWS, {"assessment_id": assessment_id})
    return {row.item_id: AnswerRow(*row) for row in result}


def save_answer(
    session: Session, assessment: Assessment, item_id: str, level: int, user: User, now: datetime,
    *, answers: dict[str, AnswerRow], note: str | None,
) -> AnswerRow:
    """Set (or change) one item's level, and its `note` (the summary of the item's notes),
    and append the level to the history.

    `answers`: the assessment's answers as `answer_rows` read them in this transaction — the
    item is looked up there instead of queried, and its entry replaced with what was saved.
    Single statements built once (issue 19), no ORM unit of work: nothing is flushed later.
    Two turns saving the same new item at once meet the unique constraint here
    (IntegrityError), inside the turn, where the router retries."""
    known = answers.get(item_id)
    connection = session.connection()
    if known is None:
        row_id = connection.execute(_INSERT_ANSWER, {
            "assessment_id": assessment.id, "item_id": item_id, "level": level, "note": note,
            "answered_by": user.id, "answered_at": now}).scalar_one()
    else:
        row_id = known.id
        connection.execute(_UPDATE_ANSWER, {"answer_id": row_id, "new_level": level,
                                            "new_note": note, "new_by": user.id,
                                            "new_at": now})
    connection.execute(_INSERT_EVENT, {"assessment_id": assessment.id, "item_id": item_id,
                                       "level": level, "note": None, "user_id": user.id,
                                       "at": now})
    answers[item_id] = AnswerRow(row_id, assessment.id, item_id, level, note, user.id, now)
    return answers[item_id]


_INSERT_ANSWER = insert(Answer.__table__).returning(Answer.__table__.c.id)
_UPDATE_ANSWER = (update(Answer.__table__)
                  .where(Answer.__table__.c.id == bindparam("answer_id"))
                  .values(level=bindparam("new_level"), note=bindparam("new_note"),
                          answered_by=bindparam("new_by"),
                          answered_at=bindparam("new_at")))
_INSERT_EVENT = insert(AnswerEvent.__table__)


def save_note(session: Session, answer: Answer, note: str, user: User, now: datetime) -> None:
    answer.note = note
    session.add(AnswerEvent(assessment_id=answer.assessment_id, item_id=answer.item_id,
                            note=note, user_id=user.id, at=now))
    session.flush()


def count_rows(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0
