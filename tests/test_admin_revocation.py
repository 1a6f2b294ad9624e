"""Issue 13 finding 3: admin rights come from the settings on every turn, so a removal takes
effect at once. Each check runs through the real Router: first with the person in the admin set
(the command works), then with a Router built from settings that no longer name them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from handlers.router import Router
from store.models import Round, User
from tests.support import factories as f
from tests.support.chat import Chat

RUBRICS = f.mini_rubrics()
ALL = [i.id for i in RUBRICS.get("0.9").items]
REFUSED = "事務局（管理者）のみ"
B_OVERALL = "4.00"


@pytest.fixture
def world(database):
    """A and B submitted; "boss" was an admin, and the users table still says so."""
    with database.transaction() as s:
        rnd = f.round_(s, "2026年度上期", deadline=f.NOW + timedelta(days=10))
        a, b = f.org(s, "A社"), f.org(s, "B社")
        f.assessment(s, a, rnd, f.uniform(ALL, 2))
        f.assessment(s, b, rnd, f.uniform(ALL, 4))
        f.user(s, "console:boss", None, admin=True)
    return database


def router(database, admins: set[str]) -> Router:
    return Router(database, rubrics=RUBRICS, admins=frozenset(admins), clock=lambda: f.NOW)


def is_admin_column(database, key: str) -> bool:
    platform, _, user_id = key.partition(":")
    with database.transaction() as s:
        return bool(s.scalar(select(User.is_admin).where(User.platform == platform,
                                                         User.platform_user_id == user_id)))


def test_listing_companies_stops_the_moment_the_admin_is_removed(world):
    assert "A社" in Chat(router(world, {"console:boss"}), "boss").say("企業一覧")
    text = Chat(router(world, set()), "boss").say("企業一覧")
    assert REFUSED in text and "A社" not in text and "B社" not in text
    assert not is_admin_column(world, "console:boss")  # the mirror column follows at once


def test_reading_another_companys_result_stops(world):
    assert B_OVERALL in Chat(router(world, {"console:boss"}), "boss").say("結果 B社")
    for asked in ("結果 B社", "result B社", "結果 A社"):
        text = Chat(router(world, set()), "boss").say(asked)
        assert B_OVERALL not in text and "全体スコア" not in text, asked


def test_linking_users_stops(world):
    assert "紐付けました" in Chat(router(world, {"console:boss"}), "boss").say(
        '企業紐付け console:first "A社"')
    text = Chat(router(world, set()), "boss").say('企業紐付け console:second "B社"')
    assert REFUSED in text
    with world.transaction() as s:
        assert s.scalar(select(User).where(User.platform_user_id == "second")) is None


def test_opening_a_round_stops(world):
    def rounds() -> int:
        with world.transaction() as s:
            return s.scalar(select(func.count()).select_from(Round)) or 0

    before = rounds()
    Chat(router(world, {"console:boss"}), "boss").say("ラウンド開始 0.9 2027-01-01 2027-02-15 案を許可")
    assert rounds() == before + 1
    text = Chat(router(world, set()), "boss").say("ラウンド開始 0.9 2027-06-01 2027-07-15 案を許可")
    assert REFUSED in text
    assert rounds() == before + 1


def test_an_admin_granted_again_gets_the_rights_back_and_no_one_else_does(world):
    Chat(router(world, set()), "boss").say("状況")
    assert not is_admin_column(world, "console:boss")
    assert "A社" in Chat(router(world, {"console:boss"}), "boss").say("企業一覧")
    # the same id on another platform, another case, or with spaces is a different person
    bot = router(world, {"console:boss"})
    for platform, user_id in (("slack", "boss"), ("teams", "boss"), ("console", "BOSS"),
                              ("console", " boss")):
        text = Chat(bot, user_id, platform=platform).say("企業一覧")
        assert REFUSED in text and "A社" not in text, (platform, user_id)
        assert not is_admin_column(world, f"{platform}:{user_id}")


def test_a_stale_admin_flag_in_the_database_grants_nothing(world):
    """Someone set the column by hand (or an old release did): the settings still decide."""
    with world.transaction() as s:
        f.user(s, "console:mallory", None, admin=True)
    text = Chat(router(world, {"console:boss"}), "mallory").say("企業一覧")
    assert REFUSED in text
    assert not is_admin_column(world, "console:mallory")
