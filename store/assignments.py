"""One company, several departments (issue 18): who holds which item, who signs off, and the
assessment's own history of those steps.

* `navi_assignments` — one row per assessment and item: the colleague who holds it now, who
  assigned it, an optional due date. Assigning an item again moves it (the history keeps both).
* `navi_approvers` — the company's approver (a CAIO, a compliance head), one per company and
  kept across rounds; without one, submission works as before.
* `navi_signoffs` — one assessment's sign-off: requested (the approver has the summary),
  approved, or sent back with a comment and the items to fix. `request_no` grows with every
  request, so a button from an older summary is recognised as stale.
* `navi_history` — append-only: assigned, approver named, sign-off requested, sent back,
  approved, submitted. With `answer_events` it is the history the company reads.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.models import Answer, AnswerEvent, Assessment, Base, User
from store.types import UTCDateTime

REQUESTED, APPROVED, SENT_BACK = "requested", "approved", "sent_back"
COMMENT_MAX = 1000


class Assignment(Base):
    """The colleague who holds one item of one assessment."""

    __tablename__ = "navi_assignments"
    __table_args__ = (UniqueConstraint("assessment_id", "item_id",
                                       name="uq_navi_assignments_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[str] = mapped_column(String(80))
    assignee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                             index=True)
    assigned_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Approver(Base):
    """The person who signs a company's assessment off before it is submitted."""

    __tablename__ = "navi_approvers"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"),
                                        unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    named_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    named_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SignOff(Base):
    """Where one assessment's sign-off stands."""

    __tablename__ = "navi_signoffs"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(20))  # requested | approved | sent_back
    request_no: Mapped[int] = mapped_column(Integer, default=1)
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    comment: Mapped[str | None] = mapped_column(Text)
    returned_items: Mapped[list[str]] = mapped_column(JSON, default=list)
    # the newest answer_events.id when the request was made or the items were sent back: an
    # answer with a higher id came after (ids, not clock times: two steps in one second)
    event_mark: Mapped[int] = mapped_column(Integer, default=0)


class HistoryEntry(Base):
    """One step of an assessment's collaboration, never changed afterwards."""

    __tablename__ = "navi_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


# ----- assignments --------------------------------------------------------------------------


def assign(session: Session, assessment_id: int, item_ids: list[str], assignee: User,
           by: User, due_at: datetime | None, now: datetime) -> None:
    """Give `item_ids` to `assignee` (moving them from whoever held them), with one history
    entry for the whole request."""
    held = {a.item_id: a for a in session.scalars(select(Assignment).where(
        Assignment.assessment_id == assessment_id, Assignment.item_id.in_(item_ids)))}
    for item_id in item_ids:
        row = held.get(item_id)
        if row is None:
            try:
                with session.begin_nested():
                    session.add(Assignment(assessment_id=assessment_id, item_id=item_id,
                                           assignee_id=assignee.id, assigned_by=by.id,
                                           due_at=due_at, assigned_at=now))
                continue
            except IntegrityError:  # a colleague assigned it at the same moment: move it
                row = session.scalar(select(Assignment).where(
                    Assignment.assessment_id == assessment_id, Assignment.item_id == item_id))
                assert row is not None
        row.assignee_id, row.assigned_by, row.due_at, row.assigned_at = (
            assignee.id, by.id, due_at, now)
    record(session, assessment_id, by, "assign", now, items=item_ids, to=assignee.id,
           due=due_at.isoformat() if due_at else None)


def assignments(session: Session, assessment_id: int) -> dict[str, Assignment]:
    """Item id → its assignment."""
    rows = session.scalars(select(Assignment).where(Assignment.assessment_id == assessment_id))
    return {row.item_id: row for row in rows}


def items_of(session: Session, assessment_id: int, user_id: int) -> list[str]:
    return list(session.scalars(select(Assignment.item_id).where(
        Assignment.assessment_id == assessment_id, Assignment.assignee_id == user_id)
        .order_by(Assignment.id)))


# ----- approver and sign-off ----------------------------------------------------------------


