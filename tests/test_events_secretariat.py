"""Events the secretariat can trust (issues 16 and 20): one All-Hands a month by hand or by rule,
closed days for announcements and reminders, members' proposals in the admin's list, no
broadcast to nobody, Spotlight numbers after the guide's, defaults said as defaults."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from sqlalchemy import select

from bot.cli import main
from handlers import config
from handlers.dates import TOKYO
from handlers.events import broadcasts
from handlers.events.reminders import EventPolicy, announce_days, wanted_slots
from handlers.events.rules import ensure_occurrences
from handlers.events.values import EventError
from handlers.router import Router
from store.events import Broadcast, Event
from tests.support import factories
from tests.support.chat import Chat

NOW = factories.NOW  # Friday 2026-11-27 10:00 Tokyo
RULE = 'event rule add nth=3 weekday=thu time=12:00 title="AIGA All-Hands（{month}月）"'


def at(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TOKYO)


@pytest.fixture
def router(database):
    with database.transaction() as s:
        factories.user(s, "console:member", factories.org(s, "株式会社A"))
    return Router(database, admins=frozenset({"console:admin"}), clock=lambda: NOW)


def all_hands(database) -> list[tuple[date, int | None, str | None]]:
    with database.transaction() as s:
        return [(e.starts_at.astimezone(TOKYO).date(), e.rule_id, e.occurrence)
                for e in s.scalars(select(Event).where(Event.kind == "allhands")
                                   .order_by(Event.starts_at))]


# ----- one All-Hands a month ---------------------------------------------------------------------


def test_manual_first_the_rule_adopts_it_and_says_so(database, router):
    admin = Chat(router, "admin", locale="ja")
    admin.say('event add kind=allhands title="12月 All-Hands（特別回）" start="12月18日 15時" end=16時')
    out = admin.say(RULE)
    assert "2 件のイベントを作成しました" in out
    assert "2026年12月: 手動で登録済みの #1（2026年12月18日(金) 15:00）をこのルールの回として引き継ぎました" in out
    assert all_hands(database) == [(date(2026, 12, 18), 1, "2026-12"),  # kept its own date
                                   (date(2027, 1, 21), 1, "2027-01"),
                                   (date(2027, 2, 18), 1, "2027-02")]
    with database.transaction() as s:  # the worker's next tick: nothing more
        assert ensure_occurrences(s, NOW, EventPolicy()) == 0
    assert len(all_hands(database)) == 3


def test_manual_first_in_english(database, router):
    admin = Chat(router, "admin", locale="en")
    admin.say('event add kind=allhands title="Dec" start="Dec 17 noon" end=13:00')
    out = admin.say(RULE)
    assert "December 2026: adopted #1 (Thu 17 Dec 2026 12:00), entered by hand" in out


def test_rule_first_a_second_all_hands_by_hand_is_refused(database, router):
    admin = Chat(router, "admin", locale="ja")
    admin.say(RULE)
    out = admin.say('event add kind=allhands title="もう一つ" start="2026-12-03 12:00" end=13:00')
    assert "2026年12月には既に All-Hands #1（2026年12月17日(木) 12:00）があります" in out
    assert "event edit 1" in out
    en = Chat(router, "admin", locale="en").say(
        'event add kind=allhands title="another" start="2026-12-03 12:00" end=13:00')
    assert "There is already an All-Hands in December 2026: #1" in en
    assert len(all_hands(database)) == 3
    # moving January's meeting into December is refused too; a Meetup that month is fine
    assert "既に All-Hands #1" in admin.say('event edit 2 start="2026-12-10 12:00"')
    assert "登録しました" in admin.say(
        'event add kind=meetup title="年末" start="2026-12-03 18:00" end=20:00')


def test_a_cancelled_all_hands_frees_its_month(database, router):
    admin = Chat(router, "admin", locale="ja")
    admin.say('event add kind=allhands title="12月" start="2026-12-17 12:00" end=13:00')
    admin.say("event cancel 1")
    assert "登録しました" in admin.say(
        'event add kind=allhands title="12月（振替）" start="2026-12-18 12:00" end=13:00')


def test_a_second_rule_skips_the_month_and_says_so(database, router):
    admin = Chat(router, "admin", locale="ja")
    admin.say(RULE)
    out = admin.say('event rule add nth=1 weekday=mon time=10:00 title="朝会"')
    assert "0 件のイベントを作成しました" in out
    assert "2026年12月: 既に #1（2026年12月17日(木) 12:00、ルール #1）があるため、この月は作りません" in out
    assert len(all_hands(database)) == 3


def test_the_cli_says_what_the_rule_adopted(database_url, database, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("AIGA_ANNOUNCE_CHANNELS", raising=False)
    with time_machine.travel(NOW, tick=False):
        assert main(["event", "add", "--kind", "allhands", "--title", "12月",
                     "--start", "12月17日 12時", "--end", "13:00"]) == 0
        assert main(["event", "rule", "add"]) == 0
        out = capsys.readouterr().out
        assert "December 2026: adopted #1" in out and "rule #1: 2 events created" in out
        assert "Defaults (the secretariat's to change): the third Thursday of each month at 12:00" \
            in out
        assert main(["event", "add", "--kind", "allhands", "--title", "x",
                     "--start", "2027-01-07 12:00", "--end", "13:00"]) == 2
        err = capsys.readouterr().err
        assert "2027年1月には既に All-Hands #2" in err and "January 2027: #2" in err


# ----- closed days ---------------------------------------------------------------------------------


def test_an_announcement_in_the_year_end_closure_moves_to_the_last_working_day():
    policy = EventPolicy()  # 14 days before, 10:00
    # 2027-01-14 (Thu) - 14 days = 2026-12-31 (closed) → Monday 28 December
    assert announce_days(at(1, 14, 12, year=2027), policy) == (date(2026, 12, 31),
                                                               date(2026, 12, 28))
    slots = wanted_slots(at(1, 14, 12, year=2027), NOW, policy, None, [])
    assert slots[0] == ("announce", "event_announce", at(12, 28, 10))
    # 2027-01-16 (Sat) - 14 = 2027-01-02 (closed) → 28 December as well; 2026-12-17 untouched
    assert wanted_slots(at(1, 16, 12, year=2027), NOW, policy, None, [])[0][2] == at(12, 28, 10)
    assert wanted_slots(at(12, 17, 12), NOW, policy, None, [])[0][2] == at(12, 3, 10)


def test_a_reminder_on_a_closed_day_moves_and_keeps_its_words_true():
    policy = EventPolicy()
    # Tuesday 12 Jan 2027: the day before is 成人の日 (Monday 11th) → Friday 8th, 4 days before
    names = {n: d for n, _, d in wanted_slots(at(1, 12, 12, year=2027), NOW, policy, None, [])}
    assert names == {"announce": at(12, 28, 10), "r5760": at(1, 8, 12, year=2027),
                     "r60": at(1, 12, 11, year=2027)}
    # Monday 4 Jan 2027: the day before is closed → 28 December, 7 days before
    names = {n: d for n, _, d in wanted_slots(at(1, 4, 12, year=2027), NOW, policy, None, [])}
    assert names["r10080"] == at(12, 28, 12) and "r1440" not in names
    # a Saturday symposium: the 1-hour reminder on the day itself stays
    names = {n: d for n, _, d in wanted_slots(at(12, 12, 13), NOW, policy, None, [])}
    assert names["r60"] == at(12, 12, 12) and names["r1440"] == at(12, 11, 13)


def test_an_announcement_asked_for_now_is_not_moved():
    sent = at(12, 30, 9)  # announced by hand during the closure: it stays as it was
    slots = wanted_slots(at(1, 14, 12, year=2027), NOW, EventPolicy(), (sent, True), [])
    assert slots[0][2] == sent


def test_the_plan_says_why_the_announcement_moved(database, router):
    out = Chat(router, "admin", locale="ja").say(
        'event add kind=meetup title="新年" start="2027年1月14日 18時" end=60')
    assert "告知予定: 2026年12月28日(月) 10:00" in out
    assert "告知日の 2026年12月31日(木) は事務局の休業日" in out and "2026年12月28日(月) に告知します" in out
    en = Chat(router, "admin", locale="en").say(
        'event add kind=commons title="New year" start="2027-01-15 18:00" end=60')
    assert "The announcement day Fri 01 Jan 2027 is a closed day" in en or \
        "The announcement day Fri 1 Jan 2027 is a closed day" in en
    quiet = Chat(router, "admin", locale="ja").say(
        'event add kind=symposium title="冬" start="2026-12-17 18:00" end=60')
    assert "休業日" not in quiet


# ----- members' proposals in the admin's list -------------------------------------------------------


def test_proposals_appear_in_the_admins_list_with_their_status(database, router):
    member = Chat(router, "member", org="株式会社A", locale="ja")
    for title, when in (("一", "2027-01-20 16:00"), ("二", "2027-01-21 16:00"),
                        ("三", "2027-01-22 16:00")):
        member.say(f'event propose title="{title}" start="{when}" summary="s"')
    admin = Chat(router, "admin", locale="ja")
    admin.click("event:approve:1")
    admin.click("event:decline:2")
    out = admin.say("event list")
    assert "#1 AIGA Stand-Up｜一" in out and "承認済み · 予定" in out
    assert "#2 AIGA Stand-Up｜二" in out and "見送り" in out
    assert "#3 AIGA Stand-Up｜三" in out and "提案中" in out
    en = Chat(router, "admin", locale="en").say("event list")
    assert "approved · planned" in en and "declined" in en and "proposed" in en
    members_view = member.say("event list")
    assert "#1 AIGA Stand-Up｜一" in members_view  # approved: a normal event
    assert "二" not in members_view and "三" not in members_view and "提案中" not in members_view
    assert "承認済み · 予定" in admin.say("event show 1")


# ----- broadcasts to nobody --------------------------------------------------------------------------


class _Config:
    def __init__(self, channels: tuple[str, ...]) -> None:
        self.announce_channels = channels


def test_a_broadcast_with_no_channel_and_no_recipient_is_refused(database, router, monkeypatch):
    monkeypatch.setattr(config, "_current", _Config(()))
    admin = Chat(router, "admin", locale="ja")
    assert "告知チャンネルが設定されていません" in admin.say('broadcast send "お知らせ"')
    assert "Nowhere to send it: no announcement channel" in Chat(
        router, "admin", locale="en").say('broadcast send "hello"')
    # dm, but the only member user is on the console, which has no DM to send to
    assert "紐付いたユーザーもいません" in admin.say('broadcast send "お知らせ" dm')
    with database.transaction() as s:
        assert s.scalars(select(Broadcast)).all() == []
        factories.user(s, "slack:U1", factories.org(s, "株式会社B"))
    admin.say('broadcast send "お知らせ" dm')  # a preview first; nothing before 送信する
    assert "お知らせ #1 を登録しました" in admin.click(admin.choice_value("送信する"))
    monkeypatch.setattr(config, "_current", _Config(("slack:C1",)))
    admin.say('broadcast send "チャンネルへ"')
    assert "お知らせ #2 を登録しました" in admin.click(admin.choice_value("送信する"))


def test_create_broadcast_refuses_nowhere_and_accepts_when_the_caller_cannot_know(database):
    with database.transaction() as s:
        with pytest.raises(EventError) as caught:
            broadcasts.create_broadcast(s, text="x", now=NOW, channels=0)
        assert caught.value.field == "channels"
        assert broadcasts.create_broadcast(s, text="x", now=NOW, channels=None).id


# ----- Spotlight numbers, defaults said as defaults --------------------------------------------------


def test_spotlights_are_numbered_after_the_guides_or_as_given(database, router):
    admin = Chat(router, "admin", locale="ja")
    out = admin.say('event add kind=spotlight title="監査" start="2026-12-10 16:00" end=30')
    assert "AIGA Spotlight #7｜監査" in out and "会員ガイドの過去開催回（#1〜#6）" in out
    out = admin.say('event add kind=spotlight title="次" start="2026-12-11 16:00" end=30 number=10')
    assert "AIGA Spotlight #10｜次" in out and "指定どおり" in out
    assert "Spotlight #10 は既に #2" in admin.say(
        'event add kind=spotlight title="重複" start="2026-12-12 16:00" end=30 number=10')
    for bad in ("abc", "0", "-3", "99999", "1" * 3000):
        assert "1〜9999" in admin.say(
            f'event add kind=spotlight title="x" start="2026-12-12 16:00" end=30 number={bad}')
    en = Chat(router, "admin", locale="en").say(
        'event add kind=spotlight title="Next" start="2026-12-14 16:00" end=30')
    assert "Spotlight #11" in en and "follows the membership guide's past talks (#1–#6)" in en


def test_rule_defaults_are_said_as_the_associations_to_set(database, router):
    out = Chat(router, "admin", locale="ja").say("event rule add")
    assert "既定（事務局で変更可）: 毎月第3木曜日 12:00（60分）、タイトル「AIGA All-Hands（{month}月）」" in out
    assert "nth=… weekday=… time=… minutes=… title=…" in out
    out = Chat(router, "admin", locale="en").say(
        'event rule add nth=2 weekday=tue time=09:30 minutes=45 title="X {month}" months=1')
    assert "Defaults" not in out


def test_the_guided_confirmation_calls_the_agenda_a_default(database, router):
    admin = Chat(router, "admin", locale="ja")
    admin.say("イベント作成")
    admin.click("event:form:kind:allhands")
    admin.say("12月 All-Hands")
    admin.say("12月17日 12時")
    admin.say("13時")
    assert "議題: 標準の4部構成（既定・事務局で変更可）" in admin.say("-")
