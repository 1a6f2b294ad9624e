"""Events (All-Hands, Stand-Up, Spotlight, …), their RSVPs, the recurring All-Hands rule, and
broadcasts. What is sent, and when, lives in `reminder_slots` / `deliveries` (store/reminders.py)
under the subjects "event:<id>" and "broadcast:<id>": the same exactly-once record as rounds.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.models import Base
from store.types import UTCDateTime

# event states
PROPOSED, DECLINED = "proposed", "declined"  # a member's Stand-Up before the secretariat decides
PLANNED, ANNOUNCED, CANCELLED, HELD = "planned", "announced", "cancelled", "held"
LIVE = (PLANNED, ANNOUNCED)

# broadcast states
SCHEDULED, SENDING_B, DONE_B, CANCELLED_B = "scheduled", "sending", "done", "cancelled"


class EventRule(Base):
    """A recurring event, e.g. the monthly All-Hands on the third Thursday at 12:00."""

    __tablename__ = "event_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title_ja: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str | None] = mapped_column(String(200))
    nth: Mapped[int] = mapped_column(Integer)  # 1…4; -1 = the last such weekday
    weekday: Mapped[int] = mapped_column(Integer)  # 0 = Monday … 6 = Sunday
    start_time: Mapped[str] = mapped_column(String(5))  # "12:00", Asia/Tokyo
    minutes: Mapped[int] = mapped_column(Integer)
    place: Mapped[str | None] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(String(500))
    holiday: Mapped[str] = mapped_column(String(10))  # "next" | "previous" | "skip"
    months_ahead: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("rule_id", "occurrence", name="uq_events_rule_occurrence"),
        Index("ix_events_status_start", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title_ja: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str | None] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str | None] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(String(500))
    agenda: Mapped[list] = mapped_column(JSON, default=list)
    organiser: Mapped[str | None] = mapped_column(String(200))
    org_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"))
    summary: Mapped[str | None] = mapped_column(String(2000))  # a Stand-Up proposal's summary
    number: Mapped[int | None] = mapped_column(Integer)  # Spotlight #n
    status: Mapped[str] = mapped_column(String(20), default=PLANNED)
    sequence: Mapped[int] = mapped_column(Integer, default=0)  # iCalendar SEQUENCE; changes
    proposed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rule_id: Mapped[int | None] = mapped_column(
        ForeignKey("event_rules.id", ondelete="SET NULL"))
    occurrence: Mapped[str | None] = mapped_column(String(7))  # "2026-12" for a rule's event
    note: Mapped[str | None] = mapped_column(String(500))  # why cancelled / moved
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    @property
    def subject(self) -> str:
        return f"event:{self.id}"


class EventRsvp(Base):
    """One answer per user and event (参加 / 不参加), changeable."""

    __tablename__ = "event_rsvps"
    __table_args__ = (UniqueConstraint("event_id", "user_id", name="uq_event_rsvps_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    answer: Mapped[str] = mapped_column(String(10))  # "yes" | "no"
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Broadcast(Base):
    """An announcement by an admin to every announcement channel and, if `dm`, every linked
    member user — or, with an `audience`, by DM to that audience only (no channel: everyone
    reads a channel); delivered by the worker (subject "broadcast:<id>", slot "send")."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(4000))
    link: Mapped[str | None] = mapped_column(String(1000))
    dm: Mapped[bool] = mapped_column(Boolean, default=False)
    send_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default=SCHEDULED)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # who it is for (store/targeting.py spec: "class:regular&nonsubmitters:3"); None = everyone
    audience: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    @property
    def subject(self) -> str:
        return f"broadcast:{self.id}"


# ----- queries ----------------------------------------------------------------------------------


def upcoming(session: Session, now: datetime, kind: str | None = None,
             limit: int = 10) -> list[Event]:
    query = select(Event).where(Event.status.in_(LIVE), Event.ends_at >= now)
    if kind:
        query = query.where(Event.kind == kind)
    return list(session.scalars(query.order_by(Event.starts_at, Event.id).limit(limit)))


