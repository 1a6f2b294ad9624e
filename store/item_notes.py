"""Notes and evidence on assessment items (issue 18): several per item, each by one person,
edited and deleted without ever erasing what was said.

`ItemNote` is the note as it stands (a deleted one keeps its row, with `deleted_at`), and
`ItemNoteEvent` the append-only history: every creation, edit and deletion with who and when.
`version` makes two edits of one note at the same moment conflict instead of one silently
winning (the router runs the loser again, which then sees the note has changed).

`answers.note` predates this table; it is kept as a read-only summary of the item's live notes
for the secretariat's round report and the previous round's carry-over line.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, bindparam, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from store.models import Answer, Base, User
from store.types import UTCDateTime

MAX_URL = 2000
CREATED, EDITED, DELETED = "created", "edited", "deleted"


class ItemNote(Base):
    """One person's note on one item of a company's assessment, with an optional evidence link."""

    __tablename__ = "item_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[str] = mapped_column(String(80))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    evidence_url: Mapped[str | None] = mapped_column(String(MAX_URL))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class ItemNoteEvent(Base):
    """Append-only: what a note said after each change (a deletion keeps the last words)."""

    __tablename__ = "item_note_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("item_notes.id", ondelete="CASCADE"),
                                         index=True)
    action: Mapped[str] = mapped_column(String(10))  # created | edited | deleted
    text: Mapped[str | None] = mapped_column(Text)
    evidence_url: Mapped[str | None] = mapped_column(String(MAX_URL))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


def add_note(session: Session, assessment_id: int, item_id: str, text: str, url: str | None,
             user: User, now: datetime) -> ItemNote:
    note = ItemNote(assessment_id=assessment_id, item_id=item_id, author_id=user.id, text=text,
                    evidence_url=url, created_at=now, updated_at=now)
    session.add(note)
    session.flush()
    _record(session, note, CREATED, user, now)
    return note


def edit_note(session: Session, note: ItemNote, text: str, url: str | None, user: User,
              now: datetime) -> None:
    note.text, note.evidence_url, note.updated_at = text, url, now
    session.flush()  # a concurrent edit of the same version fails here (StaleDataError)
    _record(session, note, EDITED, user, now)


def delete_note(session: Session, note: ItemNote, user: User, now: datetime) -> None:
    note.deleted_at, note.deleted_by, note.updated_at = now, user.id, now
    session.flush()
    _record(session, note, DELETED, user, now)


def _record(session: Session, note: ItemNote, action: str, user: User, now: datetime) -> None:
    session.add(ItemNoteEvent(note_id=note.id, action=action, text=note.text,
                              evidence_url=note.evidence_url, user_id=user.id, at=now))
    session.flush()
    refresh_summary(session, note.assessment_id, note.item_id)


# built once with bound parameters: every answer reads notes (issue 19)
_LIVE = select(ItemNote).where(ItemNote.assessment_id == bindparam("assessment_id"),
                               ItemNote.deleted_at.is_(None))
_LIVE_ALL = _LIVE.order_by(ItemNote.created_at, ItemNote.id)
_LIVE_ITEM = _LIVE.where(ItemNote.item_id == bindparam("item_id")).order_by(
    ItemNote.created_at, ItemNote.id)


def live_notes(session: Session, assessment_id: int, item_id: str | None = None
               ) -> list[ItemNote]:
    """The notes not deleted, oldest first (one item's, or the whole assessment's)."""
    if item_id is None:
        return list(session.scalars(_LIVE_ALL, {"assessment_id": assessment_id}))
    return list(session.scalars(_LIVE_ITEM, {"assessment_id": assessment_id,
                                             "item_id": item_id}))


def notes_by_item(session: Session, assessment_id: int) -> dict[str, list[ItemNote]]:
    found: dict[str, list[ItemNote]] = {}
    for note in live_notes(session, assessment_id):
        found.setdefault(note.item_id, []).append(note)
    return found


def history(session: Session, note_id: int) -> list[ItemNoteEvent]:
    return list(session.scalars(select(ItemNoteEvent).where(ItemNoteEvent.note_id == note_id)
                                .order_by(ItemNoteEvent.id)))


def refresh_summary(session: Session, assessment_id: int, item_id: str) -> None:
    """Keep `answers.note` (read by the round report and the carry-over) = the live notes."""
    answer = session.scalar(select(Answer).where(Answer.assessment_id == assessment_id,
                                                 Answer.item_id == item_id))
    if answer is None:
        return
    summarise(answer, live_notes(session, assessment_id, item_id))
    session.flush()


def summary_of(notes: list[ItemNote]) -> str | None:
    """What `answers.note` holds for an item with these live notes (None: no notes)."""
    return "\n".join(n.text for n in notes) if notes else None


def summarise(answer: Answer, notes: list[ItemNote]) -> None:
    """`answers.note` from the item's live notes already read."""
    summary = summary_of(notes)
    if answer.note != summary:  # unchanged: nothing for the flush to write
        answer.note = summary
