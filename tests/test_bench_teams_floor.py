"""The Teams benchmark's floor (bench/teams_floor_app.py) does what it claims, so its figures mean
something: it refuses an unsigned or forged request (botbuilder's own check), and one signed answer makes exactly our
bot's per-answer connector calls — the answered card replaced, the next card posted — with cards
Teams would accept. No timings are asserted.

The fake connector runs on its own event loop in a thread: botbuilder fetches the signing keys
with a blocking `requests.get`, which would wait for ever on a fake sharing the floor's loop."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator

import aiohttp
import pytest
from aiohttp import web
from botframework.connector.auth import microsoft_app_credentials

from bench.teams_floor_app import KeptClients, LocalEntra, build, question_card
from bench.teams_proc import PASSWORD, QuickConnector, press
from tests.support.fake_connector import APP_ID, TENANT

pytestmark = pytest.mark.asyncio
AAD = "00000000-0000-4000-9000-000000000001"
CONVERSATION = f"a:personal-{AAD}"


@pytest.fixture
def fake(monkeypatch) -> Iterator[QuickConnector]:
    monkeypatch.setattr(microsoft_app_credentials, "ConfidentialClientApplication", LocalEntra)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    connector = asyncio.run_coroutine_threadsafe(
        QuickConnector(validate=True).start(), loop).result(10)
    try:
        yield connector
    finally:
        asyncio.run_coroutine_threadsafe(connector.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


async def test_one_signed_answer_updates_the_card_and_posts_the_next(fake: QuickConnector):
    runner = web.AppRunner(build(APP_ID, PASSWORD, TENANT, fake.metadata_url), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/api/messages"  # type: ignore[union-attr]
    first = fake.seed_card(CONVERSATION, question_card(0))
    body = json.dumps(press(fake.url + "/", AAD, first, "3点"))
    try:
        async with aiohttp.ClientSession() as session:
            for token in (None, fake.token(forged=True)):
                headers = {"Authorization": f"Bearer {token}"} if token else {}
                async with session.post(url, data=body, headers={
                        "Content-Type": "application/json", **headers}) as response:
                    assert response.status >= 400  # the stock SDK says 500, ours 401
            assert [c for c in fake.calls if c.method != "GET"] == []  # refused: nothing sent

            async with session.post(url, data=body, headers={
                    "Content-Type": "application/json",
                    "Authorization": f"Bearer {fake.token()}"}) as response:
                assert response.status in (200, 201)
    finally:
        await runner.cleanup()

    sent = [(c.method, c.path.rsplit("/", 1)[-1]) for c in fake.calls if c.method != "GET"]
    incoming = json.loads(body)["id"]
    assert sent == [("PUT", first.id), ("POST", incoming)]  # update, then reply: as our bot does
    assert fake.posted[first.id].updates and fake.posted[first.id].buttons == []
    assert "3点" in fake.posted[first.id].text
    nxt = fake.last_card(CONVERSATION)
    assert nxt.id != first.id
    assert [title for title, _ in nxt.buttons] == ["1点", "2点", "3点", "4点"]
    assert fake.problems == []  # both cards are ones Teams would accept


@pytest.mark.parametrize("fresh", [False, True])
async def test_the_floor_keeps_its_connector_client_as_ours_does(fake: QuickConnector, fresh):
    """Two answers, one client (our server keeps them too); --fresh-clients: none kept."""
    KeptClients.clients.clear()
    runner = web.AppRunner(build(APP_ID, PASSWORD, TENANT, fake.metadata_url,
                                 fresh_clients=fresh), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/api/messages"  # type: ignore[union-attr]
    card = fake.seed_card(CONVERSATION, question_card(0))
    kept = []
    try:
        async with aiohttp.ClientSession() as session:
            for label in ("2点", "3点"):
                body = json.dumps(press(fake.url + "/", AAD, card, label))
                async with session.post(url, data=body, headers={
                        "Content-Type": "application/json",
                        "Authorization": f"Bearer {fake.token()}"}) as response:
                    assert response.status in (200, 201)
                kept.append(list(KeptClients.clients.values()))
                card = fake.last_card(CONVERSATION)
    finally:
        await runner.cleanup()
    if fresh:
        assert kept == [[], []]
    else:
        assert len(kept[0]) == 1 and kept[1] == kept[0]  # the same client, not a new one
