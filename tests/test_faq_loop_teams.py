"""The forwarded-question loop in Teams, end to end against the fake Bot Framework connector
(issue 14): a member's question → the admin's 1:1 chat gets the notice from the worker → the
admin opens the answer card from its button and submits it → the member's 1:1 chat; once each."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.teams.notify import TeamsNotifier
from bot.worker import Deliverer
from bot.worker.faq_notices import FaqNotices
from handlers.dates import now_tokyo
from store.faq import ForwardedQuestion
from store.models import Organisation, OrgDomain
from tests.support import fake_connector as fc
from tests.support.fake_connector import settings_for, teams_stack

pytestmark = pytest.mark.asyncio
MEMBER, ADMIN = "aad-member-0001", "aad-admin-0001"


@pytest.fixture
def teams_inputs(monkeypatch):
    """The fake connector's card check knows our display elements; forms add inputs."""
    monkeypatch.setattr(fc, "CARD_TYPES", fc.CARD_TYPES | {"Input.Text"})


def seed_company(database) -> None:
    with database.transaction() as s:
        company = Organisation(name="テスト株式会社", membership_class="regular",
                               created_at=now_tokyo())
        company.domains.append(OrgDomain(domain="example.co.jp"))
        s.add(company)


def worker(database, stack) -> Deliverer:
    """The worker as deployed: the FAQ notices are one of its subjects."""
    notifier = TeamsNotifier(settings_for(stack.fake), database, now_tokyo)
    deliverer = Deliverer(database, {"teams": notifier}, admins=frozenset({f"teams:{ADMIN}"}),
                          pace={})
    assert isinstance(deliverer.subjects[FaqNotices.noun], FaqNotices)
    return deliverer


async def tick(database, stack) -> int:
    deliverer = worker(database, stack)
    try:
        return (await deliverer.deliver_due()).sent
    finally:
        for notifier in deliverer.notifiers.values():
            await notifier.close()


async def test_question_notice_card_answer_dm(database_url, database, teams_inputs):
    seed_company(database)
    async with teams_stack(database_url, admins=frozenset({f"teams:{ADMIN}"})) as stack:
        fake = stack.fake
        fake.add_member(MEMBER, email="hanako@example.co.jp", name="山田 花子")
        fake.add_member(ADMIN, email="boss@aiga.example", name="事務局 太郎")
        await stack.say(ADMIN, "ヘルプ", name="事務局 太郎")  # the admin's 1:1 chat is known
        await stack.say(MEMBER, "駐車場はありますか")
        await stack.click(MEMBER, fake.last_card(f"a:personal-{MEMBER}"), "事務局に転送する")
        qid = int(re.search(r"#(\d+)", fake.sent(f"a:personal-{MEMBER}")[-1].text).group(1))

        assert await tick(database, stack) == 1
        assert await tick(database, stack) == 0  # a restart sends nothing twice
        notice = fake.last_card(f"a:personal-{ADMIN}")
        for fact in (f"転送された質問 #{qid}", "テスト株式会社", "山田 花子", "駐車場はありますか"):
            assert fact in notice.text, fact

        await stack.click(ADMIN, notice, "回答する", name="事務局 太郎")
        form = fake.last_card(f"a:personal-{ADMIN}")
        [(_, submit)] = form.buttons
        data = {"aiga": submit, "aiga_form": f"faq:reply:{qid}",
                "answer": "来客用の駐車場はありません。"}
        response = await stack.post(stack.activity(ADMIN, value=data, reply_to=form.id,
                                                   name="事務局 太郎"))
        assert response.status == 200
        assert f"#{qid} に回答しました" in fake.sent(f"a:personal-{ADMIN}")[-1].text

        assert await tick(database, stack) == 1
        assert await tick(database, stack) == 0
        answer = fake.sent(f"a:personal-{MEMBER}")[-1].text
        assert f"事務局から回答が届きました（受付番号 #{qid}）" in answer
        assert "来客用の駐車場はありません。" in answer and "事務局 太郎" in answer
        assert fake.problems == []
    with database.transaction() as s:
        row = s.scalar(select(ForwardedQuestion))
        assert row.status == "answered" and row.answered_by_name == "事務局 太郎"


async def test_an_empty_card_answer_is_refused_and_nothing_sent(database_url, database,
                                                                 teams_inputs):
    seed_company(database)
    async with teams_stack(database_url, admins=frozenset({f"teams:{ADMIN}"})) as stack:
        fake = stack.fake
        fake.add_member(MEMBER, email="hanako@example.co.jp")
        await stack.say(MEMBER, "駐車場はありますか")
        await stack.click(MEMBER, fake.last_card(f"a:personal-{MEMBER}"), "事務局に転送する")
        await stack.say(ADMIN, "質問一覧")
        data = {"aiga": "faq:send:1", "aiga_form": "faq:reply:1", "answer": "   "}
        await stack.post(stack.activity(ADMIN, value=data))
        assert "回答の本文が空です" in fake.sent(f"a:personal-{ADMIN}")[-1].text
        # a member submitting the same card data is refused
        await stack.post(stack.activity(MEMBER, value={**data, "answer": "偽の回答"}))
        assert "事務局（管理者）のみ" in fake.sent(f"a:personal-{MEMBER}")[-1].text
    with database.transaction() as s:
        assert s.scalar(select(ForwardedQuestion)).status == "open"
