"""The single-machine set-up: the scheduler runs inside the aiohttp server (`aiga-bot serve`) and
stops with it; AIGA_WORKER_IN_PROCESS=false leaves the delivering to the Procfile's worker."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from aiohttp import web

from bot.worker import mount_scheduler
from handlers.dates import now_tokyo
from handlers.rounds.service import open_round
from rubrics import registry
from tests.support import factories
from tests.test_worker_fakeslack import FakeSlack


def seed(database) -> None:
    now = now_tokyo()
    with database.transaction() as s:
        company = factories.org(s, "株式会社In")
        factories.user(s, "slack:UIN1", company)
        open_round(s, registry(), rubric_version="1.1", opens=(now - timedelta(days=40)).date(),
                   deadline=(now + timedelta(days=5)).date(), now=now)


def env(monkeypatch, slack: FakeSlack, in_process: str) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test-0000")
    monkeypatch.setenv("SLACK_API_URL", slack.url)
    monkeypatch.setenv("AIGA_WORKER_TICK_SECONDS", "0.1")
    monkeypatch.setenv("AIGA_REMINDER_DAYS", "30")
    monkeypatch.setenv("AIGA_WORKER_IN_PROCESS", in_process)
    monkeypatch.delenv("AIGA_ANNOUNCE_CHANNELS", raising=False)


async def serve_for(app: web.Application, seconds: float, until=None) -> None:
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        for _ in range(int(seconds / 0.05)):
            if until is not None and until():
                break
            await asyncio.sleep(0.05)
    finally:
        await runner.cleanup()


def test_the_server_runs_the_scheduler_in_process(database, monkeypatch):
    seed(database)
    with FakeSlack() as slack:
        env(monkeypatch, slack, "true")
        app = web.Application()
        assert mount_scheduler(app, database) is True
        asyncio.run(serve_for(app, 15, until=lambda: len(slack.posted) >= 2))
        assert len(slack.posted) == 2  # announcement + the overdue d30 reminder
        assert max(slack.keys().values()) == 1


def test_in_process_scheduler_can_be_switched_off(database, monkeypatch):
    seed(database)
    with FakeSlack() as slack:
        env(monkeypatch, slack, "false")
        app = web.Application()
        assert mount_scheduler(app, database) is False
        asyncio.run(serve_for(app, 0.5))
        assert slack.posted == []
