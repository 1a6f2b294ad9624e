"""Several `web` processes side by side against one PostgreSQL (issue 9), with the database URL
in the form platforms give it (postgres://…), the release step run as the Procfile runs it.

* One member's clicks alternate between two server processes, and one click reaches both at
  once (a Slack retry landing on the other process): one answer, one next question, the whole
  assessment completes — nothing a process keeps in memory is needed by the other.
* Two web processes with the in-process scheduler plus a `worker` process: every announcement
  and reminder is delivered exactly once (the database lock; bench: tests/test_worker_*).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import aiohttp
import pytest
from sqlalchemy import create_engine, func, select, text

from bench.serverproc import (
    ROOT,
    Member,
    QuickSlack,
    ServerProcess,
    company_email,
    seed_companies,
    slack_env,
)
from store.db import Database, normalise_url
from store.models import Answer, Assessment
from tests.support.fake_slack import click_payload, find_button, sign

PG_URL = os.environ.get("TEST_DATABASE_URL")
pytestmark = pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL: set TEST_DATABASE_URL="
                                "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture
def platform_url():
    """A fresh database, addressed as Heroku writes DATABASE_URL: postgres://user@host:port/db."""
    base = urlsplit(normalise_url(PG_URL))
    name = f"prod_{uuid.uuid4().hex[:10]}"
    admin = create_engine(normalise_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"postgres://{base.username}@{base.hostname}:{base.port or 5432}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def release(url: str, cwd: Path) -> str:
    """The Procfile's release line: `aiga-bot db upgrade`."""
    done = subprocess.run([sys.executable, "-m", "bot.cli", "db", "upgrade"], cwd=cwd,
                          env={"PATH": os.environ["PATH"], "DATABASE_URL": url,
                               "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


async def post(session: aiohttp.ClientSession, server: ServerProcess, body: bytes) -> int:
    async with session.post(server.base_url + "/slack/events", data=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", **sign(body)}) as response:
        return response.status


@pytest.mark.asyncio
async def test_two_web_processes_share_one_member(platform_url, tmp_path):
    assert "database is up to date" in release(platform_url, tmp_path)
    seed_companies(platform_url, 1)
    fake = await QuickSlack(validate=True).start()
    env = slack_env(platform_url, fake.api_url)
    servers = [ServerProcess(env, tmp_path / name, name=name) for name in ("web1", "web2")]
    for server in servers:
        await server.start()
    try:
        async with aiohttp.ClientSession() as session:
            member = Member("U0TWO", company_email(0), fake, session, servers[0].base_url)
            await member.begin()
            answered = 0
            while member.on_item():
                member.base_url = servers[answered % 2].base_url  # the platform's router
                if answered == 5:  # the same click delivered to both processes at once
                    block, element = find_button(member.current, label="2点")
                    body = urlencode({"payload": json.dumps(click_payload(
                        member.user, member.current, element, block))}).encode()
                    waiter = fake.expect(member.dm)

                    assert await asyncio.gather(
                        *(post(session, s, body) for s in servers)) == [200, 200]
                    _, member.current = await asyncio.wait_for(waiter, 15)
                    await asyncio.sleep(0.5)  # time for a second (wrong) next question
                    answered += 1
                    continue
                await member.answer(answered % 4 + 1)
                answered += 1
            await member.click(label="提出する", buttons=False)
            for server in servers:
                async with session.get(server.base_url + "/readyz") as response:
                    assert response.status == 200
        assert [await s.stop() for s in servers] == [0, 0]
    finally:
        for server in servers:
            if server.alive():
                server.kill()
        await fake.stop()
    database = Database(platform_url)
    with database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Answer)) == 36 == answered
        assert session.scalar(select(Assessment.status)) == "submitted"
    database.dispose()
    posted_items = [value.split(":")[3] for call in fake.called("chat.postMessage")
                    for block in call.args.get("blocks") or [] if block["type"] == "actions"
                    for value in [e["value"] for e in block["elements"]]
                    if value.startswith("navi:level:") and value.endswith(":1")]
    assert len(posted_items) == len(set(posted_items)) == 36, "an item was posted twice"
    assert fake.problems == []


def test_one_scheduler_delivers_among_web_and_worker_processes(platform_url, tmp_path):
    """Two `serve` processes (scheduler in-process, the default) and the Procfile's `worker`:
    every announcement and reminder reaches Slack exactly once."""
    from tests.test_worker_fakeslack import FakeSlack
    from tests.test_worker_processes import (
        TOKEN,
        all_sent,
        assert_exactly_once,
        seed,
        start_worker,
        stop,
        wait_until,
    )

    release(platform_url, tmp_path)
    seed(platform_url)
    with FakeSlack(post_delay=0.002) as slack:
        env = {**slack_env(platform_url, slack.url), "SLACK_BOT_TOKEN": TOKEN,
               "AIGA_WORKER_IN_PROCESS": "true", "AIGA_WORKER_TICK_SECONDS": "0.2",
               "AIGA_REMINDER_DAYS": "30", "AIGA_ANNOUNCE_CHANNELS": "slack:CANNOUNCE"}
        webs = [ServerProcess(env, tmp_path / f"web{i}", name=f"web{i}",
                              command=[sys.executable, "-m", "bot.cli", "serve", "--host",
                                       "127.0.0.1", "--port", "0"]) for i in (1, 2)]
        for web in webs:
            web.command[-1] = str(web.port)
            asyncio.run(web.start(ready_path="/healthz"))
        worker = start_worker(platform_url, slack, tmp_path / "worker.log")
        try:
            wait_until(lambda: all_sent(platform_url), 180, "all deliveries sent")
            asyncio.run(asyncio.sleep(1.5))  # more ticks everywhere: nothing more may go out
            assert_exactly_once(slack, platform_url)
        finally:
            assert stop(worker) == 0
            assert [asyncio.run(w.stop()) for w in webs] == [0, 0]
    database = Database(platform_url)
    with database.transaction() as session:
        from store.reminders import Delivery

        by = dict(session.execute(select(Delivery.claimed_by, func.count())
                                  .group_by(Delivery.claimed_by)).all())
    database.dispose()
    names = {str(w.process.pid): w.name for w in webs} | {str(worker.pid): "worker"}
    print(f"\ndeliveries by process: "
          f"{ {names.get(k.rsplit(':', 1)[-1], k): n for k, n in by.items()} }")
    assert sum(by.values()) > 0
