"""Block Kit limits by construction: every rendered payload is checked with slack_sdk.models
(`Block.parse_all` → `to_dict()`, which enforces each block's limits) and the message-level
rules, for every item of the real rubric and for texts far longer than any rubric has."""

from __future__ import annotations

import json

import pytest

from bot.slack import blocks
from bot.slack.forms import form_modal
from bot.slack.home import HomeFacts, build_view
from handlers.navi.note_views import note_form
from handlers.router import Router
from handlers.types import Action, Choice, Fields, Incoming, Question, Text
from rubrics.loader import RubricRegistry, registry
from tests.support.fake_slack import block_problems, seed_member, view_problems


def assert_valid(messages: list[blocks.Rendered]) -> None:
    for message in messages:
        assert block_problems(message.blocks, max_blocks=50) == []
        assert message.text.strip() and len(message.text) <= 3000
    action_messages = [m for m in messages if m.has_buttons]
    assert len(action_messages) <= 1 and (not action_messages or messages[-1].has_buttons)


def all_text(messages: list[blocks.Rendered]) -> str:
    return json.dumps([m.blocks for m in messages], ensure_ascii=False)


def real_rubric() -> RubricRegistry:
    reg = registry()
    if "1.1" not in reg.versions():
        pytest.skip("rubrics/data/navi-1.1.yaml is not there yet")
    return reg


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_item_of_the_real_rubric_renders_valid(database, lang):
    """All 36 items of ver1.1, as the Navi flow asks them, in both languages."""
    reg = real_rubric()
    seed_member(database, rubric_version="1.1")
    router = Router(database, rubrics=reg)

    def turn(text: str | None = None, action: str | None = None):
        return router.handle(Incoming(platform="slack", user_id="U0R", text=text,
                                      action=Action(action) if action else None,
                                      locale="en-US" if lang == "en" else "ja-JP",
                                      email="r@example.co.jp"))

    [confirm] = turn("start navi" if lang == "en" else "ナビを始める")
    roles = turn(action=confirm.choices[0].value)[-1]
    turn(action=roles.choices[2].value)  # both roles: every item applies
    rubric = reg.get("1.1")
    longest = max(rubric.items, key=lambda i: len(i.explanation.get(lang)) + sum(
        len(level.get(lang)) for level in i.levels.values()))
    for item in rubric.items:
        [question] = [r for r in turn(f"item {item.number}") if isinstance(r, Question)]
        messages = blocks.render_question(question)
        assert_valid(messages)
        shown = all_text(messages)
        for level in item.levels.values():  # every descriptor is on screen, in full
            assert json.dumps(blocks.escape(level.get(lang)), ensure_ascii=False)[1:-1] in shown
        buttons = [e for m in messages for b in m.blocks if b["type"] == "actions"
                   for e in b["elements"]]
        assert [b["value"].rsplit(":", 1)[-1] for b in buttons[:4]] == ["1", "2", "3", "4"]
        if item is longest:
            assert len(messages) == 1  # the longest real item still fits one message
    assert len(rubric.items) == 36


def test_far_too_long_question_is_split_never_rejected():
    question = Question(
        title="題" * 400,
        body="説明文です。" * 2500,  # 15,000 characters
        choices=[Choice(f"{n}点" + "ラベル" * 40, f"navi:level:1:x:{n}",
                        description="段階の記述。" * 600) for n in range(1, 31)],
        actions=[Choice("戻る", "navi:back:1"), Choice("スキップ", "navi:skip:1")],
        context="3/36 回答済み ・ " + "領域" * 1500,
        key="navi:item:1:x",
    )
    messages = blocks.render_question(question)
    assert len(messages) > 1
    assert_valid(messages)
    ids = [e["action_id"] for m in messages for b in m.blocks if b["type"] == "actions"
           for e in b["elements"]]
    assert len(ids) == 32 == len(set(ids))
    headers = [b for m in messages for b in m.blocks if b["type"] == "header"]
    assert len(headers[0]["text"]["text"]) == 150
    assert "題" * 400 in all_text(messages).replace("\\n", "")  # the full title is kept too


def test_long_text_and_fields_are_split():
    text = "\n".join(f"{n}行目: " + "あ" * 200 for n in range(800))  # ~165,000 characters
    messages = blocks.render(Text(text))
    assert len(messages) >= 2
    assert_valid(messages)
    assert sum(len(b["text"]["text"]) for m in messages for b in m.blocks
               if b["type"] == "section") >= len(text) - 1000
    fields = Fields(title="36項目の見直し", fields=[(f"{n}. 項目" * 50, "4点" * 1500)
                                                 for n in range(1, 37)], footer="注" * 5000)
    assert_valid(blocks.render(fields))


def test_mrkdwn_is_escaped():
    [message] = blocks.render(Text("<!channel> & <@U123> <https://evil.example|click>"))
    shown = message.blocks[0]["text"]["text"]
    assert "<" not in shown and ">" not in shown and "&amp;" in shown
    assert "<" not in message.text


def test_answered_and_retired_messages_have_no_buttons():
    closed = blocks.render_closed("題" * 5000, "進捗" * 2000, "✓ 1. AIポリシー → 3点")
    assert block_problems(closed.blocks, max_blocks=50) == []
    assert not closed.has_buttons


def test_home_view_limits_with_a_huge_result():
    facts = HomeFacts(lang="ja", org="会社" * 200, round_name="ラウンド" * 300,
                      state="status_in_progress", answered=12, applicable=36,
                      result_fields=[(f"領域{n}" * 30, "2.50") for n in range(400)],
                      result_title="結果" * 2000)
    view = build_view(facts)
    assert len(view["blocks"]) <= 100
    assert view_problems(view) == []
    assert any(e.get("value") == "navi:resume" for b in view["blocks"]
               if b["type"] == "actions" for e in b["elements"])


def test_note_modal_is_a_valid_view():
    """The note is a generic Form: its Slack modal is valid in both languages, with a long
    note being edited."""
    from types import SimpleNamespace

    item = next(iter(real_rubric().get("1.1").items))
    note = SimpleNamespace(id=7, text="メモを入力してください。" * 300,
                           evidence_url="https://x.example/doc", version=3)
    for lang in ("ja", "en"):
        for form in (note_form(lang, 1, item), note_form(lang, 1, item, note)):
            assert view_problems(form_modal(form, "閉じる")) == []
