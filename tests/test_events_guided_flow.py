"""The guided "new event" dialogue as a table: saved drafts from before the table still load,
tampered or stale drafts and buttons are answered politely, and every step can be left."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from handlers.events.guided import FORM, GUIDED, EventDraft
from handlers.flow import START, load_state
from handlers.router import Router
from store.events import Event
from store.models import ConversationState, User
from tests.support import factories
from tests.support.chat import Chat

NOW = factories.NOW  # Friday 2026-11-27 10:00 Tokyo


@pytest.fixture
def router(database):
    with database.transaction() as s:
        company = factories.org(s, "株式会社A")
        factories.user(s, "console:member", company)
    return Router(database, admins=frozenset({"console:admin"}), clock=lambda: NOW)


def _state(s, user_id: str) -> ConversationState:
    user = s.scalar(select(User).where(User.platform == "console",
                                       User.platform_user_id == user_id))
    return s.scalar(select(ConversationState).where(ConversationState.user_id == user.id))


def saved(database, user_id: str = "admin") -> dict:
    with database.transaction() as s:
        return dict(_state(s, user_id).data or {})


def seed(database, draft: object, user_id: str = "admin") -> None:
    """Put a draft in the user's conversation as an earlier release (or an attacker) left it."""
    with database.transaction() as s:
        state = _state(s, user_id)
        state.data = {**(state.data or {}), FORM: draft, "pending": []}


def events(database) -> list[Event]:
    with database.transaction() as s:
        rows = list(s.scalars(select(Event)))
        s.expunge_all()
        return rows


def test_a_draft_saved_before_the_table_continues(database, router):
    admin = Chat(router, "admin", locale="ja")
    admin.say("event list")  # the user and the conversation exist
    seed(database, {"step": "end", "kind": "meetup", "title": "年末 Meetup",
                    "start": "2026-12-18T18:00:00+09:00"})  # the old dict, step strings
    assert "場所" in admin.say("20:00")
    out = admin.say("AIGA 会議室")
    assert "この内容で登録しますか" in out and "18:00 – 20:00" in out
    assert "を登録しました" in admin.click(admin.choice_value("登録する"))
    (event,) = events(database)
    assert (event.kind, event.title_ja, event.place) == ("meetup", "年末 Meetup", "AIGA 会議室")
    assert FORM not in saved(database)  # the finished dialogue leaves no draft behind


def test_the_draft_is_kept_in_the_old_shape(database, router):
    admin = Chat(router, "admin", locale="ja")
    admin.say("イベント作成")
    admin.click("event:form:kind:meetup")
    admin.say("年末 Meetup")
    admin.say("2026-12-18 18:00")
    draft = saved(database)[FORM]
    assert draft == {"step": "end", "kind": "meetup", "title": "年末 Meetup",
                     "start": "2026-12-18T18:00:00+09:00"}


@pytest.mark.parametrize("draft", [
    {"step": "confirm", "kind": "meetup", "title": "x"},  # no times: cannot be saved
    {"step": "title", "kind": "party"},  # not a kind
    {"step": "somewhere"},  # a step that does not exist
    {"step": "end", "kind": "meetup", "title": "x", "start": "2026-12-18 18:00"},  # naive time
    {"step": "confirm", "kind": "standup", "title": "x", "start": "2026-12-18T18:00:00+09:00",
     "end": "2026-12-18T19:00:00+09:00"},  # a Stand-Up without its organiser
    {"step": "title", "kind": "meetup", "title": "x" * 5000},
    "not a dict",
    ["step", "kind"],
])
def test_a_draft_that_no_longer_validates_restarts_politely(database, router, draft):
    admin = Chat(router, "admin", locale="ja")
    admin.say("event list")
    seed(database, draft)
    out = admin.say("2026-12-18 19:00")
    assert "もう一度「イベント作成」から" in out
    assert FORM not in saved(database)
    admin.say("イベント作成")  # and the dialogue starts afresh
    assert admin.question is not None and admin.question.key == "event:form:kind"
    assert events(database) == []


def test_a_tampered_draft_cannot_save_through_the_button(database, router):
    admin = Chat(router, "admin", locale="ja")
    admin.say("event list")
    seed(database, {"step": "confirm", "kind": "meetup", "title": "x"})
    assert "もう一度「イベント作成」から" in admin.click("event:form:save")
    assert events(database) == []


