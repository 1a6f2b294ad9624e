"""The Entra ID token of the bot's outgoing Teams calls is fetched off the event loop, once per
identity rather than once per turn (bot/teams/outgoing_tokens.py). MSAL's application is replaced
by a slow local stand-in, so nothing leaves the machine; everything else is the real SDK path."""

from __future__ import annotations

import asyncio
import time

import pytest
from botframework.connector.auth import MicrosoftAppCredentials, microsoft_app_credentials

from bot.notify import Outcome, Target
from bot.teams.notify import TeamsNotifier
from bot.teams.outgoing_tokens import OutgoingTokens, TokenUnavailable
from handlers.dates import now_tokyo
from handlers.types import Text
from tests.support.fake_connector import seed_member, settings_for, teams_stack
from tests.test_teams_flow import AAD
from tests.test_teams_security import AUTH

pytestmark = pytest.mark.asyncio
SLOW = 1.2  # seconds the stand-in token endpoint takes


class FakeEntra:
    """Stands in for MSAL's ConfidentialClientApplication and Entra ID behind it: blocking
    (like MSAL over requests), slow, counting, one token cache per application."""

    def __init__(self, delay: float = SLOW) -> None:
        self.delay = delay
        self.apps = 0
        self.fetches = 0
        self.refuse = False

    def application(self, client_id: str, client_credential: str, authority: str, **_kw):
        entra = self
        self.apps += 1

        class Application:
            token: str | None = None

            def acquire_token_silent(self, scopes, account=None, **_kw):
                return None  # MSAL 1.x: always None without an account

            def acquire_token_for_client(self, scopes, **_kw):
                if self.token:
                    return {"access_token": self.token, "token_type": "Bearer"}
                time.sleep(entra.delay)  # MSAL blocks its caller while Entra ID answers
                entra.fetches += 1
                if entra.refuse:
                    return {"error": "invalid_client", "error_description": "AADSTS7000215"}
                self.token = f"entra-token-{entra.fetches}"
                return {"access_token": self.token, "token_type": "Bearer"}

        return Application()


@pytest.fixture
def entra(monkeypatch) -> FakeEntra:
    fake = FakeEntra()
    monkeypatch.setattr(microsoft_app_credentials, "ConfidentialClientApplication",
                        fake.application)
    return fake


