"""Events in chat through the real Router: the recurring All-Hands rule, bad input, the guided
dialogue, RSVP changes, Stand-Up proposals, 「次のAll-Handsはいつ？」."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from handlers.dates import TOKYO
from handlers.events.recurrence import nth_weekday, occurrence_day, rule_occurrences
from handlers.events.reminders import EventPolicy
from handlers.events.rules import ensure_occurrences
from handlers.events.values import ALL_HANDS_AGENDA
from handlers.rounds.reminders import ReminderPolicy
from handlers.router import Router
from store.events import Event, EventRsvp, EventRule
from store.reminders import subject_slots
from tests.support import factories
from tests.support.chat import Chat

NOW = factories.NOW  # Friday 2026-11-27 10:00 Tokyo


@pytest.fixture
def router(database):
    with database.transaction() as s:
        company = factories.org(s, "株式会社A")
        factories.user(s, "console:member", company)
        factories.user(s, "console:member2", company)
    return Router(database, admins=frozenset({"console:admin"}), clock=lambda: NOW)


def events(database) -> list[Event]:
    with database.transaction() as s:
        rows = list(s.scalars(select(Event).order_by(Event.starts_at)))
        s.expunge_all()
        return rows


# ----- recurrence -----------------------------------------------------------------------------


def test_third_thursday_across_months_and_years():
    rule = EventRule(nth=3, weekday=3, start_time="12:00", holiday="next", minutes=60)
    got = rule_occurrences(rule, NOW, 3, ReminderPolicy())
    assert [(k, s.strftime("%Y-%m-%d %H:%M")) for k, s in got] == [
        ("2026-12", "2026-12-17 12:00"), ("2027-01", "2027-01-21 12:00"),
        ("2027-02", "2027-02-18 12:00")]  # November's (the 19th) is already past
    assert all(s.tzinfo is not None and s.utcoffset().total_seconds() == 9 * 3600
               for _, s in got)


def test_a_holiday_moves_or_skips_the_meeting():
    business = ReminderPolicy()
    # 海の日 2027-07-19 is the third Monday of July
    assert nth_weekday(2027, 7, 0, 3) == date(2027, 7, 19)
    assert occurrence_day(3, 0, "next", 2027, 7, business) == date(2027, 7, 20)
    assert occurrence_day(3, 0, "previous", 2027, 7, business) == date(2027, 7, 16)
    assert occurrence_day(3, 0, "skip", 2027, 7, business) is None
    # 春分の日 2036-03-20 is the third Thursday of March
    assert occurrence_day(3, 3, "next", 2036, 3, business) == date(2036, 3, 21)
    # a secretariat closed day counts too: the last Tuesday of Dec 2026 is the 29th
    assert occurrence_day(-1, 1, "previous", 2026, 12, business) == date(2026, 12, 28)


def test_rule_in_chat_creates_the_next_all_hands_once(database, router):
    admin = Chat(router, "admin", locale="ja")
    out = admin.say('event rule add nth=3 weekday=thu time=12:00 title="AIGA All-Hands（{month}月）"')
    assert "3 件のイベントを作成しました" in out
    rows = events(database)
    assert [e.starts_at.astimezone(TOKYO).date() for e in rows] == [
        date(2026, 12, 17), date(2027, 1, 21), date(2027, 2, 18)]
    assert rows[0].title_ja == "AIGA All-Hands（12月）"
    assert rows[0].agenda == list(ALL_HANDS_AGENDA)  # the standard four parts
    with database.transaction() as s:  # the worker's tick does it again: nothing new
        assert ensure_occurrences(s, NOW, EventPolicy()) == 0
        # a month later the rule reaches one month further
        assert ensure_occurrences(s, datetime(2026, 12, 18, 9, tzinfo=TOKYO), EventPolicy()) == 1
        assert s.scalar(select(func.count()).select_from(Event)) == 4


# ----- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(("command", "expected"), [
    ('event add kind=allhands title=x start="2026-11-01 12:00" end=13:00', "過去"),
    ('event add kind=allhands title=x start="2026-12-17 12:00" end=11:00', "開始より前"),
    ('event add kind=party title=x start="2026-12-17 12:00" end=13:00', "種類「party」は使えません"),
    ('event add kind=allhands title=x start="17/12 noon" end=13:00', "読めません"),
    ('event add kind=meetup title=x start="2026-12-17 12:00" end=13:00 url=ftp://x', "URL"),
    ("event add kind=allhands", "不足"),
    ('broadcast send hello at="2026-01-01 09:00"', "過去"),
    ("event cancel 99", "見つかりません"),
])
def test_bad_input_is_answered_and_changes_nothing(database, router, command, expected):
    assert expected in Chat(router, "admin", locale="ja").say(command)
    assert events(database) == []


def test_members_cannot_use_admin_commands(database, router):
    member = Chat(router, "member", org="株式会社A", locale="ja")
    for command in ('event add kind=allhands title=x start="2026-12-17 12:00" end=13:00',
                    "event new", "broadcast send hello", "event approve 1"):
        assert "事務局（管理者）のみ" in member.say(command)
    assert events(database) == []


# ----- creating, the guided dialogue ------------------------------------------------------------


def test_guided_dialogue_creates_an_event(database, router):
    admin = Chat(router, "admin", locale="ja")
    admin.say("イベント作成")
    assert admin.question is not None and admin.question.key == "event:form:kind"
    admin.click("event:form:kind:spotlight")
    assert "開始日時" in admin.say("AIガバナンスと監査")
    assert "過去" in admin.say("2026-11-01 16:00")  # refused, asked again
    assert "終了" in admin.say("2026-12-10 16:00")
    assert "場所" in admin.say("30")
    out = admin.say("https://zoom.example/j/1")
    assert "この内容で登録しますか" in out and "16:00 – 16:30" in out
    out = admin.click(admin.choice_value("登録する"))
    # issue 20: the guide already lists Spotlight #1–#6, so the first one entered here is #7
    assert "#1「AIGA Spotlight #7｜AIガバナンスと監査」を登録しました" in out
    (event,) = events(database)
    assert (event.kind, event.url, event.number) == ("spotlight", "https://zoom.example/j/1", 7)


def test_dialogue_can_be_cancelled(database, router):
    admin = Chat(router, "admin", locale="ja")
    admin.say("event new")
    admin.say("1")  # a typed number picks the first kind
    assert "やめました" in admin.say("キャンセル")
    assert events(database) == []


# ----- RSVP ---------------------------------------------------------------------------------------


def test_rsvp_one_per_user_changeable_and_the_secretariat_sees_names(database, router):
    admin = Chat(router, "admin", locale="ja")
    admin.say('event add kind=allhands title="12月 All-Hands" start="2026-12-17 12:00" end=13:00'
              ' place="AIGA 会議室"')
    one = Chat(router, "member", org="株式会社A", locale="ja")
    two = Chat(router, "member2", org="株式会社A", locale="ja")
    assert "参加で登録しました（参加 1・不参加 0）" in one.click("event:rsvp:1:yes")
    assert "参加で登録しました（参加 1・不参加 0）" in one.click("event:rsvp:1:yes")  # again
    assert "不参加で登録しました（参加 1・不参加 1）" in two.click("event:rsvp:1:no")
    assert "不参加で変更しました（参加 0・不参加 2）" in one.click("event:rsvp:1:no")
    assert "参加で変更しました（参加 1・不参加 1）" in one.click("event:rsvp:1:yes")
    with database.transaction() as s:
        assert s.scalar(select(func.count()).select_from(EventRsvp)) == 2
    out = admin.say("event show 1")
    assert "参加 1: console:member（株式会社A）" in out
    assert "不参加 1: console:member2（株式会社A）" in out
    assert "事務局（管理者）のみ" in one.say("event show 1")
    admin.say("event cancel 1")
    assert "出欠は受け付けていません" in two.click("event:rsvp:1:yes")


# ----- members' questions, Stand-Up proposals ------------------------------------------------------


def test_next_all_hands_question_lists_upcoming(database, router):
    admin = Chat(router, "admin", locale="ja")
    admin.say('event add kind=allhands title="12月 All-Hands" start="2026-12-17 12:00" end=13:00')
    admin.say('event add kind=meetup title="年末 Meetup" start="2026-12-10 18:00" end=20:00')
    member = Chat(router, "member", org="株式会社A", locale="ja")
    out = member.say("次のAll-Handsはいつ？")
    assert "2026年12月17日(木) 12:00〜13:00" in out and "Meetup" not in out
    out = member.say("upcoming events")
    assert out.index("Meetup") < out.index("All-Hands")  # in time order
    assert "今後のイベント" in out
    assert "まだありません" in member.say("次のSpotlightはいつ？")


def test_a_member_proposes_a_stand_up_and_the_secretariat_approves(database, router):
    member = Chat(router, "member", org="株式会社A", locale="ja")
    out = member.say('event propose title="生成AI利用規程の作り方" start="2027-01-20 16:00" '
                     'end=17:00 summary="自社の規程づくりの経験を共有します"')
    assert "事務局に提案しました（#1）" in out
    admin = Chat(router, "admin", locale="ja")
    with database.transaction() as s:
        assert subject_slots(s, "event:1")["proposal"].kind == "event_proposal"
    assert "承認しました" in admin.click("event:approve:1")
    assert "提案中ではありません" in admin.click("event:decline:1")
    (event,) = events(database)
    assert (event.status, event.organiser, event.kind) == ("planned", "株式会社A", "standup")
    with database.transaction() as s:
        announce = subject_slots(s, "event:1")["announce"]
        assert announce.due_at == NOW  # approved Stand-Ups are announced at once
