"""The Slack Web API client: one AsyncWebClient with retries that never block the event loop.

slack_sdk's async retry handlers sleep with asyncio, so a 429 (Retry-After honoured), a dropped
connection or a 5xx delays only the task that hit it, never the other users' turns.

`RetryAfterGate` remembers each 429's Retry-After where Slack applies it — per method, and for
chat.postMessage per channel (Slack limits posting per conversation) — so the worker's next call
to the same method and conversation waits it out instead of being refused again, while calls to
other conversations go on.
"""

from __future__ import annotations

import asyncio
import logging
import time
from urllib.parse import urlparse

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

# What a Web API call can raise once the client's own retries are spent.
SLACK_ERRORS = (SlackApiError, SlackClientError, OSError, asyncio.TimeoutError)


def quiet_logger() -> logging.Logger:
    """The clients' logger, with a level of its own.

    slack_sdk decides whether to build its DEBUG lines from `logger.level` — the logger's own
    level, not the effective one — so under a `slack_sdk` logger kept at WARNING
    (bot/logging_setup.py) its module logger (level NOTSET, 0) still formatted every request
    and response, blocks included, into a line nobody logs: ~3 % of an answer's CPU (issue 19).
    """
    logger = logging.getLogger("slack_sdk.web.aiga")
    if logger.level == logging.NOTSET or logger.level < logging.WARNING:
        logger.setLevel(logging.WARNING)  # bodies carry members' answers: never DEBUG here
    return logger


def make_client(token: str, base_url: str, *, timeout: int = 15) -> AsyncWebClient:
    """A client for `base_url` (Slack, GovSlack or a test's fake) with the retry policy."""
    return AsyncWebClient(
        token=token,
        base_url=base_url,
        timeout=timeout,
        logger=quiet_logger(),
        retry_handlers=[
            AsyncRateLimitErrorRetryHandler(max_retry_count=3),
            AsyncConnectionErrorRetryHandler(max_retry_count=3),
            AsyncServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def keep_alive(client: AsyncWebClient) -> aiohttp.ClientSession:
    """One long-lived HTTP session for `client` (call it on the running loop; close it at stop).

    Without it slack_sdk opens a session and a TCP connection per call: one answer's three
    calls cost three connects and teardowns (issue 19). The session keeps the client's timeout;
    a dropped kept-alive connection is retried by the connection-error handler above."""
    session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=client.timeout))
    client.session = session
    return session


def describe_error(exc: BaseException) -> str:
    """The Slack error code or the exception type: never the request (it holds the token)."""
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error", "error"))
    return type(exc).__name__


# methods Slack rate-limits per conversation rather than per workspace
PER_CHANNEL = frozenset({"chat.postMessage"})
RETRY_AFTER_CAP = 120.0  # seconds; a longer Retry-After is not slept through in one call


class RetryAfterGate:
    """Retry-After per method (and per channel for chat.postMessage), shared by every call."""

    def __init__(self, clock=time.monotonic) -> None:
        self.clock = clock
        self.not_before: dict[str, float] = {}
        self.limited = 0  # 429s seen (the benchmark and the tests read it)

    @staticmethod
    def key(method: str, channel: str | None = None) -> str:
        return f"{method}:{channel}" if method in PER_CHANNEL and channel else method

    def hold(self, key: str, seconds: float) -> None:
        self.limited += 1
        until = self.clock() + min(max(seconds, 0.0), RETRY_AFTER_CAP)
        self.not_before[key] = max(self.not_before.get(key, 0.0), until)

    async def wait(self, method: str, channel: str | None = None) -> None:
        """Wait until `method` (to `channel`) may be called again."""
        key = self.key(method, channel)
        delay = self.not_before.get(key, 0.0) - self.clock()
        if delay > 0:
            await asyncio.sleep(delay)


class GateRetryHandler(AsyncRetryHandler):
    """A 429 → record its Retry-After in the gate, wait it out (this task only), retry."""

    def __init__(self, gate: RetryAfterGate, max_retry_count: int = 3) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.gate = gate

    async def _can_retry_async(self, *, state: RetryState, request: HttpRequest,
                               response: HttpResponse | None = None,
                               error: Exception | None = None) -> bool:
        return response is not None and response.status_code == 429

    async def prepare_for_next_attempt_async(self, *, state: RetryState, request: HttpRequest,
                                             response: HttpResponse | None = None,
                                             error: Exception | None = None) -> None:
        if response is None:
            raise error  # type: ignore[misc]
        method = urlparse(request.url).path.rsplit("/", 1)[-1]
        channel = (request.body_params or {}).get("channel")
        self.gate.hold(self.gate.key(method, channel if isinstance(channel, str) else None),
                       retry_after(response.headers))
        state.next_attempt_requested = True
        await self.gate.wait(method, channel if isinstance(channel, str) else None)
        state.increment_current_attempt()


def retry_after(headers) -> float:
    """Seconds from a Retry-After header (any case, list or text); 1 when absent or bad."""
    for name, value in (headers or {}).items():
        if str(name).lower() == "retry-after":
            value = value[0] if isinstance(value, list | tuple) and value else value
            try:
                seconds = float(value)
            except (TypeError, ValueError):
                return 1.0
            return seconds if seconds == seconds and seconds >= 0 else 1.0  # NaN, negative
    return 1.0
