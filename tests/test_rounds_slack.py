"""Round messages through the Slack adapter's strict fake (tests/fake_slack.py): every
announcement, reminder and summary is valid Block Kit, and a reminder's buttons work when
clicked in the real server (mute → recorded and shown; resume → the Navi continues)."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta

from sqlalchemy import select

from bot.notify import Target
from bot.slack_notify import SlackNotifier
from bot.worker import Deliverer
from handlers.dates import TOKYO, now_tokyo
from handlers.rounds.service import open_round
from rubrics import registry
from store import reminders as rstore
from store.models import User
from tests.support import factories
from tests.support.fake_slack import BOT_TOKEN, FakeSlack, find_button, slack_stack


def at(m: int, d: int, hh: int = 10, y: int = 2026) -> datetime:
    return datetime(y, m, d, hh, tzinfo=TOKYO)


def seed(database, *, opens: date, deadline: date, now: datetime) -> int:
    rubric = registry().get("1.1")
    with database.transaction() as s:
        rnd = open_round(s, registry(), rubric_version="1.1", opens=opens, deadline=deadline,
                         name="2026年度下期", now=now)
        company = factories.org(s, "株式会社B")
        factories.user(s, "slack:UB1", company)
        factories.user(s, "slack:UADMIN", None, admin=True)
        factories.assessment(s, company, rnd, dict.fromkeys([i.id for i in rubric.items][:20],
                                                            2), submitted=False, at=now)
        return rnd.id


def deliverer(database, fake: FakeSlack, clock=now_tokyo) -> Deliverer:
    notifier = SlackNotifier(BOT_TOKEN, fake.api_url, database, clock)
    return Deliverer(database, {"slack": notifier}, rubrics=registry(),
                     announce=[Target("slack", "C0GENERAL", direct=False)], clock=clock,
                     admins=frozenset({"slack:UADMIN"}))


def test_every_round_message_is_valid_block_kit(database):
    seed(database, opens=date(2026, 12, 1), deadline=date(2026, 12, 25), now=at(11, 27))

    async def run() -> FakeSlack:
        fake = await FakeSlack().start()
        try:
            worker = deliverer(database, fake)
            for now in (at(12, 1), at(12, 11), at(12, 28)):
                await worker.deliver_due(now)
            return fake
        finally:
            await fake.stop()

    fake = asyncio.run(run())
    assert fake.problems == []
    channels = [p["channel"] for p in fake.posts()]
    assert channels == ["C0GENERAL", "DUB1", "DUB1", "DUADMIN"]
    reminder = fake.posts("DUB1")[1]
    assert "20/36 回答済み" in reminder["text"]
    assert find_button(reminder, value="navi:resume")
    assert "未提出 1 社" in fake.posts("DUADMIN")[0]["text"]


def test_reminder_buttons_work_in_the_real_server(database_url, database):
    now = now_tokyo()
    round_id = seed(database, opens=(now - timedelta(days=20)).date(),
                    deadline=(now + timedelta(days=3)).date(), now=now)

    async def run() -> None:
        fake = await FakeSlack().start()
        fake.add_user("UB1", "b1@example.co.jp")
        await deliverer(database, fake).deliver_due(now)  # announcement + latest reminder
        reminder = fake.posts("DUB1")[-1]
        async with slack_stack(database_url, fake=fake) as stack:
            await stack.click("UB1", reminder, value=f"round:mute:{round_id}")
            await stack.settle()
            assert "リマインドを停止しました" in fake.posts("DUB1")[-1]["text"]
        assert fake.problems == []

    asyncio.run(run())
    with database.transaction() as s:
        user = s.scalar(select(User).where(User.platform_user_id == "UB1"))
        assert rstore.is_muted(s, round_id, user.id)
