"""What the results feature records: who exported what, and each round's frozen benchmark.

Both tables are append-once records. The audit log answers "who took which figures out of the
system, and when"; the benchmark snapshot is the population a round's member benchmark was
computed from, frozen the first time it was published so that no later submission can change a
published figure (a changed average would reveal the newcomer's answers by subtraction).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.models import Base
from store.types import UTCDateTime


class AuditEvent(Base):
    """One export or view of association-wide figures: actor, time, action, target, details."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(200))  # "slack:U123", "cli:tanaka", "system"
    action: Mapped[str] = mapped_column(String(60))  # "report.export.xlsx", "benchmark.freeze"
    target: Mapped[str] = mapped_column(String(200))  # "round:3"
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


class BenchmarkSnapshot(Base):
    """A round's benchmark population, frozen at first publication; anonymous value lists only.

    `data` holds, per cell (overall, each area, each item), the sorted values of the companies
    in the population — never which company gave which value.
    """

    __tablename__ = "benchmark_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), unique=True
    )
    rubric_version: Mapped[str] = mapped_column(String(20))
    population: Mapped[int] = mapped_column(Integer)  # companies in the snapshot
    frozen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    data: Mapped[dict] = mapped_column(JSON, default=dict)


def record(session: Session, *, actor: str, action: str, target: str, now: datetime,
           detail: dict | None = None) -> AuditEvent:
    """Append one audit event in the caller's transaction (it commits with the work it logs)."""
    event = AuditEvent(at=now, actor=actor, action=action, target=target, detail=detail or {})
    session.add(event)
    session.flush()
    return event


def events(session: Session, *, action_prefix: str = "") -> list[AuditEvent]:
    """Audit events, oldest first, optionally only those whose action starts with a prefix."""
    query = select(AuditEvent).order_by(AuditEvent.at, AuditEvent.id)
    if action_prefix:
        query = query.where(AuditEvent.action.startswith(action_prefix))
    return list(session.scalars(query))


def snapshot_for(session: Session, round_id: int) -> BenchmarkSnapshot | None:
    return session.scalar(select(BenchmarkSnapshot).where(BenchmarkSnapshot.round_id == round_id))
