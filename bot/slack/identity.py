"""Who a Slack user is: e-mail (to find their member company), locale (ja/en), name, DM channel.

users.info is asked once and the answer kept in `slack_profiles` for PROFILE_TTL, so a busy
assessment does not cost one Web API call per click and a restart does not forget it; each
process also keeps the last PROFILE_CACHE profiles it used in memory (updated whenever it writes
one), so a warm click costs no database round trip at all. When Slack
cannot be reached the last known profile is used; with none, the turn goes on without an e-mail
(the router then says politely how to ask the secretariat).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from bot.slack.client import SLACK_ERRORS, describe_error
from handlers.text import locale_to_lang
from handlers.types import Lang
from store.db import Database
from store.models import User
from store.slack import SlackProfile

log = logging.getLogger(__name__)
PROFILE_TTL = timedelta(hours=12)
PROFILE_CACHE = 4096  # users kept in memory per process (LRU); the table holds them all


@dataclass(frozen=True)
class Profile:
    user_id: str
    email: str | None = None
    locale: str | None = None  # Slack's, e.g. "ja-JP"
    name: str | None = None
    dm_channel: str | None = None


class Identity:
    """users.info and conversations.open, cached in the database."""

    def __init__(self, client: AsyncWebClient, database: Database,
                 clock: Callable[[], datetime]) -> None:
        self.client = client
        self.db = database
        self.clock = clock
        self._memory: OrderedDict[str, tuple[Profile, datetime]] = OrderedDict()
        self._memory_lock = threading.Lock()  # written from worker threads

    async def profile(self, user_id: str) -> Profile:
        cached = await self._cached(user_id)
        if cached is not None and self.clock() - cached[1] < PROFILE_TTL:
            return cached[0]
        fresh = await self._fetch(user_id, cached[0] if cached else None)
        if fresh is None:
            return cached[0] if cached else Profile(user_id)
        await self._store(self._save, fresh)
        return fresh

    async def dm_channel(self, user_id: str) -> str:
        """The bot's DM with this user (conversations.open is idempotent, but cached anyway)."""
        cached = await self._cached(user_id)
        if cached is not None and cached[0].dm_channel:
            return cached[0].dm_channel
        response = await self.client.conversations_open(users=user_id)
        channel = response["channel"]["id"]
        await self._store(self._remember_dm, user_id, channel)
        return channel

    async def remember_dm(self, user_id: str, channel: str) -> None:
        """A message.im event tells us the DM channel for free (a write only when it is new)."""
        known = self._recall(user_id)
        if known is not None and known[0].dm_channel == channel:
            return
        await self._store(self._remember_dm, user_id, channel)

    async def lang(self, user_id: str, profile: Profile) -> Lang:
        """The language for adapter sentences: explicit choice, then Slack's locale, then ja."""
        try:
            return await asyncio.to_thread(self._lang, user_id, profile)
        except SQLAlchemyError:
            return locale_to_lang(profile.locale) or "ja"

    # ----- the cache is a help, not a must: a database outage must not stop the turn -------

    async def _cached(self, user_id: str) -> tuple[Profile, datetime] | None:
        known = self._recall(user_id)
        if known is not None and self.clock() - known[1] < PROFILE_TTL:
            return known
        try:
            return await asyncio.to_thread(self._load, user_id)
        except SQLAlchemyError:
            log.warning("profile cache unavailable")
            return None

    async def _store(self, func: Callable[..., None], *args: object) -> None:
        try:
            await asyncio.to_thread(_once_more_on_race, func, *args)
        except SQLAlchemyError:
            log.warning("profile cache not updated")

    def _recall(self, user_id: str) -> tuple[Profile, datetime] | None:
        with self._memory_lock:
            known = self._memory.get(user_id)
            if known is not None:
                self._memory.move_to_end(user_id)
            return known

    def _keep(self, profile: Profile, fetched_at: datetime) -> None:
        with self._memory_lock:
            self._memory[profile.user_id] = (profile, fetched_at)
            self._memory.move_to_end(profile.user_id)
            while len(self._memory) > PROFILE_CACHE:
                self._memory.popitem(last=False)

    # ----- Slack -----------------------------------------------------------------------------

    async def _fetch(self, user_id: str, old: Profile | None) -> Profile | None:
        try:
            response = await self.client.users_info(user=user_id, include_locale=True)
        except SLACK_ERRORS as exc:
            log.warning("users.info failed for %s: %s", user_id, describe_error(exc))
            return None
        user = response.get("user") or {}
        profile = user.get("profile") or {}
        name = profile.get("display_name") or profile.get("real_name") or user.get("real_name")
        return Profile(user_id=user_id, email=profile.get("email") or None,
                       locale=user.get("locale") or None, name=name or None,
                       dm_channel=old.dm_channel if old else None)

    # ----- database (run in a worker thread) -------------------------------------------------

    def _load(self, user_id: str) -> tuple[Profile, datetime] | None:
        with self.db.transaction() as session:
            row = session.get(SlackProfile, user_id)
            if row is None:
                return None
            found = (Profile(user_id, row.email, row.locale, row.name, row.dm_channel),
                     row.fetched_at)
        self._keep(*found)
        return found

    def _save(self, profile: Profile) -> None:
        with self.db.transaction() as session:
            row = session.get(SlackProfile, profile.user_id)
            if row is None:
                row = SlackProfile(slack_user_id=profile.user_id)
                session.add(row)
            row.email, row.locale, row.name = profile.email, profile.locale, profile.name
            row.dm_channel = row.dm_channel or profile.dm_channel
            row.fetched_at = self.clock()
            saved = (Profile(profile.user_id, row.email, row.locale, row.name, row.dm_channel),
                     row.fetched_at)
        self._keep(*saved)

    def _remember_dm(self, user_id: str, channel: str) -> None:
        with self.db.transaction() as session:
            row = session.get(SlackProfile, user_id)
            if row is None:  # fetched_at in the past: the profile itself is still to be asked
                row = SlackProfile(slack_user_id=user_id, dm_channel=channel,
                                   fetched_at=self.clock() - 2 * PROFILE_TTL)
                session.add(row)
            elif row.dm_channel != channel:
                row.dm_channel = channel
            saved = (Profile(user_id, row.email, row.locale, row.name, row.dm_channel),
                     row.fetched_at)
        self._keep(*saved)

    def _lang(self, user_id: str, profile: Profile) -> Lang:
        with self.db.transaction() as session:
            chosen = session.scalar(select(User.locale).where(
                User.platform == "slack", User.platform_user_id == user_id))
        if chosen in ("ja", "en"):
            return chosen  # type: ignore[return-value]
        return locale_to_lang(profile.locale) or "ja"


def _once_more_on_race(func: Callable[..., None], *args: object) -> None:
    """Two processes creating the same profile row at once: the loser updates the winner's."""
    try:
        func(*args)
    except IntegrityError:
        func(*args)
