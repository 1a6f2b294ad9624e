"""Signed, expiring links to files the bot generated: `GET /files/<name>?n=<title>&e=<expiry>&t=<sig>`.

Teams cannot receive a bot's file in a channel (and in a personal chat only after a consent
card), so a Teams reply that carries a file — a company's export (handlers/results/
company_export.py) — shows a download button to this route instead (bot/teams/render_file.py).
Slack uploads the file itself; the console prints its path.

One signing scheme for every link of this kind (charts too: bot/chart_links.py uses `sign`,
`verified` and `read_inside` from here): an HMAC-SHA256 with AIGA_LINK_SECRET (16+ characters)
of "<purpose>:<file name>:<expiry>[:<title>]", on a base of AIGA_PUBLIC_URL, both from
`Settings.calendar_links()` (when links are on, and which the process uses:
bot/installed_links.py). The purpose ("chart", "file") is signed, so a chart's token never
opens a file, nor the reverse, nor an event's (whose message is "event:<id>"). The title a
browser saves the file under is signed too, so it cannot be changed into something misleading.
A file link works for TTL (a day, as long as handlers/downloads.py keeps the file).

What is served: only a regular file directly inside the downloads folder
(`handlers.downloads.folder()`), whose name is a random one handlers/downloads.py makes
(32 hex digits + .xlsx/.pdf/.csv), whose content starts as its extension says. Answers: 200
(GET and HEAD) with the extension's MIME type and `Content-Disposition: attachment` with the
title in RFC 5987 UTF-8 (Japanese titles) and an ASCII fallback; 403 for a missing, wrong,
expired or other-purpose signature (and when no secret is configured); 404 for a name that is
not such a file: a path, another extension, a symbolic link, a huge or non-ASCII name, a file
that is not there (any more). Never a 500.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import re
import time
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from aiohttp import web

from bot import installed_links
from bot.installed_links import Installed, LinkSettings, key
from handlers import downloads

log = logging.getLogger(__name__)

ROUTE = "/files/{name}"
PURPOSE = "file"
TTL = downloads.KEEP  # seconds a link works: a day, as long as the file is kept
MAX_FILE = 50 * 1024 * 1024  # bytes: an export is well under 1 MB
SWEEP_EVERY = 3600  # seconds between sweeps of old generated files by the server
MAX_TITLE = 150  # characters of the name a browser saves the file under
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TYPES: dict[str, tuple[str, bytes]] = {  # extension → (MIME type, how the content starts)
    ".xlsx": (XLSX_MIME, b"PK\x03\x04"),
    ".pdf": ("application/pdf", b"%PDF-"),
    ".csv": ("text/csv; charset=utf-8", b""),
}
HEADERS = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff",
           "Content-Security-Policy": "default-src 'none'", "Referrer-Policy": "no-referrer"}


# ----- the signature, shared with the chart links -----------------------------------------------


def sign(purpose: str, name: str, expires: int, secret: str | None,
         *extra: str) -> str | None:
    """The signature of one link; None without a (long enough) secret. `extra` (a title) is
    last, after the digits of the expiry, so no choice of it can imitate another message."""
    secret_key = key(secret)
    if secret_key is None:
        return None
    message = ":".join([purpose, name, str(int(expires)), *extra]).encode()
    return hmac.new(secret_key, message, hashlib.sha256).hexdigest()[:32]


def verified(purpose: str, name: str, query: Mapping[str, str], secret: str | None,
             now: float, *extra: str) -> bool:
    """Whether the query's expiry (e) and signature (t) are ours for this link, not expired."""
    given_expiry, given = query.get("e", ""), query.get("t", "")
    if not (given_expiry.isascii() and given_expiry.isdigit() and len(given_expiry) <= 12):
        return False
    expires = int(given_expiry)
    expected = sign(purpose, name, expires, secret, *extra)
    if expected is None or not hmac.compare_digest(expected.encode(),
                                                  given.encode("utf-8", "replace")):
        return False
    return now <= expires


def read_inside(folder: Path, name: str, magic: bytes, max_size: int) -> bytes | None:
    """The file's bytes, only when it is a regular file directly inside `folder` (after
    resolving links) that starts with `magic`."""
    try:
        root = folder.resolve()
        path = (root / name).resolve()
        if path.parent != root or path.name != name or not path.is_file() \
                or path.stat().st_size > max_size:
            return None
        data = path.read_bytes()
    except (OSError, ValueError):
        return None
    return data if data.startswith(magic) else None


# ----- titles and Content-Disposition ------------------------------------------------------------