def approver_of(session: Session, org_id: int) -> User | None:
    row = session.scalar(select(Approver).where(Approver.org_id == org_id))
    return session.get(User, row.user_id) if row is not None else None


def name_approver(session: Session, org_id: int, person: User, by: User, now: datetime) -> None:
    row = session.scalar(select(Approver).where(Approver.org_id == org_id))
    if row is None:
        session.add(Approver(org_id=org_id, user_id=person.id, named_by=by.id, named_at=now))
    else:
        row.user_id, row.named_by, row.named_at = person.id, by.id, now
    session.flush()


def signoff_of(session: Session, assessment_id: int) -> SignOff | None:
    return session.scalar(select(SignOff).where(SignOff.assessment_id == assessment_id))


def request_signoff(session: Session, assessment_id: int, approver: User, by: User,
                    now: datetime) -> SignOff:
    """A new request (a fresh `request_no`); the previous decision, if any, is superseded."""
    row = signoff_of(session, assessment_id)
    if row is None:
        row = SignOff(assessment_id=assessment_id, status=REQUESTED, request_no=1,
                      approver_id=approver.id, requested_at=now, returned_items=[],
                      event_mark=0)
        session.add(row)
    else:
        row.status, row.request_no, row.approver_id = REQUESTED, row.request_no + 1, approver.id
        row.requested_at, row.decided_at, row.decided_by = now, None, None
    row.event_mark = last_event_id(session, assessment_id)
    session.flush()
    record(session, assessment_id, by, "signoff.requested", now, approver=approver.id,
           request=row.request_no)
    return row


def last_event_id(session: Session, assessment_id: int) -> int:
    return session.scalar(select(func.max(AnswerEvent.id)).where(
        AnswerEvent.assessment_id == assessment_id)) or 0


def changed_since(session: Session, assessment_id: int, mark: int,
                  item_ids: list[str] | None = None) -> set[str]:
    """Items answered (again) after the event `mark`: what a send-back asked for, or what
    makes a summary out of date."""
    query = select(AnswerEvent.item_id).where(AnswerEvent.assessment_id == assessment_id,
                                              AnswerEvent.id > mark,
                                              AnswerEvent.level.is_not(None))
    if item_ids is not None:
        query = query.where(AnswerEvent.item_id.in_(item_ids))
    return set(session.scalars(query))


# ----- history ------------------------------------------------------------------------------


def record(session: Session, assessment_id: int, by: User | None, action: str, now: datetime,
           **detail: object) -> None:
    session.add(HistoryEntry(assessment_id=assessment_id, at=now,
                             user_id=by.id if by is not None else None, action=action,
                             detail=detail))
    session.flush()


def history(session: Session, assessment_id: int) -> list[HistoryEntry]:
    return list(session.scalars(select(HistoryEntry).where(
        HistoryEntry.assessment_id == assessment_id).order_by(HistoryEntry.at,
                                                              HistoryEntry.id)))


def answer_events(session: Session, assessment_id: int) -> list[AnswerEvent]:
    return list(session.scalars(select(AnswerEvent).where(
        AnswerEvent.assessment_id == assessment_id).order_by(AnswerEvent.at, AnswerEvent.id)))


def open_assignees(session: Session, round_id: int, org_ids: list[int],
                   platforms: list[str]) -> list[User]:
    """Users holding an unanswered item of an unsubmitted assessment of these companies in this
    round, on a platform the worker can deliver to (the round's reminders go to them too)."""
    if not org_ids or not platforms:
        return []
    answered = select(Answer.id).where(Answer.assessment_id == Assignment.assessment_id,
                                       Answer.item_id == Assignment.item_id).exists()
    query = (select(User).join(Assignment, Assignment.assignee_id == User.id)
             .join(Assessment, Assessment.id == Assignment.assessment_id)
             .where(Assessment.round_id == round_id, Assessment.org_id.in_(org_ids),
                    Assessment.status == "in_progress", User.org_id == Assessment.org_id,
                    User.platform.in_(list(platforms)), ~answered)
             .distinct().order_by(User.id))
    return list(session.scalars(query))
