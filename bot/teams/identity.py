"""Who a Teams user is: e-mail / UPN (to find their member company by domain) and name.

Teams does not put the e-mail in the activity; the member info call (TeamsInfo.get_member) does.
The answer is kept in `teams_profiles` for PROFILE_TTL, so a busy assessment does not cost one
connector call per click and a restart does not forget it. When the call fails, the last known
profile is used; with none, the turn goes on without an e-mail (the router then explains how to
ask the secretariat to link the account).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo
from cachetools import LRUCache
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.teams import ingress
from store import teams as store
from store.db import Database

log = logging.getLogger(__name__)
LOOKUP_TIMEOUT = 10.0  # seconds, retries included; the user is waiting for an answer
PROFILE_MEMORY = 4096  # members whose fresh profile a process keeps in memory (LRU)


@dataclass(frozen=True)
class Profile:
    email: str | None = None
    name: str | None = None


class Identity:
    """Profiles from `teams_profiles`, with the fresh ones also kept in memory: every message
    of a member needs one, and reading it was a statement per message (issue 19). A kept
    profile expires when its row does (the row's `fetched_at` + PROFILE_TTL), so a process
    is never staler than the table; this process's own saves replace it at once."""

    def __init__(self, database: Database, clock: Callable[[], datetime]) -> None:
        self.db = database
        self.clock = clock
        self._memory: LRUCache[str, tuple[Profile, datetime]] = LRUCache(PROFILE_MEMORY)
        self._lock = threading.Lock()  # arrivals of different members run in several threads

    async def profile(self, context: TurnContext, *, known: Profile | None = None) -> Profile:
        """`known`: the cached profile, already read by the caller in its own transaction."""
        key = ingress.user_key(context.activity)
        cached = known if known is not None else await asyncio.to_thread(self._load, key)
        if cached is not None:
            return cached
        try:
            member = await asyncio.wait_for(self._fetch(context), LOOKUP_TIMEOUT)
        except Exception as exc:  # any connector or timeout error: go on without an e-mail
            log.info("teams: member info not available (%s)", type(exc).__name__)
            return await asyncio.to_thread(self._load, key, True) or Profile()
        email = _mail(getattr(member, "email", None)) or _mail(
            getattr(member, "user_principal_name", None))
        upn = getattr(member, "user_principal_name", None)
        name = getattr(member, "name", None)
        await asyncio.to_thread(self._save, key, email, upn if isinstance(upn, str) else None,
                                name if isinstance(name, str) else None)
        return Profile(email=email, name=name if isinstance(name, str) else None)

    async def _fetch(self, context: TurnContext):
        activity = context.activity
        if not isinstance(activity.channel_data, dict):
            activity.channel_data = {}  # TeamsInfo reads it with ** and fails on None
        return await TeamsInfo.get_member(context, activity.from_property.id)

    def _load(self, key: str, stale_ok: bool = False) -> Profile | None:
        with self.db.transaction() as session:
            return self.load_in(session, key, stale_ok)

    def load_in(self, session: Session, key: str, stale_ok: bool = False) -> Profile | None:
        """The cached profile (younger than PROFILE_TTL unless `stale_ok`), from memory or
        read in `session`."""
        now = self.clock()
        if not stale_ok and (kept := self._kept(key, now)) is not None:
            return kept
        if stale_ok:
            row = session.scalar(select(store.TeamsProfile).where(
                store.TeamsProfile.aad_object_id == key[:store.KEY_MAX]))
        else:
            row = store.cached_profile(session, key, now)
        if row is None:
            return None
        profile = Profile(email=row.email or _mail(row.upn), name=row.name)
        if now - row.fetched_at <= store.PROFILE_TTL:
            self._keep(key, profile, row.fetched_at)
        return profile

    def _kept(self, key: str, now: datetime) -> Profile | None:
        with self._lock:
            kept = self._memory.get(key)
        if kept is None or now - kept[1] > store.PROFILE_TTL:
            return None
        return kept[0]

    def _keep(self, key: str, profile: Profile, fetched_at: datetime) -> None:
        with self._lock:
            self._memory[key] = (profile, fetched_at)

    def _save(self, key: str, email: str | None, upn: str | None, name: str | None) -> None:
        now = self.clock()
        name = name[:200] if name else None
        with self.db.transaction() as session:
            store.save_profile(session, key, email=email, upn=upn, name=name, now=now)
        self._keep(key, Profile(email=email or _mail(upn), name=name), now)  # once committed


def _mail(value: object) -> str | None:
    """An address-looking string, else None (a UPN is often, not always, the e-mail)."""
    if isinstance(value, str) and "@" in value and len(value) <= 320 and " " not in value:
        return value.strip()
    return None
