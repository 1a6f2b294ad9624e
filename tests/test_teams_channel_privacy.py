"""Confidential replies never reach a Teams channel: a member's 「結果」, an admin's 「結果 <会社>」
and the Navi's questions asked by @mention in a channel arrive in the person's 1:1 chat — through
the stored personal reference, or a chat the bot creates — and the channel thread gets a short
note. When no 1:1 chat can be opened, the channel gets a polite request to write to the bot, and
still none of the content."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from store.models import Organisation, Round
from store.teams import TeamsReference
from tests.support import factories
from tests.support.fake_connector import TENANT, seed_member, teams_stack
from tests.test_teams_flow import AAD, CONV

pytestmark = pytest.mark.asyncio
CHANNEL = "19:general@thread.tacv2"
THREAD = f"{CHANNEL};messageid=1700000000000"
ADMIN = "0d5c6b1e-aaaa-4bbb-8ccc-00000000ad01"
ADMIN_CONV = f"a:personal-{ADMIN}"
OTHER = "他社株式会社"
LEVELS = {"policy": 3, "usage": 3, "cases": 3, "owner": 3, "data-ip": 3, "use-ip": 3,
          "monitoring": 3}
OTHER_LEVELS = {k: 4 for k in LEVELS}
NOTE = "個別メッセージ（DM）でお送りしました"


def submitted(database) -> None:
    """Our member and another company both submitted the open round."""
    with database.transaction() as s:
        rnd = s.scalar(select(Round))
        ours = s.scalar(select(Organisation).where(Organisation.name == "テスト株式会社"))
        factories.assessment(s, ours, rnd, LEVELS)
        factories.assessment(s, factories.org(s, OTHER), rnd, OTHER_LEVELS)


async def mention(stack, aad: str, words: str):
    return await stack.say(aad, f"<at>AIGA Navi</at>&nbsp;{words}", conversation=THREAD,
                           conversation_type="channel")


def texts(stack, conversation: str) -> str:
    return "\n".join(p.text for p in stack.fake.sent(conversation))


async def test_a_members_result_goes_to_the_dm_and_the_thread_gets_a_note(database_url,
                                                                           database):
    seed_member(database)
    submitted(database)
    async with teams_stack(database_url) as stack:
        stack.fake.add_member(AAD, email="hanako@example.co.jp")
        assert (await mention(stack, AAD, "結果")).status == 200
        in_thread = texts(stack, THREAD)
        in_dm = texts(stack, CONV)
        assert NOTE in in_thread
        assert "3.0" in in_dm and "テスト株式会社" in in_dm  # the score, where it belongs
        assert "3.0" not in in_thread and "テスト株式会社" not in in_thread
        for posted in stack.fake.sent(THREAD):  # nothing but the note, no card, no figure
            assert posted.card is None and posted.text.strip() == posted.text.strip()[:80]
        # the 1:1 chat was created with the user's ids and the tenant, then remembered
        [created] = stack.fake.created
        assert created["members"][0]["aadObjectId"] == AAD
        assert created["tenantID"] == TENANT and created["isGroup"] is False
        with database.transaction() as session:
            ref = session.scalar(select(TeamsReference).where(TeamsReference.kind == "user"))
            assert ref.ref_key == AAD and ref.reference["conversation"]["id"] == CONV
        # a second time the stored reference is used: no new conversation is created
        assert (await mention(stack, AAD, "結果")).status == 200
        assert len(stack.fake.created) == 1
        assert texts(stack, THREAD).count(NOTE) == 2
        assert "3.0" not in texts(stack, THREAD)
        assert stack.fake.problems == []


async def test_an_admins_result_of_another_company_stays_out_of_the_channel(database_url,
                                                                              database):
    seed_member(database)
    submitted(database)
    async with teams_stack(database_url, admins=frozenset({f"teams:{ADMIN}"})) as stack:
        stack.fake.add_member(ADMIN, email="office@aiga.example.org", name="事務局")
        # the admin has talked to the bot in a 1:1 chat before: its reference is stored
        assert (await stack.say(ADMIN, "ヘルプ")).status == 200
        before = len(stack.fake.sent(ADMIN_CONV))
        assert (await mention(stack, ADMIN, f"結果 {OTHER}")).status == 200
        in_thread = texts(stack, THREAD)
        in_dm = "\n".join(p.text for p in stack.fake.sent(ADMIN_CONV)[before:])
        assert "4.0" in in_dm and OTHER in in_dm
        assert NOTE in in_thread and "4.0" not in in_thread and OTHER not in in_thread
        assert stack.fake.created == []  # the stored personal reference was enough


async def test_the_navi_started_in_a_channel_is_asked_in_the_dm(database_url, database):
    seed_member(database)
    async with teams_stack(database_url) as stack:
        stack.fake.add_member(AAD, email="hanako@example.co.jp")
        assert (await mention(stack, AAD, "ナビを始める")).status == 200
        card = stack.fake.last_card(CONV)
        assert card.buttons[0][0].startswith("はい")
        assert all(not p.buttons for p in stack.fake.sent(THREAD))
        assert NOTE in texts(stack, THREAD)
        # the buttons work in the DM like any other card
        assert (await stack.click(AAD, card, "はい")).status == 200
        assert stack.fake.last_card(CONV).id != card.id
        assert stack.fake.sent(THREAD)[-1].text == stack.fake.sent(THREAD)[0].text


async def test_when_no_dm_can_be_opened_the_channel_gets_only_a_request(database_url,
                                                                         database):
    seed_member(database)
    submitted(database)
    async with teams_stack(database_url) as stack:
        stack.fake.add_member(AAD, email="hanako@example.co.jp")
        stack.fake.create_status = 403  # e.g. the app is not installed for the user
        assert (await mention(stack, AAD, "結果")).status == 200
        in_thread = texts(stack, THREAD)
        assert "直接メッセージ" in in_thread and NOTE not in in_thread
        assert "3.0" not in in_thread and "テスト株式会社" not in in_thread
        assert stack.fake.sent(CONV) == []


async def test_a_blocked_dm_reference_falls_back_to_a_new_chat_then_a_request(database_url,
                                                                               database):
    """A stored 1:1 reference that answers 403 (bot blocked) is not the end of the content's
    road, and never a reason to show it in the channel."""
    seed_member(database)
    submitted(database)
    async with teams_stack(database_url) as stack:
        stack.fake.add_member(AAD, email="hanako@example.co.jp")
        assert (await stack.say(AAD, "ヘルプ")).status == 200
        stack.fake.fail("POST", 403, times=50, path_contains=f"{CONV}/activities")
        assert (await mention(stack, AAD, "結果")).status == 200
        in_thread = texts(stack, THREAD)
        assert "直接メッセージ" in in_thread and "3.0" not in in_thread
        assert len(stack.fake.created) == 1  # one attempt at a fresh chat, refused too
        with database.transaction() as session:
            ref = session.scalar(select(TeamsReference).where(TeamsReference.kind == "user"))
            assert ref.usable is False
