"""Events created and edited with a native form: a Slack modal through the real server (signed
requests, view_submission) and an Adaptive Card with inputs through /api/messages."""

from __future__ import annotations

import json

import pytest
from slack_sdk.models.views import View
from sqlalchemy import select

from handlers.dates import TOKYO
from handlers.router import Router
from handlers.types import Form, FormError, Incoming, plain_text
from store.events import Event
from tests.support import factories
from tests.support import fake_connector as fc
from tests.support.chat import Chat
from tests.support.fake_slack import slack_stack, view_problems

pytestmark = pytest.mark.asyncio
ADMIN, MEMBER = "U0ADMIN", "U0MEMBER"


def seed_slack(database) -> None:
    with database.transaction() as s:
        company = factories.org(s, "株式会社A")
        factories.user(s, f"slack:{ADMIN}", company, admin=True)
        factories.user(s, f"slack:{MEMBER}", company)


def all_events(database) -> list[Event]:
    with database.transaction() as s:
        rows = list(s.scalars(select(Event).order_by(Event.id)))
        s.expunge_all()
        return rows


def submission(user: str, view: dict, values: dict[str, dict]) -> dict:
    """A view_submission payload for the opened modal `view`, with these input states."""
    state = {name: {name: value} for name, value in values.items()}
    return {"type": "view_submission", "user": {"id": user, "team_id": "T0AIGA"},
            "team": {"id": "T0AIGA"}, "api_app_id": "A0NAVI",
            "view": {**view, "state": {"values": state}}}


def new_event_values(day: str = "2027-01-20", start: str = "16:00", end: str = "17:00",
                     kind: str = "spotlight") -> dict[str, dict]:
    return {
        "kind": {"type": "static_select", "selected_option": {
            "text": {"type": "plain_text", "text": "x"}, "value": kind}},
        "title": {"type": "plain_text_input", "value": "AIGA Spotlight 生成AIと監査"},
        "title_en": {"type": "plain_text_input", "value": None},
        "date": {"type": "datepicker", "selected_date": day},
        "start": {"type": "timepicker", "selected_time": start},
        "end": {"type": "timepicker", "selected_time": end},
        "place": {"type": "plain_text_input", "value": "https://zoom.example/j/1"},
        "agenda": {"type": "plain_text_input", "value": "講演\n質疑"},
        "organiser": {"type": "plain_text_input", "value": None},
    }


def dm_texts(stack, user: str) -> str:
    return "\n".join(m["text"] for m in stack.fake.posts(f"D{user}"))


# ----- Slack ----------------------------------------------------------------------------------


async def test_slack_typed_new_event_posts_a_button_that_opens_the_modal(database_url,
                                                                         database):
    seed_slack(database)
    async with slack_stack(database_url, admins=f"slack:{ADMIN}") as stack:
        stack.fake.add_user(ADMIN, "admin@example.co.jp")
        await stack.dm(ADMIN, "イベント作成")
        await stack.settle()
        message = stack.fake.last_with_buttons(f"D{ADMIN}")
        assert "イベント作成" in message["text"]
        assert (await stack.click(ADMIN, message, label="フォームを開く")).status == 200
        await stack.settle()
        [opened] = stack.fake.called("views.open")
        modal = opened.args["view"]
        assert view_problems(modal) == [] and View(**modal).to_dict()
        assert modal["callback_id"] == "navi-form"
        assert [b["block_id"] for b in modal["blocks"]] == [
            "kind", "title", "title_en", "date", "start", "end", "place", "agenda", "organiser"]
        view = {**modal, "id": "VFORM1", "hash": "h1"}
        reply = await stack.interaction(submission(ADMIN, view, new_event_values()))
        assert reply.status == 200 and reply.body in ("", "{}")
        await stack.interaction(submission(ADMIN, view, new_event_values()))  # a retry
        await stack.settle()
        [event] = all_events(database)
        assert (event.kind, event.title_ja, event.url, event.agenda) == (
            "spotlight", "AIGA Spotlight 生成AIと監査", "https://zoom.example/j/1",
            ["講演", "質疑"])
        assert event.starts_at.astimezone(TOKYO).strftime("%Y-%m-%d %H:%M") == "2027-01-20 16:00"
        assert dm_texts(stack, ADMIN).count(f"#{event.id}「AIGA Spotlight") == 1
        assert stack.fake.problems == []


