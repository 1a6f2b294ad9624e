"""Adaptive Cards inside Teams' limits, the service-URL allow-list, settings and back-off — the
pieces below the HTTP tests, with the edge cases those cannot reach cheaply."""

from __future__ import annotations

import pytest

from bot.chart_links import ChartLinks
from bot.teams import cards
from bot.teams.connector import RetryPolicy
from bot.teams.guard import ServiceUrlPolicy
from bot.teams.settings import TeamsSettings
from handlers.types import Choice, Fields, Image, Question, Text
from tests.support.fake_connector import MESSAGE_LIMIT, activity_problems, card_problems


def envelope(message: cards.Message) -> tuple[dict, int]:
    """The activity as the connector client sends it, and its size in bytes."""
    body = {"type": "message", "serviceUrl": "https://smba.trafficmanager.net/jp/" + "x" * 40,
            "channelId": "msteams", "from": {"id": "28:" + "b" * 36, "name": "AIGA Navi"},
            "conversation": {"id": "a:" + "c" * 120, "conversationType": "personal"},
            "recipient": {"id": "29:" + "u" * 120, "name": "山田 花子"},
            "summary": cards.shorten(message.text, 250), "locale": "ja-JP",
            "replyToId": "1" * 13, "inputHint": "acceptingInput"}
    if message.card:
        body["attachments"] = [{"contentType": cards.CARD_CONTENT_TYPE, "content": message.card}]
    else:
        body["text"] = message.text
    return body, cards.json_size(body)


def item(body: str, description: str) -> Question:
    return Question(
        title="12. AIの利用に関する社内規程の整備と周知",
        body=body,
        choices=[Choice(f"{n}点", f"navi:level:1:item-12:{n}", description=description)
                 for n in range(1, 5)],
        actions=[Choice("戻る", "navi:back:1"), Choice("スキップ", "navi:skip:1"),
                 Choice("メモ（No.11）", "navi:note:1:item-11"), Choice("中断", "navi:pause:1")],
        context="11/40 回答済み ・ ガバナンス体制", key="navi:item:1:item-12")


@pytest.mark.parametrize("body_chars, description_chars", [
    (300, 80), (1500, 300), (3000, 400), (12000, 3000), (40000, 9000)])
def test_every_question_fits_in_a_teams_message(body_chars, description_chars):
    question = item("規" * body_chars, "述" * description_chars)
    messages = cards.render_question(question)
    for message in messages:
        body, size = envelope(message)
        assert size <= MESSAGE_LIMIT, size
        assert activity_problems(body, size) == []
    last = messages[-1]
    assert last.card is not None
    values = [v for element in last.card["body"] for v in
              [a["data"]["aiga"] for a in element.get("actions") or []]]
    assert values == [c.value for c in question.choices + question.actions]  # buttons kept
    if body_chars <= 1500:
        assert len(messages) == 1  # a normal item (even a long one) is one card
    else:  # escaped Japanese is 6 bytes a character: ~4,000 characters fill a message
        shown = "".join(m.text for m in messages[:-1])
        assert shown.count("規") == body_chars  # the explanation is sent whole, not cut


def test_levels_and_secondary_actions_are_separate_rows():
    card = cards.render_question(item("説明", "記述"))[0].card
    rows = [e for e in card["body"] if e["type"] == "ActionSet"]
    assert [len(r["actions"]) for r in rows] == [4, 4]
    assert card["version"] == "1.5" and card_problems(card) == []


def test_long_texts_and_tables_are_split_not_cut():
    text = "。".join(f"文{i}" * 30 for i in range(400))
    messages = cards.render_text(Text(text))
    assert len(messages) > 1
    assert "".join(m.text for m in messages).replace("\n", "") == text.replace("\n", "")
    assert all(envelope(m)[1] <= MESSAGE_LIMIT for m in messages)
    table = Fields("回答一覧", [(f"{i}. 項目{i}" + "名" * 100, "4点 " + "注" * 300)
                                for i in range(60)], footer="提出前に確認してください")
    parts = cards.render_fields(table)
    assert len(parts) > 1
    assert all(envelope(m)[1] <= MESSAGE_LIMIT for m in parts)
    facts = [f for m in parts for e in m.card["body"] for f in e.get("facts", [])]
    assert len(facts) == 60


