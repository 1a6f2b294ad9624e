"""Issue 18 on the chat surfaces' terms: Slack and Teams people are named by mention, the
assignee and the approver are told through the worker's delivery rows (once each), and the
Teams adapter turns a mention into the neutral token the Navi reads."""

from __future__ import annotations

from datetime import timedelta

import pytest
from botbuilder.schema import Activity
from sqlalchemy import select

from bot.notify import Target
from bot.teams.ingress import clean_text
from bot.worker.base import Job
from bot.worker.navi_notices import NaviNotices
from handlers.router import Router
from handlers.types import Fields, Question
from store import assignments as team
from store.models import Assessment, Organisation, Round, User
from store.reminders import Delivery
from store.teams import USER, TeamsReference
from tests.support.chat import Chat
from tests.support.factories import NOW, mini_rubrics


@pytest.fixture
def router(database):
    with database.transaction() as s:
        s.add_all([Organisation(name="株式会社A", created_at=NOW),
                   Organisation(name="株式会社B", created_at=NOW),
                   Round(name="2026年度下期", rubric_version="0.9", opens_at=NOW - timedelta(days=1),
                         deadline_at=NOW + timedelta(days=20), status="open", created_at=NOW)])
    return Router(database, rubrics=mini_rubrics(), clock=lambda: NOW)


def started(router: Router) -> dict[str, Chat]:
    chats = {"owner": Chat(router, "UOWNER", platform="slack", org="株式会社A"),
             "legal": Chat(router, "ULEGAL", platform="slack", org="株式会社A"),
             "it": Chat(router, "aad-it", platform="teams", org="株式会社A"),
             "caio": Chat(router, "aad-caio", platform="teams", org="株式会社A"),
             "rival": Chat(router, "URIVAL", platform="slack", org="株式会社B")}
    for chat in chats.values():
        chat.say("help")
    owner = chats["owner"]
    owner.say("ナビを始める")
    owner.say("はい")
    owner.click(owner.choice_value("両方"))
    return chats


def deliveries(database) -> list[Delivery]:
    with database.transaction() as s:
        rows = list(s.scalars(select(Delivery).order_by(Delivery.id)))
        s.expunge_all()
        return rows


def test_a_slack_mention_assigns_and_queues_one_dm_per_request(router, database):
    c = started(router)
    out = c["owner"].say("項目 16-17 を <@ULEGAL|legal> に")
    assert "1対1のチャット" in out
    c["owner"].say("項目 16-17 を <@ULEGAL> に")  # a second request: a second, distinct notice
    rows = deliveries(database)
    assert [(r.platform, r.address) for r in rows] == [("slack", "ULEGAL")] * 2
    assert len({(r.subject, r.slot, r.recipient) for r in rows}) == 2
    assert all(r.subject and r.subject.startswith("navi:") for r in rows)
    # the message the worker composes: the items and a button for just those
    with database.transaction() as s:
        row = s.get(Delivery, rows[0].id)
        job = Job(row.id, row.key, "navi_assign", None, row.org_id,
                  Target("slack", row.address, direct=True), None, 1, NOW,
                  subject=row.subject or "", slot=row.slot)
        notices = NaviNotices(mini_rubrics())
        assert notices.skip(s, row, notices.kind(s, row), NOW) is None
        replies = notices.compose(s, job, ["ja"], NOW)
    fields = next(r for r in replies if isinstance(r, Fields))
    assert [k.split(".")[0] for k, _ in fields.fields] == ["16", "17"]
    button = next(r for r in replies if isinstance(r, Question)).choices[0].value
    assert button.startswith("navi:mine:")
    # the assignee presses it in Slack: only their items
    c["legal"].click(button)
    assert c["legal"].question is not None and c["legal"].question.key.endswith(":data-ip")


def test_a_teams_mention_is_read_by_aad_id_or_by_chat_id(router, database):
    c = started(router)
    with database.transaction() as s:
        it = s.scalar(select(User).where(User.platform_user_id == "aad-it"))
        s.add(TeamsReference(kind=USER, ref_key="aad-it", service_url="https://x/",
                             reference={"user": {"id": "29:it-chat", "aadObjectId": "aad-it"}},
                             usable=True, updated_at=NOW))
        assert it is not None
    activity = Activity().deserialize({
        "type": "message", "text": "<at>AIGA</at> 項目 4 を <at>IT部</at> に",
        "recipient": {"id": "28:bot"},
        "entities": [{"type": "mention", "mentioned": {"id": "28:bot"}, "text": "<at>AIGA</at>"},
                     {"type": "mention", "mentioned": {"id": "29:it-chat", "name": "IT部"},
                      "text": "<at>IT部</at>"}]})
    typed = clean_text(activity)
    assert typed.split() == ["項目", "4", "を", "@teams:29:it-chat", "に"]
    assert "IT部" not in typed
    assert "項目 4 を" in c["caio"].say(typed)  # caio wrote English first; a command's
    assert "Items 4 are now with" in c["caio"].say(typed.replace("項目 4 を", "assign item 4 to")
                                                    .replace(" に", ""))  # language wins
    with database.transaction() as s:
        row = s.scalar(select(team.Assignment))
        assert row is not None and row.assignee_id == it.id


def test_the_approver_on_teams_is_told_once_and_a_rival_cannot_act(router, database):
    c = started(router)
    c["owner"].say("承認者 @teams:aad-caio")
    assert "その方には割り当てられません" in c["owner"].say("項目 1 を <@URIVAL> に")
    c["owner"].say("続き")
    for _ in range(10):
        q = c["owner"].question
        if q is None or not q.key.startswith("navi:item:"):
            break
        c["owner"].say("3")
    c["owner"].say("提出")  # waiting: no second request
    signoffs = [r for r in deliveries(database) if r.slot.startswith("sign:")]
    assert [(r.platform, r.address) for r in signoffs] == [("teams", "aad-caio")]
    with database.transaction() as s:
        aid = s.scalar(select(Assessment.id))
    assert "no sign-off waiting" in c["rival"].click(f"team:approve:{aid}:1")  # reveals nothing
    assert "Only the approver" in c["legal"].click(f"team:approve:{aid}:1")
    assert "is submitted" in c["caio"].click(f"team:approve:{aid}:1")
    with database.transaction() as s:
        assert s.scalar(select(Assessment.status)) == "submitted"
        row = s.get(Delivery, signoffs[0].id)
        notices = NaviNotices(mini_rubrics())
        assert notices.skip(s, row, notices.kind(s, row), NOW) is not None  # submitted: not sent
