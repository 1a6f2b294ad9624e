"""Entra ID tokens for the bot's outgoing calls, fetched off the event loop and shared by turns.

botbuilder gives every connector client fresh `MicrosoftAppCredentials`, and msrest's async
pipeline asks them for a token synchronously (MSAL over `requests`) on the event loop, before
each request. With a fresh MSAL application per client that meant a round trip to Entra ID per
turn, and a slow token endpoint stalled every other turn of the process. So before a request
goes out (a pipeline policy, bot/teams/connector.py), the client's credentials get the one MSAL
application kept for that identity — whose in-memory cache then serves every turn — and, unless
a token was fetched moments ago, the fetch runs in a worker thread, one at a time per identity.
The pipeline's own call afterwards is a cache hit. A turn that sends nothing asks for no token.
Certificate or managed-identity credentials are left as they are.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from botframework.connector.auth import MicrosoftAppCredentials

TOKEN_TIMEOUT = 20.0  # seconds Entra ID may take to issue a token
TOKEN_FRESH = 300.0  # seconds after a fetch when MSAL surely answers from its cache (tokens
# live an hour and MSAL renews them five minutes before they expire)


class TokenUnavailable(Exception):
    """Entra ID gave no token for an outgoing call: refused, unreachable or too slow."""


class OutgoingTokens:
    """One MSAL application per bot identity, and when its token was last fetched."""

    def __init__(self, *, timeout: float = TOKEN_TIMEOUT, fresh: float = TOKEN_FRESH,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.timeout = timeout
        self.fresh = fresh
        self.clock = clock
        self._apps: dict[tuple[str, ...], object] = {}
        self._fresh_until: dict[tuple[str, ...], float] = {}
        self._locks: dict[tuple[str, ...], asyncio.Lock] = {}

    async def prepare(self, credentials: object) -> None:
        """Make `credentials` answer from the shared cache; fetch into it first if needed."""
        if not isinstance(credentials, MicrosoftAppCredentials) or not (
                credentials.microsoft_app_id):
            return  # no app id (local tests) or another kind of credentials
        key = (type(credentials).__name__, credentials.microsoft_app_id,
               str(credentials.oauth_endpoint), str(credentials.oauth_scope))
        if self._share(credentials, key):
            return
        async with self._locks.setdefault(key, asyncio.Lock()):
            if self._share(credentials, key):  # another turn fetched it while this one waited
                return
            try:
                await asyncio.wait_for(asyncio.to_thread(credentials.get_access_token),
                                       self.timeout)
            except Exception as exc:  # PermissionError (refused), network errors, the timeout
                raise TokenUnavailable(type(exc).__name__) from exc
            self._apps[key] = credentials.app
            self._fresh_until[key] = self.clock() + self.fresh

    def _share(self, credentials: MicrosoftAppCredentials, key: tuple[str, ...]) -> bool:
        """Give the credentials the shared application; True when its token is surely fresh."""
        if key in self._apps:
            credentials.app = self._apps[key]
        return self.clock() < self._fresh_until.get(key, 0.0)
