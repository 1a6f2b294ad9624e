"""Event announcements, reminders, changes and cancellations through the real worker, a
controlled clock and a local fake Slack (with chat.update and file uploads added)."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest
from aiohttp import web
from sqlalchemy import select

from bot.notify import Target
from bot.slack_notify import SlackNotifier
from bot.worker import Deliverer
from handlers.dates import TOKYO
from handlers.events.reminders import EventPolicy
from handlers.events.service import cancel_event, create_event, edit_event
from store.events import Event, set_rsvp
from store.reminders import Delivery, subject_slots
from tests.support import factories
from tests.test_worker_fakeslack import FakeSlack

CHANNEL = "CANNOUNCE"


def at(m: int, d: int, hh: int = 10, mm: int = 0, y: int = 2026) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TOKYO)


class EventSlack(FakeSlack):
    """The issue-6 fake plus chat.update and the three steps of files.upload v2."""

    def __init__(self) -> None:
        super().__init__()
        self.updates: list[dict] = []
        self.files: list[str] = []

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if method == "upload":
            self.files.append((await request.read()).decode())
            return web.Response(text="OK")
        if method not in ("chat.update", "files.getUploadURLExternal",
                          "files.completeUploadExternal"):
            return await super()._handle(request)
        params = dict(request.query)
        if request.content_type == "application/json":
            params.update(await request.json())
        else:
            params.update(dict(await request.post()))
        if method == "chat.update":
            self.updates.append(params)
            return web.json_response({"ok": True, "ts": params.get("ts")})
        if method == "files.getUploadURLExternal":
            return web.json_response({"ok": True, "upload_url": f"{self.url}upload",
                                      "file_id": f"F{len(self.files)}"})
        return web.json_response({"ok": True, "files": [{"id": "F0"}]})


@pytest.fixture
def slack():
    with EventSlack() as fake:
        yield fake


def deliverer(database, slack: FakeSlack, now: datetime) -> Deliverer:
    notifier = SlackNotifier("xoxb-test", slack.url, database, lambda: now)
    return Deliverer(database, {"slack": notifier}, announce=[Target("slack", CHANNEL, False)],
                     admins=frozenset({"slack:UADMIN"}), clock=lambda: now,
                     backoff=__import__("datetime").timedelta(0), pace={},
                     event_policy=EventPolicy())


def tick(database, slack, now: datetime):
    return asyncio.run(deliverer(database, slack, now).deliver_due(now))


@pytest.fixture
def event_id(database, tmp_path, monkeypatch) -> int:
    monkeypatch.setenv("AIGA_ICS_DIR", str(tmp_path / "ics"))
    with database.transaction() as s:
        company = factories.org(s, "株式会社A")
        factories.user(s, "slack:UA1", company)
        factories.user(s, "slack:UA2", company)
        event = create_event(s, kind="allhands", title="12月 All-Hands",
                             start=at(12, 17, 12), end=at(12, 17, 13), now=at(11, 27),
                             url="https://zoom.example/j/1")
        return event.id


def test_announcement_and_reminder_times(database, slack, event_id):
    with database.transaction() as s:
        slots = {n: x.due_at for n, x in subject_slots(s, f"event:{event_id}").items()}
    assert slots == {"announce": at(12, 3, 10), "r1440": at(12, 16, 12), "r60": at(12, 17, 11)}

    assert tick(database, slack, at(12, 3, 9, 59)).sent == 0
    assert tick(database, slack, at(12, 3, 10)).sent == 1  # the channel only
    (post,) = slack.to(CHANNEL)
    assert "【お知らせ】12月 All-Hands / [Event] 12月 All-Hands" in post.text
    text = str(post.blocks)
    assert "2026年12月17日(木) 12:00〜13:00" in text and "①AIGAの活動報告" in text
    assert "④会員事例紹介（AIガバナンス研究会）" in text
    values = [e["value"] for b in post.blocks if b["type"] == "actions" for e in b["elements"]]
    assert values == [f"event:rsvp:{event_id}:yes", f"event:rsvp:{event_id}:no"]
    assert len(slack.files) == 1 and "BEGIN:VCALENDAR" in slack.files[0]
    assert "DTSTART;TZID=Asia/Tokyo:20261217T120000" in slack.files[0]
    with database.transaction() as s:
        assert s.get(Event, event_id).status == "announced"
        users = {u.platform_user_id: u for u in s.scalars(
            select(__import__("store.models", fromlist=["User"]).User))}
        set_rsvp(s, event_id, users["UA1"].id, "yes", at(12, 4))
        set_rsvp(s, event_id, users["UA2"].id, "no", at(12, 4))

    assert tick(database, slack, at(12, 16, 11, 59)).sent == 0
    assert tick(database, slack, at(12, 16, 12)).sent == 2  # channel + the one attending
    assert "【リマインド】1日後に開始" in slack.to("DUA1")[0].text
    assert slack.to("DUA2") == []
    assert tick(database, slack, at(12, 17, 11)).sent == 2
    assert "1時間後に開始" in slack.to("DUA1")[1].text
    assert max(slack.keys().values()) == 1


def test_worker_down_sends_only_the_latest_reminder_and_none_after_the_start(
        database, slack, event_id):
    tick(database, slack, at(12, 3, 10))
    report = tick(database, slack, at(12, 17, 11, 30))  # both reminders overdue
    assert report.sent == 1 and report.missed == 1
    assert "1時間後" in slack.to(CHANNEL)[-1].text
    assert tick(database, slack, at(12, 17, 12, 30)).sent == 0


def test_cancellation_is_announced_and_updates_the_original(database, slack, event_id):
    tick(database, slack, at(12, 3, 10))
    with database.transaction() as s:
        cancel_event(s, s.get(Event, event_id), at(12, 5), "講師の都合")
    assert tick(database, slack, at(12, 5, 10, 1)).sent == 1
    notice = slack.to(CHANNEL)[-1]
    assert "【中止】" in notice.text and "講師の都合" in notice.text
    (update,) = slack.updates
    assert update["channel"] == CHANNEL and update["ts"] == slack.to(CHANNEL)[0].ts
    assert "【中止】" in update["text"]
    assert "STATUS:CANCELLED" in slack.files[-1] and "METHOD:CANCEL" in slack.files[-1]
    # no reminders for a cancelled event
    assert tick(database, slack, at(12, 16, 12)).sent == 0


def test_a_change_is_announced_updates_the_original_and_moves_reminders(
        database, slack, event_id):
    tick(database, slack, at(12, 3, 10))
    with database.transaction() as s:
        edit_event(s, s.get(Event, event_id), at(12, 5), start=at(12, 18, 12))
        slots = {n: x.due_at for n, x in subject_slots(s, f"event:{event_id}").items()}
    assert slots["r1440"] == at(12, 17, 12) and slots["chg1"] == at(12, 5)
    assert tick(database, slack, at(12, 5, 10, 1)).sent == 1
    assert "【変更】" in slack.to(CHANNEL)[-1].text
    assert "2026年12月18日(金)" in str(slack.updates[0]["blocks"])
    assert "SEQUENCE:1" in slack.files[-1]
    assert tick(database, slack, at(12, 16, 12)).sent == 0  # the old reminder time
    assert tick(database, slack, at(12, 17, 12)).sent == 1
    with database.transaction() as s:
        keys = [d.key for d in s.scalars(select(Delivery))]
    assert len(keys) == len(set(keys)) == 3
