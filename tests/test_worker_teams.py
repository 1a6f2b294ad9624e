"""The reminder worker reaches Teams users through their stored conversation references."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from bot.teams.notify import TeamsNotifier
from bot.worker import Deliverer, build_deliverer
from handlers.dates import TOKYO
from handlers.rounds.reminders import ReminderPolicy
from handlers.rounds.service import open_round
from rubrics import registry
from store.models import Organisation, OrgDomain, User
from store.reminders import Delivery
from tests.support.fake_connector import settings_for, teams_stack
from tests.test_teams_flow import AAD, CONV

OPENED = datetime(2026, 11, 27, 9, 0, tzinfo=TOKYO)


def company_and_round(database) -> None:
    with database.transaction() as s:
        org = Organisation(name="テスト株式会社", membership_class="regular", created_at=OPENED)
        org.domains.append(OrgDomain(domain="example.co.jp"))
        s.add(org)
        s.flush()
        open_round(s, registry(), rubric_version="1.1", opens=date(2026, 12, 1),
                   deadline=date(2026, 12, 25), name="2026年度下期", now=OPENED)


@pytest.mark.asyncio
async def test_announcement_and_reminder_reach_a_teams_user(database_url, database):
    company_and_round(database)
    async with teams_stack(database_url, clock=lambda: OPENED) as stack:
        stack.fake.add_member(AAD, email="hanako@example.co.jp")
        assert (await stack.say(AAD, "ヘルプ")).status == 200  # links the user, stores the ref
        before = len(stack.fake.sent(CONV))
        notifier = TeamsNotifier(settings_for(stack.fake), database, lambda: OPENED)
        deliverer = Deliverer(database, {"teams": notifier}, rubrics=registry(),
                              policy=ReminderPolicy(), announce=[], admins=frozenset())
        opened = await deliverer.deliver_due(datetime(2026, 12, 1, 10, 0, tzinfo=TOKYO))
        reminder = await deliverer.deliver_due(datetime(2026, 12, 11, 10, 0, tzinfo=TOKYO))
        again = await deliverer.deliver_due(datetime(2026, 12, 11, 10, 5, tzinfo=TOKYO))
        await notifier.close()
        texts = [a.text for a in stack.fake.sent(CONV)[before:]]
        assert opened.sent == 1 and reminder.sent == 1 and again.sent == 0
        assert any("2026年度下期" in t for t in texts)
        assert any("0/36" in t for t in texts)  # how far the company is
        with database.transaction() as s:
            rows = s.scalars(select(Delivery)).all()
            user = s.scalar(select(User).where(User.platform == "teams"))
        assert user.platform_user_id == AAD and user.org_id is not None
        assert {(r.recipient, r.status) for r in rows} == {(f"user:{user.id}", "sent")}
        assert len(rows) == 2


def test_build_deliverer_adds_teams_when_configured(database, monkeypatch):
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.delenv("MICROSOFT_APP_ID", raising=False)
    monkeypatch.setenv("MICROSOFT_ALLOWED_SERVICE_URLS", "http://127.0.0.1:9")
    assert set(build_deliverer(database).notifiers) == {"teams"}
    monkeypatch.setenv("MICROSOFT_ALLOWED_SERVICE_URLS", "")
    assert set(build_deliverer(database).notifiers) == set()
