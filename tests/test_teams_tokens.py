"""Token checks cannot exhaust the server (issue 13, finding 5): signing keys are fetched with a
timeout, one fetch at a time, on the event loop (no thread is pinned); malformed tokens are 401
without the keys, even while the key endpoint hangs; a well-formed token waits a bounded time and
gets 503 when the keys cannot be had, then works as soon as they can."""

from __future__ import annotations

import asyncio
import threading
import time

import jwt
import pytest

from bot.teams.tokens import SigningKeys
from tests.support.fake_connector import APP_ID, ISSUER, teams_stack
from tests.test_teams_flow import AAD
from tests.test_teams_security import AUTH, counts

pytestmark = pytest.mark.asyncio


def fresh_keys(stack, timeout: float = 1.0) -> SigningKeys:
    """A cold key cache with a short fetch timeout, in place of the one started with the app."""
    keys = SigningKeys(stack.fake.metadata_url, timeout=timeout)
    stack.bot.tokens.keys = keys
    return keys


def malformed(stack) -> dict[str, str]:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": APP_ID, "nbf": now - 60, "exp": now + 3600,
              "serviceurl": f"{stack.fake.url}/"}
    return {
        "alg none": jwt.encode(claims, None, algorithm="none", headers={"kid": stack.fake.kid}),
        "HS256": jwt.encode(claims, "a-guessable-shared-secret-of-32-bytes!", algorithm="HS256",
                            headers={"kid": stack.fake.kid}),
        "garbage": "eyJ.garbage.x",
        "no kid": jwt.encode(claims, stack.fake._key, algorithm="RS256"),
        "another bot": stack.fake.token(audience="someone-else"),
        "expired": stack.fake.token(expires_in=-3600),
        "wrong issuer": stack.fake.token(issuer="https://evil.example.com"),
    }


async def _lag_probe(stop: asyncio.Event, worst: list[float]) -> None:
    while not stop.is_set():
        started = time.monotonic()
        await asyncio.sleep(0.02)
        worst.append(time.monotonic() - started - 0.02)


async def test_a_hanging_key_endpoint_pins_nothing_and_refuses_in_bounded_time(database_url,
                                                                               database):
    async with teams_stack(database_url, **AUTH) as stack:
        await stack.bot.keys.stop()
        keys = fresh_keys(stack)
        stack.fake.hang_keys = True
        fetches = stack.fake.key_fetches
        event = {**stack.activity(AAD), "type": "event", "name": "ping"}
        threads = threading.active_count()
        stop, lags = asyncio.Event(), []
        probe = asyncio.ensure_future(_lag_probe(stop, lags))
        started = time.monotonic()
        responses = await asyncio.gather(*[stack.post(event, token=stack.fake.token())
                                           for _ in range(16)])
        elapsed = time.monotonic() - started
        assert [r.status for r in responses] == [503] * 16
        assert elapsed < 4.0  # bounded by the fetch timeout, not by the hang
        assert stack.fake.key_fetches - fetches == 1  # one fetch for all sixteen
        # malformed tokens need no keys: 401 at once, while the endpoint still hangs
        for name, token in malformed(stack).items():
            began = time.monotonic()
            assert (await stack.post(event, token=token)).status == 401, name
            assert time.monotonic() - began < 0.5, name
        stop.set()
        await probe
        assert max(lags) < 0.5  # the event loop (and /healthz on it) never stalled
        assert threading.active_count() <= threads + 1  # no thread left waiting on a socket
        # the keys come back: the next request fetches them and is accepted
        stack.fake.hang_keys = False
        assert (await stack.post(event, token=stack.fake.token())).status == 200
        assert keys.keys and stack.bot.tokens.keys is keys


async def test_a_cold_cache_fetches_once_for_many_requests(database_url, database):
    async with teams_stack(database_url, **AUTH) as stack:
        await stack.bot.keys.stop()
        fresh_keys(stack, timeout=5.0)
        fetches = stack.fake.key_fetches
        event = {**stack.activity(AAD), "type": "event", "name": "ping"}
        responses = await asyncio.gather(*[stack.post(event, token=stack.fake.token())
                                           for _ in range(20)])
        assert [r.status for r in responses] == [200] * 20
        assert stack.fake.key_fetches - fetches == 1
        # an unknown key id does not refetch on every request (at most once per minute)
        for _ in range(5):
            forged = jwt.encode({"iss": ISSUER, "aud": APP_ID, "exp": int(time.time()) + 60,
                                 "serviceurl": f"{stack.fake.url}/"}, stack.fake._other_key,
                                algorithm="RS256", headers={"kid": "rotated-key"})
            assert (await stack.post(event, token=forged)).status == 401
        assert stack.fake.key_fetches - fetches <= 2


async def test_keys_are_fetched_at_start_up_not_by_the_first_request(database_url, database):
    async with teams_stack(database_url, **AUTH) as stack:
        for _ in range(50):
            if stack.bot.keys.keys:
                break
            await asyncio.sleep(0.05)
        assert stack.fake.kid in stack.bot.keys.keys
        fetched = stack.fake.key_fetches
        event = {**stack.activity(AAD), "type": "event", "name": "ping"}
        assert (await stack.post(event, token=stack.fake.token())).status == 200
        assert stack.fake.key_fetches == fetched


async def test_token_refusals_change_nothing(database_url, database):
    async with teams_stack(database_url, **AUTH) as stack:
        before = counts(database)
        message = stack.activity(AAD, text="ナビを始める")
        for name, token in malformed(stack).items():
            assert (await stack.post(message, token=token)).status == 401, name
        assert (await stack.post(message, token=stack.fake.token(forged=True))).status == 401
        assert counts(database) == before
