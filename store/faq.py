"""Questions the FAQ could not answer, forwarded to the secretariat (issue 5).

The secretariat reads them in the admin list (「質問一覧」 / "faq questions") and marks them done;
nothing is ever deleted, so the list also shows which topics the guide should cover next.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from store.models import Base, User
from store.types import UTCDateTime

MAX_TEXT = 2000  # a forwarded question longer than this is cut (a paste, not a question)
STATUSES = ("open", "done")


class ForwardedQuestion(Base):
    """One question a user asked the FAQ bot to forward to the secretariat."""

    __tablename__ = "faq_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(5))  # "ja" | "en": the language to answer in
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)  # open|done
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    handled_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])


def forward_question(
    session: Session, user: User, text: str, lang: str, now: datetime
) -> ForwardedQuestion:
    """Log a question for the secretariat; the caller's transaction commits it."""
    row = ForwardedQuestion(
        user_id=user.id, text=text.strip()[:MAX_TEXT], lang=lang, status="open", created_at=now
    )
    session.add(row)
    session.flush()
    return row


def open_questions(session: Session, limit: int = 20) -> list[ForwardedQuestion]:
    """The oldest open questions first: they have waited longest."""
    stmt = (
        select(ForwardedQuestion)
        .where(ForwardedQuestion.status == "open")
        .order_by(ForwardedQuestion.created_at, ForwardedQuestion.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def count_open(session: Session) -> int:
    stmt = select(func.count()).select_from(ForwardedQuestion).where(
        ForwardedQuestion.status == "open"
    )
    return int(session.scalar(stmt) or 0)


def mark_done(
    session: Session, question_id: int, admin: User, now: datetime
) -> ForwardedQuestion | None:
    """Mark one question handled; None when there is no such question."""
    row = session.get(ForwardedQuestion, question_id)
    if row is None:
        return None
    if row.status != "done":
        row.status, row.handled_by, row.handled_at = "done", admin.id, now
    return row
