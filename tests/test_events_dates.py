"""Dates and times typed the way people write them (handlers/events/when.py), on a fixed clock:
Japanese and English forms, relative words from the turn's `now`, polite refusals that name the
field, and linear time on hostile input."""

from __future__ import annotations

import time
from datetime import datetime

import pytest

from handlers.dates import TOKYO
from handlers.events.values import EventError, parse_end, parse_when
from handlers.router import Router
from store.events import Event
from tests.support import factories
from tests.support.chat import Chat

NOW = factories.NOW  # Friday 2026-11-27 10:00 Tokyo
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=TOKYO)


def at(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TOKYO)


@pytest.mark.parametrize(("typed", "expected"), [
    ("12月17日 12時", at(12, 17, 12)),
    ("12/17 12:00", at(12, 17, 12)),
    ("来週木曜 12:00", at(12, 3, 12)),
    ("来週の木曜日 12:00", at(12, 3, 12)),
    ("明日 15時半", at(11, 28, 15, 30)),
    ("2027年1月20日（水）16:00", at(1, 20, 16, year=2027)),
    ("next Thursday 12:00", at(12, 3, 12)),
    ("Dec 17 noon", at(12, 17, 12)),
    ("December 17, 2026 12:30", at(12, 17, 12, 30)),
    ("17 Dec 2026 12:30", at(12, 17, 12, 30)),
    ("tomorrow 3pm", at(11, 28, 15)),
    ("2026-12-17 12:00", at(12, 17, 12)),
    ("2026/12/17 12:00", at(12, 17, 12)),
    ("2026-12-17T12:00", at(12, 17, 12)),
    ("１２月１７日　１２：００", at(12, 17, 12)),  # full-width, as an IME types it
    ("1月20日 午後4時", at(1, 20, 16, year=2027)),  # December's "January" is next year's
    ("12月17日 12時30分", at(12, 17, 12, 30)),
])
def test_the_forms_people_type(typed, expected):
    got = parse_when(typed, "start", now=NOW)
    assert got == expected and got.utcoffset().total_seconds() == 9 * 3600


def test_relative_words_count_from_the_turns_now_not_the_wall_clock():
    assert parse_when("明日 12:00", now=MONDAY) == at(11, 24, 12)
    assert parse_when("来週木曜 12:00", now=MONDAY) == at(12, 3, 12)
    assert parse_when("今週木曜 12:00", now=MONDAY) == at(11, 26, 12)
    assert parse_when("this Thursday 12:00", now=MONDAY) == at(11, 26, 12)


@pytest.mark.parametrize(("typed", "now", "ja", "en"), [
    ("17/12 noon", NOW, "を読めません", "Cannot read"),  # month 17: D/M is not read as M/D
    ("11月20日 12:00", NOW, "今年はもう過ぎています", "has passed this year"),  # last week?
    ("next Thursday 12:00", MONDAY, "今週と来週のどちらか", "this week's or next week's"),
    ("2027年1月20日（木）16:00", NOW, "曜日が日付と合いません", "weekday does not match"),
    ("12月17日", NOW, "時刻がありません", "has no time"),
    ("12月17日 12", NOW, "を読めません", "Cannot read"),  # 12 o'clock or the 12th?
    ("2月30日 12:00", NOW, "を読めません", "Cannot read"),
    ("12月17日 25:00", NOW, "を読めません", "Cannot read"),
    ("午後13時", NOW, "を読めません", "Cannot read"),
    ("", NOW, "を読めません", "Cannot read"),
    ("<script>alert(1)</script>", NOW, "を読めません", "Cannot read"),
])
def test_unclear_dates_are_refused_naming_the_field(typed, now, ja, en):
    with pytest.raises(EventError) as caught:
        parse_when(typed, "start", now=now)
    assert ja in caught.value.text("ja") and "開始日時" in caught.value.text("ja")
    assert en in caught.value.text("en") and "start" in caught.value.text("en")
    assert caught.value.field == "start"


