"""Who the worker delivers to: the queries behind each kind of delivery's recipient list.

Every function takes the platforms the worker can deliver on (those with a configured notifier)
and returns users in a stable order, so a re-expanded slot adds the same rows in the same order.
Rounds' own recipient queries (participants, linked users) stay in store/rounds.py.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from store.events import rsvps
from store.models import User


def admin_users(session: Session, admin_keys: Iterable[str],
                platforms: Iterable[str]) -> list[User]:
    """The secretariat as the settings name it today ("platform:user-id" keys, AIGA_ADMINS).

    Only the settings count, never the `users.is_admin` column alone: a person removed from
    AIGA_ADMINS gets no summary from the next tick on, whether or not they talked to the bot
    since (the router re-syncs the column only when someone writes to it)."""
    kinds = set(platforms)
    pairs = sorted({(p, u) for p, _, u in (k.partition(":") for k in admin_keys)
                    if p in kinds and u})
    if not pairs:
        return []
    return list(session.scalars(
        select(User).where(tuple_(User.platform, User.platform_user_id).in_(pairs))
        .order_by(User.id)))


def member_users(session: Session, platforms: Iterable[str]) -> list[User]:
    """Every user linked to a member company on a deliverable platform (a broadcast's DMs)."""
    kinds = list(platforms)
    if not kinds:
        return []
    return list(session.scalars(select(User).where(User.org_id.is_not(None),
                                                   User.platform.in_(kinds))
                                .order_by(User.id)))


def attending_users(session: Session, event_id: int, platforms: Iterable[str]) -> list[User]:
    """Users who answered 参加 (yes) to an event, in the order they answered."""
    kinds = set(platforms)
    going = [r.user_id for r in rsvps(session, event_id) if r.answer == "yes"]
    return [u for u in (session.get(User, i) for i in going)
            if u is not None and u.platform in kinds]


def user_on(session: Session, user_id: int | None, platforms: Iterable[str]) -> list[User]:
    """One user (a broadcast's sender) if they exist and are on a deliverable platform."""
    user = session.get(User, user_id) if user_id is not None else None
    return [user] if user is not None and user.platform in set(platforms) else []
