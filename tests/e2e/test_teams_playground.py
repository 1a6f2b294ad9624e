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
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from aiohttp import web
from sqlalchemy import select

from bot import chart_links
from bot.sample import SAMPLE_ORG, ensure_sample_data
from bot.teams.app import add_teams_routes
from bot.teams.settings import TeamsSettings
from handlers import config
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


@asynccontextmanager
async def _playground(database, tmp_path: Path, screenshot: Path) -> AsyncIterator:
    """Our /api/messages (authentication off) and the chart links on free ports, the
    Playground in front of them, and a headless Chromium page on the Playground; yields
    (page, Playground port). The page is screenshot to `screenshot` at the end, failed or not."""
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
    # charts by signed link from this server, as `aiga-bot serve` mounts them
    previous_config = config.current()
    config.configure(config.HandlerConfig(chart_dir=tmp_path / "charts"))
    previous_links = chart_links.install(chart_links.ChartLinks(
        secret="e2e-link-secret-0123456789", public_url=f"http://127.0.0.1:{bot_port}"))
    chart_links.add_chart_routes(app)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", bot_port).start()

    config_path = tmp_path / ".m365agentsplayground.yml"
    _playground_config(config_path)
    log_path = tmp_path / "playground.log"
    env = {**os.environ, "M365_AGENTS_PLAYGROUND_CONFIG_PATH": str(config_path)}
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
                yield page, pg_port
            finally:  # on failure too: the screenshot shows where it stopped
                await page.screenshot(path=str(screenshot))
                await context.close()
    finally:
        playground.terminate()
        try:
            playground.wait(timeout=10)
        except subprocess.TimeoutExpired:
            playground.kill()
        await runner.cleanup()
        chart_links.install(previous_links)
        config.configure(previous_config)
    assert all(h not in LOOPBACK for h in blocked)


async def test_navi_in_microsofts_local_teams_client(database_url, database, artifacts_dir,
                                                     tmp_path):
    if reason := _missing():
        pytest.skip(reason)
    async with _playground(database, tmp_path, artifacts_dir / "teams-playground.png") as (
            page, pg_port):
        await _converse(page, pg_port)

    with database.transaction() as session:
        user = session.scalar(select(User).where(User.platform == "teams"))
        assert user is not None and user.platform_user_id == AAD
        assert user.organisation is not None and user.organisation.name == SAMPLE_ORG
        levels = session.scalars(select(Answer.level)).all()
    assert levels == [2]  # the click reached the database through Teams' own client


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


# ----- the whole Navi: the holes and the chart as Teams shows them ------------------------------

LOW = 2  # the first items are answered 1点: the holes of the to-do list
HOLES = ["1. AIポリシー — 1点", "2. AI利用ルール — 1点"]
MIN_TEXT_PX = 11.0

# every TextBlock holding `needle`, with its box and any list element inside it
_BLOCKS_WITH = """needle => [...document.querySelectorAll('.ac-textBlock')]
    .filter(b => b.innerText.includes(needle))
    .map(b => { const r = b.getBoundingClientRect();
                return {top: r.top, bottom: r.bottom, text: b.innerText,
                        lists: b.querySelectorAll('ol, ul, li').length}; })"""
_CHART = """() => { const i = [...document.querySelectorAll('img')]
        .filter(x => x.src.includes('/charts/')).pop();
    if (!i || !i.complete || !i.naturalWidth) return null;
    const r = i.getBoundingClientRect();
    // what is really visible: the image cut by every ancestor that clips, and by the window
    let left = Math.max(r.left, 0), right = Math.min(r.right, window.innerWidth);
    for (let e = i.parentElement; e; e = e.parentElement) {
        const style = getComputedStyle(e);
        if (style.overflowX !== 'visible' || style.overflow !== 'visible') {
            const c = e.getBoundingClientRect();
            left = Math.max(left, c.left); right = Math.min(right, c.right);
        }
    }
    const card = i.closest('.ac-adaptiveCard').getBoundingClientRect();
    left = Math.max(left, card.left); right = Math.min(right, card.right);
    return {src: i.src, shown: r.width, natural: i.naturalWidth, card: card.width,
            visible: Math.max(0, right - left)}; }"""


