"""The Bot Framework side: CloudAdapter, token validation, and every outgoing connector call
guarded (allowed service URLs only) and retried (429/412/502/504 with back-off and jitter).

botbuilder creates a fresh ConnectorClient per service URL through a ConnectorFactory, both for
replies in a turn and for proactive `continue_conversation`. Wrapping the factory is therefore
the one place where every outgoing request can be checked and given a retry policy; the SDK's
own retry (urllib3's, which skips POST and 429) is switched off so calls are not retried twice.
It is also where the client's Entra ID token is fetched off the event loop
(bot/teams/outgoing_tokens.py).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationServiceClientCredentialFactory,
)
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    BotFrameworkAuthentication,
    BotFrameworkAuthenticationFactory,
    ClaimsIdentity,
    ConnectorFactory,
    UserTokenClient,
)
from cachetools import LRUCache
from msrest.pipeline import AsyncHTTPPolicy
from msrest.universal_http.requests import ClientRetryPolicy
from urllib3 import Retry

try:  # the SDK's base of every cloud's authentication: private, so a release may move it
    from botframework.connector.auth._built_in_bot_framework_authentication import (
        _BuiltinBotFrameworkAuthentication,
    )
except ImportError:  # then user-token clients are asked for every turn, as the SDK does
    _BuiltinBotFrameworkAuthentication = None

from bot.teams.card_serializer import serialize_cards_as_json
from bot.teams.guard import ServiceUrlNotAllowed, ServiceUrlPolicy, describe
from bot.teams.outgoing_tokens import OutgoingTokens
from bot.teams.settings import TeamsSettings

# msrest builds each client's retry policy by testing range(999) against `safe_codes`, a
# 500-item list: about 5 ms of CPU per client, and botbuilder makes two clients per Teams turn
# (bench/teams_latency.py, issue 19). msrest only ever asks `in` of it, which a frozenset
# answers at once; the codes stay the same.
ClientRetryPolicy.safe_codes = frozenset(ClientRetryPolicy.safe_codes)

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({412, 429, 502, 504})
MAX_DELAY = 30.0  # seconds; a Retry-After beyond this is not waited for
REQUEST_TIMEOUT = 30  # seconds per HTTP request (msrest's default is 100)
CLIENTS = 32  # connector clients kept (one per service URL and audience: a handful at most)


class RetryPolicy(AsyncHTTPPolicy):
    """Re-sends a request that got 429, 412, 502 or 504, up to `attempts` times in all.

    The wait doubles from `base` each time with ±50 % jitter, so many conversations throttled
    at once do not retry in lock-step; a Retry-After header is honoured when it is longer.
    """

    def __init__(self, attempts: int, base: float, *,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 rand: Callable[[], float] = random.random) -> None:
        super().__init__()
        self.attempts = attempts
        self.base = base
        self.sleep = sleep
        self.rand = rand

    async def send(self, request, **kwargs):
        attempt = 1
        while True:
            response = await self.next.send(request, **kwargs)
            status = response.http_response.status_code
            if status not in RETRY_STATUSES or attempt >= self.attempts:
                return response
            delay = self.delay(attempt, response.http_response.headers.get("Retry-After"))
            if delay is None:
                return response
            log.info("teams: %s %s answered %d; retry %d/%d in %.2fs", request.http_request.method,
                     describe(request.http_request.url), status, attempt, self.attempts - 1, delay)
            await self.sleep(delay)
            attempt += 1

    def delay(self, attempt: int, retry_after: str | None) -> float | None:
        backoff = self.base * (2 ** (attempt - 1)) * (0.5 + self.rand())
        wanted = _retry_after_seconds(retry_after)
        if wanted is not None and wanted > MAX_DELAY:
            return None
        return min(max(backoff, wanted or 0.0), MAX_DELAY)


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class TokenPolicy(AsyncHTTPPolicy):
    """Before a request goes out, its Entra ID token is made ready off the event loop, so the
    SDK's synchronous token call further down the pipeline is a cache hit."""

    def __init__(self, tokens: OutgoingTokens, credentials: object) -> None:
        super().__init__()
        self.tokens = tokens
        self.credentials = credentials

    async def send(self, request, **kwargs):
        await self.tokens.prepare(self.credentials)
        return await self.next.send(request, **kwargs)