def test_charts_are_inlined_small_enough(tmp_path):
    from PIL import Image as PILImage
    from PIL import ImageDraw

    path = tmp_path / "chart.png"
    picture = PILImage.new("RGB", (1600, 1200), "white")
    draw = ImageDraw.Draw(picture)
    for i in range(0, 1600, 7):  # busy enough that the original PNG is far over the budget
        draw.line([(i, 0), (1600 - i, 1200)], fill=(i % 255, 80, 160), width=2)
    picture.save(path)
    assert path.stat().st_size > cards.CARD_BUDGET
    [message] = cards.render_image(Image(str(path), alt="レーダーチャート", title="結果"), "失敗",
                                   links=ChartLinks())  # links off: inlined
    image = message.card["body"][-1]
    assert image["url"].startswith("data:image/png;base64,")
    assert envelope(message)[1] <= MESSAGE_LIMIT
    [missing] = cards.render_image(Image(str(tmp_path / "nope.png"), alt="図"), "図を表示できません")
    assert missing.card is None and missing.text == "図を表示できません"


def test_service_url_policy():
    policy = ServiceUrlPolicy(["http://127.0.0.1:56150", "http://localhost:3978/_connector"])
    allowed = ["https://smba.trafficmanager.net/jp/", "https://smba.trafficmanager.net/amer/",
               "https://europe.webchat.botframework.com/",
               "https://smba.infra.gcc.teams.microsoft.com/", "http://127.0.0.1:56150/",
               "http://127.0.0.1:56150", "http://localhost:3978/_connector/v3"]
    refused = ["http://smba.trafficmanager.net/jp/", "https://smba.trafficmanager.net:8443/",
               "https://evil.trafficmanager.net/", "https://botframework.com.evil.example/",
               "https://user:pw@smba.trafficmanager.net/", "http://127.0.0.1:56151/",
               "https://127.0.0.1:56150/", "http://localhost:3978/_connectorX",
               "http://localhost:3978/", "", None, "::::", "http://[::1/"]
    assert [u for u in allowed if not policy.allowed(u)] == []
    assert [u for u in refused if policy.allowed(u)] == []


def test_settings_name_the_setting_never_the_value(monkeypatch):
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as bad:
        TeamsSettings(_env_file=None, microsoft_app_id="not-a-guid",
                      microsoft_app_password="s3cret-value")
    assert "s3cret-value" not in str(bad.value)
    ok = TeamsSettings(_env_file=None, microsoft_app_id="6f0e2c3a-1b2d-4e5f-8a9b-0c1d2e3f4a5b",
                       microsoft_app_password="s3cret-value")
    assert "s3cret-value" not in repr(ok)
    assert ok.app_type == "MultiTenant" and ok.problems() == []
    single = TeamsSettings(_env_file=None, microsoft_app_id="6f0e2c3a-1b2d-4e5f-8a9b-0c1d2e3f4a5b",
                           microsoft_app_type="SingleTenant", microsoft_app_password="x")
    assert any("MICROSOFT_APP_TENANT_ID" in p for p in single.problems())
    msi = TeamsSettings(_env_file=None, microsoft_app_id="6f0e2c3a-1b2d-4e5f-8a9b-0c1d2e3f4a5b",
                        microsoft_app_type="UserAssignedMSI",
                        microsoft_app_tenant_id="contoso.onmicrosoft.com")
    assert msi.problems() == []
    off = TeamsSettings(_env_file=None, microsoft_app_id="")
    assert not off.auth_enabled and off.startup_warnings()
    with pytest.raises(ValidationError):
        TeamsSettings(_env_file=None, microsoft_allowed_service_urls="ftp://x, http://ok:1")
def test_back_off_doubles_with_jitter_and_honours_retry_after():
    low = RetryPolicy(4, 1.0, rand=lambda: 0.0)
    high = RetryPolicy(4, 1.0, rand=lambda: 0.999)
    assert [low.delay(n, None) for n in (1, 2, 3)] == [0.5, 1.0, 2.0]
    assert [round(high.delay(n, None), 2) for n in (1, 2, 3)] == [1.5, 3.0, 6.0]
    assert low.delay(1, "7") == 7.0  # the server asked for longer
    assert low.delay(1, "3600") is None  # far too long: give up instead of hanging the turn
    assert low.delay(1, "Wed, 21 Oct 2015 07:28:00 GMT") == 0.5  # a date in the past


