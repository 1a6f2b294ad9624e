"""Charts by signed, expiring link (bot/chart_links.py), tried like an attacker would: forged,
expired, reused for another file or for an event, path tricks, odd encodings — 403 or 404,
never a 500, never a byte from outside the chart folder."""

from __future__ import annotations

import os

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot import chart_links
from bot.chart_links import ChartLinks, add_chart_routes, token
from bot.events_http import token as event_token

SECRET = "s" * 24
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
NOW = 1_800_000_000.0

def links(now: float = NOW, **kw) -> ChartLinks:
    return ChartLinks(secret=SECRET, public_url="https://navi.example.org/", clock=lambda: now,
                      **kw)


@pytest.fixture
def charts(tmp_path):
    folder = tmp_path / "charts"
    folder.mkdir()
    (folder / "radar-0123abcd.png").write_bytes(PNG)
    (folder / "not-a-png.png").write_bytes(b"<html>hi</html>")
    (tmp_path / "secret.png").write_bytes(PNG + b"SECRET")
    os.symlink(tmp_path / "secret.png", folder / "escape.png")
    (folder / "dir.png").mkdir()
    return folder


async def client_for(folder, at: float = NOW) -> TestClient:
    app = web.Application()
    add_chart_routes(app, links(at), folder=lambda: folder)
    client = TestClient(TestServer(app))
    await client.start_server()
    return client


def path_of(url: str) -> str:
    return url.removeprefix("https://navi.example.org")


def test_url_shape_and_what_gets_no_link():
    url = links().url("/var/charts/radar-0123abcd.png")
    assert url is not None and url.startswith("https://navi.example.org/charts/radar-0123abcd.png?")
    assert f"e={int(NOW) + chart_links.TTL}" in url and "&t=" in url
    for bad in ("../etc/passwd", "radar.svg", "a b.png", ".hidden.png", "ｒａｄａｒ.png", ""):
        assert links().url(bad) is None, bad
    assert ChartLinks(secret="short", public_url="https://x.example").url("a.png") is None
    assert ChartLinks(secret=SECRET, public_url="").url("a.png") is None
    assert ChartLinks(secret=SECRET, public_url="ftp://x.example").url("a.png") is None


def test_chart_and_event_tokens_never_coincide():
    assert token("1.png", 1, SECRET) != event_token(1, SECRET)
    assert token("a.png", 100, SECRET) != token("a.png", 101, SECRET)
    assert token("a.png", 100, SECRET) != token("b.png", 100, SECRET)
    assert token("a.png", 100, "") is None


@pytest.mark.asyncio
async def test_a_signed_link_serves_the_png(charts):
    client = await client_for(charts)
    try:
        response = await client.get(path_of(links().url(charts / "radar-0123abcd.png")))
        assert response.status == 200
        assert response.content_type == "image/png" and await response.read() == PNG
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    finally:
        await client.close()


@pytest.mark.asyncio
async def test_bad_and_expired_signatures_are_403(charts):
    url = path_of(links().url(charts / "radar-0123abcd.png"))
    base, _, query = url.partition("?")
    expires = int(NOW) + chart_links.TTL
    good = token("radar-0123abcd.png", expires, SECRET)
    forged = [
        base, f"{base}?e={expires}", f"{base}?t={good}",
        f"{base}?e={expires}&t={good[:-1]}0" if good[-1] != "0" else f"{base}?e={expires}&t=1",
        f"{base}?e={expires + 1}&t={good}",  # a later expiry with the old signature
        f"{base}?e=-1&t={good}", f"{base}?e=１２３&t={good}", f"{base}?e={'9' * 40}&t={good}",
        f"{base}?e={expires}&t={good}%00", f"{base}?e={expires}&t=%FF%FE",
        f"{base}?e={expires}&t=" + "a" * 5000,
        f"{base}?e={expires}&t={event_token(1, SECRET)}",
        f"/charts/not-a-png.png?{query}",  # a signature for one file used on another
    ]
    client = await client_for(charts)
    try:
        for attempt in forged:
            response = await client.get(attempt)
            assert response.status == 403, attempt
    finally:
        await client.close()
    late = await client_for(charts, at=expires + 1)  # the same link, a second too late
    try:
        assert (await late.get(url)).status == 403
    finally:
        await late.close()


@pytest.mark.asyncio
async def test_path_tricks_and_missing_files_are_404(charts):
    def signed(name: str) -> str:
        expires = int(NOW) + 60
        return f"/charts/{name}?e={expires}&t={token(name, expires, SECRET)}"

    attempts = ["/charts/..%2Fsecret.png", "/charts/%2e%2e/secret.png", "/charts/../secret.png",
                "/charts/radar-0123abcd.PNG", "/charts/radar-0123abcd.png.bak",
                "/charts/.png", "/charts/" + "a" * 300 + ".png", "/charts/%00.png",
                "/charts/r%C3%A9.png", signed("escape.png"),  # a symlink out of the folder
                signed("nothere.png"), signed("not-a-png.png"), signed("dir.png")]
    client = await client_for(charts)
    try:
        for attempt in attempts:
            response = await client.get(attempt)
            assert response.status == 404, (attempt, response.status)
            assert b"SECRET" not in await response.read()
    finally:
        await client.close()


@pytest.mark.asyncio
async def test_no_secret_refuses_everything_and_a_broken_folder_is_not_a_500(tmp_path):
    app = web.Application()
    add_chart_routes(app, ChartLinks(), folder=lambda: tmp_path)
    client = TestClient(TestServer(app))
    await client.start_server()
    try:
        expires = int(NOW) + 60
        response = await client.get(f"/charts/a.png?e={expires}&t={token('a.png', expires, '')}")
        assert response.status == 403
    finally:
        await client.close()

    def broken() -> os.PathLike:
        raise RuntimeError("config gone")

    app = web.Application()
    add_chart_routes(app, links(), folder=broken)
    client = TestClient(TestServer(app))
    await client.start_server()
    try:
        expires = int(NOW) + 60
        response = await client.get(f"/charts/a.png?e={expires}&t={token('a.png', expires, SECRET)}")
        assert response.status == 404
    finally:
        await client.close()


@pytest.mark.asyncio
async def test_the_server_mounts_the_route_with_the_settings_links(tmp_path, database):
    from bot.server import create_app
    from bot.settings import Settings
    from handlers import config

    folder = tmp_path / "charts"
    folder.mkdir()
    (folder / "radar-1.png").write_bytes(PNG)
    previous = config.current()
    config.configure(config.HandlerConfig(chart_dir=folder))
    settings = Settings(_env_file=None, aiga_link_secret=SECRET,
                        aiga_public_url="https://navi.example.org")
    before = chart_links.current()
    try:
        app = create_app(settings, database)
        url = chart_links.current().url(folder / "radar-1.png")
        assert url is not None
        client = TestClient(TestServer(app))
        await client.start_server()
        try:
            assert (await client.get(path_of(url))).status == 200
            assert (await client.get(path_of(url) + "0")).status == 403
        finally:
            await client.close()
    finally:
        chart_links.install(before)
        config.configure(previous)
