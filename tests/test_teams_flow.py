"""A member takes the whole Navi in Teams, as Teams would call the bot: Bot Framework activities
posted to the real /api/messages, a fake connector recording the replies, a real database."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from store.models import Answer, Assessment, User
from store.teams import ANSWERED, LIVE, RETIRED, TeamsCard, TeamsProfile, TeamsReference
from tests.support.fake_connector import seed_member, teams_stack

pytestmark = pytest.mark.asyncio
AAD = "0d5c6b1e-aaaa-4bbb-8ccc-000000000001"
CONV = f"a:personal-{AAD}"


def is_item(card) -> bool:
    return any(value.startswith("navi:level:") for _, value in card.buttons)


async def start_assessment(stack, aad: str = AAD, **kw):
    """「ナビを始める」, confirm, both roles; returns the first item's card."""
    assert (await stack.say(aad, "ナビを始める", **kw)).status == 200
    assert (await stack.click(aad, stack.fake.last_card(), "はい", **kw)).status == 200
    assert (await stack.click(aad, stack.fake.last_card(), "両方", **kw)).status == 200
    return stack.fake.last_card()


async def test_whole_assessment_by_clicking_card_buttons(database_url, database):
    seed_member(database)
    async with teams_stack(database_url) as stack:
        stack.fake.add_member(AAD, email="hanako@example.co.jp")
        card = await start_assessment(stack)

        # one item = one Adaptive Card: progress, number + title, explanation, 4 levels, buttons
        body = card.card["body"]
        assert card.card["version"] == "1.5"
        assert body[0]["text"].startswith("0/7 回答済み")
        assert body[1]["text"].startswith("1\\. ")
        titles = [t for t, _ in card.buttons]
        assert titles[:4] == ["1点", "2点", "3点", "4点"]
        assert {"スキップ", "中断"} <= set(titles[4:])
        sets = [b for b in body if b["type"] == "ActionSet"]
        assert next(len(s["actions"]) for s in sets) == 4  # levels in their own row

        chosen = []
        answered_cards = []
        while is_item(card):
            level = len(chosen) % 4 + 1
            assert (await stack.click(AAD, card, f"{level}点")).status == 200
            chosen.append(level)
            answered_cards.append(stack.fake.posted[card.id])
            card = stack.fake.last_card()
        assert len(chosen) == 7

        # every answered item card was replaced: the answer shown, no buttons left
        for answered, level in zip(answered_cards, chosen, strict=True):
            assert answered.updates, f"card {answered.id} was never updated"
            assert answered.buttons == []
            assert "✓" in answered.text and f"{level}点" in answered.text

        # the submit question, then the result
        assert next(t for t, _ in card.buttons).startswith("提出")
        assert (await stack.click(AAD, card, "提出")).status == 200
        assert stack.fake.posted[card.id].buttons == []
        texts = "\n".join(p.text for p in stack.fake.sent(CONV))
        assert "提出しました。ご回答ありがとうございました。" in texts

        assert stack.fake.problems == []  # nothing Teams would have refused
        with database.transaction() as session:
            assessment = session.scalar(select(Assessment))
            assert assessment.status == "submitted"
            levels = dict(session.execute(select(Answer.item_id, Answer.level)).all())
            assert sorted(levels.values()) == sorted(chosen)
            user = session.scalar(select(User).where(User.platform == "teams"))
            assert user.platform_user_id == AAD  # identified by the AAD object id
            assert user.email == "hanako@example.co.jp"
            assert user.organisation.name == "テスト株式会社"  # linked by e-mail domain
            states = session.scalars(select(TeamsCard.state)).all()
            assert LIVE not in states and ANSWERED in states
            profile = session.get(TeamsProfile, AAD)
            assert profile is not None and profile.email == "hanako@example.co.jp"
        # member info asked once, then cached
        assert len(stack.fake.called("GET", "/members/")) == 1


