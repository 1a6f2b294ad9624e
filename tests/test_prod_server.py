"""The server as a platform runs it (issue 9): liveness and readiness probes, request ids, and a
graceful shutdown on SIGTERM that finishes the turn in flight before the process exits."""

from __future__ import annotations

import asyncio
import signal
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
import pytest
from aiohttp import web
from multidict import CIMultiDict
from sqlalchemy import func, select

from bench.serverproc import Member, QuickSlack, ServerProcess, company_email, seed_companies
from bench.serverproc import slack_env as env_for
from bot.server import create_app
from bot.settings import Settings
from store.db import Database
from store.migrate import upgrade
from store.models import Answer

pytestmark = pytest.mark.asyncio


@asynccontextmanager
async def serving(database_url: str) -> AsyncIterator[str]:
    """The app (no platform configured) on a free port, in this event loop."""
    database = Database(database_url)
    app = create_app(Settings(_env_file=None, database_url=database_url), database)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()
        database.dispose()


async def get(url: str, **headers: str) -> tuple[int, dict, CIMultiDict]:
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as response:
        return response.status, await response.json(), CIMultiDict(response.headers)


async def test_ready_when_migrated(database_url):
    async with serving(database_url) as base:
        status, body, headers = await get(base + "/readyz")
        assert status == 200 and body["migrations"] == "current" and body["database"] is True
        assert len(headers["X-Request-Id"]) == 32  # generated
        status, body, headers = await get(base + "/healthz", **{"X-Request-Id": "lb-probe-1234"})
        assert status == 200 and body["database"] is True
        assert headers["X-Request-Id"] == "lb-probe-1234"  # a caller's id is kept
        _, _, headers = await get(base + "/healthz", **{"X-Request-Id": "bad id with spaces"})
        assert headers["X-Request-Id"] != "bad id with spaces"


@pytest.mark.parametrize("revision", [None, "0004_results"])
async def test_not_ready_on_an_old_schema(tmp_path, revision):
    url = f"sqlite:///{tmp_path}/old.db"
    if revision:
        database = Database(url)
        upgrade(database.engine, revision)
        database.dispose()
    async with serving(url) as base:
        status, body, _ = await get(base + "/readyz")
        assert status == 503 and body["migrations"] == "not current"
        status, _, _ = await get(base + "/healthz")
        assert status == 200  # alive: restarting would not help


async def test_not_ready_and_still_alive_without_a_database():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    async with serving(f"postgresql://postgres@127.0.0.1:{port}/none") as base:
        started = time.perf_counter()
        status, body, _ = await get(base + "/readyz")
        assert status == 503 and body["database"] is False
        status, body, _ = await get(base + "/healthz")
        assert status == 200 and body["database"] is False
        assert time.perf_counter() - started < 5


async def test_sigterm_finishes_the_turn_in_flight(database_url, database, tmp_path):
    """SIGTERM right after Slack got its ack, while the turn still waits on the Web API: the
    process stops listening at once, finishes the turn (answer saved, next item delivered),
    closes its pool and exits 0."""
    seed_companies(database_url, 1)
    fake = await QuickSlack().start()
    server = ServerProcess(env_for(database_url, fake.api_url), tmp_path)
    await server.start()
    try:
        async with aiohttp.ClientSession() as session:
            member = Member("U0TERM", company_email(0), fake, session, server.base_url)
            await member.begin()
            fake.delays["chat.postMessage"] = 2.0  # the next item is slow to post
            answering = asyncio.create_task(member.answer(3))
            while len(member.statuses) < 4:  # 3 for begin(), then this click's 200
                await asyncio.sleep(0.005)
            assert member.statuses[-1] == 200
            server.signal(signal.SIGTERM)
            stopped_at = time.perf_counter()
            await asyncio.sleep(0.3)
            with pytest.raises(aiohttp.ClientConnectionError):  # no longer listening
                async with session.get(server.base_url + "/healthz") as response:
                    await response.read()
            await asyncio.wait_for(answering, 10)  # the next item reached Slack
            assert await server.stop(timeout=20) == 0
            assert time.perf_counter() - stopped_at >= 1.5  # it did wait for the turn
    finally:
        if server.alive():
            server.kill()
        await fake.stop()
    assert member.on_item() and member.item_key() != member.acknowledged[0]
    with database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Answer)) == 1
    logs = server.stderr_path.read_text()
    assert "stopped; database connections closed" in logs
    assert '"level": "ERROR"' not in logs and "Traceback" not in logs
