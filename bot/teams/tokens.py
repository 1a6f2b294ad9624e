"""Bot Framework channel tokens, checked on the event loop with keys fetched the safe way.

botbuilder fetches Microsoft's signing keys with `requests.get` and no timeout, so a key endpoint
that hangs pins one thread per request for good. Here the keys are fetched with aiohttp and a
timeout, one fetch at a time (every waiter shares it), cached, and refreshed by a background task
off the request path; an unknown key id may trigger one refresh at most every REFETCH_GAP. A
token is looked at before any key is needed: wrong scheme, an algorithm other than RS256/384/512
(alg none, HS256), a wrong issuer or audience, or an expired token is a 401 at once, so only a
well-formed token for this bot can ever wait for keys — and then for KEY_WAIT seconds at most.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
import jwt
from botframework.connector.auth import AuthenticationConstants, ClaimsIdentity

log = logging.getLogger(__name__)

ALGORITHMS = ("RS256", "RS384", "RS512")
ISSUER = AuthenticationConstants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER  # https://api.botframework.com
DEFAULT_METADATA = AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL
FETCH_TIMEOUT = 5.0  # seconds for metadata + keys together
KEY_WAIT = 6.0  # the longest a request waits for keys
REFRESH_EVERY = 6 * 3600.0  # Microsoft rolls keys with weeks of overlap
REFETCH_GAP = 60.0  # an unknown key id refetches at most this often
LEEWAY = 300  # seconds of clock skew, as the SDK allows
MAX_TOKEN = 8192


class TokenRefused(Exception):
    """The token is not one the Bot Framework issued for this bot (answered with 401)."""


class KeysUnavailable(Exception):
    """The signing keys could not be fetched in time (answered with 503)."""


@dataclass(frozen=True)
class SigningKey:
    key: Any
    endorsements: tuple[str, ...]


class SigningKeys:
    """Microsoft's published signing keys by key id, fetched single-flight with a timeout."""

    def __init__(self, metadata_url: str, *, timeout: float = FETCH_TIMEOUT,
                 refresh_every: float = REFRESH_EVERY, refetch_gap: float = REFETCH_GAP) -> None:
        self.metadata_url = metadata_url
        self.timeout = timeout
        self.refresh_every = refresh_every
        self.refetch_gap = refetch_gap
        self.keys: dict[str, SigningKey] = {}
        self.fetches = 0  # attempts, for tests and the log
        self._loaded_at = 0.0
        self._tried_at = -1e9
        self._inflight: asyncio.Task[None] | None = None
        self._refresher: asyncio.Task[None] | None = None

    async def get(self, kid: str) -> SigningKey | None:
        """The key `kid`; None when the current set lacks it; KeysUnavailable when no set
        could be loaded in time."""
        if kid not in self.keys and time.monotonic() - self._tried_at >= self._gap():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(self.refresh()), KEY_WAIT)
        if not self.keys:
            raise KeysUnavailable("signing keys not loaded")
        return self.keys.get(kid)

    def _gap(self) -> float:
        # with no keys at all, a new attempt may follow the last one at once (still one at a time)
        return self.refetch_gap if self.keys else 0.0

    def refresh(self) -> asyncio.Task[None]:
        """The fetch under way, or a new one: never two at once."""
        if self._inflight is None or self._inflight.done():
            self._tried_at = time.monotonic()
            self._inflight = asyncio.ensure_future(self._fetch())
        return self._inflight

    async def _fetch(self) -> None:
        self.fetches += 1
        try:
            timeout = aiohttp.ClientTimeout(total=self.timeout)
            async with aiohttp.ClientSession(timeout=timeout) as session:
                async with session.get(self.metadata_url) as response:
                    response.raise_for_status()
                    jwks_uri = (await response.json(content_type=None))["jwks_uri"]
                async with session.get(jwks_uri) as response:
                    response.raise_for_status()
                    document = await response.json(content_type=None)
            keys = _parse(document)
        except Exception as exc:  # timeouts, refused connections, bad JSON: keep the old set
            log.warning("teams: could not fetch signing keys (%s)", type(exc).__name__)
            return
        if keys:
            self.keys, self._loaded_at = keys, time.monotonic()

    # ----- background refresh ---------------------------------------------------------------

    def start(self) -> None:
        if self._refresher is None:
            self._refresher = asyncio.ensure_future(self._refresh_forever())

    async def stop(self) -> None:
        for task in (self._refresher, self._inflight):
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        self._refresher = None

    async def _refresh_forever(self) -> None:
        while True:
            await self.refresh()
            stale = time.monotonic() - self._loaded_at >= self.refresh_every
            await asyncio.sleep(30.0 if not self.keys or stale else self.refresh_every)


def _parse(document: dict) -> dict[str, SigningKey]:
    keys = {}
    for entry in document.get("keys") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("kid"), str):
            continue
        try:
            key = jwt.PyJWK(entry, entry.get("alg") or "RS256").key
        except (jwt.PyJWTError, ValueError, TypeError, KeyError):
            continue
        endorsements = tuple(x for x in entry.get("endorsements") or [] if isinstance(x, str))
        keys[entry["kid"]] = SigningKey(key, endorsements)
    return keys


class TokenValidator:
    """Checks `Authorization: Bearer <token>` as the Bot Framework's channel validation does."""

    def __init__(self, app_id: str, keys: SigningKeys, issuer: str = ISSUER) -> None:
        self.app_id = app_id
        self.keys = keys
        self.issuer = issuer

    async def validate(self, header: str, *, service_url: str | None,
                       channel_id: str | None) -> ClaimsIdentity:
        token = _bearer(header)
        try:
            head = jwt.get_unverified_header(token)
            claims = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as exc:
            raise TokenRefused("not a JWT") from exc
        self._precheck(head, claims)
        key = await self.keys.get(head["kid"])
        if key is None:
            raise TokenRefused("unknown signing key")
        if key.endorsements and channel_id not in key.endorsements:
            raise TokenRefused("key not endorsed for this channel")
        try:
            verified = jwt.decode(token, key.key, algorithms=[head["alg"]], audience=self.app_id,
                                  issuer=self.issuer, leeway=LEEWAY,
                                  options={"require": ["exp", "iss", "aud"]})
        except jwt.PyJWTError as exc:
            raise TokenRefused(type(exc).__name__) from exc
        claimed_url = verified.get(AuthenticationConstants.SERVICE_URL_CLAIM)
        if claimed_url is not None and claimed_url != service_url:
            raise TokenRefused("token issued for another service URL")
        return ClaimsIdentity(verified, True, "Bearer")

    def _precheck(self, head: dict, claims: dict) -> None:
        """Everything that can be refused without the keys."""
        if head.get("alg") not in ALGORITHMS or not isinstance(head.get("kid"), str):
            raise TokenRefused("algorithm or key id not acceptable")
        if claims.get("iss") != self.issuer:
            raise TokenRefused("wrong issuer")
        audience = claims.get("aud")
        if audience != self.app_id and not (isinstance(audience, list)
                                            and self.app_id in audience):
            raise TokenRefused("wrong audience")
        expires = claims.get("exp")
        if not isinstance(expires, int | float) or expires + LEEWAY < time.time():
            raise TokenRefused("expired")


def _bearer(header: str) -> str:
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > MAX_TOKEN:
        raise TokenRefused("not a bearer token")
    return token
