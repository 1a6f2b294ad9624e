"""What the Teams adapter must remember across processes and restarts.

* `teams_references` — each user's personal chat and each channel / group chat the bot was
  talked to in, as a Bot Framework conversation reference (service URL included), refreshed on
  every turn. Reminders and broadcasts send proactively with it, whichever process runs them and
  however long after. A 403 (the user blocked or uninstalled the bot) marks it unusable, so
  nobody keeps retrying it; the user's next message makes it usable again.
* `teams_cards` — which activity shows which neutral question `key` to which user, so an
  `Answered(key)` reply can replace that card (buttons gone) even when the click is handled by
  another process than the one that posted the question. Its columns and rules are the ones
  every platform shares (store/question_messages.py).
* `teams_deliveries` — proactive sends by delivery key: "pending" while a send is under way or
  ended ambiguously (a connection dropped after the request went out), "sent" once Teams
  confirmed it. Teams offers bots no way to read a chat back, so this is how `was_sent` answers.
  `activity_id` is the first activity of the send, so a later change or cancellation of an
  event can update the original announcement (`update_activity`).
* `teams_profiles` — the member info Teams gave for a user (e-mail / UPN, name), cached so a
  busy assessment does not cost one connector call per click.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import (
    JSON,
    Boolean,
    Index,
    String,
    UniqueConstraint,
    bindparam,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, synonym

from store.models import Base
from store.question_messages import ANSWERED as ANSWERED  # the question states, for callers
from store.question_messages import LIVE as LIVE
from store.question_messages import RETIRED as RETIRED
from store.question_messages import QuestionMessage
from store.types import UTCDateTime

USER = "user"  # a personal (1:1) chat, keyed by the user's AAD object id
CHANNEL = "channel"  # a team channel or a group chat, keyed by its conversation id

PROFILE_TTL = timedelta(hours=12)
KEY_MAX = 200
CONVERSATION_MAX = 400


class TeamsReference(Base):
    """A conversation the bot may post to later, and whether it still can."""

    __tablename__ = "teams_references"
    __table_args__ = (UniqueConstraint("kind", "ref_key", name="uq_teams_references_kind_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    ref_key: Mapped[str] = mapped_column(String(CONVERSATION_MAX))
    conversation_type: Mapped[str | None] = mapped_column(String(20))
    service_url: Mapped[str] = mapped_column(String(500))
    tenant_id: Mapped[str | None] = mapped_column(String(64))
    reference: Mapped[dict] = mapped_column(JSON)
    usable: Mapped[bool] = mapped_column(Boolean, default=True)
    failure: Mapped[str | None] = mapped_column(String(200))
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TeamsCard(QuestionMessage, Base):
    """One question card the bot posted, and whether its buttons are still live (the rules:
    store/question_messages.py)."""

    __tablename__ = "teams_cards"
    __table_args__ = (Index("ix_teams_cards_user_state", "aad_object_id", "state"),)
    OWNER_MAX, CONVERSATION_MAX, MESSAGE_MAX = KEY_MAX, CONVERSATION_MAX, KEY_MAX
    PER_CONVERSATION = True  # a member has a personal chat and channels, each with its question

    aad_object_id: Mapped[str] = mapped_column(String(KEY_MAX))
    conversation_id: Mapped[str] = mapped_column(String(CONVERSATION_MAX))
    activity_id: Mapped[str] = mapped_column(String(KEY_MAX))
    owner = synonym("aad_object_id")
    conversation = synonym("conversation_id")
    message = synonym("activity_id")


class TeamsDelivery(Base):
    """A proactive send the worker asked for, by its delivery key and address."""

    __tablename__ = "teams_deliveries"
    __table_args__ = (UniqueConstraint("key", "address", name="uq_teams_deliveries_key_address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY_MAX))
    address: Mapped[str] = mapped_column(String(CONVERSATION_MAX))
    state: Mapped[str] = mapped_column(String(20))  # pending | sent
    activity_id: Mapped[str | None] = mapped_column(String(KEY_MAX))  # the first one posted
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TeamsProfile(Base):
    """Teams member info, cached: who an AAD object id is (e-mail, UPN, name)."""

    __tablename__ = "teams_profiles"

    aad_object_id: Mapped[str] = mapped_column(String(KEY_MAX), primary_key=True)
    email: Mapped[str | None] = mapped_column(String(320))
    upn: Mapped[str | None] = mapped_column(String(320))
    name: Mapped[str | None] = mapped_column(String(200))
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)


# ----- conversation references ------------------------------------------------------------------


def save_reference(session: Session, *, kind: str, key: str, reference: dict,
                   conversation_type: str | None, service_url: str, tenant_id: str | None,
                   now: datetime) -> TeamsReference:
    """Insert or refresh one reference; a fresh turn also makes an unusable one usable again."""
    row = reference_for(session, kind, key)
    if row is None:
        try:
            with session.begin_nested():
                row = TeamsReference(kind=kind, ref_key=key[:CONVERSATION_MAX],
                                     conversation_type=conversation_type,
                                     service_url=service_url[:500], tenant_id=tenant_id,
                                     reference=reference, usable=True, updated_at=now)
                session.add(row)
            return row
        except IntegrityError:  # another process stored it a moment ago: refresh that row
            row = reference_for(session, kind, key)
            assert row is not None
    changed = (row.reference != reference or row.service_url != service_url[:500]
               or not row.usable or row.tenant_id != tenant_id)
    if changed:
        row.reference = reference
        row.service_url = service_url[:500]
        row.tenant_id = tenant_id
        row.conversation_type = conversation_type
        row.usable, row.failure, row.failed_at = True, None, None
        row.updated_at = now
    return row


_REFERENCES = TeamsReference.__table__
# built once: it runs on every Teams message, and building it cost more than running it
_REFRESH_KNOWN = update(_REFERENCES).where(
    _REFERENCES.c.kind == bindparam("kind_"), _REFERENCES.c.ref_key == bindparam("key_"),
    or_(_REFERENCES.c.usable.is_(False), _REFERENCES.c.service_url != bindparam("url_"),
        _REFERENCES.c.tenant_id.is_distinct_from(bindparam("tenant_"))),
).values(reference=bindparam("reference_"), service_url=bindparam("url_"),
         tenant_id=bindparam("tenant_"), conversation_type=bindparam("type_"), usable=True,
         failure=None, failed_at=None, updated_at=bindparam("now_"))


def refresh_known_reference(session: Session, *, kind: str, key: str, reference: dict,
                            conversation_type: str | None, service_url: str,
                            tenant_id: str | None, now: datetime) -> None:
    """For a reference this process stored as it is now (bot/teams/conversations.py keeps
    that memo): one statement, no read, that writes only when another process or the worker
    changed what matters since — marked it unusable, or stored another service URL or tenant.
    """
    session.connection().execute(_REFRESH_KNOWN, {
        "kind_": kind, "key_": key[:CONVERSATION_MAX], "url_": service_url[:500],
        "tenant_": tenant_id, "reference_": reference, "type_": conversation_type,
        "now_": now})


def reference_for(session: Session, kind: str, key: str) -> TeamsReference | None:
    return session.scalar(select(TeamsReference).where(
        TeamsReference.kind == kind, TeamsReference.ref_key == key[:CONVERSATION_MAX]))


def mark_unusable(session: Session, reference_id: int, reason: str, now: datetime) -> None:
    session.execute(update(TeamsReference).where(TeamsReference.id == reference_id).values(
        usable=False, failure=reason[:200], failed_at=now))


# ----- profiles ---------------------------------------------------------------------------------


def cached_profile(session: Session, aad_object_id: str, now: datetime) -> TeamsProfile | None:
    """The cached member info, if it is younger than PROFILE_TTL."""
    row = session.get(TeamsProfile, aad_object_id[:KEY_MAX])
    if row is None or now - row.fetched_at > PROFILE_TTL:
        return None
    return row


def save_profile(session: Session, aad_object_id: str, *, email: str | None, upn: str | None,
                 name: str | None, now: datetime) -> None:
    row = session.get(TeamsProfile, aad_object_id[:KEY_MAX])
    if row is None:
        try:
            with session.begin_nested():
                session.add(TeamsProfile(aad_object_id=aad_object_id[:KEY_MAX], email=email,
                                         upn=upn, name=name, fetched_at=now))
            return
        except IntegrityError:
            row = session.get(TeamsProfile, aad_object_id[:KEY_MAX])
            assert row is not None
    row.email, row.upn, row.name, row.fetched_at = email, upn, name, now


# ----- proactive deliveries ---------------------------------------------------------------------


def delivery_state(session: Session, key: str, address: str) -> str | None:
    return session.scalar(select(TeamsDelivery.state).where(
        TeamsDelivery.key == key[:KEY_MAX], TeamsDelivery.address == address[:CONVERSATION_MAX]))


def delivery_activity(session: Session, key: str, address: str) -> str | None:
    """The first activity id of a confirmed send, if Teams told us one."""
    return session.scalar(select(TeamsDelivery.activity_id).where(
        TeamsDelivery.key == key[:KEY_MAX], TeamsDelivery.address == address[:CONVERSATION_MAX],
        TeamsDelivery.state == "sent"))


def set_delivery(session: Session, key: str, address: str, state: str | None,
                 now: datetime, activity_id: str | None = None) -> None:
    """Record a send's state (and its first activity id); None forgets it (nothing reached
    Teams)."""
    row = session.scalar(select(TeamsDelivery).where(
        TeamsDelivery.key == key[:KEY_MAX], TeamsDelivery.address == address[:CONVERSATION_MAX]))
    if state is None:
        if row is not None:
            session.delete(row)
        return
    if row is None:
        session.add(TeamsDelivery(key=key[:KEY_MAX], address=address[:CONVERSATION_MAX],
                                  state=state, activity_id=(activity_id or None),
                                  created_at=now, updated_at=now))
    else:
        row.state, row.updated_at = state, now
        if activity_id:
            row.activity_id = activity_id[:KEY_MAX]