def all_events(session: Session, limit: int = 50) -> list[Event]:
    return list(session.scalars(select(Event).order_by(Event.starts_at.desc(), Event.id)
                                .limit(limit)))


def proposals(session: Session) -> list[Event]:
    return list(session.scalars(select(Event).where(Event.status == PROPOSED)
                                .order_by(Event.id)))


def set_rsvp(session: Session, event_id: int, user_id: int, answer: str,
             now: datetime) -> str | None:
    """Record or change a user's answer; returns the previous answer (None if first)."""
    row = session.scalar(select(EventRsvp).where(EventRsvp.event_id == event_id,
                                                 EventRsvp.user_id == user_id))
    if row is not None:
        before = row.answer
        row.answer, row.updated_at = answer, now
        session.flush()
        return before
    try:
        with session.begin_nested():
            session.add(EventRsvp(event_id=event_id, user_id=user_id, answer=answer,
                                  updated_at=now))
    except IntegrityError:  # a double click raced us: the other insert stands, update it
        row = session.scalar(select(EventRsvp).where(EventRsvp.event_id == event_id,
                                                     EventRsvp.user_id == user_id))
        if row is not None:
            before = row.answer
            row.answer, row.updated_at = answer, now
            return before
    return None


def rsvps(session: Session, event_id: int) -> list[EventRsvp]:
    return list(session.scalars(select(EventRsvp).where(EventRsvp.event_id == event_id)
                                .order_by(EventRsvp.updated_at, EventRsvp.id)))


def rsvp_counts(session: Session, event_id: int) -> dict[str, int]:
    rows = session.execute(select(EventRsvp.answer, func.count())
                           .where(EventRsvp.event_id == event_id)
                           .group_by(EventRsvp.answer)).all()
    counts = {"yes": 0, "no": 0}
    counts.update({answer: n for answer, n in rows})
    return counts


def active_rules(session: Session) -> list[EventRule]:
    return list(session.scalars(select(EventRule).where(EventRule.active.is_(True))
                                .order_by(EventRule.id)))


def occurrence_exists(session: Session, rule_id: int, occurrence: str) -> bool:
    return session.scalar(select(Event.id).where(Event.rule_id == rule_id,
                                                 Event.occurrence == occurrence)) is not None


def next_spotlight_number(session: Session, after: int = 0) -> int:
    """The number after the highest stored Spotlight and after `after` (talks held before the
    bot, e.g. the membership guide's #1–#6)."""
    top = session.scalar(select(func.max(Event.number)).where(Event.kind == "spotlight"))
    return max(top or 0, after) + 1


def spotlight_with_number(session: Session, number: int) -> Event | None:
    """A live or held Spotlight already carrying `number` (a cancelled one frees it)."""
    return session.scalar(select(Event).where(Event.kind == "spotlight", Event.number == number,
                                              Event.status.in_((*LIVE, HELD))).limit(1))


def live_in_period(session: Session, kind: str, start: datetime, end: datetime,
                   exclude_id: int | None = None) -> list[Event]:
    """Live events of `kind` starting in [start, end) (one All-Hands a month)."""
    query = select(Event).where(Event.kind == kind, Event.status.in_(LIVE),
                                Event.starts_at >= start, Event.starts_at < end)
    if exclude_id is not None:
        query = query.where(Event.id != exclude_id)
    return list(session.scalars(query.order_by(Event.starts_at, Event.id)))


def member_proposals(session: Session, now: datetime, limit: int = 20) -> list[Event]:
    """Members' Stand-Ups still ahead, whatever the secretariat decided (the admin's list)."""
    return list(session.scalars(select(Event).where(Event.proposed_by.is_not(None),
                                                    Event.ends_at >= now)
                                .order_by(Event.starts_at, Event.id).limit(limit)))


def linked_member_users(session: Session, platforms: tuple[str, ...]) -> int:
    """How many users linked to a member company are on a platform we can send to."""
    from store.models import User

    return session.scalar(select(func.count()).select_from(User)
                          .where(User.org_id.is_not(None), User.platform.in_(platforms))) or 0
