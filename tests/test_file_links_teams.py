"""「エクスポート」 in Teams, through the real server (`bot.server.create_app`): Bot Framework
activities in, the fake connector recording what the bot posts, the download button's signed
link fetched from the same server and read back with openpyxl. Another company's member never
sees a link to it and cannot forge one; without link settings the member is told politely
where to get the file, in their language, and there is no button."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
from aiohttp import web
from openpyxl import load_workbook

from bot import chart_links, file_links
from bot.teams import cards
from bot.teams.render_file import LABELS
from handlers import downloads
from handlers.types import File
from rubrics.loader import RubricRegistry
from tests.support.fake_connector import (
    FIXTURE_RUBRICS,
    FakeConnector,
    Posted,
    TeamsStack,
    card_problems,
    seed_member,
)
from tests.test_teams_flow import AAD, CONV, start_assessment

pytestmark = pytest.mark.asyncio
SECRET = "L" * 32
PUBLIC = "https://navi.example.org"
ORG, OTHER = "テスト株式会社", "他社株式会社"
MALLORY = "0d5c6b1e-aaaa-4bbb-8ccc-00000000beef"


@asynccontextmanager
async def served(database_url: str, **link_settings: str) -> AsyncIterator[TeamsStack]:
    """The whole server (as `aiga-bot serve` builds it) with Teams pointed at the fake."""
    from bot.server import PLATFORMS_KEY, create_app
    from bot.settings import Settings
    from store.db import Database

    fake = await FakeConnector().start()
    settings = Settings(_env_file=None, database_url=database_url,
                        microsoft_app_id=None, microsoft_app_password=None,
                        microsoft_allowed_service_urls=fake.url,
                        microsoft_openid_metadata_url=fake.metadata_url,
                        teams_retry_attempts=4, teams_retry_base_seconds=0.01, **link_settings)
    database = Database(database_url)
    before = file_links.current(), chart_links.current()
    app = create_app(settings, database, rubrics=RubricRegistry(FIXTURE_RUBRICS))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
    try:
        yield TeamsStack(fake, app[PLATFORMS_KEY]["teams"], port, session)
    finally:
        await session.close()
        await runner.cleanup()
        await fake.stop()
        database.dispose()
        file_links.install(before[0])
        chart_links.install(before[1])


def open_urls(posted: list[Posted]) -> list[tuple[str, str]]:
    """Every (title, url) of an Action.OpenUrl the bot posted."""
    found = []
    for p in posted:
        for action in (p.card or {}).get("actions", []):
            if action.get("type") == "Action.OpenUrl":
                found.append((action["title"], action["url"]))
    return found


async def fetch(stack: TeamsStack, url: str) -> tuple[int, bytes, aiohttp.typedefs.LooseHeaders]:
    """GET a link the bot handed out, from our own server (its public base is PUBLIC)."""
    assert url.startswith(PUBLIC + "/files/"), url
    local = f"http://127.0.0.1:{stack.port}{url.removeprefix(PUBLIC)}"
    async with stack.session.get(local) as response:
        return response.status, await response.read(), response.headers


async def answer_two(stack: TeamsStack, aad: str = AAD, **kw) -> None:
    card = await start_assessment(stack, aad, **kw)
    assert (await stack.click(aad, card, "2点", **kw)).status == 200
    assert (await stack.click(aad, stack.fake.last_card(), "4点", **kw)).status == 200


async def test_a_member_downloads_their_companys_workbook_from_the_teams_card(
        database_url, database):
    seed_member(database, org=ORG)
    seed_member(database, org=OTHER, domain="other.example", round_name="他社ラウンド")
    links = {"aiga_link_secret": SECRET, "aiga_public_url": PUBLIC}
    async with served(database_url, **links) as stack:
        stack.fake.add_member(AAD, email="hanako@example.co.jp", name="山田 花子")
        stack.fake.add_member(MALLORY, email="mallory@other.example", name="Mallory")
        await answer_two(stack)
        before = len(stack.fake.sent(CONV))
        assert (await stack.say(AAD, "エクスポート")).status == 200
        shown = stack.fake.sent(CONV)[before:]
        assert any("Excel と PDF" in p.text for p in shown)
        buttons = open_urls(shown)
        assert [t for t, _ in buttons] == ["ダウンロード (.xlsx)", "ダウンロード (.pdf)"]
        assert all(card_problems(p.card) == [] for p in shown if p.card)
        assert stack.fake.problems == []
        xlsx_url, pdf_url = (u for _, u in buttons)
        status, body, headers = await fetch(stack, xlsx_url)
        assert status == 200 and headers["Content-Type"] == file_links.XLSX_MIME
        assert "attachment;" in headers["Content-Disposition"]
        book = load_workbook(io.BytesIO(body))
        summary = {r[0]: r[1] for r in book["概要 Summary"].iter_rows(values_only=True)}
        assert summary["会社"] == ORG and summary["回答"].startswith("2/")
        answers = list(book["回答 Answers"].iter_rows(values_only=True))[1:]
        assert [a[3] for a in answers if a[3] is not None] == [2, 4]
        assert OTHER not in repr(list(book["概要 Summary"].values))
        status, body, headers = await fetch(stack, pdf_url)
        assert status == 200 and body.startswith(b"%PDF-")
        assert headers["Content-Type"] == "application/pdf"
        # the file on disk has a random name and is readable by the bot only
        name = Path(urlsplit(xlsx_url).path).name
        assert downloads.NAME.fullmatch(name) and ORG not in xlsx_url.split("?")[0]
        assert (downloads.folder() / name).stat().st_mode & 0o077 == 0

        # another company's member: refused, no link in their chat; their own export links
        # only their own files, and swapping in our file's name breaks the signature
        mallory_conv = f"a:personal-{MALLORY}"
        assert (await stack.say(MALLORY, f"エクスポート {ORG}")).status == 200
        refused = stack.fake.sent(mallory_conv)
        assert any("ほかの会員企業" in p.text for p in refused) and open_urls(refused) == []
        await answer_two(stack, MALLORY)
        assert (await stack.say(MALLORY, "エクスポート")).status == 200
        theirs = open_urls(stack.fake.sent(mallory_conv))
        assert len(theirs) == 2 and not {u for _, u in theirs} & {xlsx_url, pdf_url}
        their_xlsx = theirs[0][1]
        status, body, _ = await fetch(stack, their_xlsx)
        assert status == 200
        assert load_workbook(io.BytesIO(body))["概要 Summary"]["B1"].value == OTHER
        their_name = Path(urlsplit(their_xlsx).path).name
        swapped = their_xlsx.replace(their_name, name)
        assert (await fetch(stack, swapped))[0] == 403
        query = parse_qs(urlsplit(xlsx_url).query)
        bare = f"{PUBLIC}/files/{name}?e={query['e'][0]}&t={'0' * 32}"
        assert (await fetch(stack, bare))[0] == 403
        # the links went only to the person who asked
        everyone_else = [p for p in stack.fake.sent() if p.conversation != CONV]
        assert not {u for _, u in open_urls(everyone_else)} & {xlsx_url, pdf_url}


async def test_asked_in_a_channel_the_link_goes_to_the_direct_chat_only(database_url,
                                                                        database):
    seed_member(database, org=ORG)
    channel = "19:general@thread.tacv2"
    async with served(database_url, aiga_link_secret=SECRET,
                      aiga_public_url=PUBLIC) as stack:
        stack.fake.add_member(AAD, email="hanako@example.co.jp")
        await answer_two(stack)
        assert (await stack.say(AAD, "<at>AIGA Navi</at> エクスポート",
                                conversation=f"{channel};messageid=1",
                                conversation_type="channel")).status == 200
        in_channel = [p for p in stack.fake.sent() if p.conversation.startswith(channel)]
        assert in_channel and open_urls(in_channel) == []
        assert not any("/files/" in repr(p.body) for p in in_channel)
        direct = [p for p in stack.fake.sent() if not p.conversation.startswith(channel)]
        assert [t for t, _ in open_urls(direct)] == ["ダウンロード (.xlsx)", "ダウンロード (.pdf)"]


@pytest.mark.parametrize("locale, lang", [("ja-JP", "ja"), ("en-US", "en")])
async def test_without_link_settings_the_member_is_told_where_to_get_it(database_url, database,
                                                                        locale, lang):
    seed_member(database, org=ORG)
    async with served(database_url) as stack:  # no AIGA_PUBLIC_URL / AIGA_LINK_SECRET
        stack.fake.add_member(AAD, email="hanako@example.co.jp")
        await answer_two(stack)  # started in Japanese; the export asked in `locale`
        before = len(stack.fake.sent(CONV))
        word = "エクスポート" if lang == "ja" else "export"
        assert (await stack.say(AAD, word, locale=locale)).status == 200
        shown = stack.fake.sent(CONV)[before:]
        assert open_urls(shown) == [] and stack.fake.problems == []
        polite = LABELS["no_link"][0 if lang == "ja" else 1]
        told = [p for p in shown if polite in p.text]
        assert len(told) == 2  # one per file, under its title
        assert all(p.text.rstrip().endswith(polite) for p in told)
        assert any(".xlsx" in p.text for p in told) and any(".pdf" in p.text for p in told)
        assert not any("/files/" in repr(p.body) for p in shown)


async def test_render_file_labels_and_languages(tmp_path):
    folder = downloads.folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / ("7" * 32 + ".xlsx")
    path.write_bytes(b"PK\x03\x04")
    reply = File(path=str(path), filename="aiga-navi-1.xlsx", mime=file_links.XLSX_MIME,
                 title="株式会社A 2026年度.xlsx")
    on = file_links.FileLinks(secret=SECRET, public_url=PUBLIC, clock=lambda: 1e9)
    for lang, label in (("ja", "ダウンロード (.xlsx)"), ("en", "Download (.xlsx)")):
        [message] = cards.render_file(reply, lang, links=on)
        [action] = message.card["actions"]
        assert action["title"] == label and action["url"].startswith(f"{PUBLIC}/files/{path.name}?")
        assert card_problems(message.card) == [] and PUBLIC not in message.text
    ics = File(path="/tmp/x.ics", filename="x.ics", title="例会.ics",
               url=f"{PUBLIC}/events/7.ics?t=abc")
    assert cards.render_file(ics, "en")[0].card["actions"][0]["title"] == "Add to calendar (.ics)"
    assert cards.render_file(ics)[0].card["actions"][0]["title"] == "カレンダーに追加 (.ics)"
    # a file outside the downloads folder never gets a (broken) signed button
    stray = File(path=str(tmp_path / ("7" * 32 + ".xlsx")), filename="a.xlsx", title="a.xlsx")
    [told] = cards.render_file(stray, "en", links=on)
    assert "actions" not in (told.card or {}) and LABELS["no_link"][1] in told.text
    # render() is given the language (delivery passes the reply's); Japanese when it is not
    off = file_links.install(file_links.FileLinks())
    try:
        english = cards.render(reply, "en")
        japanese = cards.render(reply)
    finally:
        file_links.install(off)
    assert LABELS["no_link"][1] in english[0].text and LABELS["no_link"][0] in japanese[0].text