def test_the_end_accepts_japanese_times_and_refuses_a_huge_minute_count():
    start = at(12, 17, 12)
    assert parse_end("13時半", start) == at(12, 17, 13, 30)
    assert parse_end("1pm", start) == at(12, 17, 13)
    assert parse_end("90", start) == at(12, 17, 13, 30)
    for bad in ("9" * 30, "13時99分", "25:00"):
        with pytest.raises(EventError) as caught:
            parse_end(bad, start)
        assert caught.value.field == "end"


@pytest.mark.parametrize("hostile", ["1" * 4000, "12月" * 2000, "1/" * 2000, "(" * 4000,
                                     "next " * 800, "１" * 4000, "12:" * 1333])
def test_hostile_input_is_refused_in_linear_time(hostile):
    started = time.perf_counter()
    for _ in range(200):
        with pytest.raises(EventError) as caught:
            parse_when(hostile, "start", now=NOW)
    assert time.perf_counter() - started < 0.5  # 200 refusals, measured ~5 ms in all
    assert len(caught.value.text("ja")) < 200  # the paste is not echoed back whole


# ----- through the real router, in both languages ------------------------------------------------


@pytest.fixture
def router(database):
    with database.transaction() as s:
        factories.user(s, "console:member", factories.org(s, "株式会社A"))
    return Router(database, admins=frozenset({"console:admin"}), clock=lambda: NOW)


def test_chat_creates_with_a_japanese_date(database, router):
    admin = Chat(router, "admin", locale="ja")
    out = admin.say('event add kind=meetup title="年末 Meetup" start="12月10日 18時" end=20時')
    assert "2026年12月10日(木) 18:00〜20:00" in out
    out = Chat(router, "admin2", locale="en").say(
        'event add kind=meetup title="Spring" start="next Thursday 18:00" end=60')
    assert "Only the secretariat" in out  # admin2 is no admin: nothing created
    with database.transaction() as s:
        assert [e.starts_at for e in s.query(Event)] == [at(12, 10, 18)]


def test_chat_refusals_in_both_languages(database, router):
    ja = Chat(router, "admin", locale="ja").say(
        'event add kind=meetup title=x start="11月20日 18:00" end=60')
    assert "開始日時「11月20日 18:00」は今年はもう過ぎています" in ja and "2027年11月20日" in ja
    en = Chat(router, "admin", locale="en").say(
        'event add kind=meetup title=x start="2027年1月20日（木）16:00" end=60')
    assert "The start '2027年1月20日（木）16:00': the weekday does not match" in en
    assert "Wed 20 Jan 2027" in en


def test_the_guided_dialogue_reads_japanese_dates(database, router):
    admin = Chat(router, "admin", locale="ja")
    admin.say("イベント作成")
    admin.click("event:form:kind:meetup")
    assert "来週木曜 12:00" in admin.say("忘年会")  # the prompt shows the forms it reads
    assert "今年はもう過ぎています" in admin.say("11月1日 18時")  # asked again
    assert "終了" in admin.say("来週木曜 18時")
    assert "場所" in admin.say("20時")
    out = admin.say("-")
    assert "2026年12月03日" in out or "2026年12月3日" in out
    assert "18:00 – 20:00" in out


def test_a_member_proposes_with_a_relative_date(database, router):
    member = Chat(router, "member", org="株式会社A", locale="ja")
    out = member.say('event propose title="規程づくり" start="来週木曜 16:00" summary="共有"')
    assert "事務局に提案しました" in out
    with database.transaction() as s:
        (event,) = s.query(Event).all()
        assert (event.starts_at, event.ends_at) == (at(12, 3, 16), at(12, 3, 17))


def test_a_broadcast_time_in_japanese(database, router):
    out = Chat(router, "admin", locale="ja").say('broadcast send "年末のお知らせ" at="明日 9時" dm')
    assert "2026年11月28日(土) 09:00 に送信します" in out
