"""Generated files by signed, expiring link (bot/file_links.py), tried like an attacker would:
forged, expired, other-purpose and re-titled tokens are 403; path tricks, symbolic links,
other extensions, huge and look-alike names are 404; never a 500, never a byte from outside
the downloads folder. Plus the name a browser saves (RFC 5987) and the sweep of old files."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from openpyxl import Workbook, load_workbook

from bot import chart_links, file_links
from bot.events_http import token as event_token
from bot.file_links import FileLinks, add_file_routes, clean_title, sign
from handlers import downloads

SECRET = "f" * 24
NOW = 1_800_000_000.0
BASE = "https://navi.example.org"
XLSX = "0123456789abcdef0123456789abcdef.xlsx"
PDF = "fedcba9876543210fedcba9876543210.pdf"
TITLE = "株式会社サンプル 2026年度下期.xlsx"


@pytest.fixture
def folder(tmp_path) -> Path:
    """The downloads folder with a real workbook, a PDF, and things that must never be served."""
    target = tmp_path / "exports"
    target.mkdir()
    book = Workbook()
    book.active["A1"] = "機密 confidential"
    book.save(target / XLSX)
    (target / PDF).write_bytes(b"%PDF-1.4\n%...")
    (target / ("a" * 32 + ".xlsx")).write_bytes(b"<html>not a workbook</html>")
    (tmp_path / "secret.xlsx").write_bytes(b"PK\x03\x04SECRET")
    os.symlink(tmp_path / "secret.xlsx", target / ("b" * 32 + ".xlsx"))
    (target / ("c" * 32 + ".xlsx")).mkdir()
    (target / ("d" * 32 + ".png")).write_bytes(b"\x89PNG\r\n\x1a\nSECRET")
    return target


def links(folder: Path, now: float = NOW, **kw) -> FileLinks:
    return FileLinks(secret=SECRET, public_url=BASE + "/", clock=lambda: now,
                     folder=lambda: folder, **kw)


async def client_for(folder: Path, at: float = NOW, **kw) -> TestClient:
    app = web.Application()
    add_file_routes(app, links(folder, at, **kw))
    client = TestClient(TestServer(app))
    await client.start_server()
    return client


def path_of(url: str) -> str:
    return url.removeprefix(BASE)


def signed(name: str, title: str = "x", *, purpose: str = "file", expires: int | None = None,
           secret: str = SECRET) -> str:
    expires = int(NOW) + 60 if expires is None else expires
    extra = (title,) if purpose == "file" else ()
    signature = sign(purpose, name, expires, secret, *extra)
    return f"/files/{name}?n={quote(title)}&e={expires}&t={signature}"


# ----- the link ----------------------------------------------------------------------------------


def test_url_shape_and_what_gets_no_link(folder, tmp_path):
    url = links(folder).url(folder / XLSX, TITLE)
    assert url is not None and url.startswith(f"{BASE}/files/{XLSX}?n=")
    query = parse_qs(urlsplit(url).query)
    assert query["n"] == [TITLE] and query["e"] == [str(int(NOW) + file_links.TTL)]
    assert file_links.TTL == 24 * 3600 and len(query["t"][0]) == 32
    outside = tmp_path / XLSX
    outside.write_bytes(b"PK\x03\x04")
    for path in (outside, folder / "report.xlsx", folder / ("0" * 32 + ".png"),
                 folder / ("0" * 31 + ".xlsx"), folder / ("0" * 32 + ".XLSX"),
                 folder / "sub" / XLSX, folder / ".." / "exports2" / XLSX, Path("")):
        assert links(folder).url(path, "t") is None, path
    assert FileLinks(secret="short", public_url=BASE, folder=lambda: folder).url(folder / XLSX) is None
    assert FileLinks(secret=SECRET, public_url="", folder=lambda: folder).url(folder / XLSX) is None
    assert FileLinks(secret=SECRET, public_url="ftp://x", folder=lambda: folder).url(folder / XLSX) is None


def test_purposes_never_share_a_token():
    name, expires = XLSX, 100
    ours = sign("file", name, expires, SECRET, "t.xlsx")
    assert ours != chart_links.token(name, expires, SECRET)
    assert ours != sign("file", name, expires, SECRET, "u.xlsx")
    assert ours != sign("file", name, expires + 1, SECRET, "t.xlsx")
    assert sign("file", name, expires, "", "t.xlsx") is None
    # the title comes after the expiry: no title can make one message look like another
    assert sign("file", "a", 1, SECRET, "2") != sign("file", "a", 12, SECRET, "")


@pytest.mark.parametrize("title, expected", [
    (TITLE, TITLE),
    ("報告書", "報告書.xlsx"),
    ("evil.exe", "evil.exe.xlsx"),  # the saved name always ends in what the file really is
    ("../../etc/passwd", "_.._etc_passwd.xlsx"),
    ("a\r\nContent-Type: text/html\r\n.xlsx", "a Content-Type_ text_html.xlsx"),
    ("invoice\u202excod.xlsx", "invoice xcod.xlsx"),  # no right-to-left override
    ("", "download.xlsx"), ("....", "download.xlsx"), ("　全角スペース　", "全角スペース.xlsx"),
    ("長" * 400, "長" * 145 + ".xlsx"),
])
def test_the_saved_name_is_cleaned(title, expected):
    assert clean_title(title, ".xlsx") == expected


# ----- the route ---------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_a_signed_link_serves_the_workbook_as_an_attachment(folder, tmp_path):
    client = await client_for(folder)
    try:
        response = await client.get(path_of(links(folder).url(folder / XLSX, TITLE)))
        assert response.status == 200
        assert response.content_type == file_links.XLSX_MIME
        body = await response.read()
        (tmp_path / "got.xlsx").write_bytes(body)
        assert load_workbook(tmp_path / "got.xlsx").active["A1"].value == "機密 confidential"
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("attachment; filename=\"")
        assert disposition.isascii()
        utf8 = disposition.split("filename*=UTF-8''", 1)[1]
        assert unquote(utf8) == TITLE
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response.headers["Cache-Control"]
        head = await client.head(path_of(links(folder).url(folder / PDF, "報告.pdf")))
        assert head.status == 200 and head.content_type == "application/pdf"
        assert await head.read() == b""
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            other = await client.request(method, path_of(links(folder).url(folder / XLSX)))
            assert other.status == 405, method
    finally:
        await client.close()


@pytest.mark.asyncio
async def test_forged_expired_retitled_and_other_purpose_tokens_are_403(folder):
    url = path_of(links(folder).url(folder / XLSX, TITLE))
    base, _, query = url.partition("?")
    parts = parse_qs(query)
    title, expires, good = parts["n"][0], int(parts["e"][0]), parts["t"][0]
    n = quote(title)
    flipped = good[:-1] + ("0" if good[-1] != "0" else "1")
    forged = [
        base, f"{base}?n={n}&e={expires}", f"{base}?n={n}&t={good}",
        f"{base}?n={n}&e={expires}&t={flipped}",
        f"{base}?n={n}&e={expires + 1}&t={good}",  # a later expiry with the old signature
        f"{base}?n={quote('他社.xlsx')}&e={expires}&t={good}",  # another saved name
        f"{base}?e={expires}&t={good}",  # the title dropped
        f"{base}?n={n}&e=-1&t={good}", f"{base}?n={n}&e=１２３&t={good}",
        f"{base}?n={n}&e={'9' * 40}&t={good}", f"{base}?n={n}&e={expires}&t={good}%00",
        f"{base}?n={n}&e={expires}&t=%FF%FE", f"{base}?n={n}&e={expires}&t=" + "a" * 5000,
        f"{base}?n={'x' * 5000}&e={expires}&t={good}",
        f"/files/{PDF}?{query}",  # a signature for one file used on another
        signed(XLSX, "x", purpose="chart"),  # a chart's token for this very name
        f"{base}?e={expires}&t={chart_links.token(XLSX, expires, SECRET)}",
        f"{base}?n={n}&e={expires}&t={event_token(1, SECRET)}",
        signed(XLSX, "x", secret="g" * 24),  # signed with another deployment's secret
    ]
    client = await client_for(folder)
    try:
        for attempt in forged:
            response = await client.get(attempt)
            assert response.status == 403, attempt
            assert b"confidential" not in await response.read()
        assert (await client.get(url)).status == 200  # and the real one still works
    finally:
        await client.close()
    on_time = await client_for(folder, at=expires)  # the last second it is valid
    late = await client_for(folder, at=expires + 1)  # the same link, a second too late
    try:
        assert (await on_time.get(url)).status == 200
        assert (await late.get(url)).status == 403
    finally:
        await on_time.close()
        await late.close()


@pytest.mark.asyncio
async def test_path_tricks_other_kinds_and_missing_files_are_404(folder):
    hex32 = "0123456789abcdef" * 2
    attempts = [
        f"/files/..%2F{hex32}.xlsx", f"/files/%2e%2e/{hex32}.xlsx", "/files/../secret.xlsx",
        "/files/..%2Fsecret.xlsx", f"/files/{XLSX.upper()}", f"/files/{XLSX}.bak",
        f"/files/{XLSX[:-5]}.XLSX", f"/files/{XLSX[:-5]}.ics", f"/files/{XLSX[:-5]}.html",
        "/files/.xlsx", "/files/" + "a" * 5000 + ".xlsx", f"/files/{hex32}%00.xlsx",
        f"/files/{hex32}%0A.xlsx", f"/files/{XLSX}%0A",
        "/files/" + quote("０１２３４５６７８９ａｂｃｄｅｆ" * 2 + ".xlsx"),  # full-width look-alike
        "/files/" + quote("0123456789аbcdef" * 2 + ".xlsx"),  # a Cyrillic а
        "/files/" + quote(XLSX[:-5] + "\u202e" + "xslx.xlsx"),  # a right-to-left override
        "/files/%C0%AE%C0%AE%2F" + XLSX,  # overlong UTF-8 dots
        signed("b" * 32 + ".xlsx"),  # a symbolic link out of the folder
        signed("a" * 32 + ".xlsx"),  # not a workbook inside
        signed("c" * 32 + ".xlsx"),  # a directory
        signed("d" * 32 + ".png"),  # not a kind this route serves
        signed("e" * 32 + ".xlsx"),  # not there (swept, or never made)
    ]
    client = await client_for(folder)
    try:
        for attempt in attempts:
            response = await client.get(attempt)
            assert response.status == 404, (attempt, response.status)
            assert b"SECRET" not in await response.read()
    finally:
        await client.close()


@pytest.mark.asyncio
async def test_no_secret_refuses_everything_and_a_broken_folder_is_not_a_500(folder):
    app = web.Application()
    add_file_routes(app, FileLinks(folder=lambda: folder, clock=lambda: NOW))
    client = TestClient(TestServer(app))
    await client.start_server()
    try:
        assert (await client.get(signed(XLSX, secret=""))).status == 403
        assert (await client.get(signed(XLSX, secret="x" * 15))).status == 403
    finally:
        await client.close()

    def broken() -> Path:
        raise RuntimeError("config gone")

    app = web.Application()
    add_file_routes(app, FileLinks(secret=SECRET, public_url=BASE, clock=lambda: NOW,
                                   folder=broken))
    client = TestClient(TestServer(app))
    await client.start_server()
    try:
        assert (await client.get(signed(XLSX))).status == 404
    finally:
        await client.close()


# ----- old files are swept ------------------------------------------------------------------------


def test_sweep_deletes_only_old_generated_files(tmp_path):
    target = tmp_path / "exports"
    target.mkdir()
    old, fresh = target / ("1" * 32 + ".xlsx"), target / ("2" * 32 + ".pdf")
    leftover = target / f".{'3' * 32}.xlsx.abc123.tmp"  # a crashed atomic write
    foreign, outside = target / "keep-me.xlsx", tmp_path / ("4" * 32 + ".xlsx")
    for path in (old, fresh, leftover, foreign, outside):
        path.write_bytes(b"x")
    link = target / ("5" * 32 + ".csv")
    os.symlink(outside, link)
    day_ago = time.time() - downloads.KEEP - 60
    for path in (old, leftover, foreign, outside):
        os.utime(path, (day_ago, day_ago))
    os.utime(link, (day_ago, day_ago), follow_symlinks=False)
    assert downloads.sweep(target) == 2
    assert not old.exists() and not leftover.exists()
    assert fresh.exists() and foreign.exists() and outside.exists() and link.is_symlink()
    assert downloads.sweep(tmp_path / "missing") == 0


def test_new_path_is_random_private_and_sweeps(tmp_path):
    from handlers import config

    previous = config.current()
    config.configure(config.HandlerConfig(chart_dir=tmp_path / "charts"))
    try:
        stale = tmp_path / "exports" / ("9" * 32 + ".pdf")
        stale.parent.mkdir()
        stale.write_bytes(b"%PDF-")
        day_ago = time.time() - downloads.KEEP - 1
        os.utime(stale, (day_ago, day_ago))
        first, second = downloads.new_path(".xlsx"), downloads.new_path(".xlsx")
        assert first != second and first.parent == (tmp_path / "exports").resolve()
        assert downloads.NAME.fullmatch(first.name) and not stale.exists()
        with pytest.raises(ValueError):
            downloads.new_path(".html")
        first.write_bytes(b"x")
        assert downloads.private(first).stat().st_mode & 0o077 == 0
    finally:
        config.configure(previous)


@pytest.mark.asyncio
async def test_the_server_sweeps_old_files_when_it_starts(folder):
    stale = folder / ("6" * 32 + ".csv")
    stale.write_bytes(b"a,b\n")
    day_ago = time.time() - downloads.KEEP - 60
    os.utime(stale, (day_ago, day_ago))
    client = await client_for(folder)
    try:
        for _ in range(100):  # the sweep runs beside the server, not before it answers
            if not stale.exists():
                break
            await asyncio.sleep(0.02)
        assert not stale.exists() and (folder / XLSX).exists()
        assert (await client.get(path_of(links(folder).url(folder / XLSX, "a")))).status == 200
    finally:
        await client.close()
