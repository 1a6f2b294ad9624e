"""Questions the FAQ could not answer, forwarded to the secretariat, and what came of them
(issues 5 and 14).

A question is "open" until an admin answers it in chat (「回答 12 …」: "answered", with who and
when) or marks it handled without an answer ("done"). Nothing is ever deleted, so the list also
shows which topics the guide should cover next. A good answer can become a *supplementary*
FAQ entry (`Supplement`), searched with the guide's entries; removing one keeps the row
(`removed_at`) so the export still shows what was said and when.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, case, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from store.models import Base, Organisation, User
from store.types import UTCDateTime

MAX_TEXT = 2000  # a forwarded question longer than this is cut (a paste, not a question)
MAX_ANSWER = 3000  # an admin's answer (the input budget already stops 4,000+)
OPEN, ANSWERED, DONE = "open", "answered", "done"
STATUSES = (OPEN, ANSWERED, DONE)


class ForwardedQuestion(Base):
    """One question a user asked the FAQ bot to forward to the secretariat."""

    __tablename__ = "faq_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(5))  # "ja" | "en": the language to answer in
    status: Mapped[str] = mapped_column(String(20), default=OPEN, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    handled_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # as they were when it was asked / answered: a company removed or a user deleted later
    # must not turn the secretariat's record into "?"
    asker_name: Mapped[str | None] = mapped_column(String(200))
    org_name: Mapped[str | None] = mapped_column(String(200))
    answer: Mapped[str | None] = mapped_column(Text)
    answer_lang: Mapped[str | None] = mapped_column(String(5))
    answered_by_name: Mapped[str | None] = mapped_column(String(200))
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # shown in a console inbox

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])


class Supplement(Base):
    """A FAQ entry the secretariat added from an answer; searched with the guide's entries."""

    __tablename__ = "faq_supplements"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("faq_questions.id", ondelete="SET NULL"), index=True)
    question_ja: Mapped[str | None] = mapped_column(Text)
    question_en: Mapped[str | None] = mapped_column(Text)
    answer_ja: Mapped[str | None] = mapped_column(Text)
    answer_en: Mapped[str | None] = mapped_column(Text)
    created_by_name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def person(user: User | None) -> str:
    """How a user is named in the secretariat's records."""
    if user is None:
        return "?"
    return user.display_name or user.key


def forward_question(
    session: Session, user: User, text: str, lang: str, now: datetime
) -> ForwardedQuestion:
    """Log a question for the secretariat; the caller's transaction commits it."""
    org = session.get(Organisation, user.org_id) if user.org_id is not None else None
    row = ForwardedQuestion(
        user_id=user.id, text=text.strip()[:MAX_TEXT], lang=lang, status=OPEN, created_at=now,
        asker_name=person(user)[:200], org_name=org.name[:200] if org is not None else None,
    )
    session.add(row)
    session.flush()
    return row


def open_questions(session: Session, limit: int = 20) -> list[ForwardedQuestion]:
    """The oldest open questions first: they have waited longest."""
    stmt = (
        select(ForwardedQuestion)
        .where(ForwardedQuestion.status == OPEN)
        .order_by(ForwardedQuestion.created_at, ForwardedQuestion.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def listed_questions(session: Session, limit: int = 20) -> list[ForwardedQuestion]:
    """The admin list: open ones first (oldest first), then answered or done (newest first)."""
    closed = case((ForwardedQuestion.status == OPEN, 0), else_=1)
    stmt = (select(ForwardedQuestion)
            .order_by(closed, case((ForwardedQuestion.status == OPEN,
                                    ForwardedQuestion.id), else_=-ForwardedQuestion.id))
            .limit(limit))
    return list(session.scalars(stmt))


def count_open(session: Session) -> int:
    stmt = select(func.count()).select_from(ForwardedQuestion).where(
        ForwardedQuestion.status == OPEN
    )
    return int(session.scalar(stmt) or 0)


def mark_done(
    session: Session, question_id: int, admin: User, now: datetime
) -> ForwardedQuestion | None:
    """Mark one question handled; None when there is no such question."""
    row = session.get(ForwardedQuestion, question_id)
    if row is None:
        return None
    if row.status == OPEN:
        row.status, row.handled_by, row.handled_at = DONE, admin.id, now
        row.answered_by_name = person(admin)[:200]
    return row


def answer_question(session: Session, row: ForwardedQuestion, admin: User, text: str,
                    lang: str, now: datetime) -> None:
    """Record an admin's answer (the caller checked the row is still open)."""
    row.status, row.answer, row.answer_lang = ANSWERED, text.strip()[:MAX_ANSWER], lang
    row.handled_by, row.handled_at = admin.id, now
    row.answered_by_name = person(admin)[:200]


def unseen_answers(session: Session, user: User) -> list[ForwardedQuestion]:
    """Answers the user has not been shown yet (the console's inbox)."""
    return list(session.scalars(
        select(ForwardedQuestion)
        .where(ForwardedQuestion.user_id == user.id, ForwardedQuestion.status == ANSWERED,
               ForwardedQuestion.seen_at.is_(None))
        .order_by(ForwardedQuestion.handled_at, ForwardedQuestion.id)
        .with_for_update()))


def add_supplement(session: Session, row: ForwardedQuestion | None, *, question: dict[str, str],
                   answer: dict[str, str], admin: User, now: datetime) -> Supplement:
    entry = Supplement(
        question_id=row.id if row is not None else None,
        question_ja=question.get("ja"), question_en=question.get("en"),
        answer_ja=answer.get("ja"), answer_en=answer.get("en"),
        created_by_name=person(admin)[:200], created_at=now)
    session.add(entry)
    session.flush()
    return entry


def supplement_for(session: Session, question_id: int) -> Supplement | None:
    """The live supplementary entry made from a question, if any."""
    return session.scalar(select(Supplement).where(
        Supplement.question_id == question_id, Supplement.removed_at.is_(None)))


def live_supplements(session: Session) -> list[Supplement]:
    return list(session.scalars(select(Supplement).where(Supplement.removed_at.is_(None))
                                .order_by(Supplement.id)))


def all_supplements(session: Session) -> list[Supplement]:
    return list(session.scalars(select(Supplement).order_by(Supplement.id)))


def supplements_version(session: Session) -> tuple[int, int, int]:
    """Changes whenever an entry is added or removed: (count live, max id, count removed)."""
    live = Supplement.removed_at.is_(None)
    row = session.execute(select(
        func.count().filter(live), func.coalesce(func.max(Supplement.id), 0),
        func.count().filter(~live))).one()
    return int(row[0]), int(row[1]), int(row[2])


def schedule_notice(session: Session, question_id: int, name: str, kind: str,
                    now: datetime) -> None:
    """Queue one notice of a question for the worker (subject "faq:<id>", due now); the
    worker's delivery record sends it once (bot/worker/faq_notices.py)."""
    from store.reminders import PENDING, ReminderSlot

    subject = f"faq:{question_id}"
    exists = session.scalar(select(ReminderSlot.id).where(ReminderSlot.subject == subject,
                                                          ReminderSlot.name == name))
    if exists is None:
        session.add(ReminderSlot(subject=subject, round_id=None, name=name, kind=kind,
                                 due_at=now, status=PENDING, created_at=now, updated_at=now))
        session.flush()
