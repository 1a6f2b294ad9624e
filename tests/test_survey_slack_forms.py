"""Survey forms through the real Slack app (signed requests, the fake Web API): a free-text
answer in a modal (views.open with the click's trigger_id; an empty answer is refused under the
field, nothing saved; a modal for a question already passed changes nothing), and an admin
creating a survey from 「アンケート作成」's modal, a bad line named under the field."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from handlers.dates import now_tokyo
from store import surveys as store
from store.models import Organisation
from tests.support import factories
from tests.support.fake_slack import slack_stack
from tests.survey_support import seed

pytestmark = pytest.mark.asyncio
USER, ADMIN = "U0MEMBER", "U0ADMIN"


def submission(user: str, view: dict, values: dict[str, str], view_id: str) -> dict:
    state = {name: {name: {"type": "plain_text_input", "value": value}}
             for name, value in values.items()}
    return {"type": "view_submission", "user": {"id": user, "team_id": "T0AIGA"},
            "team": {"id": "T0AIGA"}, "api_app_id": "A0NAVI",
            "view": {**view, "id": view_id, "state": {"values": state}}}


def opened_views(stack) -> list[dict]:
    views = [c.args["view"] for c in stack.fake.called("views.open")]
    return [json.loads(v) if isinstance(v, str) else v for v in views]


async def press(stack, user: str, label: str) -> None:
    message = stack.fake.last_with_buttons(f"D{user}")
    assert (await stack.click(user, message, label=label)).status == 200
    await stack.settle()


def saved(database, sid: int) -> dict[int, object]:
    with database.transaction() as s:
        survey = s.get(store.Survey, sid)
        pos = {q.id: q.position for q in survey.questions}
        return {pos[a.question_id]: a.value for r in store.named_rows(s, survey)
                for a in r.answers}


async def test_free_text_in_a_modal(database_url, database):
    sid = seed(database)
    with database.transaction() as s:
        org = s.scalar(select(Organisation).where(Organisation.name == "A社"))
        factories.user(s, f"slack:{USER}", org)
    async with slack_stack(database_url) as stack:
        stack.fake.add_user(USER, None)
        await stack.dm(USER, f"アンケート回答 {sid}")
        await stack.settle()
        for label in ("回答を始める", "賛成", "☐ 総論", "決定", "3", "スキップ"):
            await press(stack, USER, label)
        question = stack.fake.last_with_buttons(f"D{USER}")
        assert "問5/5" in question["text"]
        await press(stack, USER, "入力フォーム")
        [view] = opened_views(stack)
        assert view["callback_id"] == "navi-form" and view["blocks"][0]["block_id"] == "answer"
        empty = await stack.interaction(submission(USER, view, {"answer": "   "}, "V1"))
        assert empty.status == 200 and "回答が空です" in empty.json()["errors"]["answer"]
        long = await stack.interaction(submission(USER, view, {"answer": "x" * 2001}, "V2"))
        assert "長すぎます" in long.json()["errors"]["answer"]
        assert saved(database, sid) == {}
        ok = await stack.interaction(submission(USER, view, {"answer": "モーダルの意見"}, "V3"))
        assert ok.status == 200 and "errors" not in ok.body
        await stack.settle()
        assert any("回答の確認" in m["text"] for m in stack.fake.posts(f"D{USER}")[-3:])
        again = await stack.interaction(submission(USER, view, {"answer": "二度目"}, "V4"))
        assert "errors" not in again.body  # the question was passed: a stale re-prompt only
        await stack.settle()
        await press(stack, USER, "送信する")
        assert stack.fake.problems == []
    assert saved(database, sid) == {1: 1, 2: [1], 3: 3, 5: "モーダルの意見"}


async def test_an_admin_creates_a_survey_from_the_modal(database_url, database):
    with database.transaction() as s:
        factories.org(s, "A社")
    deadline = (now_tokyo() + timedelta(days=7)).strftime("%Y-%m-%d")
    async with slack_stack(database_url, admins=f"slack:{ADMIN}") as stack:
        stack.fake.add_user(ADMIN, None)
        stack.fake.add_user(USER, None)
        await stack.dm(USER, "アンケート作成")  # a member: refused, no form
        await stack.settle()
        assert "事務局" in stack.fake.posts(f"D{USER}")[-1]["text"]
        await stack.dm(ADMIN, "アンケート作成")
        await stack.settle()
        await press(stack, ADMIN, "作成フォームを開く")  # a typed DM has no trigger: a button
        [view] = opened_views(stack)
        values = {"title": "調達の意見照会", "intro": "", "deadline": deadline,
                  "audience": "all", "questions": "単一: 賛成 | はい | いいえ\n長文 ご意見"}
        bad = await stack.interaction(submission(ADMIN, view, values, "VC1"))
        assert "2行目" in bad.json()["errors"]["questions"]
        with database.transaction() as s:
            assert s.scalars(select(store.Survey)).all() == []
        values["questions"] = "単一: 賛成 | はい | いいえ\n長文: ご意見"
        good = await stack.interaction(submission(ADMIN, view, values, "VC2"))
        assert good.status == 200 and "errors" not in good.body
        await stack.settle()
        assert "下書き" in stack.fake.posts(f"D{ADMIN}")[-1]["text"]
        assert stack.fake.problems == []
    with database.transaction() as s:
        [row] = s.scalars(select(store.Survey)).all()
        assert (row.title, row.status, len(row.questions)) == ("調達の意見照会", "draft", 2)
