"""Outgoing calls under trouble: retries with back-off on 429/412/502/504 (and only those),
conversation references that survive a restart, proactive sends through `TeamsNotifier`, and a
403 that marks a reference unusable instead of failing again and again."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.notify import Outcome, Target
from bot.teams.notify import TeamsNotifier
from handlers.dates import now_tokyo
from handlers.types import Choice, Question, Text
from store.teams import TeamsReference
from tests.support.fake_connector import seed_member, settings_for, teams_stack
from tests.test_teams_flow import AAD, CONV

pytestmark = pytest.mark.asyncio


async def test_throttled_and_bad_gateway_replies_are_retried(database_url, database):
    seed_member(database)
    async with teams_stack(database_url) as stack:
        stack.fake.add_member(AAD, email="hanako@example.co.jp")
        stack.fake.fail("POST", 429, times=2, path_contains="/activities", retry_after="0")
        stack.fake.fail("POST", 502, times=1, path_contains="/activities")
        assert (await stack.say(AAD, "ナビを始める")).status == 200
        posts = stack.fake.called("POST", "/activities")
        assert [c.status for c in posts] == [429, 429, 502, 200]  # one reply, four attempts
        assert len(stack.fake.sent(CONV)) == 1


async def test_a_server_error_is_not_retried_and_the_turn_still_answers(database_url, database):
    seed_member(database)
    async with teams_stack(database_url) as stack:
        stack.fake.add_member(AAD, email="hanako@example.co.jp")
        stack.fake.fail("POST", 500, times=1, path_contains="/activities")
        assert (await stack.say(AAD, "ナビを始める")).status == 200
        assert [c.status for c in stack.fake.called("POST", "/activities")] == [500]


async def test_retries_stop_after_the_configured_attempts(database_url, database):
    seed_member(database)
    async with teams_stack(database_url, teams_retry_attempts=3) as stack:
        stack.fake.add_member(AAD, email="hanako@example.co.jp")
        stack.fake.fail("POST", 504, times=10, path_contains="/activities")
        assert (await stack.say(AAD, "ナビを始める")).status == 200
        assert [c.status for c in stack.fake.called("POST", "/activities")] == [504] * 3


async def test_references_survive_a_restart_and_reach_the_user_proactively(database_url,
                                                                            database):
    seed_member(database)
    async with teams_stack(database_url) as stack:
        stack.fake.add_member(AAD, email="hanako@example.co.jp")
        assert (await stack.say(AAD, "ヘルプ")).status == 200
        with database.transaction() as session:
            row = session.scalar(select(TeamsReference).where(TeamsReference.kind == "user"))
            assert row.ref_key == AAD and row.usable
            assert row.service_url == f"{stack.fake.url}/"
        # a new process (the worker) with only the database: send a reminder with a button
        notifier = TeamsNotifier(settings_for(stack.fake), database, now_tokyo)
        reminder = [Text("締切が近づいています。"),
                    Question("続きから回答しますか？", choices=[Choice("続きから", "navi:resume")],
                             key="reminder:1")]
        result = await notifier.send_direct(Target("teams", AAD), reminder, key="d-1")
        assert result.outcome == Outcome.SENT
        sent = stack.fake.sent(CONV)
        assert sent[-2].text == "締切が近づいています。"
        assert sent[-1].buttons == [("続きから", "navi:resume")]
        call = stack.fake.called("POST", f"/v3/conversations/{CONV}/activities")[-1]
        assert "replyToId" not in call.body  # a new message, not a reply to an old one
        assert await notifier.was_sent(Target("teams", AAD), "d-1", now_tokyo()) is True
        assert await notifier.was_sent(Target("teams", AAD), "d-2", now_tokyo()) is False
        assert await notifier.language(Target("teams", AAD)) == "ja"
        # the button on the proactive card works like any other
        assert (await stack.click(AAD, sent[-1], "続きから")).status == 200
        assert stack.fake.problems == []


async def test_a_403_marks_the_reference_unusable_and_is_not_retried(database_url, database):
    seed_member(database)
    async with teams_stack(database_url) as stack:
        stack.fake.add_member(AAD, email="hanako@example.co.jp")
        assert (await stack.say(AAD, "ヘルプ")).status == 200
        notifier = TeamsNotifier(settings_for(stack.fake), database, now_tokyo)
        stack.fake.fail("POST", 403, times=5, path_contains="/activities")
        before = len(stack.fake.called("POST"))
        first = await notifier.send_direct(Target("teams", AAD), [Text("お知らせ")], key="d-9")
        assert first.outcome == Outcome.GONE
        assert len(stack.fake.called("POST")) == before + 1  # one attempt, no retries
        with database.transaction() as session:
            row = session.scalar(select(TeamsReference).where(TeamsReference.kind == "user"))
            assert not row.usable and "403" in row.failure
        again = await notifier.send_direct(Target("teams", AAD), [Text("お知らせ")], key="d-10")
        assert again.outcome == Outcome.GONE
        assert len(stack.fake.called("POST")) == before + 1  # not even tried
        assert await notifier.was_sent(Target("teams", AAD), "d-9", now_tokyo()) is False
        # the user writes again: the reference is usable again
        stack.fake.failures.clear()
        assert (await stack.say(AAD, "ヘルプ")).status == 200
        with database.transaction() as session:
            assert session.scalar(select(TeamsReference.usable).where(
                TeamsReference.kind == "user")) is True


async def test_channel_broadcast_and_unknown_targets(database_url, database):
    seed_member(database)
    channel = "19:general@thread.tacv2"
    async with teams_stack(database_url) as stack:
        stack.fake.add_member(AAD, email="hanako@example.co.jp")
        assert (await stack.say(AAD, "<at>AIGA Navi</at> ヘルプ",
                                conversation=f"{channel};messageid=17",
                                conversation_type="channel")).status == 200
        notifier = TeamsNotifier(settings_for(stack.fake), database, now_tokyo)
        result = await notifier.send_channel(Target("teams", channel, direct=False),
                                             [Text("新しいラウンドが始まりました。")], key="b-1")
        assert result.outcome == Outcome.SENT
        assert stack.fake.sent(channel)[-1].text == "新しいラウンドが始まりました。"
        nobody = await notifier.send_direct(Target("teams", "never-talked"), [Text("x")], "b-2")
        assert nobody.outcome == Outcome.GONE and nobody.detail == "no_conversation_reference"
        # throttled beyond the retries: RETRY, and the worker may safely send again
        stack.fake.fail("POST", 429, times=10, path_contains="/activities", retry_after="0")
        busy = await notifier.send_channel(Target("teams", channel, direct=False),
                                           [Text("x")], key="b-3")
        assert busy.outcome == Outcome.RETRY
        assert await notifier.was_sent(Target("teams", channel, direct=False), "b-3",
                                       now_tokyo()) is False


async def test_a_reference_whose_host_is_no_longer_allowed_is_not_called(database_url,
                                                                          database):
    seed_member(database)
    async with teams_stack(database_url) as stack:
        stack.fake.add_member(AAD, email="hanako@example.co.jp")
        assert (await stack.say(AAD, "ヘルプ")).status == 200
        calls = len(stack.fake.calls)
        strict = settings_for(stack.fake, microsoft_allowed_service_urls="")
        notifier = TeamsNotifier(strict, database, now_tokyo)
        result = await notifier.send_direct(Target("teams", AAD), [Text("x")], key="s-1")
        assert result.outcome == Outcome.GONE and result.detail == "service_url_not_allowed"
        assert len(stack.fake.calls) == calls


async def test_install_greets_once_and_uninstall_marks_the_reference(database_url, database):
    async with teams_stack(database_url) as stack:
        base = stack.activity(AAD)
        bot = base["recipient"]
        install = {**base, "type": "installationUpdate", "action": "add"}
        added = {**base, "type": "conversationUpdate", "membersAdded": [bot]}
        someone = {**base, "type": "conversationUpdate", "membersAdded": [base["from"]]}
        for activity in (install, added, someone):
            assert (await stack.post(activity)).status == 200
        greetings = stack.fake.sent(CONV)
        assert len(greetings) == 1 and "ナビを始める" in greetings[0].text
        with database.transaction() as session:
            assert session.scalar(select(TeamsReference.usable)) is True
        removed = {**base, "type": "installationUpdate", "action": "remove"}
        assert (await stack.post(removed)).status == 200
        with database.transaction() as session:
            row = session.scalar(select(TeamsReference))
            assert not row.usable and "removed" in row.failure
        assert len(stack.fake.sent(CONV)) == 1  # nothing said to someone who left