def test_buttons_out_of_step_are_stale_and_change_nothing(database, router):
    admin = Chat(router, "admin", locale="ja")
    assert "古いか、無効" in admin.click("event:form:save")  # no dialogue running
    assert "古いか、無効" in admin.click("event:form:cancel")
    assert "古いか、無効" in admin.click("event:form:kind:meetup")
    admin.say("イベント作成")
    assert "古いか、無効" in admin.click("event:form:kind:party")  # not a kind
    assert "古いか、無効" in admin.click("event:form:save")  # not at the confirmation
    assert "古いか、無効" in admin.click("event:form:kind:meetup:extra")
    admin.click("event:form:kind:meetup")
    assert "古いか、無効" in admin.click("event:form:kind:spotlight")  # the kind is chosen
    assert load_state(saved(database), FORM, EventDraft).step == "title"
    assert events(database) == []


def test_members_cannot_press_the_dialogue_buttons(database, router):
    member = Chat(router, "member", org="株式会社A", locale="ja")
    for value in ("event:form:kind:meetup", "event:form:save", "event:form:cancel"):
        assert "事務局（管理者）のみ" in member.click(value)
    assert events(database) == []


def test_typed_text_where_a_button_is_needed_keeps_the_step(database, router):
    admin = Chat(router, "admin", locale="en")
    admin.say("event new")
    assert "use the buttons" in admin.say("a party please")
    assert load_state(saved(database), FORM, EventDraft).step == "kind"


def test_refused_answers_keep_the_step_and_the_draft(database, router):
    admin = Chat(router, "admin", locale="en")
    admin.say("event new")
    admin.click("event:form:kind:meetup")
    assert "within 200 characters" in admin.say("x" * 201)
    assert "Type the start" in admin.say("tomorrow-ish")  # any short title is a title
    assert "Cannot read" in admin.say("tomorrow-ish")
    assert "in the past" in admin.say("2026-11-27 10:00")  # now is not later
    admin.say("2026-12-18 18:00")
    assert "not after the start" in admin.say("17:00")
    assert "Cannot read the end" in admin.say("25:99")
    draft = load_state(saved(database), FORM, EventDraft)
    assert (draft.step, draft.title) == ("end", "tomorrow-ish")
    assert admin.say("90").startswith("Type the place")


def test_every_step_can_be_cancelled_and_opening_again_restarts(database, router):
    admin = Chat(router, "admin", locale="ja")
    admin.say("イベント作成")
    admin.click("event:form:kind:standup")
    admin.say("生成AIの社内ルール")
    admin.say("イベント作成")  # asked again mid-way: back to the kind
    assert admin.question is not None and admin.question.key == "event:form:kind"
    assert load_state(saved(database), FORM, EventDraft) == EventDraft(step="kind")
    admin.click("event:form:kind:standup")
    assert "やめました" in admin.say("取り消し")
    assert FORM not in saved(database)
    assert "やめました" not in admin.say("取り消し")  # nothing left to stop


def test_a_long_organiser_is_refused(database, router):
    admin = Chat(router, "admin", locale="ja")
    admin.say("イベント作成")
    admin.click("event:form:kind:standup")
    admin.say("生成AIの社内ルール")
    admin.say("2027-01-20 16:00")
    admin.say("17:00")
    admin.say("-")
    assert "200字以内" in admin.say("株" * 201)
    assert load_state(saved(database), FORM, EventDraft).step == "organiser"


def test_the_table_leaves_no_step_without_a_way_out():
    states = GUIDED.states()
    assert set(states) == {"kind", "title", "start", "end", "place", "organiser", "confirm"}
    for state in states:
        assert GUIDED.route(state, "cancel").target == START
    reached, frontier = set(), [START]
    while frontier:  # every step is reachable from the start
        here = frontier.pop()
        for t in GUIDED.transitions:
            if t.source == here and t.target not in reached:
                reached.add(t.target)
                frontier.append(t.target)
    assert set(states) <= reached
    assert GUIDED.route("place", "answer_standup").target == "organiser"
    assert GUIDED.route("title", "save") is None
