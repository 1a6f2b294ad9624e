"""Previews in chat for the secretariat: a broadcast is shown (who, how many, the exact text)
and goes only from its confirm button, once; a test copy goes to the admin who asked; an
event's and a round's notices are previewed with test-copy buttons; a round opened on a past
day asks first. Members get the admin-only refusal everywhere; stale buttons do nothing;
hostile audiences are refused politely in both languages with nothing stored."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from handlers import config
from handlers.events.event_preview import compose_notice as event_compose
from handlers.rounds.preview import compose_notice as round_compose
from handlers.router import Router
from handlers.test_copy import TEST_BANNER
from handlers.types import plain_text
from rubrics import registry
from store.events import Broadcast
from store.models import Round
from tests.support import factories
from tests.support.chat import Chat

NOW = factories.NOW  # Friday 2026-11-27 10:00 Tokyo


@pytest.fixture
def router(database, monkeypatch):
    monkeypatch.setattr(config, "_current", config.HandlerConfig(
        announce_channels=("slack:CANN",)))
    with database.transaction() as s:
        a = factories.org(s, "甲社")
        b = factories.org(s, "乙社", membership_class="expert")
        for key, org in (("slack:UA", a), ("slack:UB", b), ("slack:UB2", b)):
            factories.user(s, key, org)
        factories.user(s, "console:member", a)
    return Router(database, admins=frozenset({"console:admin"}), clock=lambda: NOW)


def broadcasts(database) -> int:
    with database.transaction() as s:
        return s.scalar(select(func.count()).select_from(Broadcast))


MEMBER_TRIES = ["round preview 1", "ラウンド確認 1", "event preview 1", "イベント確認 1",
                'broadcast preview "x"', 'broadcast send "x" dm', "お知らせ確認 x"]
MEMBER_CLICKS = ["preview:bc:send:abc", "preview:bc:test:abc", "preview:event:test:1:announce",
                 "preview:round:test:1:d7", "preview:open:skip:abc", "preview:x"]


@pytest.mark.parametrize("locale, refusal", [("ja", "事務局（管理者）のみ"),
                                             ("en", "Only the secretariat")])
def test_members_get_the_admin_only_refusal_for_every_preview(database, router, locale, refusal):
    member = Chat(router, "member", org="甲社", locale=locale)
    for text in MEMBER_TRIES:
        assert refusal in member.say(text), text
    for value in MEMBER_CLICKS:
        assert refusal in member.click(value), value
    assert broadcasts(database) == 0


def test_a_broadcast_goes_only_from_its_confirm_button_and_only_once(database, router):
    admin = Chat(router, "admin", locale="ja")
    out = admin.say('broadcast send "専門会員の皆さまへ" audience=class:expert')
    assert "0件・2名（1社）" in out and "乙社: 2" in out and "専門会員の皆さまへ" in out
    assert broadcasts(database) == 0  # a preview stores nothing
    send, test, drop = (admin.choice_value(x) for x in ("送信する", "自分にテスト送信", "やめる"))
    copy = admin.click(test)
    assert copy.startswith(TEST_BANNER) and "専門会員の皆さまへ" in copy
    assert broadcasts(database) == 0
    assert "お知らせ #1 を登録しました" in admin.click(send)
    assert "class:expert の2名へのDMのみ" in plain_text(admin.last)
    for value in (send, drop, test):  # the same buttons again: stale, nothing more
        assert "古いか、無効" in admin.click(value)
    assert broadcasts(database) == 1
    with database.transaction() as s:
        row = s.scalar(select(Broadcast))
        assert (row.audience, row.dm) == ("class:expert", True)


def test_an_older_preview_and_a_cancelled_one_send_nothing(database, router):
    admin = Chat(router, "admin", locale="en")
    admin.say('broadcast send "first" dm')
    old_send = admin.choice_value("Send")
    admin.say('broadcast preview "second" dm')
    assert "Check before sending" in plain_text(admin.last)
    new_send, new_drop = admin.choice_value("Send"), admin.choice_value("Cancel")
    assert "old or no longer valid" in admin.click(old_send)
    assert "nothing was registered" in admin.click(new_drop)
    assert "old or no longer valid" in admin.click(new_send)
    assert broadcasts(database) == 0


HOSTILE = ["x" * 3000, "class:\u202eevil", "orgs:１２", "orgs:1;DROP TABLE broadcasts",
           "orgs:" + ",".join(str(i) for i in range(600)), "nonsubmitters:1,2",
           "class:regular';DROP TABLE broadcasts;--", "orgs:999999", "nonsubmitters:999",
           "&".join(["class:a"] * 5), "industry:" + "業" * 150]


@pytest.mark.parametrize("spec", HOSTILE)
@pytest.mark.parametrize("locale, polite", [("ja", "。"), ("en", ".")])
def test_hostile_audiences_are_refused_politely_and_store_nothing(database, router, spec,
                                                                  locale, polite):
    admin = Chat(router, "admin", locale=locale)
    out = admin.say(f'broadcast send "hello" audience="{spec}"')
    assert admin.question is None and out.strip().endswith(polite), out
    assert "問題が起きました" not in out and "went wrong" not in out  # not the bug answer
    assert (guess := out.isascii()) == (locale == "en"), (guess, out)  # the reader's language
    assert broadcasts(database) == 0


def test_event_preview_shows_each_notice_and_its_test_copy(database, router):
    admin = Chat(router, "admin", locale="ja")
    admin.say('event add kind=meetup title="年末Meetup" start="2026-12-21 18:00" end=20:00')
    out = admin.say("event preview 1")
    assert "告知" in out and "リマインド（1時間前）" in out and "年末Meetup" in out
    value = next(c.value for c in admin.question.choices if c.value.endswith(":announce"))
    copy = admin.click(value)
    assert copy.startswith(TEST_BANNER)
    with database.transaction() as s:
        from store.events import Event
        event = s.get(Event, 1)
        expected = plain_text([r for r in event_compose(event, "event_announce", "announce",
                                                        ["ja", "en"], NOW)])
    assert copy == plain_text([*admin.last[:1]]) + "\n\n" + expected
    for stale in ("preview:event:test:99999999999999:announce", "preview:event:test:1:nope",
                  "preview:event:test:１:announce"):
        assert "見つかりません" in admin.click(stale)


def test_round_preview_and_test_copy_match_what_the_worker_composes(database, router):
    from bot.notify import Target
    from bot.worker.base import Audience, Job
    from bot.worker.rounds import RoundNotices

    with database.transaction() as s:
        rnd = factories.round_(s, "下期", version="1.1", deadline=NOW + timedelta(days=20))
        from handlers.rounds.reminders import ReminderPolicy
        from handlers.rounds.service import plan_round
        plan_round(s, rnd, ReminderPolicy(), NOW)
        rid = rnd.id
    admin = Chat(router, "admin", locale="ja")
    out = admin.say(f"round preview {rid} d7")
    assert "甲社 / slack:UA" in out and "乙社" not in out  # expert members take no part
    value = f"preview:round:test:{rid}:d7"
    copy = admin.click(value)
    assert copy.startswith(TEST_BANNER)
    with database.transaction() as s:
        rnd = s.get(Round, rid)
        ours = plain_text(round_compose(s, rnd, "reminder", rnd_org(s, "甲社"), ["ja"], NOW,
                                        registry()))
        notices = RoundNotices(Audience({}), ReminderPolicy(), registry())
        job = Job(0, "k", "reminder", rid, rnd_org(s, "甲社"), Target("slack", "UA"), "ja", 1, NOW)
        worker = plain_text(notices.compose(s, job, ["ja"], NOW))
    assert ours == worker and ours in copy


def rnd_org(s, name: str) -> int:
    from store.models import Organisation
    return s.scalar(select(Organisation.id).where(Organisation.name == name))


def test_round_open_on_a_past_day_asks_first_and_answers_once(database, router):
    admin = Chat(router, "admin", locale="ja")
    out = admin.say("round open 1.1 2026-11-01 2026-12-25 案を許可")
    assert "開始日が過去" in out and "まだ何も登録していません" in out
    with database.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Round)) == 0
    skip = admin.choice_value("過去分は送らずに開始")
    assert "送りません" in admin.click(skip)
    assert "古いか、無効" in admin.click(skip)
    with database.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Round)) == 1
    from store.reminders import slots_for
    with database.transaction() as s:
        slots = slots_for(s, s.scalar(select(Round.id)))  # PostgreSQL: the refused try used id 1
        assert slots["open"].status == "cancelled" and slots["summary"].status == "pending"
