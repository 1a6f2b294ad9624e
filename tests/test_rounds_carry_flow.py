"""A new round through the real Router: the previous round's answers are offered item by item
("前回と同じ"), only for items the new rubric version keeps; the round chat commands and the
mute button are routed (the wiring is merged: no skip, so a broken wire fails here)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from handlers.dates import TOKYO
from handlers.router import Router
from store import reminders as rstore
from store.models import Answer, User
from tests.support import factories
from tests.support.chat import Chat

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=TOKYO)


@pytest.fixture
def router(database):
    with database.transaction() as s:
        company = factories.org(s, "株式会社A")
        old = factories.round_(s, "2025年度下期", version="0.9",
                               opens=NOW - timedelta(days=200), deadline=NOW - timedelta(days=150),
                               status="closed")
        factories.assessment(s, company, old, {"policy": 3, "usage": 2, "cases": 1, "owner": 4,
                                               "data-ip": 2, "use-ip": 3, "monitoring": 4})
        factories.round_(s, "2026年度上期", version="1.0", opens=NOW - timedelta(days=1),
                         deadline=NOW + timedelta(days=30))
        factories.user(s, "console:admin", None, admin=True)
    return Router(database, rubrics=factories.progress_rubrics(), admins=frozenset({"console:admin"}),
                  clock=lambda: NOW)


def test_previous_answers_are_offered_and_recorded_only_when_confirmed(router, database):
    chat = Chat(router, "alice", org="株式会社A")
    chat.say("ナビを始める")
    chat.say("はい")
    shown = chat.click(chat.choice_value("両方"))
    assert "前回（2025年度下期）の回答: 3点" in shown
    with database.transaction() as s:  # shown, not copied: only last round's 7 answers exist
        assert len(s.scalars(select(Answer)).all()) == 7
    shown = chat.click(chat.choice_value("前回と同じ（3点）"))
    with database.transaction() as s:
        new = s.scalars(select(Answer).where(Answer.item_id == "policy")).all()
        assert sorted(a.level for a in new) == [3, 3] and len(new) == 2
    assert "前回（2025年度下期）の回答: 2点" in shown  # the next item, its own offer
    for _ in range(5):  # usage, cases, owner, data-ip, use-ip: accept each one
        chat.click(chat.question.actions[0].value)
    question = chat.question
    assert question is not None and question.key.endswith(":bias")  # new in 1.0: no offer
    assert "前回" not in question.body
    assert not question.actions[0].label.startswith("前回と同じ")


def test_round_commands_and_mute_are_routed(router, database):
    admin = Chat(router, "admin")
    assert "ラウンド 2 件" in admin.say("ラウンド一覧")
    assert "Only the secretariat" in Chat(router, "bob", org="株式会社A").say("round list")
    member = Chat(router, "carol", org="株式会社A")
    assert "リマインドを停止しました" in member.click("round:mute:2")
    with database.transaction() as s:
        carol = s.scalar(select(User).where(User.platform_user_id == "carol"))
        assert rstore.is_muted(s, 2, carol.id)
    assert "古いか、無効です" in member.click("round:mute:99")