async def test_slack_bad_date_is_shown_in_the_modal_and_nothing_is_saved(database_url,
                                                                         database):
    seed_slack(database)
    async with slack_stack(database_url, admins=f"slack:{ADMIN}") as stack:
        stack.fake.add_user(ADMIN, "admin@example.co.jp")
        await stack.command(ADMIN, "イベント作成")  # a slash command opens the modal at once
        await stack.settle()
        [opened] = stack.fake.called("views.open")
        view = {**opened.args["view"], "id": "VFORM2", "hash": "h1"}
        past = await stack.interaction(submission(ADMIN, view, new_event_values("2026-01-05")))
        assert past.status == 200
        body = past.json()
        assert body["response_action"] == "errors" and "過去" in body["errors"]["date"]
        backwards = await stack.interaction(submission(
            ADMIN, view, new_event_values(start="17:00", end="16:00")))
        assert "終了" in backwards.json()["errors"]["end"]
        standup = await stack.interaction(submission(ADMIN, view,
                                                     new_event_values(kind="standup")))
        assert "organiser" in standup.json()["errors"]
        await stack.settle()
        assert all_events(database) == []
        # corrected, the same modal goes through
        fixed = await stack.interaction(submission(ADMIN, view, new_event_values()))
        assert fixed.status == 200 and "errors" not in fixed.body
        await stack.settle()
        assert len(all_events(database)) == 1
        assert stack.fake.problems == []


async def test_slack_non_admin_gets_no_form_and_a_forged_submission_saves_nothing(
        database_url, database):
    seed_slack(database)
    async with slack_stack(database_url, admins=f"slack:{ADMIN}") as stack:
        stack.fake.add_user(MEMBER, "member@example.co.jp")
        await stack.command(MEMBER, "イベント作成")
        await stack.settle()
        assert stack.fake.called("views.open") == []
        assert "事務局（管理者）のみ" in dm_texts(stack, MEMBER)
        forged = {"type": "modal", "id": "VFORGED", "callback_id": "navi-form",
                  "private_metadata": json.dumps({"submit": "event:form:submit:new"}),
                  "blocks": []}
        reply = await stack.interaction(submission(MEMBER, forged, new_event_values()))
        assert reply.status == 200
        await stack.settle()
        assert all_events(database) == []
        assert dm_texts(stack, MEMBER).count("事務局（管理者）のみ") == 2


async def test_slack_edit_form_is_prefilled_and_saves_the_change(database_url, database):
    seed_slack(database)
    async with slack_stack(database_url, admins=f"slack:{ADMIN}") as stack:
        stack.fake.add_user(ADMIN, "admin@example.co.jp")
        await stack.dm(ADMIN, 'event add kind=meetup title="忘年Meetup" start="2026-12-18 18:00" '
                              'end=20:00 place="東京"')
        await stack.settle()
        [event] = all_events(database)
        await stack.command(ADMIN, f"event edit {event.id}")
        await stack.settle()
        [opened] = stack.fake.called("views.open")
        modal = opened.args["view"]
        assert view_problems(modal) == []
        by_id = {b["block_id"]: b["element"] for b in modal["blocks"]}
        assert by_id["title"]["initial_value"] == "忘年Meetup"
        assert by_id["date"]["initial_date"] == "2026-12-18"
        assert by_id["start"]["initial_time"] == "18:00"
        assert by_id["place"]["initial_value"] == "東京"
        values = new_event_values("2026-12-19", "18:30", "20:30")
        values.pop("kind"), values.pop("organiser")
        values["title"]["value"] = "忘年Meetup 2026"
        values["place"]["value"] = "大阪"
        values["agenda"]["value"] = None
        reply = await stack.interaction(submission(ADMIN, {**modal, "id": "VEDIT"}, values))
        assert "errors" not in reply.body
        await stack.settle()
        [changed] = all_events(database)
        assert (changed.title_ja, changed.place) == ("忘年Meetup 2026", "大阪")
        assert changed.starts_at.astimezone(TOKYO).strftime("%d %H:%M") == "19 18:30"
        assert changed.ends_at.astimezone(TOKYO).strftime("%H:%M") == "20:30"
        assert f"#{event.id} を変更しました" in dm_texts(stack, ADMIN)


# ----- Teams ----------------------------------------------------------------------------------


def card_inputs(card: dict) -> dict[str, dict]:
    return {e["id"]: e for e in card["body"] if e.get("type", "").startswith("Input.")}


def teams_values(day: str = "2027-01-20", kind: str = "commons") -> dict[str, str]:
    return {"kind": kind, "title": "AIGコモンズ 第5回", "title_en": "", "date": day,
            "start": "15:00", "end": "16:30", "place": "AIGA会議室", "agenda": "",
            "organiser": ""}


