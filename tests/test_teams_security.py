"""What /api/messages refuses: malformed requests, forged clicks, foreign service URLs, and — with
an app id set — every request without a token the Bot Framework signed for this bot. Each is
answered with a 4xx or a polite reply, and none of them changes anything in the database."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from store.models import Answer, Assessment, ConversationState, User
from store.teams import TeamsCard, TeamsReference
from tests.support.fake_connector import APP_ID, OTHER_APP_ID, TENANT, seed_member, teams_stack
from tests.test_teams_flow import AAD, CONV, start_assessment

pytestmark = pytest.mark.asyncio


def counts(database) -> dict[str, int]:
    with database.transaction() as session:
        return {model.__name__: session.scalar(select(func.count()).select_from(model))
                for model in (User, Answer, Assessment, ConversationState, TeamsReference,
                              TeamsCard)}


async def test_malformed_requests_get_4xx_and_change_nothing(database_url, database):
    seed_member(database)
    async with teams_stack(database_url) as stack:
        before = counts(database)
        good = stack.activity(AAD, text="ナビを始める")
        no_type = {k: v for k, v in good.items() if k != "type"}
        cases = {
            "not JSON": (b"{not json", "application/json", 400),
            "JSON but a list": (b"[1, 2]", "application/json", 400),
            "no type": (json.dumps(no_type).encode(), "application/json", 400),
            "empty type": (json.dumps({**good, "type": ""}).encode(), "application/json", 400),
            "form post": (b"type=message", "application/x-www-form-urlencoded", 415),
            "no sender": (json.dumps({**good, "from": None}).encode(), "application/json", 400),
            "no conversation": (json.dumps({k: v for k, v in good.items()
                                            if k != "conversation"}).encode(),
                                "application/json", 400),
            "ill-typed from": (json.dumps({**good, "from": "someone"}).encode(),
                               "application/json", 400),
            "not UTF-8": (b"\xff\xfe\x00", "application/json", 400),
        }
        for name, (data, content_type, expected) in cases.items():
            response = await stack.post_raw(data, content_type=content_type)
            assert response.status == expected, name
        assert stack.fake.calls == []
        assert counts(database) == before


async def test_unknown_service_url_is_refused_before_anything_happens(database_url, database):
    seed_member(database)
    async with teams_stack(database_url) as stack:
        before = counts(database)
        for url in ("https://evil.example.com/", "http://127.0.0.1:9/",
                    "https://attacker.trafficmanager.net/", "https://smba.trafficmanager.net@evil/",
                    "file:///etc/passwd", "not a url"):
            response = await stack.say(AAD, "ナビを始める", service_url=url)
            assert response.status == 400, url
        assert counts(database) == before
        assert stack.fake.calls == []


async def test_forged_submit_values_get_a_polite_reply_and_change_nothing(database_url,
                                                                           database):
    seed_member(database)
    async with teams_stack(database_url) as stack:
        stack.fake.add_member(AAD, email="hanako@example.co.jp")
        card = await start_assessment(stack)
        before = counts(database)
        forged = [
            {"aiga": "navi:level:999:policy:4"},  # someone else's assessment
            {"aiga": "navi:level:1:no-such-item:4"},
            {"aiga": "navi:submit:1"},  # submit before everything is answered
            {"aiga": "navi:level:1:policy:9"},  # a level that does not exist
        ]
        for value in forged:
            sent_before = len(stack.fake.sent(CONV))
            assert (await stack.post(stack.activity(AAD, value=value, reply_to=card.id))).status \
                == 200
            new = stack.fake.sent(CONV)[sent_before:]
            assert new, f"no reply to {value}"
        unreadable = [{"other": "x"}, {"aiga": "<script>alert(1)</script>"}, {"aiga": 42},
                      "just a string", [1, 2]]
        for value in unreadable:
            sent_before = len(stack.fake.sent(CONV))
            assert (await stack.post(stack.activity(AAD, value=value))).status == 200
            new = stack.fake.sent(CONV)[sent_before:]
            assert len(new) == 1 and "読み取れません" in new[0].text, value
        with database.transaction() as session:
            assert session.scalar(select(func.count()).select_from(Answer)) == 0
            assert session.scalar(select(Assessment.status)) == "in_progress"
        after = counts(database)
        assert after["Answer"] == before["Answer"] == 0
        assert after["Assessment"] == before["Assessment"]
        assert stack.fake.problems == []


# ----- authentication ---------------------------------------------------------------------------


AUTH = {"microsoft_app_id": APP_ID, "microsoft_app_password": "test-secret-not-real",
        "microsoft_app_tenant_id": TENANT, "microsoft_app_type": "SingleTenant"}


async def test_with_an_app_id_requests_without_a_valid_token_get_401(database_url, database):
    seed_member(database)
    async with teams_stack(database_url, **AUTH) as stack:
        before = counts(database)
        message = stack.activity(AAD, text="ナビを始める")
        fake = stack.fake
        cases = {
            "no Authorization": None,
            "garbage bearer": "not-a-jwt",
            "forged signature": fake.token(forged=True),
            "another bot's token": fake.token(audience=OTHER_APP_ID),
            "expired": fake.token(expires_in=-3600),
            "wrong issuer": fake.token(issuer="https://evil.example.com"),
            "token for another service URL": fake.token(service_url="https://smba.trafficmanager.net/jp/"),
        }
        for name, token in cases.items():
            response = await stack.post(message, token=token)
            assert response.status == 401, name
        basic = await stack.post_raw(json.dumps(message).encode(),
                                     headers={"Authorization": "Basic dXNlcjpwYXNz"})
        assert basic.status == 401
        assert counts(database) == before
        assert fake.called("POST") == [] and fake.called("PUT") == []


async def test_a_token_signed_for_this_bot_is_accepted(database_url, database):
    """The positive case, so the 401s above are not just "everything is refused"."""
    async with teams_stack(database_url, **AUTH) as stack:
        event = {**stack.activity(AAD), "type": "event", "name": "ping"}
        response = await stack.post(event, token=stack.fake.token())
        assert response.status == 200
        # the signing keys came from the local fake, nothing else was contacted
        assert stack.fake.calls == []


async def test_without_an_app_id_the_start_up_warning_is_loud(database_url, database, caplog):
    async with teams_stack(database_url) as stack:
        assert stack.bot.mode.startswith("no-auth")
    text = caplog.text
    assert "MICROSOFT_APP_ID is not set" in text and "ローカル試験" in text
