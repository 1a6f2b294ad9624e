"""Issue 13 finding 2, at the core: outside a DM every confidential reply leaves the router only
inside a DirectMessage whose fallback (what a surface that does not know the type would post in
the channel) reveals nothing; FAQ answers and help stay public in the channel."""

from __future__ import annotations

from datetime import timedelta

import pytest

from handlers.router import Router
from handlers.types import Action, Answered, DirectMessage, Incoming, Reply, plain_text
from tests.support import factories as f

RUBRICS = f.mini_rubrics()
ALL = [i.id for i in RUBRICS.get("0.9").items]
SECRETS = ("A社", "B社", "2.00", "4.00", "全体スコア", "Overall", "回答済み", "会員企業")


@pytest.fixture
def bot(database) -> Router:
    with database.transaction() as s:
        rnd = f.round_(s, "2026年度上期", deadline=f.NOW + timedelta(days=10))
        f.assessment(s, f.org(s, "A社"), rnd, f.uniform(ALL, 2))
        f.assessment(s, f.org(s, "B社"), rnd, f.uniform(ALL, 4))
        f.org(s, "C社")  # not started: the Navi asks its questions
    return Router(database, rubrics=RUBRICS, admins=frozenset({"console:boss"}),
                  clock=lambda: f.NOW)


def in_channel(bot: Router, user: str, org: str | None, text: str | None = None,
               action: str | None = None) -> list[Reply]:
    return bot.handle(Incoming(platform="console", user_id=user, org_name=org, text=text,
                               action=Action(action) if action else None, is_direct=False,
                               channel_id="C-general"))


def assert_only_in_a_dm(replies: list[Reply], *must_be_inside: str) -> str:
    """Exactly one DirectMessage; nothing else private at the top; its note reveals nothing."""
    shown = [r for r in replies if not isinstance(r, Answered)]
    dms = [r for r in shown if isinstance(r, DirectMessage)]
    assert len(dms) == 1, replies
    assert all(r.public for r in shown if r is not dms[0]), replies
    channel = plain_text(replies)
    for secret in SECRETS:
        assert secret not in channel, (secret, channel)
    inside = plain_text(dms[0].replies)
    for text in must_be_inside:
        assert text in inside, (text, inside)
    return inside


def test_a_members_result_and_status_go_to_the_dm(bot):
    assert_only_in_a_dm(in_channel(bot, "alice", "A社", "結果"), "A社", "2.00")
    assert_only_in_a_dm(in_channel(bot, "alice", "A社", "result"), "A社")
    assert_only_in_a_dm(in_channel(bot, "alice", "A社", "状況"), "A社")


def test_an_admins_result_of_another_company_goes_to_the_dm(bot):
    assert_only_in_a_dm(in_channel(bot, "boss", None, "結果 B社"), "B社", "4.00")
    assert_only_in_a_dm(in_channel(bot, "boss", None, "企業一覧"), "A社", "B社", "C社")


def test_the_navi_questions_and_buttons_go_to_the_dm(bot):
    inside = assert_only_in_a_dm(in_channel(bot, "carol", "C社", "ナビを始める"), "C社")
    assert "2026年度上期" in inside
    # typed 「はい」, then a button pressed in the channel (e.g. on an old card)
    assert_only_in_a_dm(in_channel(bot, "carol", "C社", "はい"))
    replies = in_channel(bot, "carol", "C社", action="navi:resume")
    assert_only_in_a_dm(replies)


def test_refusals_that_name_a_company_stay_private_too(bot):
    assert_only_in_a_dm(in_channel(bot, "alice", "A社", "結果 B社"))


def test_faq_answers_and_help_stay_public(bot):
    for text in ("会費はいくら？", "help", "ヘルプ", "使い方"):
        replies = in_channel(bot, "dave", None, text)
        assert replies and not any(isinstance(r, DirectMessage) for r in replies), text
        assert all(r.public for r in replies if not isinstance(r, Answered)), text


def test_in_a_dm_nothing_is_wrapped(bot):
    replies = bot.handle(Incoming(platform="console", user_id="alice", org_name="A社",
                                  text="結果"))
    assert not any(isinstance(r, DirectMessage) for r in replies)
    assert "2.00" in plain_text(replies)