async def test_whole_navi_reads_well_in_microsofts_local_teams_client(database, artifacts_dir,
                                                                      tmp_path):
    """The whole Navi with two low answers: each hole of the to-do list is a line of its own
    (not one paragraph, not a numbered list), and the chart arrives by our signed link, whole
    inside the card as the page lays it out (the Playground's card is ~430 px, narrower than
    the chat), its smallest text at least 11 px at that visible width."""
    if reason := _missing():
        pytest.skip(reason)
    from bot.teams.render_chart import chart_size

    async with _playground(database, tmp_path, artifacts_dir / "teams-navi-whole.png") as (
            page, pg_port):
        await _whole_navi(page, pg_port)
        todo = page.get_by_text("やることリスト").last
        await todo.scroll_into_view_if_needed()
        blocks = [await page.evaluate(_BLOCKS_WITH, hole) for hole in HOLES]
        assert all(len(found) == 1 for found in blocks), blocks  # each hole in one element…
        first, second = blocks[0][0], blocks[1][0]
        assert first["text"].strip().lstrip("・") == HOLES[0]  # …shown as written…
        assert first["lists"] == second["lists"] == 0  # …not turned into a numbered list
        assert second["top"] >= first["bottom"] - 1  # …and on a line of its own, below
        await page.screenshot(path=str(artifacts_dir / "teams-navi-todo.png"))

        chart = None
        for _ in range(100):
            chart = await page.evaluate(_CHART)
            if chart:
                break
            await page.wait_for_timeout(200)
        assert chart is not None, "no chart served by /charts/ was shown"
        image = page.locator("img[src*='/charts/']").last
        await image.scroll_into_view_if_needed()
        await page.wait_for_timeout(300)
        await page.screenshot(path=str(artifacts_dir / "teams-navi-chart.png"))
        await image.screenshot(path=str(artifacts_dir / "teams-navi-chart-only.png"))

    name = urlsplit(chart["src"]).path.rsplit("/", 1)[-1]
    size = chart_size(tmp_path / "charts" / name)
    assert size is not None and chart["natural"] == size.width  # full resolution, not shrunk
    shown_px = size.shown_text_px(chart["shown"])
    visible_px = size.shown_text_px(chart["visible"])
    (artifacts_dir / "teams-navi-chart.txt").write_text(
        f"natural {size.width}px, shown {chart['shown']:.0f}px in a card {chart['card']:.0f}px "
        f"wide, visible {chart['visible']:.0f}px; smallest text {size.text_px:.1f}px in the "
        f"PNG, {visible_px:.1f}px on screen\n")
    assert chart["visible"] >= chart["shown"] - 1, chart  # the whole chart is in view, not cut
    assert chart["visible"] >= 300, chart  # a real chart, not a thumbnail
    assert shown_px >= MIN_TEXT_PX and visible_px >= MIN_TEXT_PX, (chart, size)


async def _whole_navi(page, pg_port: int) -> None:
    """Start, answer every item (the first LOW at 1点, the rest 3点), submit."""
    await page.goto(f"http://127.0.0.1:{pg_port}/", wait_until="domcontentloaded")
    box = page.locator('[contenteditable="true"][role="textbox"]').last
    await box.wait_for(timeout=60_000)
    await page.get_by_text("AIガバナンスナビ Bot です").first.wait_for(timeout=30_000)

    async def press(label: str) -> None:
        await page.get_by_role("button", name=label, exact=True).last.click()

    async def shown(text: str | re.Pattern, timeout: float = 30_000) -> None:
        await page.get_by_text(text).last.wait_for(timeout=timeout)

    for words, answer in (("日本語", "日本語で表示します"), ("ナビを始める", "自己診断を始めます")):
        await box.fill(words)
        await box.press("Enter")
        await shown(answer)
    await press("はい、始める")
    await shown("貴社の立場を選んでください")
    await press("AI利用者")
    await shown(re.compile(r"^0/\d+ 回答済み"))
    total = int(re.search(r"/(\d+) 回答済み", await page.get_by_text(
        re.compile(r"^0/\d+ 回答済み")).last.inner_text()).group(1))
    for n in range(total):
        await shown(re.compile(rf"^{n}/{total} 回答済み"))
        await press("1点" if n < LOW else "3点")
    await shown(re.compile(r"提出しますか"))
    await press("提出する")
    await shown("提出しました", timeout=60_000)
    await shown("やることリスト", timeout=60_000)
