"""The Slack Web API client: one AsyncWebClient with retries that never block the event loop.

slack_sdk's async retry handlers sleep with asyncio, so a 429 (Retry-After honoured), a dropped
connection or a 5xx delays only the task that hit it, never the other users' turns.
"""

from __future__ import annotations

import asyncio

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

# What a Web API call can raise once the client's own retries are spent.
SLACK_ERRORS = (SlackApiError, SlackClientError, OSError, asyncio.TimeoutError)


def make_client(token: str, base_url: str, *, timeout: int = 15) -> AsyncWebClient:
    """A client for `base_url` (Slack, GovSlack or a test's fake) with the retry policy."""
    return AsyncWebClient(
        token=token,
        base_url=base_url,
        timeout=timeout,
        retry_handlers=[
            AsyncRateLimitErrorRetryHandler(max_retry_count=3),
            AsyncConnectionErrorRetryHandler(max_retry_count=3),
            AsyncServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def describe_error(exc: BaseException) -> str:
    """The Slack error code or the exception type: never the request (it holds the token)."""
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error", "error"))
    return type(exc).__name__
