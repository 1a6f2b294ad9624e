"""The console's guided "new event" dialogue asks a Stand-Up's organising company."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from handlers.router import Router
from store.events import Event
from tests.support import factories
from tests.support.chat import Chat


@pytest.fixture
def router(database):
    with database.transaction() as s:
        factories.org(s, "株式会社A")
    return Router(database, admins=frozenset({"console:admin"}), clock=lambda: factories.NOW)


def test_stand_up_dialogue_asks_the_organiser(database, router):
    admin = Chat(router, "admin", locale="ja")
    admin.say("イベント作成")
    admin.click("event:form:kind:standup")
    admin.say("生成AIの社内ルール")
    admin.say("2027-01-20 16:00")
    admin.say("17:00")
    assert "主催の会員企業名" in admin.say("オンライン")
    assert "会員企業が必要" in admin.say("-")  # refused, asked again
    out = admin.say("株式会社A")
    assert "この内容で登録しますか" in out and "主催: 株式会社A" in out
    assert "を登録しました" in admin.click(admin.choice_value("登録する"))
    with database.transaction() as s:
        [event] = s.scalars(select(Event)).all()
        assert (event.kind, event.organiser, event.place) == ("standup", "株式会社A", "オンライン")
        assert event.org_id is not None  # linked to the member company by name


def test_other_kinds_skip_the_organiser_step(database, router):
    admin = Chat(router, "admin", locale="en")
    admin.say("event new")
    admin.click("event:form:kind:meetup")
    admin.say("Year-end Meetup")
    admin.say("2026-12-18 18:00")
    admin.say("20:00")
    assert "Create this event?" in admin.say("-")
