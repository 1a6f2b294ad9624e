"""What is due and what was sent: the schedule lives here, not in the scheduler.

* `reminder_slots` — one row per round and slot ("open", "d14" … "d0", "summary") with the time
  it is due and how it ended (pending → sending → done | missed | superseded | cancelled).
  Re-planning (a deadline extended) only ever moves *pending* rows.
* `deliveries` — one row per slot and recipient, unique on (round, slot, recipient). The row is
  committed as "sending" *before* the platform is called, so a restart, a retry, a second worker
  or a clock jump finds the key taken and never sends it again; a row left "sending" by a killed
  worker is reconciled with the platform (was it posted?) before anything is resent.
* `reminder_mutes` — who asked for no more reminders in a round.

Since issue 7 slots and deliveries belong to a round (round_id set, subject empty: exactly as
before) or to another *subject*, "event:<id>" or "broadcast:<id>" (subject set, round_id empty).
Each family has its unique key: (round_id, name) / (subject, name) for slots and
(round_id, slot, recipient) / (subject, slot, recipient) for deliveries (NULLs never collide).
The round functions keep their signatures; the subject ones take `subject=`.

`WorkerLock` (store/worker_lock.py, re-exported here) keeps a single worker delivering at a time,
which is what makes a row left "sending" safe to reconcile: whoever held it is gone.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    func,
    literal,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.models import Base
from store.types import UTCDateTime
from store.worker_lock import WorkerLock as WorkerLock  # re-exported: it lived here

# slot states
PENDING, SENDING, DONE = "pending", "sending", "done"
MISSED, SUPERSEDED, CANCELLED = "missed", "superseded", "cancelled"
SLOT_FINAL = (DONE, MISSED, SUPERSEDED, CANCELLED)

# delivery states (PENDING and SENDING as above)
SENT = "sent"
FAILED = "failed"  # transient errors until the attempts ran out
GONE = "gone"  # permanent: the user or channel no longer exists / cannot be messaged
SKIPPED = "skipped"  # submitted or muted by the time it was due
UNCERTAIN = "uncertain"  # a killed send the platform cannot confirm: not resent, reported
DELIVERY_FINAL = (SENT, FAILED, GONE, SKIPPED, MISSED, UNCERTAIN)


class ReminderSlot(Base):
    """One scheduled message of a subject: a round (announcement, a reminder, the summary), an
    event (announcement, reminders, change, cancellation) or a broadcast."""

    __tablename__ = "reminder_slots"
    __table_args__ = (
        UniqueConstraint("round_id", "name", name="uq_reminder_slots_round_name"),
        UniqueConstraint("subject", "name", name="uq_reminder_slots_subject_name"),
        Index("ix_reminder_slots_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str | None] = mapped_column(String(60))  # None for a round
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(20))  # "open" | "d14" … "d0" | "summary" | …
    kind: Mapped[str] = mapped_column(String(20))  # "announce" | "reminder" | "summary" | …
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default=PENDING)
    note: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Delivery(Base):
    """One message to one recipient for one slot; the unique key is the exactly-once guard."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("round_id", "slot", "recipient", name="uq_deliveries_key"),
        UniqueConstraint("subject", "slot", "recipient", name="uq_deliveries_subject_key"),
        Index("ix_deliveries_status_next", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str | None] = mapped_column(String(60))  # None for a round
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    slot: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(200))  # "user:42" | "channel:slack:C0123"
    platform: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(200))  # platform user id or channel id
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    detail: Mapped[str | None] = mapped_column(String(300))  # error code, skip reason
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    @property
    def key(self) -> str:
        """The delivery's identity, also stamped on the platform message for reconciliation.
        Rounds keep the issue-6 form (messages already posted stay recognisable)."""
        if self.subject is None:
            return f"aiga:{self.round_id}:{self.slot}:{self.recipient}"
        return f"aiga:{self.subject}:{self.slot}:{self.recipient}"


