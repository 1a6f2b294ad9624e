"""Events on Teams through the worker: the announcement's activity id is kept, and a change or
a cancellation updates that original card (update_activity on the fake connector)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.notify import Target
from bot.teams.notify import TeamsNotifier
from bot.worker import Deliverer
from handlers.dates import TOKYO
from handlers.events.reminders import EventPolicy
from handlers.events.service import cancel_event, create_event, edit_event
from store.events import Event
from store.teams import TeamsDelivery
from tests.support import fake_connector as fc

pytestmark = pytest.mark.asyncio
CHANNEL = "19:general@thread.tacv2"
AAD = "aad-teams-admin"


def at(m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(2026, m, d, hh, mm, tzinfo=TOKYO)


def deliverer(database, stack, now: datetime) -> tuple[Deliverer, TeamsNotifier]:
    notifier = TeamsNotifier(fc.settings_for(stack.fake), database, lambda: now)
    return Deliverer(database, {"teams": notifier}, announce=[Target("teams", CHANNEL, False)],
                     admins=frozenset(), clock=lambda: now, backoff=timedelta(0), pace={},
                     event_policy=EventPolicy()), notifier


async def tick(database, stack, now: datetime):
    worker, notifier = deliverer(database, stack, now)
    try:
        return await worker.deliver_due(now)
    finally:
        await notifier.close()


async def channel_and_event(database, stack) -> int:
    # the bot is @mentioned in the channel once: its reference is stored
    await stack.say(AAD, "<at>AIGA Navi</at> ヘルプ", conversation=f"{CHANNEL};messageid=1",
                    conversation_type="channel")
    with database.transaction() as s:
        event = create_event(s, kind="allhands", title="12月 All-Hands", start=at(12, 17, 12),
                             end=at(12, 17, 13), now=at(11, 27), url="https://zoom.example/j/1")
        return event.id


def channel_posts(stack) -> list[fc.Posted]:
    return [p for p in stack.fake.sent() if p.conversation == CHANNEL]


async def test_cancellation_updates_the_original_teams_announcement(database_url, database):
    async with fc.teams_stack(database_url, clock=lambda: at(11, 27)) as stack:
        event_id = await channel_and_event(database, stack)
        assert (await tick(database, stack, at(12, 3, 10))).sent == 1
        original = channel_posts(stack)[0]
        assert "12月 All-Hands" in original.text
        with database.transaction() as s:
            row = s.scalar(select(TeamsDelivery).where(TeamsDelivery.address ==
                                                       f"channel:{CHANNEL}"))
            assert row.state == "sent" and row.activity_id == original.id
            cancel_event(s, s.get(Event, event_id), at(12, 5), "講師の都合")
        assert (await tick(database, stack, at(12, 5, 10, 1))).sent == 1
        later = channel_posts(stack)[1:]
        assert any("【中止】" in p.text and "講師の都合" in p.text for p in later)
        puts = stack.fake.called("PUT", f"/activities/{original.id}")
        assert len(puts) == 1
        assert original.updates and "【中止】" in original.text  # the original now says so
        assert stack.fake.problems == []


async def test_change_updates_the_original_teams_announcement(database_url, database):
    async with fc.teams_stack(database_url, clock=lambda: at(11, 27)) as stack:
        event_id = await channel_and_event(database, stack)
        await tick(database, stack, at(12, 3, 10))
        original = channel_posts(stack)[0]
        with database.transaction() as s:
            edit_event(s, s.get(Event, event_id), at(12, 5), start=at(12, 18, 12),
                       end=at(12, 18, 13))
        assert (await tick(database, stack, at(12, 5, 10, 1))).sent == 1
        # the change's own RSVP card retires the old buttons first; then the original is
        # rewritten to point at the new date (the last update wins)
        puts = stack.fake.called("PUT", f"/activities/{original.id}")
        assert puts and "12月18日" in original.text


async def test_unknown_activity_is_not_updated(database_url, database):
    """A send recorded before activity ids were kept: nothing to update, no error."""
    async with fc.teams_stack(database_url) as stack:
        await channel_and_event(database, stack)
        notifier = TeamsNotifier(fc.settings_for(stack.fake), database, lambda: at(12, 5))
        updated = await notifier.update_message(Target("teams", CHANNEL, False), "aiga:x",
                                                [], at(12, 1))
        assert updated is False and stack.fake.called("PUT") == []

