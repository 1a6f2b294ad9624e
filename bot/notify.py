"""Outgoing messages the bot starts itself (announcements, reminders, summaries, event notices,
broadcasts): the protocol.

The worker speaks only this protocol; each platform (bot/slack_notify.py, bot/teams/notify.py)
implements it. A send says how it ended so the worker can decide without knowing the platform:

* SENT — delivered;
* RETRY — a platform hiccup (429, 5xx, a dropped connection): try again later with backoff;
* GONE — permanent (the user left, DMs are blocked, the channel is archived): recorded and shown
  to the secretariat, never retried;
* BLOCKED — the platform refuses us entirely (a revoked token): stop sending on that platform
  this tick, keep everything pending.

Because a dropped connection can hide a message that was in fact posted, every send carries the
delivery's key and `was_sent` asks the platform whether a message with that key already exists.
The worker calls it before every retry and for every send a killed worker left unfinished, so a
message is never posted twice and never silently lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from handlers.types import Lang, Reply


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"
    GONE = "gone"
    BLOCKED = "blocked"


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    detail: str = ""  # an error code for people ("user_not_found"), never a token or a body
    retry_after: float | None = None  # seconds, when the platform said so (429 Retry-After)

    @classmethod
    def sent(cls) -> SendResult:
        return cls(Outcome.SENT)

    @classmethod
    def retry(cls, detail: str, retry_after: float | None = None) -> SendResult:
        return cls(Outcome.RETRY, detail, retry_after)

    @classmethod
    def gone(cls, detail: str) -> SendResult:
        return cls(Outcome.GONE, detail)

    @classmethod
    def blocked(cls, detail: str) -> SendResult:
        return cls(Outcome.BLOCKED, detail)


@dataclass(frozen=True)
class Target:
    """Where a message goes: a user's DM or a channel, on one platform.

    A plain value rather than the `User` row, so it crosses threads and the event loop safely.
    """

    platform: str  # "slack" | "teams"
    address: str  # the platform's user id (direct) or channel id
    direct: bool = True

    @property
    def recipient(self) -> str:
        """The recipient part of a delivery's unique key for a channel."""
        return f"channel:{self.platform}:{self.address}"


class Notifier(Protocol):
    """One platform's way to post proactively."""

    platform: str

    async def send_direct(self, target: Target, replies: list[Reply], key: str) -> SendResult:
        """Post `replies` to the user's DM, stamped with `key`."""
        ...

    async def send_channel(self, target: Target, replies: list[Reply], key: str) -> SendResult:
        """Post `replies` to a channel the bot is in, stamped with `key`."""
        ...

    async def was_sent(self, target: Target, key: str, since: datetime) -> bool | None:
        """True / False if the platform can tell whether a message with `key` was posted since
        `since`; None when it cannot (the worker then reports the delivery as uncertain rather
        than risk sending it twice)."""
        ...

    async def update_message(self, target: Target, key: str, replies: list[Reply],
                             since: datetime) -> bool:
        """Rewrite the message stamped with `key` posted since `since` (an event's original
        announcement after a change or cancellation); False when it cannot be found or the
        platform refuses. Best effort: the worker never retries it."""
        ...

    async def language(self, target: Target) -> Lang | None:
        """The user's language as the platform knows it (no network call), if known."""
        ...

    async def close(self) -> None:
        ...


def parse_targets(value: str, setting: str) -> list[Target]:
    """"slack:C0123,slack:C0456" → channel targets; ValueError naming the setting."""
    targets = []
    for entry in filter(None, (x.strip() for x in value.split(","))):
        platform, _, address = entry.partition(":")
        if platform not in ("slack", "teams") or not address:
            raise ValueError(f"setting {setting}: '{entry}' is not like slack:C0123ABC")
        targets.append(Target(platform, address, direct=False))
    return targets
