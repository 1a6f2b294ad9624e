"""The calendar file over HTTP (GET /events/<id>.ics?t=<token>) and the Teams button to it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from icalendar import Calendar

from bot.events_http import add_event_routes, calendar_url, token
from bot.notify import Target
from bot.settings import Settings
from bot.teams import cards
from bot.teams.notify import TeamsNotifier
from bot.worker import Deliverer
from handlers.dates import TOKYO
from handlers.events.reminders import EventPolicy
from handlers.events.service import cancel_event, create_event
from handlers.types import File
from store.db import Database
from store.events import Event
from tests.support import fake_connector as fc

pytestmark = pytest.mark.asyncio
SECRET = "s3cret-for-tests-0123456789"
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=TOKYO)


def at(m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(2026, m, d, hh, mm, tzinfo=TOKYO)


def seed_event(database) -> int:
    with database.transaction() as s:
        return create_event(s, kind="spotlight", title="AIGA Spotlight #1", start=at(12, 10, 16),
                            end=at(12, 10, 16, 30), now=NOW, url="https://zoom.example/j/9").id


async def client_for(database, secret: str | None = SECRET) -> TestClient:
    app = web.Application()
    add_event_routes(app, database, None, clock=lambda: NOW, secret=secret)
    client = TestClient(TestServer(app))
    await client.start_server()
    return client


async def test_the_right_token_gets_the_calendar_file(database):
    event_id = seed_event(database)
    client = await client_for(database)
    try:
        response = await client.get(f"/events/{event_id}.ics", params={
            "t": token(event_id, SECRET)})
        assert response.status == 200
        assert response.content_type == "text/calendar"
        assert f'filename="aiga-event-{event_id}.ics"' in response.headers["Content-Disposition"]
        calendar = Calendar.from_ical(await response.read())
        [item] = calendar.walk("VEVENT")
        assert str(item["summary"]).startswith("AIGA Spotlight")
        assert item["dtstart"].dt == at(12, 10, 16)
        # after a cancellation the same link serves the cancelled state
        with database.transaction() as s:
            cancel_event(s, s.get(Event, event_id), NOW, "延期")
        again = await client.get(f"/events/{event_id}.ics?t={token(event_id, SECRET)}")
        assert b"STATUS:CANCELLED" in await again.read()
    finally:
        await client.close()


@pytest.mark.parametrize("path", [
    "/events/{id}.ics?t=0000", "/events/{id}.ics", "/events/{id}.ics?t=",
    "/events/999999.ics?t={tok999}", "/events/{id}.ics?t={tok}%00", "/events/abc.ics?t=x",
    "/events/{other}.ics?t={tok}", "/events/{id}.ics?t=%F0%9F%98%80",
])
async def test_bad_tokens_and_unknown_events_are_404_never_500(database, path):
    event_id = seed_event(database)
    client = await client_for(database)
    try:
        url = path.format(id=event_id, tok=token(event_id, SECRET), other=event_id + 1,
                          tok999=token(999999, SECRET))
        response = await client.get(url)
        assert response.status == 404
    finally:
        await client.close()


async def test_without_a_secret_there_is_no_link_and_no_file(database, monkeypatch):
    monkeypatch.delenv("AIGA_LINK_SECRET", raising=False)
    event_id = seed_event(database)
    assert token(event_id) is None and calendar_url(event_id, public_url="https://x") is None
    assert calendar_url(event_id, secret=SECRET, public_url="") is None
    client = await client_for(database, secret="")
    try:
        response = await client.get(f"/events/{event_id}.ics?t={token(event_id, SECRET)}")
        assert response.status == 404
    finally:
        await client.close()


async def test_database_down_is_503_not_500():
    broken = Database("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    client = await client_for(broken)
    try:
        response = await client.get(f"/events/1.ics?t={token(1, SECRET)}")
        assert response.status == 503
    finally:
        await client.close()
        broken.dispose()


async def test_calendar_url_from_the_settings(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.setenv("AIGA_LINK_SECRET", SECRET)
    monkeypatch.setenv("AIGA_PUBLIC_URL", "https://navi.aiga.example/")
    links = Settings().calendar_links()  # the one settings object reads them (issue 12)
    assert links.url(7) == f"https://navi.aiga.example/events/7.ics?t={token(7, SECRET)}"
    assert token(7, links.secret) != token(8, links.secret) and len(token(7, SECRET)) == 32
    assert calendar_url(7) is None  # nothing is read from the environment behind its back


async def test_teams_file_with_a_link_is_a_card_with_open_url():
    [message] = cards.render_file(File(path="/tmp/x.ics", filename="x.ics", title="12月.ics",
                                       url="https://navi.aiga.example/events/7.ics?t=abc"))
    assert message.card is not None and fc.card_problems(message.card) == []
    [action] = message.card["actions"]
    assert action == {"type": "Action.OpenUrl", "title": "カレンダーに追加 (.ics)",
                      "url": "https://navi.aiga.example/events/7.ics?t=abc"}
    [plain] = cards.render_file(File(path="/tmp/x.ics", filename="x.ics", title="12月.ics"))
    assert plain.card is None and plain.text == "12月.ics"


async def test_teams_announcement_links_the_calendar_file(database_url, database, tmp_path,
                                                          monkeypatch):
    monkeypatch.setenv("AIGA_ICS_DIR", str(tmp_path / "ics"))
    monkeypatch.setenv("AIGA_LINK_SECRET", SECRET)
    monkeypatch.setenv("AIGA_PUBLIC_URL", "https://navi.aiga.example")
    channel = "19:general@thread.tacv2"
    async with fc.teams_stack(database_url) as stack:
        await stack.say("aad-1", "<at>AIGA Navi</at> ヘルプ", conversation=f"{channel};messageid=1",
                        conversation_type="channel")
        event_id = seed_event(database)
        now = at(12, 3, 10)
        notifier = TeamsNotifier(fc.settings_for(stack.fake), database, lambda: now)
        settings = Settings()
        worker = Deliverer(database, {"teams": notifier},
                           announce=[Target("teams", channel, False)], admins=frozenset(),
                           clock=lambda: now, backoff=timedelta(0), pace={},
                           event_policy=EventPolicy(), links=settings.calendar_links())
        assert (await worker.deliver_due(now)).sent == 1
        posted = [p for p in stack.fake.sent() if p.conversation == channel]
        links = [a for p in posted if p.card for a in p.card.get("actions") or []]
        assert links == [{"type": "Action.OpenUrl", "title": "カレンダーに追加 (.ics)",
                          "url": calendar_url(event_id, secret=SECRET,
                                              public_url="https://navi.aiga.example")}]
        assert stack.fake.problems == []