class ReminderMute(Base):
    """A user who asked for no more reminders in one round (one button)."""

    __tablename__ = "reminder_mutes"
    __table_args__ = (UniqueConstraint("round_id", "user_id", name="uq_reminder_mutes_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    muted_at: Mapped[datetime] = mapped_column(UTCDateTime)


# ----- slots ------------------------------------------------------------------------------------


def _of(model, round_id: int | None, subject: str | None):
    """The WHERE clause for one round's rows or one subject's rows."""
    return model.subject == subject if subject is not None else model.round_id == round_id


def slots_for(session: Session, round_id: int) -> dict[str, ReminderSlot]:
    rows = session.scalars(select(ReminderSlot).where(_of(ReminderSlot, round_id, None)))
    return {row.name: row for row in rows}


def subject_slots(session: Session, subject: str) -> dict[str, ReminderSlot]:
    rows = session.scalars(select(ReminderSlot).where(_of(ReminderSlot, None, subject)))
    return {row.name: row for row in rows}


def sync_slots(session: Session, round_id: int, wanted: list[tuple[str, str, datetime]],
               now: datetime) -> int:
    return _sync(session, round_id, None, wanted, now)


def sync_subject_slots(session: Session, subject: str, wanted: list[tuple[str, str, datetime]],
                       now: datetime) -> int:
    """`sync_slots` for an event or a broadcast."""
    return _sync(session, None, subject, wanted, now)


def _sync(session: Session, round_id: int | None, subject: str | None,
          wanted: list[tuple[str, str, datetime]], now: datetime) -> int:
    """Make the round's *pending* slots match `wanted` ((name, kind, due_at), …).

    Pending rows move to their new time or are cancelled when no longer wanted; slots that are
    sending, done or missed are never touched, so nothing already sent is planned again.
    Returns how many rows changed.
    """
    existing = (subject_slots(session, subject) if subject is not None
                else slots_for(session, round_id or 0))
    changed = 0
    names = {name for name, _, _ in wanted}
    for name, kind, due_at in wanted:
        row = existing.get(name)
        if row is None:
            session.add(ReminderSlot(subject=subject, round_id=round_id, name=name, kind=kind,
                                     due_at=due_at, status=PENDING, created_at=now,
                                     updated_at=now))
            changed += 1
        elif row.status == PENDING and row.due_at != due_at:
            row.due_at, row.updated_at = due_at, now
            changed += 1
        elif row.status == CANCELLED and row.note == "replanned":
            row.status, row.due_at, row.note, row.updated_at = PENDING, due_at, None, now
            changed += 1
    for name, row in existing.items():
        if name not in names and row.status == PENDING:
            row.status, row.note, row.updated_at = CANCELLED, "replanned", now
            changed += 1
    session.flush()
    return changed


def cancel_pending(session: Session, round_id: int | None, now: datetime, note: str, *,
                   subject: str | None = None) -> int:
    result = session.execute(
        update(ReminderSlot)
        .where(_of(ReminderSlot, round_id, subject), ReminderSlot.status == PENDING)
        .values(status=CANCELLED, note=note, updated_at=now))
    return result.rowcount or 0


def due_slots(session: Session, now: datetime) -> list[ReminderSlot]:
    return list(session.scalars(
        select(ReminderSlot)
        .where(ReminderSlot.status == PENDING, ReminderSlot.due_at <= now)
        .order_by(ReminderSlot.due_at, ReminderSlot.id)))


def open_slots(session: Session) -> list[ReminderSlot]:
    """Slots expanded into deliveries that are not all final yet."""
    return list(session.scalars(select(ReminderSlot).where(ReminderSlot.status == SENDING)))


# ----- deliveries -------------------------------------------------------------------------------


def add_delivery(session: Session, *, round_id: int | None, slot: str, recipient: str,
                 platform: str, address: str, user_id: int | None, org_id: int | None,
                 now: datetime, subject: str | None = None) -> bool:
    """Insert one delivery unless its key exists (then nothing changes). True when added.
    Rounds pass `round_id`; events and broadcasts pass `subject` instead."""
    exists = session.scalar(select(Delivery.id).where(
        _of(Delivery, round_id, subject), Delivery.slot == slot, Delivery.recipient == recipient))
    if exists is not None:
        return False
    try:
        with session.begin_nested():
            session.add(Delivery(subject=subject, round_id=round_id, slot=slot,
                                 recipient=recipient,
                                 platform=platform, address=address, user_id=user_id,
                                 org_id=org_id, status=PENDING, attempts=0, created_at=now,
                                 updated_at=now))
        return True
    except IntegrityError:  # another process added the same key first: that one stands
        return False


def ready_deliveries(session: Session, now: datetime, limit: int = 500) -> list[int]:
    return list(session.scalars(
        select(Delivery.id)
        .where(Delivery.status == PENDING,
               (Delivery.next_attempt_at.is_(None)) | (Delivery.next_attempt_at <= now))
        .order_by(Delivery.id).limit(limit)))


def ready_lanes(session: Session, now: datetime,
                limit: int = 500) -> list[tuple[int, str, str]]:
    """Ready deliveries as (id, platform, address), in id order: the worker sends each
    conversation's in order, several conversations at once."""
    rows = session.execute(
        select(Delivery.id, Delivery.platform, Delivery.address)
        .where(Delivery.status == PENDING,
               (Delivery.next_attempt_at.is_(None)) | (Delivery.next_attempt_at <= now))
        .order_by(Delivery.id).limit(limit))
    return [(row[0], row[1], row[2]) for row in rows]


def claim(session: Session, delivery_id: int, worker: str, now: datetime) -> bool:
    """Move one delivery from pending to sending; exactly one caller wins (conditional UPDATE)."""
    result = session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.status == PENDING)
        .values(status=SENDING, claimed_by=worker, updated_at=now,
                attempts=Delivery.attempts + 1,
                first_claimed_at=func.coalesce(Delivery.first_claimed_at,
                                               literal(now, UTCDateTime())))
        .execution_options(synchronize_session=False))
    return (result.rowcount or 0) == 1


