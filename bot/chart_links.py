"""Charts over HTTP at full resolution: `GET /charts/<name>.png?e=<expires>&t=<token>`.

Teams shows a card's image by URL; inlined as a data URI it must fit the ~28 KB message, which
shrinks a chart until its labels are 6–7 px. So the Teams card shows the chart by a link to
this route instead, at its full size. The scheme is the one of every signed file link
(bot/file_links.py, which signs, checks and reads for both): an HMAC-SHA256 with
AIGA_LINK_SECRET (16+ characters) on a base of AIGA_PUBLIC_URL, both from
`Settings.calendar_links()` (when links are on, and which the process uses:
bot/installed_links.py). The message signed is "chart:<file name>:<expiry>", so a chart token
is never a valid event or file token or the reverse, and a link stops working `TTL` after it
was made (a result is confidential; a forwarded link should not work for ever).

Answers: 200 image/png; 403 for a missing, wrong or expired signature (and when no secret is
configured); 404 for a name that is not a chart of the configured folder
(`handlers.config.current().chart_dir`): another extension, a path, a symbolic link leading
elsewhere, a file that is not there. Never a 500.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from bot import file_links, installed_links
from bot.installed_links import Installed, LinkSettings
from handlers import config

log = logging.getLogger(__name__)

ROUTE = "/charts/{name}"
PURPOSE = "chart"
TTL = 7 * 24 * 3600  # seconds a link works: a week to look at a result again
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,119}\.png$")  # what charts.py writes
MAX_FILE = 20 * 1024 * 1024  # bytes: a chart is ~100 KB; anything bigger is not ours
PNG = b"\x89PNG\r\n\x1a\n"


def token(name: str, expires: int, secret: str | None) -> str | None:
    """The signature of one chart link; None without a (long enough) secret."""
    return file_links.sign(PURPOSE, name, expires, secret)


@dataclass(frozen=True)
class ChartLinks(LinkSettings):
    """What a chart link needs besides the secret and base URL: how long, and a clock."""

    ttl: int = TTL
    clock: Callable[[], float] = time.time

    def url(self, path: str | Path) -> str | None:
        """A signed link to a chart file, or None (links off, or not a chart's file name)."""
        name = Path(path).name
        if not self.enabled or not NAME.match(name):
            return None
        expires = int(self.clock()) + self.ttl
        signature = token(name, expires, self.secret)
        return f"{self.base}/charts/{name}?e={expires}&t={signature}"


_links: Installed[ChartLinks] = Installed(ChartLinks())
install = _links.install  # the server installs its own at start; returns the previous ones
current = _links.current  # what the renderers and the route use (off until installed)


def from_settings(settings: object) -> ChartLinks:
    """The chart links of the server's Settings."""
    return installed_links.from_settings(settings, ChartLinks)


def _verified(name: str, query: dict, links: ChartLinks) -> bool:
    return file_links.verified(PURPOSE, name, query, links.secret, links.clock())


def _read(name: str, folder: Path) -> bytes | None:
    """The chart's bytes, only when it is a regular PNG file inside `folder` (resolved)."""
    return file_links.read_inside(folder, name, PNG, MAX_FILE)


def add_chart_routes(app: web.Application, links: ChartLinks | None = None, *,
                     folder: Callable[[], Path] | None = None) -> None:
    """Mount GET /charts/<name>. `links` defaults to the installed ones (read per request, so
    the server's start-up installation applies); `folder` to the configured chart folder."""

    def chart_folder() -> Path:
        return Path(folder() if folder is not None else config.current().chart_dir)

    async def serve(request: web.Request) -> web.Response:
        name = request.match_info.get("name", "")
        if not NAME.match(name):
            return web.Response(status=404, text="not found")
        if not _verified(name, request.query, links or current()):
            return web.Response(status=403, text="forbidden")
        try:
            data = await asyncio.to_thread(_read, name, chart_folder())
        except Exception:  # never a 500 page for a chart
            log.exception("charts: reading %s failed", name)
            data = None
        if data is None:
            return web.Response(status=404, text="not found")
        return web.Response(body=data, content_type="image/png", headers={
            "Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'"})

    app.router.add_get(ROUTE, serve)
