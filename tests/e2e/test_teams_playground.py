"""End to end with Microsoft's own local Teams client: the Microsoft 365 Agents Playground (npm
@microsoft/m365agentsplayground, pinned in tests/e2e/playground) talks to our /api/messages
with authentication off, and headless Chromium drives its web page like a person: types
「ナビを始める」, presses the card buttons, sees the first item and then the next one.

Everything stays on 127.0.0.1: the Playground's mock connector is pointed at 127.0.0.1 with
--service-url, and the browser aborts any request to another host (the page would otherwise
try to load fonts from a CDN). Needs `bash scripts/install-e2e.sh`; skipped with the reason
when Node, the Playground or Chromium is missing.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from aiohttp import web
from sqlalchemy import select

from bot.sample import SAMPLE_ORG, ensure_sample_data
from bot.teams.app import add_teams_routes
from bot.teams.settings import TeamsSettings
from handlers.dates import now_tokyo
from handlers.router import Router
from rubrics import registry
from store.models import Answer, User

PLAYGROUND_DIR = Path(__file__).parent / "playground"
PLAYGROUND = PLAYGROUND_DIR / "node_modules" / ".bin" / "agentsplayground"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--disable-quic", "--no-first-run"]
AAD = "5e3c2a10-9b7d-4c1e-8f00-00000000e2e1"
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio]


def _missing() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed (bash scripts/install-e2e.sh)"
    if not PLAYGROUND.exists():
        return "the Agents Playground is not installed (bash scripts/install-e2e.sh)"
    if not CHROMIUM.exists():
        return "Debian chromium is not installed (bash scripts/install-e2e.sh)"
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (bash scripts/install-e2e.sh)"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _playground_config(path: Path) -> None:
    """The Playground's mock tenant, with a member of the sample company as the current user."""
    path.write_text(yaml.safe_dump({
        "version": "0.1.1",
        "tenantId": "00000000-0000-0000-0000-0000000000e2",
        "bot": {"id": "00000000-0000-0000-0000-00000000e2b0", "name": "AIGA Navi"},
        "currentUser": {"id": "user-id-0", "name": "山田 花子",
                        "userPrincipleName": "hanako@example.invalid", "aadObjectId": AAD,
                        "givenName": "花子", "surname": "山田",
                        "email": "hanako@example.invalid"},
        # the Playground's schema wants exactly five other users (group chat and team members)
        "users": [{"id": f"user-id-{n}", "name": f"Member {n}", "givenName": "Member",
                   "surname": str(n), "userPrincipleName": f"member{n}@example.invalid",
                   "email": f"member{n}@example.invalid",
                   "aadObjectId": f"00000000-0000-0000-0000-00000000e2{n:02d}"}
                  for n in range(1, 6)],
        "personalChat": {"id": "personal-chat-e2e"},
        "groupChat": {"id": "group-chat-e2e", "name": "Group Chat"},
        "team": {"id": "team-id", "name": "AIGA", "aadGroupId":
                 "00000000-0000-0000-0000-0000000000e3",
                 "channels": [{"id": "channel-general-id", "name": "General"}]},
    }, allow_unicode=True), encoding="utf-8")


async def _wait_port(port: int, timeout: float, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the Playground exited ({process.returncode}):\n"
                                 f"{log.read_text(errors='replace')[-3000:]}")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.2)
    raise AssertionError(f"nothing listening on 127.0.0.1:{port} after {timeout}s:\n"
                         f"{log.read_text(errors='replace')[-3000:]}")