@pytest.fixture
def teams_inputs(monkeypatch):
    """The fake connector's card check knows our display elements; forms add inputs."""
    monkeypatch.setattr(fc, "CARD_TYPES", fc.CARD_TYPES | {
        "Input.Text", "Input.Date", "Input.Time", "Input.ChoiceSet"})


async def teams_form(stack, aad: str) -> fc.Posted:
    await stack.say(aad, "イベント作成")
    return stack.fake.last_card(f"a:personal-{aad}")


async def submit_card(stack, aad: str, card: fc.Posted, values: dict[str, str]):
    [(_, value)] = card.buttons
    data = {"aiga": value, "aiga_form": "event:form:new", **values}
    return await stack.post(stack.activity(aad, value=data, reply_to=card.id))


async def test_teams_card_form_creates_the_event(database_url, database, teams_inputs):
    with database.transaction() as s:
        factories.user(s, "teams:aad-admin", None, admin=True)
    async with fc.teams_stack(database_url, admins=frozenset({"teams:aad-admin"})) as stack:
        form = await teams_form(stack, "aad-admin")
        inputs = card_inputs(form.card)
        assert list(inputs) == ["kind", "title", "title_en", "date", "start", "end", "place",
                                "agenda", "organiser"]
        assert inputs["kind"]["type"] == "Input.ChoiceSet"
        assert inputs["date"]["type"] == "Input.Date" and inputs["start"]["type"] == "Input.Time"
        assert len(json.dumps(form.card, ensure_ascii=True)) < fc.MESSAGE_LIMIT
        assert (await submit_card(stack, "aad-admin", form, teams_values())).status == 200
        [event] = all_events(database)
        assert (event.kind, event.title_ja, event.place) == ("commons", "AIGコモンズ 第5回",
                                                             "AIGA会議室")
        assert event.ends_at.astimezone(TOKYO).strftime("%H:%M") == "16:30"
        assert f"#{event.id}「AIGコモンズ 第5回」を登録しました" in stack.fake.sent()[-1].text
        assert stack.fake.problems == []


async def test_teams_bad_input_is_refused_and_nothing_saved(database_url, database,
                                                            teams_inputs):
    with database.transaction() as s:
        factories.user(s, "teams:aad-admin", None, admin=True)
    async with fc.teams_stack(database_url, admins=frozenset({"teams:aad-admin"})) as stack:
        form = await teams_form(stack, "aad-admin")
        await submit_card(stack, "aad-admin", form, teams_values(day="2025-12-01"))
        assert "過去" in stack.fake.sent()[-1].text
        await submit_card(stack, "aad-admin", form, teams_values(kind="party"))
        assert "種類「party」は使えません" in stack.fake.sent()[-1].text
        assert all_events(database) == []
        assert stack.fake.problems == []


async def test_teams_non_admin_is_refused(database_url, database, teams_inputs):
    async with fc.teams_stack(database_url, admins=frozenset({"teams:aad-admin"})) as stack:
        await stack.say("aad-member", "イベント作成")
        assert "事務局（管理者）のみ" in stack.fake.sent()[-1].text
        await stack.post(stack.activity("aad-member", value={
            "aiga": "event:form:submit:new", "aiga_form": "event:form:new", **teams_values()}))
        assert "事務局（管理者）のみ" in stack.fake.sent()[-1].text
        assert all_events(database) == []


# ----- the console keeps the dialogue; the handler's form on its own ----------------------------


async def test_console_gets_the_dialogue_and_forms_validate_like_it(database):
    with database.transaction() as s:
        factories.user(s, "console:admin", None, admin=True)
    router = Router(database, admins=frozenset({"console:admin", "slack:UADM"}),
                    clock=lambda: factories.NOW)
    assert "種類を選んでください" in Chat(router, "admin").say("イベント作成")
    [form] = router.handle(Incoming(platform="teams", user_id="x-admin", text="new event"))
    assert "Only the secretariat" in plain_text([form])
    with database.transaction() as s:
        factories.user(s, "slack:UADM", None, admin=True)
    [form] = router.handle(Incoming(platform="slack", user_id="UADM", text="イベント作成"))
    assert isinstance(form, Form) and form.submit_value == "event:form:submit:new"
    assert "タイトル（日本語） *" in form.fallback()
    from handlers.types import Action
    [refused] = router.handle(Incoming(platform="slack", user_id="UADM",
                                       action=Action(form.submit_value),
                                       form={"kind": "allhands", "title": "x",
                                             "date": "2026-12-17", "start": "12:00",
                                             "end": "11:00"}))
    assert isinstance(refused, FormError) and refused.field == "end"
    assert all_events(database) == []
