"""Connector clients are kept and handed out again (issue 19): botbuilder built two per Teams
turn (msrest configuration, a requests Session, the pipeline: ~6 % of a turn's CPU, and the
HTTP connections closed with them). Reuse must never skip the service-URL policy, mix clients
of different URLs, audiences or app ids, or reuse what a factory of unknown make-up built."""

from __future__ import annotations

import asyncio

import pytest

from bot.teams.connector import (
    CLIENTS,
    GuardedAuthentication,
    GuardedConnectorFactory,
    RetryPolicy,
)
from bot.teams.guard import ServiceUrlNotAllowed, ServiceUrlPolicy
from bot.teams.settings import TeamsSettings

URL = "https://smba.trafficmanager.net/jp/"
OTHER = "https://smba.trafficmanager.net/amer/"


class Inner:
    """botbuilder's _ConnectorFactoryImpl as far as the cache looks at it; builds real clients."""

    def __init__(self, app_id: str | None = "app-1", scope: str | None = "scope") -> None:
        if app_id is not None:
            self._app_id = app_id
        if scope is not None:
            self._to_channel_from_bot_oauth_scope = scope
        self._login_endpoint = "https://login.invalid"
        self.built: list[tuple[str, str | None]] = []

    async def create(self, service_url: str, audience: str | None = None):
        from botframework.connector.aio import ConnectorClient
        from msrest.authentication import BasicTokenAuthentication

        self.built.append((service_url, audience))
        return ConnectorClient(BasicTokenAuthentication({"access_token": "t"}),
                               base_url=service_url)


def settings() -> TeamsSettings:
    return TeamsSettings(_env_file=None, microsoft_app_id=None, microsoft_app_password=None,
                         teams_retry_attempts=3, teams_retry_base_seconds=0.01)


def authentication() -> GuardedAuthentication:
    return GuardedAuthentication(object(), ServiceUrlPolicy(), settings())


def run(coro):
    return asyncio.run(coro)


def test_one_client_per_url_audience_and_app_across_turns():
    auth = authentication()
    inner = Inner()
    first = run(auth._wrap(inner).create(URL))
    again = run(auth._wrap(Inner()).create(URL))  # the next turn: a new factory, same make-up
    assert again is first
    assert len(inner.built) == 1
    assert run(auth._wrap(inner).create(OTHER)) is not first
    assert run(auth._wrap(inner).create(URL, "another-audience")) is not first
    assert run(auth._wrap(Inner(app_id="app-2")).create(URL)) is not first


def test_a_kept_client_is_hardened_once():
    auth = authentication()
    client = run(auth._wrap(Inner()).create(URL))
    run(auth._wrap(Inner()).create(URL))
    policies = client.config.pipeline._impl_policies
    assert sum(isinstance(p, RetryPolicy) for p in policies) == 1


def test_the_policy_is_checked_before_any_reuse():
    auth = authentication()
    run(auth._wrap(Inner()).create(URL))
    with pytest.raises(ServiceUrlNotAllowed):
        run(auth._wrap(Inner()).create("https://evil.example/"))
    auth.policy = ServiceUrlPolicy()
    auth.policy.allowed = lambda url: False  # a policy that changed: the kept client is not used
    with pytest.raises(ServiceUrlNotAllowed):
        run(auth._wrap(Inner()).create(URL))


@pytest.mark.parametrize("make", [lambda: Inner(app_id=None), lambda: Inner(scope=None)])
def test_a_factory_of_unknown_make_up_is_not_reused(make):
    auth = authentication()
    inner = make()
    one = run(auth._wrap(inner).create(URL))
    two = run(auth._wrap(inner).create(URL))
    assert one is not two and len(inner.built) == 2


def test_without_a_cache_every_call_builds():
    inner = Inner()
    factory = GuardedConnectorFactory(inner, ServiceUrlPolicy(), settings())
    assert run(factory.create(URL)) is not run(factory.create(URL))


def test_the_cache_is_bounded():
    auth = authentication()
    inner = Inner()
    for n in range(CLIENTS + 10):
        run(auth._wrap(inner).create(f"https://smba.trafficmanager.net/r{n}/"))
    assert len(auth.clients) == CLIENTS


# ----- user-token clients (CloudAdapter asks for one every turn) -----------------------------------


def claims(app_id: str | None, *, appid_claim: str | None = None):
    from botframework.connector.auth import AuthenticationConstants, ClaimsIdentity

    values = {}
    if app_id is not None:
        values[AuthenticationConstants.AUDIENCE_CLAIM] = app_id
    if appid_claim is not None:
        values[AuthenticationConstants.APP_ID_CLAIM] = appid_claim
    return ClaimsIdentity(values, True)


APP = "00000000-0000-4000-8000-000000000001"


def real_authentication() -> GuardedAuthentication:
    from bot.teams.connector import build_authentication

    return build_authentication(TeamsSettings(
        _env_file=None, microsoft_app_id=APP, microsoft_app_password="bench-client-secret",
        microsoft_app_tenant_id="00000000-0000-4000-8000-0000000000aa"))


def test_one_user_token_client_per_app_id_across_turns():
    auth = real_authentication()
    first = run(auth.create_user_token_client(claims(APP)))
    assert run(auth.create_user_token_client(claims(APP))) is first
    assert run(auth.create_user_token_client(claims(None, appid_claim=APP))) is first
    with pytest.raises(Exception, match="Invalid app_id"):  # the SDK still decides, uncached
        run(auth.create_user_token_client(claims("someone-else")))
    assert list(auth.token_clients) == [APP]


def test_no_app_id_or_an_unknown_authentication_is_asked_every_time():
    class Unknown:
        built = 0

        async def create_user_token_client(self, _claims):
            Unknown.built += 1
            return object()

    guarded = GuardedAuthentication(Unknown(), ServiceUrlPolicy(), settings())
    run(guarded.create_user_token_client(claims(APP)))
    run(guarded.create_user_token_client(claims(APP)))
    assert Unknown.built == 2 and len(guarded.token_clients) == 0
    auth = real_authentication()
    built = []

    async def fresh(_claims):
        built.append(object())
        return built[-1]

    auth.inner.create_user_token_client = fresh
    run(auth.create_user_token_client(claims(None)))
    run(auth.create_user_token_client(claims(None)))
    assert len(built) == 2 and len(auth.token_clients) == 0


def test_the_user_token_cache_is_bounded():
    auth = real_authentication()

    async def fresh(_claims):
        return object()

    auth.inner.create_user_token_client = fresh
    for n in range(CLIENTS + 5):
        run(auth.create_user_token_client(claims(f"app-{n}")))
    assert len(auth.token_clients) == CLIENTS


def test_an_sdk_that_moved_its_private_base_class_only_turns_the_cache_off(monkeypatch):
    """The private import may fail after a botbuilder release: the adapter still starts, and
    the user-token client is then asked for every turn, as the SDK itself does."""
    from bot.teams import connector

    monkeypatch.setattr(connector, "_BuiltinBotFrameworkAuthentication", None)
    auth = real_authentication()
    first = run(auth.create_user_token_client(claims(APP)))
    assert run(auth.create_user_token_client(claims(APP))) is not first
    assert len(auth.token_clients) == 0