def finish(session: Session, delivery_id: int, status: str, now: datetime, *,
           detail: str | None = None, retry_at: datetime | None = None) -> None:
    """Record how a claimed delivery ended (or put it back as pending for a retry)."""
    values: dict[str, object] = {"status": status, "updated_at": now, "detail": detail}
    if status == SENT:
        values["sent_at"] = now
    if status == PENDING:
        values["next_attempt_at"] = retry_at
    session.execute(update(Delivery).where(Delivery.id == delivery_id, Delivery.status == SENDING)
                    .values(**values))


def orphans(session: Session) -> list[Delivery]:
    """Deliveries a worker claimed and never finished (it was killed or lost its database)."""
    return list(session.scalars(select(Delivery).where(Delivery.status == SENDING)
                                .order_by(Delivery.id)))


def unfinished_count(session: Session, round_id: int | None, slot: str, *,
                     subject: str | None = None) -> int:
    return len(session.scalars(select(Delivery.id).where(
        _of(Delivery, round_id, subject), Delivery.slot == slot,
        Delivery.status.in_((PENDING, SENDING)))).all())


def deliveries_for(session: Session, round_id: int | None,
                   statuses: tuple[str, ...] | None = None, *, subject: str | None = None,
                   ) -> list[Delivery]:
    query = select(Delivery).where(_of(Delivery, round_id, subject))
    if statuses:
        query = query.where(Delivery.status.in_(statuses))
    return list(session.scalars(query.order_by(Delivery.id)))


def find_delivery(session: Session, subject: str, slot: str, recipient: str) -> Delivery | None:
    """One subject's delivery by its key (e.g. the announcement a change supersedes)."""
    return session.scalar(select(Delivery).where(
        Delivery.subject == subject, Delivery.slot == slot, Delivery.recipient == recipient))


# ----- mutes ------------------------------------------------------------------------------------


def mute(session: Session, round_id: int, user_id: int, now: datetime) -> bool:
    """True when newly muted; False when it already was."""
    if is_muted(session, round_id, user_id):
        return False
    try:
        with session.begin_nested():
            session.add(ReminderMute(round_id=round_id, user_id=user_id, muted_at=now))
        return True
    except IntegrityError:
        return False


def unmute(session: Session, round_id: int, user_id: int) -> bool:
    row = session.scalar(select(ReminderMute).where(ReminderMute.round_id == round_id,
                                                    ReminderMute.user_id == user_id))
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def is_muted(session: Session, round_id: int, user_id: int) -> bool:
    return session.scalar(select(ReminderMute.id).where(
        ReminderMute.round_id == round_id, ReminderMute.user_id == user_id)) is not None


def mutes_for(session: Session, round_id: int) -> list[ReminderMute]:
    return list(session.scalars(select(ReminderMute).where(ReminderMute.round_id == round_id)
                                .order_by(ReminderMute.muted_at)))