def harden(client: ConnectorClient, settings: TeamsSettings,
           tokens: OutgoingTokens | None = None) -> ConnectorClient:
    """Put our retry policy first in the client's pipeline and turn urllib3's off; with
    `tokens`, the token is made ready before that (once per request, before its retries).
    Card contents go out as the JSON they are (bot/teams/card_serializer.py)."""
    serialize_cards_as_json(client)
    client.config.retry_policy.policy = Retry(total=0, raise_on_status=False)
    client.config.connection.timeout = REQUEST_TIMEOUT
    pipeline = client.config.pipeline
    policies = pipeline._impl_policies  # msrest exposes no public way to add a policy
    retry = RetryPolicy(settings.teams_retry_attempts, settings.teams_retry_base_seconds)
    first: list[AsyncHTTPPolicy] = [retry]
    if tokens is not None:
        first.insert(0, TokenPolicy(tokens, client.config.credentials))
    for policy in reversed(first):
        policy.next = policies[0] if policies else pipeline._sender
        policies.insert(0, policy)
    return client


class GuardedConnectorFactory(ConnectorFactory):
    """Refuses service URLs the policy does not allow; hardens every client it hands out, whose
    requests then get their token fetched off the event loop (TokenUnavailable when Entra ID
    gives none).

    With `clients` (one cache for the whole adapter), a hardened client is kept per service
    URL, audience and app id and handed out again: botbuilder made two per turn, and building
    one (msrest's configuration, a requests Session, the pipeline) cost a Teams answer about
    6 % of its CPU, its HTTP connections closed with it (issue 19). The client holds no state
    of a turn; botbuilder's older BotFrameworkAdapter kept them the same way."""

    def __init__(self, inner: ConnectorFactory, policy: ServiceUrlPolicy,
                 settings: TeamsSettings, tokens: OutgoingTokens | None = None,
                 clients: LRUCache | None = None) -> None:
        self.inner = inner
        self.policy = policy
        self.settings = settings
        self.tokens = tokens or OutgoingTokens()
        self.clients = clients

    async def create(self, service_url: str, audience: str | None = None) -> ConnectorClient:
        if not self.policy.allowed(service_url):
            raise ServiceUrlNotAllowed(service_url)
        key = self._key(service_url, audience)
        client = self.clients.get(key) if key is not None else None
        if client is None:
            client = harden(await self.inner.create(service_url, audience), self.settings,
                            self.tokens)
            if key is not None:
                self.clients[key] = client
        return client

    def _key(self, service_url: str, audience: str | None) -> tuple | None:
        """What makes botbuilder's factory build a different client; None (no reuse) for a
        factory whose make-up is not known."""
        app_id = getattr(self.inner, "_app_id", None)
        scope = getattr(self.inner, "_to_channel_from_bot_oauth_scope", None)
        if self.clients is None or app_id is None or scope is None:
            return None
        return (service_url, audience or scope, app_id,
                getattr(self.inner, "_login_endpoint", None))


