"""`aiga-bot serve` as an operator runs it: a real process, settings from the environment."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys

import pytest

from tests.support.fake_slack import (
    BOT_TOKEN,
    SIGNING_SECRET,
    FakeSlack,
    dm_event,
    event_envelope,
    seed_member,
    sign,
)

pytestmark = pytest.mark.asyncio


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_env(**values: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    return {**keep, **values}


async def run_serve(env: dict, cwd, *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", *args,
        env=env, cwd=cwd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


async def test_serve_answers_slack_and_stops_cleanly(database_url, database, tmp_path):
    import aiohttp

    seed_member(database, rubric_version="1.1")  # the real process has the packaged rubric only
    fake = await FakeSlack().start()
    fake.add_user("U0PROC", "proc@example.co.jp")
    port = free_port()
    env = serve_env(DATABASE_URL=database_url, SLACK_BOT_TOKEN=BOT_TOKEN,
                    SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=fake.api_url,
                    PORT=str(port))
    process = await run_serve(env, tmp_path)
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(200):
                try:
                    async with session.get(base + "/healthz") as response:
                        health = await response.json()
                        break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.05)
            else:
                pytest.fail("server did not come up")
            assert health["database"] is True and health["platforms"] == {"slack": "http"}
            body = json.dumps(event_envelope(dm_event("U0PROC", "状況"))).encode()
            async with session.post(base + "/slack/events", data=body, headers={
                    "Content-Type": "application/json", **sign(body)}) as response:
                assert response.status == 200
            for _ in range(200):
                if fake.posts("DU0PROC"):
                    break
                await asyncio.sleep(0.05)
            assert "未着手" in fake.posts("DU0PROC")[0]["text"]
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(process.communicate(), 20)
        await fake.stop()
    assert process.returncode == 0
    assert f"listening on http://127.0.0.1:{port}" in out.decode()
    for secret in (BOT_TOKEN, SIGNING_SECRET):
        assert secret not in out.decode() + err.decode()


async def test_missing_and_malformed_settings_stop_startup(tmp_path):
    env = serve_env(SLACK_BOT_TOKEN="xoxp-user-token-not-a-bot-1234", PORT="70000",
                    DATABASE_URL=f"sqlite:///{tmp_path}/x.db")
    process = await run_serve(env, tmp_path)
    _, err = await asyncio.wait_for(process.communicate(), 20)
    lines = err.decode().strip().splitlines()
    assert process.returncode == 2
    assert [line.split(":")[0] for line in lines] == ["setting SLACK_BOT_TOKEN", "setting PORT"]
    assert "xoxb-" in lines[0] and "xoxp-user-token" not in err.decode()

    env = serve_env(DATABASE_URL=f"sqlite:///{tmp_path}/x.db")
    process = await run_serve(env, tmp_path)
    _, err = await asyncio.wait_for(process.communicate(), 20)
    lines = err.decode().strip().splitlines()
    assert process.returncode == 2
    assert [line.split(":")[0] for line in lines] == ["setting SLACK_BOT_TOKEN",
                                                      "setting SLACK_SIGNING_SECRET"]


async def test_token_rejected_by_slack_stops_startup(database_url, tmp_path):
    fake = await FakeSlack(bot_token="xoxb-the-real-one-0000").start()
    env = serve_env(DATABASE_URL=database_url, SLACK_BOT_TOKEN=BOT_TOKEN,
                    SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=fake.api_url,
                    PORT=str(free_port()))
    process = await run_serve(env, tmp_path)
    try:
        out, err = await asyncio.wait_for(process.communicate(), 20)
    finally:
        await fake.stop()
    assert process.returncode == 2
    assert err.decode().strip().splitlines()[-1] == (
        "setting SLACK_BOT_TOKEN: Slack rejected the token (invalid_auth)")
    assert BOT_TOKEN not in err.decode() + out.decode()


async def test_old_schema_is_refused(tmp_path):
    env = serve_env(DATABASE_URL=f"sqlite:///{tmp_path}/empty.db", SLACK_BOT_TOKEN=BOT_TOKEN,
                    SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL="http://127.0.0.1:9/api/")
    process = await run_serve(env, tmp_path)
    _, err = await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode == 2
    assert "aiga-bot db upgrade" in err.decode()
