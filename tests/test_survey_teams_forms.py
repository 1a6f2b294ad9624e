"""Survey forms through /api/messages (Bot Framework activities, the fake connector): an admin
creates a survey from the 「アンケート作成」 card — a bad line is named and nothing is stored —
and a member answers a free-text question in the card form."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from handlers.dates import now_tokyo
from store import surveys as store
from store.models import Organisation
from tests.support import factories
from tests.support import fake_connector as fc
from tests.survey_support import seed

pytestmark = pytest.mark.asyncio
ADMIN, MEMBER = "aad-admin", "aad-member"


@pytest.fixture
def teams_inputs(monkeypatch):
    """The fake connector's card check knows our display elements; forms add inputs."""
    monkeypatch.setattr(fc, "CARD_TYPES", fc.CARD_TYPES | {
        "Input.Text", "Input.Date", "Input.Time", "Input.ChoiceSet"})


def form_data(card: dict) -> dict:
    """The data of the card's submit action (the neutral value and the form's key), as sent."""
    found = [a["data"] for e in card["body"] for a in e.get("actions") or []
             if "aiga_form" in a.get("data", {})]
    found += [a["data"] for a in card.get("actions") or [] if "aiga_form" in a.get("data", {})]
    assert len(found) == 1, card
    return found[0]


async def submit(stack, aad: str, card: fc.Posted, values: dict[str, str]):
    """Press the form's submit button with these inputs, as Teams posts it."""
    return await stack.post(stack.activity(aad, value={**form_data(card.card), **values},
                                           reply_to=card.id))


async def test_an_admin_creates_a_survey_from_the_card(database_url, database, teams_inputs):
    with database.transaction() as s:
        factories.org(s, "A社")
    deadline = (now_tokyo() + timedelta(days=7)).strftime("%Y-%m-%d")
    async with fc.teams_stack(database_url, admins=frozenset({f"teams:{ADMIN}"})) as stack:
        await stack.say(MEMBER, "アンケート作成")
        assert "事務局" in stack.fake.sent()[-1].text
        await stack.say(ADMIN, "アンケート作成")
        card = stack.fake.last_card(f"a:personal-{ADMIN}")
        inputs = {e["id"] for e in card.card["body"] if e.get("type", "").startswith("Input.")}
        assert {"title", "deadline", "questions", "mode", "anonymity"} <= inputs
        values = {"title": "意見照会", "intro": "", "deadline": deadline, "mode": "person",
                  "anonymity": "named", "audience": "all",
                  "questions": "5段階: 影響\n複数: 章 | 総論"}
        await submit(stack, ADMIN, card, values)
        assert "2行目" in stack.fake.sent()[-1].text
        with database.transaction() as s:
            assert s.scalars(select(store.Survey)).all() == []
        values["questions"] = "5段階: 影響\n複数: 章 | 総論 | 各論"
        await submit(stack, ADMIN, card, values)
        assert "下書き" in stack.fake.sent()[-1].text
        assert stack.fake.problems == []
    with database.transaction() as s:
        [row] = s.scalars(select(store.Survey)).all()
        assert (row.mode, [q.kind for q in row.questions]) == ("person", ["scale", "multi"])


async def test_a_free_text_answer_from_the_card_form(database_url, database, teams_inputs):
    sid = seed(database)
    with database.transaction() as s:
        org = s.scalar(select(Organisation).where(Organisation.name == "A社"))
        factories.user(s, f"teams:{MEMBER}", org)
    conv = f"a:personal-{MEMBER}"
    async with fc.teams_stack(database_url) as stack:
        await stack.say(MEMBER, f"アンケート回答 {sid}")
        for label in ("回答を始める", "賛成", "決定", "2", "スキップ", "入力フォーム"):
            await stack.click(MEMBER, stack.fake.last_card(conv), label)
        form = stack.fake.last_card(conv)
        assert any(e.get("type") == "Input.Text" for e in form.card["body"])
        await submit(stack, MEMBER, form, {"answer": ""})
        assert "回答が空です" in stack.fake.sent()[-1].text
        await submit(stack, MEMBER, form, {"answer": "カードからの意見"})
        await stack.click(MEMBER, stack.fake.last_card(conv), "送信する")
        assert "回答を送信しました" in stack.fake.sent(conv)[-1].text
        assert stack.fake.problems == []
    with database.transaction() as s:
        survey = s.get(store.Survey, sid)
        [row] = store.named_rows(s, survey)
        assert {a.value for a in row.answers} >= {"カードからの意見", 2}