async def test_navi_in_microsofts_local_teams_client(database_url, database, artifacts_dir,
                                                     tmp_path):
    if reason := _missing():
        pytest.skip(reason)
    from playwright.async_api import async_playwright

    rubrics = registry()
    with database.transaction() as session:
        assert ensure_sample_data(session, now_tokyo(), rubrics.latest().version)

    # our endpoint, authentication off (MICROSOFT_APP_ID unset), only the Playground allowed
    bot_port, pg_port = _free_port(), _free_port()
    service_url = f"http://127.0.0.1:{pg_port}/_connector"
    settings = TeamsSettings(_env_file=None, microsoft_app_id=None,
                             microsoft_allowed_service_urls=service_url)
    app = web.Application()
    add_teams_routes(app, Router(database, rubrics=rubrics), settings)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", bot_port).start()

    config = tmp_path / ".m365agentsplayground.yml"
    _playground_config(config)
    log_path = tmp_path / "playground.log"
    env = {**os.environ, "M365_AGENTS_PLAYGROUND_CONFIG_PATH": str(config)}
    with open(log_path, "wb") as log:
        playground = subprocess.Popen(
            [str(PLAYGROUND), "-e", f"http://127.0.0.1:{bot_port}/api/messages",
             "-c", "msteams", "-p", str(pg_port), "--service-url", service_url,
             "--disable-telemetry"],
            # stdin kept open: the CLI quits when its standard input ends
            cwd=tmp_path, env=env, stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT)
    blocked: list[str] = []
    try:
        await _wait_port(pg_port, 60, playground, log_path)
        async with async_playwright() as p:
            context = await p.chromium.launch_persistent_context(
                tempfile.mkdtemp(prefix="chromium-", dir=tmp_path),
                executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True,
                viewport={"width": 1400, "height": 1000}, locale="en-US")

            async def loopback_only(route) -> None:
                host = urlsplit(route.request.url).hostname or ""
                if host in LOOPBACK or route.request.url.startswith(("data:", "blob:")):
                    await route.continue_()
                else:
                    blocked.append(host)
                    await route.abort()

            await context.route("**/*", loopback_only)
            page = context.pages[0] if context.pages else await context.new_page()
            try:
                await _converse(page, pg_port)
            finally:  # on failure too: the screenshot shows where it stopped
                await page.screenshot(path=str(artifacts_dir / "teams-playground.png"))
                await context.close()
    finally:
        playground.terminate()
        try:
            playground.wait(timeout=10)
        except subprocess.TimeoutExpired:
            playground.kill()
        await runner.cleanup()

    with database.transaction() as session:
        user = session.scalar(select(User).where(User.platform == "teams"))
        assert user is not None and user.platform_user_id == AAD
        assert user.organisation is not None and user.organisation.name == SAMPLE_ORG
        levels = session.scalars(select(Answer.level)).all()
    assert levels == [2]  # the click reached the database through Teams' own client
    assert all(h not in LOOPBACK for h in blocked)


async def _converse(page, pg_port: int) -> None:
    """What a member does: open the chat, start the Navi, answer the first item."""
    await page.goto(f"http://127.0.0.1:{pg_port}/", wait_until="domcontentloaded")
    box = page.locator('[contenteditable="true"][role="textbox"]').last  # the compose box
    await box.wait_for(timeout=60_000)
    # the welcome the bot sends when the Playground installs it
    await page.get_by_text("AIガバナンスナビ Bot です").first.wait_for(timeout=30_000)

    async def say(text: str) -> None:
        await box.fill(text)
        await box.press("Enter")

    async def press(label: str) -> None:
        await page.get_by_role("button", name=label, exact=True).last.click()

    async def shown(text: str | re.Pattern) -> None:
        await page.get_by_text(text).last.wait_for(timeout=30_000)

    await say("日本語")  # the Playground always says en-US; the user picks Japanese
    await shown("日本語で表示します")
    await say("ナビを始める")
    await shown("自己診断を始めます")
    await press("はい、始める")
    await shown("貴社の立場を選んでください")
    await press("両方")
    await shown(re.compile(r"^0/\d+ 回答済み"))  # the first item card: progress 0/N, four levels
    await page.get_by_role("button", name="2点", exact=True).last.wait_for(timeout=30_000)
    await press("2点")
    await shown(re.compile(r"^✓ 1\. .+ → 2点$"))  # the first card now shows the answer only
    await shown(re.compile(r"^1/\d+ 回答済み"))  # and the next item card is on screen
    await page.wait_for_timeout(800)  # let the last card finish rendering
