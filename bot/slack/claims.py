"""Exactly-once work across processes: dedupe keys in the database, and whether a click counts.

A turn first claims its key (event id, clicked message, view); a retry, a double click or the
same request on another process finds it taken. A failed turn's claim is released so the user's
retry gets through, also when the database is away at that moment (retried in the background).

A click counts only if it comes from the message that is current for its question: the message
must be the user's live question (store `slack_messages`), or one the bot never recorded as a
question (a form button). A click on a superseded or answered message — a stale client still
showing its buttons, or a re-click later — gets the current question again instead; a second
click within DOUBLE_CLICK of the first is a double click and gets nothing. For a turn, the claim
and that verdict are taken inside the turn's own transaction (bot/slack/turn_hooks.py); this
module keeps the rules, the claims taken on their own (a view, the Home tab) and the release.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import Enum

from sqlalchemy.exc import SQLAlchemyError

from store import slack as store
from store.db import Database

log = logging.getLogger(__name__)

RELEASE_ATTEMPTS, RELEASE_RETRY_SECONDS = 240, 0.5  # a failed turn's claim: retried for 2 min
DOUBLE_CLICK = timedelta(seconds=5)


class Click(Enum):
    COUNTS = "counts"  # the live question's message: the router gets the click
    DOUBLE = "double"  # the same message again within DOUBLE_CLICK (or a retry): nothing
    STALE = "stale"  # a superseded or answered message: re-prompt with the current question


class Claims:
    """Dedupe keys, their release after a failed turn, and the verdict on a click."""

    def __init__(self, database: Database, clock: Callable[[], datetime]) -> None:
        self.db = database
        self.clock = clock
        self.releasing: set[str] = set()  # claims of failed turns, released when the DB is back
        self.retries: set[asyncio.Task] = set()

    async def claim(self, key: str) -> bool:
        try:
            return await asyncio.to_thread(store.claim, self.db, key, self.clock())
        except SQLAlchemyError:  # no database: the router will say so politely
            log.warning("slack: dedupe unavailable; handling %s without it", key)
            return True

    async def take(self, key: str) -> bool:
        """Claim `key`, or take over the claim of a failed turn that could not be released
        while the database was away (this is the user's retry); False for a duplicate."""
        if await self.claim(key):
            return True
        if key in self.releasing:
            self.releasing.discard(key)
            return True
        log.info("slack: duplicate %s skipped", key.split(":", 1)[0])
        return False

    def take_over(self, key: str) -> bool:
        """True once for the claim of a failed turn that could not be released while the
        database was away: this is the user's retry (safe from a worker thread)."""
        if key in self.releasing:
            self.releasing.discard(key)
            return True
        return False

    async def once_per_window(self, key: str) -> bool:
        """True at most once per DOUBLE_CLICK for `key`, across processes (a sliding window,
        store.claim_window); True when the database cannot tell (the router still checks)."""
        try:
            return await asyncio.to_thread(store.claim_window, self.db, key, self.clock(),
                                           DOUBLE_CLICK)
        except SQLAlchemyError:
            return True

    async def is_stale(self, user: str, channel: str, ts: str) -> bool:
        """True for a question message of this user that is no longer live."""
        try:
            state = await asyncio.to_thread(store.message_state, self.db, channel, ts, user)
        except SQLAlchemyError:  # cannot tell: the router still checks the item is current
            return False
        return state is not None and state != store.LIVE

    async def release(self, key: str, spawn_guarded: Callable) -> None:
        try:
            await asyncio.to_thread(store.release, self.db, key)
        except SQLAlchemyError:
            # the database went away during the turn: the claim must still go, or the user's
            # click on the same (still live) question would be dropped as a duplicate forever
            log.warning("slack: could not release %s; retrying in the background",
                        key.split(":", 1)[0])
            self.releasing.add(key)
            # not one of the turns idle() waits for: it may take as long as the outage
            task = asyncio.ensure_future(spawn_guarded(self._release_later(key)))
            self.retries.add(task)
            task.add_done_callback(self.retries.discard)

    async def _release_later(self, key: str) -> None:
        for _ in range(RELEASE_ATTEMPTS):
            await asyncio.sleep(RELEASE_RETRY_SECONDS)
            if key not in self.releasing:
                return  # the user's retry reached this process and took the claim over
            try:
                await asyncio.to_thread(store.release, self.db, key)
            except SQLAlchemyError:
                continue
            self.releasing.discard(key)
            log.info("slack: released %s after the database came back", key.split(":", 1)[0])
            return
        self.releasing.discard(key)
        log.error("slack: gave up releasing %s", key.split(":", 1)[0])

    def stop(self) -> None:
        """At shutdown: stop retrying releases (the database is still away; logged)."""
        for task in list(self.retries):
            task.cancel()
        if self.releasing:
            log.warning("slack: %d failed turns' claims left unreleased at shutdown",
                        len(self.releasing))