class GuardedAuthentication(BotFrameworkAuthentication):
    """Delegates to the SDK's authentication; wraps each connector factory it creates."""

    def __init__(self, inner: BotFrameworkAuthentication, policy: ServiceUrlPolicy,
                 settings: TeamsSettings) -> None:
        self.inner = inner
        self.policy = policy
        self.settings = settings
        self.tokens = OutgoingTokens()  # one token cache for every factory this one makes
        self.clients: LRUCache = LRUCache(maxsize=CLIENTS)  # and one of hardened clients
        self.token_clients: LRUCache = LRUCache(maxsize=CLIENTS)  # and user-token clients

    def _wrap(self, factory: ConnectorFactory | None) -> ConnectorFactory | None:
        if factory is None or isinstance(factory, GuardedConnectorFactory):
            return factory
        return GuardedConnectorFactory(factory, self.policy, self.settings, self.tokens,
                                       self.clients)

    async def authenticate_request(self, activity, auth_header: str) -> AuthenticateRequestResult:
        result = await self.inner.authenticate_request(activity, auth_header)
        result.connector_factory = self._wrap(result.connector_factory)
        return result

    async def authenticate_streaming_request(self, auth_header: str,
                                             channel_id_header: str) -> AuthenticateRequestResult:
        result = await self.inner.authenticate_streaming_request(auth_header, channel_id_header)
        result.connector_factory = self._wrap(result.connector_factory)
        return result

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        return self._wrap(self.inner.create_connector_factory(claims_identity))

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        """Kept per app id: CloudAdapter builds one for every turn (an msrest client and its
        configuration, ~4 % of a Teams answer's CPU) though the bot never asks for a user
        token; it depends on nothing but the app id and this authentication's fixed settings.
        """
        key = _app_id(claims_identity) if _known_make_up(self.inner) else None
        client = self.token_clients.get(key) if key is not None else None
        if client is None:
            client = await self.inner.create_user_token_client(claims_identity)
            if key is not None:
                self.token_clients[key] = client
        return client

    def create_bot_framework_client(self):
        return self.inner.create_bot_framework_client()

    def get_originating_audience(self) -> str:
        return self.inner.get_originating_audience()

    async def authenticate_channel_request(self, auth_header: str) -> ClaimsIdentity:
        return await self.inner.authenticate_channel_request(auth_header)


def _app_id(claims_identity: ClaimsIdentity) -> str | None:
    """The app id botbuilder builds a user-token client for (audience, else appid claim)."""
    for claim in (AuthenticationConstants.AUDIENCE_CLAIM, AuthenticationConstants.APP_ID_CLAIM):
        value = claims_identity.get_claim_value(claim) if claims_identity else None
        if isinstance(value, str) and value:
            return value
    return None


def _known_make_up(inner: BotFrameworkAuthentication) -> bool:
    """The SDK's own authentication (settings fixed at construction, which every cloud's
    variant subclasses); anything else is asked every time, as the connector factory's cache
    does for factories it does not know."""
    known = _BuiltinBotFrameworkAuthentication
    return known is not None and isinstance(inner, known)


class _SdkConfiguration:
    """The attribute names botbuilder's ConfigurationServiceClientCredentialFactory reads."""

    def __init__(self, settings: TeamsSettings) -> None:
        self.APP_ID = settings.microsoft_app_id
        self.APP_PASSWORD = (settings.microsoft_app_password.get_secret_value()
                             if settings.microsoft_app_password else None)
        self.APP_TYPE = settings.app_type
        self.APP_TENANTID = settings.microsoft_app_tenant_id


def build_authentication(settings: TeamsSettings) -> GuardedAuthentication:
    credentials = ConfigurationServiceClientCredentialFactory(_SdkConfiguration(settings))
    metadata = settings.microsoft_openid_metadata_url
    if metadata:
        # the parameterised form is the only one that takes another metadata URL; the rest are
        # the public cloud's values, as _PublicCloudBotFrameworkAuthentication uses them
        inner = BotFrameworkAuthenticationFactory.create(
            to_channel_from_bot_login_url=AuthenticationConstants.TO_CHANNEL_FROM_BOT_LOGIN_URL,
            to_channel_from_bot_oauth_scope=AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE,
            to_bot_from_channel_token_issuer=AuthenticationConstants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER,
            oauth_url=AuthenticationConstants.OAUTH_URL,
            to_bot_from_channel_open_id_metadata_url=metadata,
            to_bot_from_emulator_open_id_metadata_url=metadata,
            validate_authority=True,
            credential_factory=credentials,
        )
    else:
        inner = BotFrameworkAuthenticationFactory.create(credential_factory=credentials)
    policy = ServiceUrlPolicy(settings.allowed_service_urls)
    return GuardedAuthentication(inner, policy, settings)


def build_adapter(settings: TeamsSettings) -> CloudAdapter:
    return CloudAdapter(build_authentication(settings))
