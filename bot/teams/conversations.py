"""Conversation references, taken from every turn and kept in the database.

A reference is what `continue_conversation` needs to post later without being asked: service
URL, conversation, bot and (for a personal chat) user. It is stored without the triggering
activity's id, so a proactive message starts a new post instead of replying to an old one, and
a channel's reference points at the channel itself, not at the thread the mention was in.
"""

from __future__ import annotations

import asyncio
import json
import threading
from copy import copy
from datetime import datetime

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ConversationReference
from cachetools import LRUCache
from sqlalchemy.orm import Session

from bot.teams import ingress
from store import teams as store
from store.db import Database

STORED_MAX = 10_000  # members and channels remembered per process (a few hundred in practice)


class Stored:
    """(kind, key) → the reference, chat type, service URL and tenant as this process stored
    them; bounded, and locked: arrivals of different members run in different threads, and
    an LRU's eviction is several steps."""

    def __init__(self, maxsize: int = STORED_MAX) -> None:
        self._marks: LRUCache = LRUCache(maxsize=maxsize)
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> str | None:
        with self._lock:
            return self._marks.get(key)

    def update(self, stored: list[tuple[tuple[str, str], str]]) -> None:
        with self._lock:
            self._marks.update(stored)

    def __len__(self) -> int:
        with self._lock:
            return len(self._marks)


def stored_memo() -> Stored:
    return Stored()


def references_of(activity: Activity) -> list[tuple[str, str, dict]]:
    """(kind, key, reference) for this turn: the user's personal chat, or the channel."""
    reference = TurnContext.get_conversation_reference(activity)
    reference.activity_id = None
    kind = ingress.conversation_type(activity)
    if kind == "personal":
        return [(store.USER, ingress.user_key(activity), reference.serialize())]
    conversation = copy(reference.conversation)
    conversation.id = ingress.base_conversation_id(conversation.id)
    reference.conversation = conversation
    reference.user = None
    return [(store.CHANNEL, conversation.id, reference.serialize())]


def remember(database: Database, activity: Activity, now: datetime) -> None:
    """Store or refresh this turn's reference (runs in a worker thread)."""
    with database.transaction() as session:
        remember_in(session, activity, now)


def remember_in(session: Session, activity: Activity, now: datetime,
                memo: Stored | None = None) -> list[tuple[tuple[str, str], str]]:
    """The same within a transaction of the caller's (a message turn's arrival, bot/teams/app.py,
    which reads the member's cached profile in it too: one hand-off instead of two).

    With `memo` (what this process stored, by kind and key): a reference stored as it is now
    costs one UPDATE that writes only if another process changed it meanwhile, instead of a
    read and a compare (issue 19). Returns what to put in the memo once the caller's
    transaction has committed (nothing stored is remembered before it is)."""
    kind = ingress.conversation_type(activity)
    tenant = ingress.tenant_id(activity)
    url = activity.service_url
    stored: list[tuple[tuple[str, str], str]] = []
    for ref_kind, key, reference in references_of(activity):
        values = {"kind": ref_kind, "key": key, "reference": reference,
                  "conversation_type": kind, "service_url": url, "tenant_id": tenant, "now": now}
        mark = json.dumps([reference, kind, url, tenant], sort_keys=True, default=str)
        if memo is not None and memo.get((ref_kind, key)) == mark:
            store.refresh_known_reference(session, **values)
        else:
            store.save_reference(session, **values)
        stored.append(((ref_kind, key), mark))
    return stored


async def remember_async(database: Database, activity: Activity, now: datetime) -> None:
    await asyncio.to_thread(remember, database, activity, now)


def as_reference(row: store.TeamsReference) -> ConversationReference:
    return ConversationReference().deserialize(row.reference)
