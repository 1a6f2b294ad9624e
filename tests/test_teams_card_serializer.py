"""bot/teams/card_serializer.py: the wire body of an activity is exactly msrest's own, for every
card we render and for contents we never render (non-JSON values, NaN, deep nesting, several
attachments, none); only the work differs. And the connector clients we hand out use it."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest
from botbuilder.schema import Activity, ActivityTypes, Attachment, HeroCard
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import MicrosoftAppCredentials
from msrest.serialization import Serializer

from bot.teams import cards
from bot.teams.card_serializer import CardSerializer, serialize_cards_as_json
from handlers.types import Choice, Fields, Form, FormField, Question, Text

MODELS = ConnectorClient(MicrosoftAppCredentials("", ""), base_url="https://x.test")._serialize


def both(activity: Activity) -> tuple[object, object]:
    stock = Serializer(MODELS.dependencies)
    fast = CardSerializer(MODELS.dependencies)
    return stock.body(activity, "Activity"), fast.body(activity, "Activity")


def card_activity(*contents: object, **fields: object) -> Activity:
    return Activity(type=ActivityTypes.message, attachments=[
        Attachment(content_type=cards.CARD_CONTENT_TYPE, content=c) for c in contents], **fields)


def rendered() -> list[dict]:
    """Cards as the bot renders them: a question with its choices, fields, a form, and the
    answered card an update replaces a question with."""
    question = Question(title="12. AIガバナンスの方針 <b>&amp;</b> \u3000全角", key="item:12",
                        body="説明（案）\n" * 40 + "🙂 emoji, \"quotes\", \\backslash",
                        choices=[Choice(f"{n}点 — 段階{n}", f"navi:level:7:i12:{n}")
                                 for n in range(1, 5)], context="2/36 回答済み",
                        actions=[Choice("メモ", "navi:note:7:i12")])
    replies = [question, Text("保存しました。" * 200),
               Fields(title="結果", fields=[("全体", "2.75"), ("領域1", "3.00")]),
               Form(key="note", title="メモ", submit_label="保存", submit_value="navi:note:7:i12",
                    fields=[FormField(name="note", label="メモ", kind="textarea", required=True,
                                      hint="証跡のURLも")])]
    found = [m.card for r in replies for m in cards.render(r, "ja") if m.card]
    assert len(found) >= 3
    return [*found, cards.render_closed("12. 方針", "2/36", "✓ 2点")]  # the answered card


@pytest.mark.parametrize("index", range(4))
def test_every_rendered_card_serializes_exactly_as_msrest_does(index):
    card = rendered()[index]
    stock, fast = both(card_activity(card, text="fallback", summary="s", id="1",
                                     reply_to_id="0"))
    assert fast == stock
    assert fast["attachments"][0]["content"] == card  # and it is the card itself


def test_activities_without_a_plain_card_take_msrest_s_own_path():
    when = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)
    odd = [
        card_activity({"when": when}),  # not JSON: msrest formats the datetime
        card_activity({"ratio": math.nan}),
        card_activity(HeroCard(title="hero")),  # a model, not a dict
        card_activity("a string content"),
        Activity(type=ActivityTypes.message, text="plain, no attachments"),
        card_activity({"a": [1, 2.5, True, None, {"b": "ü"}]}, HeroCard(title="mixed"),
                      {"c": 1}),
    ]
    for activity in odd:
        stock, fast = both(activity)
        assert fast == stock


def test_deep_or_wide_contents_still_match():
    deep: dict = {"leaf": "x"}
    for n in range(200):
        deep = {"n": n, "child": deep, "list": [deep.get("leaf", n)]}
    wide = {f"k{n}": [n, str(n), {"v": n % 2 == 0}] for n in range(2000)}
    for content in (deep, wide):
        stock, fast = both(card_activity(content))
        assert fast == stock


def test_the_card_objects_are_left_as_they_were():
    card = rendered()[0]
    activity = card_activity(card)
    CardSerializer(MODELS.dependencies).body(activity, "Activity")
    assert activity.attachments[0].content is card


def test_msrest_no_longer_walks_a_question_card(monkeypatch):
    """What the module is for, counted rather than timed: msrest serializes the activity's
    envelope but never visits a value inside the card (it visited every one before)."""
    activity = card_activity(rendered()[0], text="fallback")
    visited: list[object] = []
    real = Serializer.serialize_object

    def counting(self, attr, **kwargs):
        visited.append(attr)
        return real(self, attr, **kwargs)

    monkeypatch.setattr(Serializer, "serialize_object", counting)
    Serializer(MODELS.dependencies).body(activity, "Activity")
    stock = len(visited)
    visited.clear()
    CardSerializer(MODELS.dependencies).body(activity, "Activity")
    assert stock > 50 and visited == []  # the stock path walks the card's values; ours none


def test_the_connector_clients_we_hand_out_use_it():
    from tests.test_teams_connector_reuse import URL, Inner, authentication, run

    client = run(authentication()._wrap(Inner()).create(URL))
    assert isinstance(client._serialize, CardSerializer)
    assert client.conversations._serialize is client._serialize
    assert client._serialize.client_side_validation  # msrest's validation kept


def test_a_client_given_it_twice_keeps_one():
    client = ConnectorClient(MicrosoftAppCredentials("", ""), base_url="https://x.test")
    serialize_cards_as_json(client)
    first = client._serialize
    serialize_cards_as_json(client)
    assert client.conversations._serialize is client._serialize
    assert isinstance(client._serialize, CardSerializer) and first is not None