def clean_title(title: str, extension: str) -> str:
    """The name a browser saves the file under: no controls or direction marks, no path,
    at most MAX_TITLE characters, always ending in the file's real extension."""
    text = unicodedata.normalize("NFC", title or "")
    text = "".join(" " if unicodedata.category(c)[0] in "CZ" and c != " " else c for c in text)
    text = re.sub(r"[\\/:*?\"<>|]", "_", text)
    text = re.sub(r" {2,}", " ", text).strip(" .")
    if text.lower().endswith(extension):
        text = text[: -len(extension)].rstrip(" .")
    text = text[: MAX_TITLE - len(extension)].rstrip(" .")
    return (text or "download") + extension


def disposition(title: str) -> str:
    """`attachment` with an ASCII fallback and the UTF-8 name (RFC 6266 / RFC 5987)."""
    ascii_name = re.sub(r"[^A-Za-z0-9._ -]", "_", title)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(title, safe='')}"


# ----- the links -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileLinks(LinkSettings):
    """What a file link needs besides the secret and base URL: how long, a clock, the folder."""

    ttl: int = TTL
    clock: Callable[[], float] = time.time
    folder: Callable[[], Path] = field(default=downloads.folder)

    def url(self, path: str | Path, title: str = "") -> str | None:
        """A signed link to a generated file, or None: links off, or not a file this route
        serves (another folder, another kind of name), so a button never leads to a 404."""
        file = Path(path)
        name = file.name
        if not self.enabled or not downloads.NAME.fullmatch(name):
            return None
        try:
            if file.parent.resolve() != Path(self.folder()).resolve():
                return None
        except (OSError, ValueError, RuntimeError):
            return None
        shown = clean_title(title, file.suffix)
        expires = int(self.clock()) + self.ttl
        signature = sign(PURPOSE, name, expires, self.secret, shown)
        return (f"{self.base}/files/{name}"
                f"?n={quote(shown, safe='')}&e={expires}&t={signature}")


_links: Installed[FileLinks] = Installed(FileLinks())
install = _links.install  # the server installs its own at start; returns the previous ones
current = _links.current  # what the Teams renderer and the route use (off until installed)


def from_settings(settings: object) -> FileLinks:
    """The file links of the server's Settings."""
    return installed_links.from_settings(settings, FileLinks)


# ----- the route -------------------------------------------------------------------------------


def add_file_routes(app: web.Application, links: FileLinks | None = None) -> None:
    """Mount GET (and HEAD) /files/<name>, and an hourly sweep of old files while the server
    runs. `links` defaults to the installed ones, read per request, so the server's start-up
    installation applies."""

    async def serve(request: web.Request) -> web.Response:
        name = request.match_info.get("name", "")
        if not downloads.NAME.fullmatch(name):
            return web.Response(status=404, text="not found")
        used = links or current()
        extension = Path(name).suffix
        title = request.query.get("n", "")
        if len(title) > 4 * MAX_TITLE or not verified(PURPOSE, name, request.query, used.secret,
                                                      used.clock(), title):
            return web.Response(status=403, text="forbidden")
        mime, magic = TYPES[extension]
        try:
            data = await asyncio.to_thread(read_inside, Path(used.folder()), name, magic,
                                           MAX_FILE)
        except Exception:  # never a 500 page for a download
            log.exception("files: reading %s failed", name)
            data = None
        if data is None:
            return web.Response(status=404, text="not found")
        headers = {**HEADERS, "Content-Disposition": disposition(clean_title(title, extension))}
        return web.Response(body=data, headers={**headers, "Content-Type": mime})

    app.router.add_get(ROUTE, serve)
    sweeper: list[asyncio.Task] = []

    async def sweep_hourly() -> None:
        """Old files go even when no one exports for a while (each export sweeps too)."""
        while True:
            try:
                removed = await asyncio.to_thread(downloads.sweep, Path(used_folder()))
                if removed:
                    log.info("files: %d generated file(s) older than a day deleted", removed)
            except Exception:  # a missing or broken folder must not stop the server
                log.warning("files: sweeping the downloads folder failed", exc_info=True)
            await asyncio.sleep(SWEEP_EVERY)

    def used_folder() -> Path:
        return (links or current()).folder()

    async def start(_: web.Application) -> None:
        sweeper.append(asyncio.create_task(sweep_hourly()))

    async def stop(_: web.Application) -> None:
        for task in sweeper:
            task.cancel()
        await asyncio.gather(*sweeper, return_exceptions=True)

    app.on_startup.append(start)
    app.on_cleanup.append(stop)