class Ticker:
    """A coroutine that wants to run every 20 ms; its longest wait shows a blocked loop."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._task: asyncio.Task | None = None

    async def _run(self) -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(0.02)
            now = time.monotonic()
            self.longest = max(self.longest, now - last)
            last = now

    async def __aenter__(self) -> Ticker:
        self._task = asyncio.ensure_future(self._run())
        return self

    async def __aexit__(self, *_exc) -> None:
        assert self._task is not None
        self._task.cancel()


def authorizations(stack) -> list[str]:
    return [c.headers.get("Authorization", "") for c in stack.fake.calls if c.method == "POST"]


async def test_a_slow_token_endpoint_does_not_stall_other_coroutines(database_url, database,
                                                                     entra):
    seed_member(database)
    async with teams_stack(database_url, **AUTH) as stack:
        stack.fake.add_member(AAD, email="hanako@example.co.jp")
        async with Ticker() as ticker:
            reply = await stack.post(stack.activity(AAD, text="ヘルプ"),
                                     token=stack.fake.token())
        assert reply.status == 200
        assert entra.fetches == 1
        assert ticker.longest < SLOW / 2, ticker.longest  # the loop never waited for Entra ID
        assert authorizations(stack) and set(authorizations(stack)) == {"Bearer entra-token-1"}

        # the next turn's client shares the application and its cached token: no new fetch
        before = len(authorizations(stack))
        assert (await stack.post(stack.activity(AAD, text="ヘルプ"),
                                 token=stack.fake.token())).status == 200
        assert len(authorizations(stack)) > before
        assert entra.fetches == 1 and entra.apps == 1
        assert stack.fake.problems == []


async def test_a_refused_token_sends_nothing_and_a_turn_without_replies_asks_for_none(
        database_url, database, entra, caplog):
    seed_member(database)
    entra.delay, entra.refuse = 0.0, True
    async with teams_stack(database_url, **AUTH) as stack:
        stack.fake.add_member(AAD, email="hanako@example.co.jp")
        event = {**stack.activity(AAD), "type": "event", "name": "ping"}
        assert (await stack.post(event, token=stack.fake.token())).status == 200
        assert entra.apps == 0  # nothing to send, so no token was asked for
        reply = await stack.post(stack.activity(AAD, text="ヘルプ"), token=stack.fake.token())
        assert reply.status == 200
        assert stack.fake.called("POST") == []  # no request left without its token
        assert entra.fetches >= 1 and "no token to send with" in caplog.text
        assert "AADSTS" not in caplog.text and "test-secret" not in caplog.text


async def test_a_proactive_send_without_a_token_is_retried_not_left_uncertain(database_url,
                                                                             database, entra):
    seed_member(database)
    entra.delay = 0.0
    async with teams_stack(database_url, **AUTH) as stack:
        stack.fake.add_member(AAD, email="hanako@example.co.jp")
        assert (await stack.post(stack.activity(AAD, text="ヘルプ"),
                                 token=stack.fake.token())).status == 200  # reference stored
        posts = len(stack.fake.called("POST"))
        entra.refuse = True  # the worker's own application asks Entra ID afresh: refused
        notifier = TeamsNotifier(settings_for(stack.fake, **AUTH), database, now_tokyo)
        target = Target("teams", AAD)
        result = await notifier.send_direct(target, [Text("締切は明日です")], key="d-1")
        assert result.outcome is Outcome.RETRY and result.detail == "no_token"
        assert len(stack.fake.called("POST")) == posts  # nothing reached Teams
        assert await notifier.was_sent(target, "d-1", now_tokyo()) is False  # safe to resend


async def test_a_hanging_token_endpoint_gives_up_in_time_without_blocking(entra):
    entra.delay = 2.0
    tokens = OutgoingTokens(timeout=0.3)
    started = time.monotonic()
    async with Ticker() as ticker:
        with pytest.raises(TokenUnavailable):
            await tokens.prepare(MicrosoftAppCredentials("app-id", "secret"))
    assert time.monotonic() - started < 1.5
    assert ticker.longest < 0.5


async def test_many_turns_at_once_fetch_one_token(entra):
    entra.delay = 0.3
    tokens = OutgoingTokens()
    credentials = [MicrosoftAppCredentials("app-id", "secret") for _ in range(6)]
    await asyncio.gather(*(tokens.prepare(c) for c in credentials))
    assert entra.fetches == 1 and entra.apps == 1
    assert {c.get_access_token() for c in credentials} == {"entra-token-1"}  # all cache hits
    assert entra.fetches == 1


async def test_after_the_fresh_window_the_check_goes_off_the_loop_again(entra):
    now = [0.0]
    tokens = OutgoingTokens(fresh=60, clock=lambda: now[0])
    await tokens.prepare(MicrosoftAppCredentials("app-id", "secret"))
    entra.delay = 0.5  # from now on, any call reaching "Entra ID" would be slow
    now[0] = 61.0
    async with Ticker() as ticker:
        await tokens.prepare(MicrosoftAppCredentials("app-id", "secret"))
    assert entra.fetches == 1  # MSAL answered from the shared cache, in a worker thread
    assert ticker.longest < 0.4


async def test_no_app_id_and_other_credentials_are_left_alone(entra):
    tokens = OutgoingTokens()
    await tokens.prepare(MicrosoftAppCredentials.empty())
    await tokens.prepare(object())
    assert entra.apps == 0 and entra.fetches == 0