async def test_an_answered_card_cannot_be_answered_twice(database_url, database):
    seed_member(database)
    async with teams_stack(database_url) as stack:
        stack.fake.add_member(AAD, email="hanako@example.co.jp")
        first = await start_assessment(stack)
        assert (await stack.click(AAD, first, "2点")).status == 200
        second = stack.fake.last_card()
        assert second.id != first.id
        # a second click on the first card, from a stale copy of it (e.g. another device)
        stale = stack.activity(AAD, value={"aiga": _value_of(first, "4点")}, reply_to=first.id)
        assert (await stack.post(stale)).status == 200
        polite, current = stack.fake.sent(CONV)[-2:]
        assert "古いメッセージ" in polite.text  # nothing changed, said politely
        assert current.text.splitlines()[1].startswith("2\\. ")  # and the current question again
        assert stack.fake.posted[second.id].buttons == []  # the re-shown card replaced it
        with database.transaction() as session:
            levels = dict(session.execute(select(Answer.item_id, Answer.level)).all())
        assert list(levels.values()) == [2]  # still the first answer


def _value_of(card, label: str) -> str:
    """The neutral value a button carried when the card was first sent."""
    original = card.updates[0] if card.updates else card.body
    for element in original["attachments"][0]["content"]["body"]:
        for action in element.get("actions") or []:
            if action["title"].startswith(label):
                return action["data"]["aiga"]
    raise AssertionError(label)


async def test_skipping_retires_the_old_card(database_url, database):
    seed_member(database)
    async with teams_stack(database_url) as stack:
        stack.fake.add_member(AAD, email="hanako@example.co.jp")
        first = await start_assessment(stack)
        assert (await stack.click(AAD, first, "スキップ")).status == 200
        assert stack.fake.posted[first.id].buttons == []  # retired, buttons gone
        assert "無効" in stack.fake.posted[first.id].text
        with database.transaction() as session:
            assert session.scalar(select(func.count()).select_from(TeamsCard).where(
                TeamsCard.state == RETIRED)) >= 1


async def test_english_locale_gets_english_cards(database_url, database):
    seed_member(database)
    async with teams_stack(database_url) as stack:
        stack.fake.add_member(AAD, email="hanako@example.co.jp")
        assert (await stack.say(AAD, "start navi", locale="en-US")).status == 200
        titles = [t for t, _ in stack.fake.last_card().buttons]
        assert titles[0] == "Yes, start"


async def test_secretariat_link_without_email(database_url, database):
    """No e-mail from Teams: `aiga-bot org link teams:<aad> NAME` is what links the user."""
    from handlers.dates import now_tokyo
    from store.orgs import link_user

    seed_member(database)
    with database.transaction() as session:
        link_user(session, f"teams:{AAD}", "テスト株式会社", now_tokyo())
    async with teams_stack(database_url) as stack:  # no member info: the lookup gets 404
        assert (await stack.say(AAD, "ナビを始める")).status == 200
        assert stack.fake.last_card().buttons[0][0].startswith("はい")


async def test_channel_mention_reaches_the_router_and_replies_in_the_thread(database_url,
                                                                             database):
    """Issue 13: the Navi's questions are confidential, so the card goes to the person's 1:1
    chat and the thread gets only a short note (it used to get the card itself)."""
    seed_member(database)
    channel = "19:general@thread.tacv2"
    thread = f"{channel};messageid=1700000000000"
    async with teams_stack(database_url) as stack:
        stack.fake.add_member(AAD, email="hanako@example.co.jp")
        response = await stack.say(AAD, "<at>AIGA Navi</at>&nbsp;ナビを始める",
                                   conversation=thread, conversation_type="channel")
        assert response.status == 200
        card = stack.fake.last_card()
        assert card.conversation == CONV  # the 1:1 chat, not the thread
        assert card.buttons[0][0].startswith("はい")
        [note] = stack.fake.sent(thread)
        assert note.buttons == [] and "個別メッセージ（DM）でお送りしました" in note.text
        reply_call = stack.fake.called("POST", f"{thread}/activities/")[-1]
        assert reply_call.body["replyToId"].startswith("in-")  # a reply in the thread
        with database.transaction() as session:
            ref = session.scalar(select(TeamsReference).where(TeamsReference.kind == "channel"))
            assert ref.ref_key == channel  # the channel itself, not the thread
            assert ref.reference["serviceUrl"].startswith(stack.fake.url)
            assert ref.reference.get("activityId") is None
