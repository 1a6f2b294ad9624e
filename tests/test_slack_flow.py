"""A member takes the whole Navi in Slack, as Slack would call the bot: signed HTTP requests to
the real server, a fake Slack Web API behind it, a real database underneath."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import func, select

from rubrics.loader import RubricRegistry
from store.models import Answer, AnswerEvent, Assessment, User
from store.slack import ANSWERED, LIVE, RETIRED, SlackMessage
from tests.support.fake_slack import FIXTURE_RUBRICS, find_button, seed_member, slack_stack

pytestmark = pytest.mark.asyncio
USER = "U0TARO"
DM = f"D{USER}"


def rubrics() -> RubricRegistry:
    return RubricRegistry(FIXTURE_RUBRICS)


def values(message: dict) -> list[str]:
    return [e["value"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]


def is_item(message: dict) -> bool:
    return any(v.startswith("navi:level:") for v in values(message))


async def start_assessment(stack, user: str = USER) -> dict:
    """DM "ナビを始める", confirm, pick both roles; returns the first item's message."""
    assert (await stack.dm(user, "ナビを始める")).status == 200
    await stack.settle()
    assert (await stack.click(user, stack.fake.last_with_buttons(f"D{user}"),
                              label="はい")).status == 200
    await stack.settle()
    assert (await stack.click(user, stack.fake.last_with_buttons(f"D{user}"),
                              label="両方")).status == 200
    await stack.settle()
    return stack.fake.last_with_buttons(f"D{user}")


async def test_whole_assessment_by_clicking_buttons(database_url, database):
    seed_member(database)
    async with slack_stack(database_url, rubrics=rubrics()) as stack:
        stack.fake.add_user(USER, "taro@example.co.jp", locale="ja-JP")
        message = await start_assessment(stack)

        # one item = one message: progress, area, number + title, explanation, 4 levels, buttons
        first = message
        assert first["blocks"][0]["type"] == "context"
        assert "0/7 回答済み" in first["blocks"][0]["elements"][0]["text"]
        assert first["blocks"][1]["type"] == "header"
        assert first["blocks"][1]["text"]["text"].startswith("1. ")
        descriptors = [b for b in first["blocks"] if b["type"] == "section"
                       and b["text"]["text"].startswith("*") and "点*" in b["text"]["text"]]
        assert len(descriptors) == 4
        labels = [e["text"]["text"] for b in first["blocks"] if b["type"] == "actions"
                  for e in b["elements"]]
        assert labels[:4] == ["1点", "2点", "3点", "4点"]
        assert {"スキップ", "中断"} <= set(labels[4:])
        assert first["text"].startswith("0/7 回答済み")  # plain-text fallback

        chosen: list[int] = []
        answered_messages = []
        while is_item(message):
            level = len(chosen) % 4 + 1
            reply = await stack.click(USER, message, label=f"{level}点")
            assert reply.status == 200
            await stack.settle()
            chosen.append(level)
            answered_messages.append(stack.fake.messages[(DM, message["ts"])])
            message = stack.fake.last_with_buttons(DM)
        assert len(chosen) == 7

        # every answered item message was updated: the choice shown, no buttons left
        for answered in answered_messages:
            assert answered["updates"] == 1
            assert not any(b["type"] == "actions" for b in answered["blocks"])
            assert "✓" in answered["text"]

        assert "navi:submit:" in values(message)[0]
        assert (await stack.click(USER, message, label="提出する")).status == 200
        await stack.settle()

        expected = (Decimal(sum(chosen)) / len(chosen)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        texts = [m["text"] for m in stack.fake.posts(DM)]
        assert any(f"全体スコア: {expected}" in t for t in texts), texts[-3:]
        assert any("提出しました" in t for t in texts)

        with database.transaction() as session:
            assessment = session.scalar(select(Assessment))
            assert assessment.status == "submitted"
            assert f"{assessment.score:.2f}" == str(expected)
            answers = {a.item_id: a.level for a in session.scalars(select(Answer))}
            assert sorted(answers.values()) == sorted(chosen)
            assert session.scalar(select(func.count()).select_from(AnswerEvent)) == 7
            states = set(session.scalars(select(SlackMessage.state)))
            assert LIVE not in states  # no question left with live buttons

        # App Home: round, progress, last result
        home = json.dumps(stack.fake.views[USER], ensure_ascii=False)
        assert "2026年度下期" in home and "提出済み" in home and "7/7" in home
        assert f"{expected}" in home and "前回提出した結果" in home
        assert stack.fake.problems == []
        assert max(stack.timings) < 1.0  # every ack well inside Slack's 3 seconds


async def test_unknown_company_gets_polite_pointer_to_secretariat(database_url, database):
    seed_member(database)
    async with slack_stack(database_url, rubrics=rubrics()) as stack:
        stack.fake.add_user("U0GUEST", "someone@unknown.example", locale="ja-JP")
        await stack.dm("U0GUEST", "ナビを始める")
        await stack.settle()
        [message] = stack.fake.posts("DU0GUEST")
        assert "事務局" in message["text"] and "見つかりませんでした" in message["text"]
        assert "所属会員企業が見つかりませんでした" in json.dumps(stack.fake.views["U0GUEST"],
                                                              ensure_ascii=False)
    with database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Assessment)) == 0
        user = session.scalar(select(User).where(User.platform_user_id == "U0GUEST"))
        assert user.org_id is None and user.email == "someone@unknown.example"


async def test_email_domain_links_user_and_english_locale_picks_english(database_url, database):
    seed_member(database)
    async with slack_stack(database_url, rubrics=rubrics()) as stack:
        stack.fake.add_user("U0JOHN", "john@dept.example.co.jp", locale="en-US")
        await stack.dm("U0JOHN", "start navi")
        await stack.settle()
        message = stack.fake.last_with_buttons("DU0JOHN")
        assert "Start the self-assessment" in message["text"]
        [info] = stack.fake.called("users.info")
        assert info.args["include_locale"] in ("1", "true", True)
        # the profile is cached: a second turn asks Slack nothing more
        await stack.dm("U0JOHN", "help")
        await stack.settle()
        assert len(stack.fake.called("users.info")) == 1
        # switching language in chat beats the Slack locale
        await stack.dm("U0JOHN", "日本語")
        await stack.settle()
        assert "日本語で表示します" in stack.fake.posts("DU0JOHN")[-2]["text"]
    with database.transaction() as session:
        user = session.scalar(select(User).where(User.platform_user_id == "U0JOHN"))
        assert user.organisation.name == "テスト株式会社"


async def test_slash_command_and_mention_reply_in_dm_only(database_url, database):
    seed_member(database)
    async with slack_stack(database_url, rubrics=rubrics()) as stack:
        stack.fake.add_user(USER, "taro@example.co.jp")
        reply = await stack.command(USER, "status", channel="C0GENERAL")
        assert reply.status == 200 and "DM" in reply.json()["text"]
        await stack.settle()
        [status] = stack.fake.posts(DM)
        assert "未着手" in status["text"]
        assert stack.fake.called("conversations.open")[0].args["users"] == USER

        reply = await stack.command(USER, "", channel="C0GENERAL")  # bare /navi = help
        await stack.settle()
        assert "ナビを始める" in stack.fake.posts(DM)[-1]["text"]

        await stack.event({"type": "app_mention", "user": USER, "channel": "C0GENERAL",
                           "text": "<@UNAVIBOT> 状況", "ts": "1.0", "event_ts": "1.0"})
        await stack.settle()
        assert "未着手" in stack.fake.posts(DM)[-1]["text"]
        [note] = stack.fake.called("chat.postEphemeral")
        assert note.args["channel"] == "C0GENERAL" and note.args["user"] == USER
        assert not stack.fake.posts("C0GENERAL")  # nothing about the company in the channel
        assert stack.fake.problems == []


async def test_app_home_opened_then_start_from_home(database_url, database):
    seed_member(database)
    async with slack_stack(database_url, rubrics=rubrics()) as stack:
        stack.fake.add_user(USER, "taro@example.co.jp")
        await stack.event({"type": "app_home_opened", "user": USER, "channel": DM,
                           "tab": "home", "event_ts": "1.0"})
        await stack.settle()
        view = stack.fake.views[USER]
        text = json.dumps(view, ensure_ascii=False)
        assert "2026年度下期" in text and "締切" in text and "未着手" in text
        block, element = find_button(view, value="navi:start")
        payload = {"type": "block_actions", "user": {"id": USER, "team_id": "T0AIGA"},
                   "container": {"type": "view", "view_id": view["id"]},
                   "view": {"id": view["id"], "hash": view["hash"], "type": "home"},
                   "trigger_id": "t", "team": {"id": "T0AIGA"},
                   "actions": [{"action_id": element["action_id"], "value": element["value"],
                                "type": "button", "action_ts": "1.0",
                                "block_id": block.get("block_id", "b")}]}
        assert (await stack.interaction(payload)).status == 200
        await stack.settle()
        assert "始めます。よろしいですか" in stack.fake.last_with_buttons(DM)["text"]
        # the Home tab is republished after the turn: a double click on the old view is
        # dropped, a later click on the new view counts
        await stack.interaction(payload)
        await stack.settle()
        assert len(stack.fake.called("views.publish")) == 2
        assert sum("よろしいですか" in m["text"] for m in stack.fake.posts(DM)) == 1
        fresh = stack.fake.views[USER]
        payload["view"]["hash"] = fresh["hash"]
        await stack.interaction(payload)
        await stack.settle()
        assert sum("よろしいですか" in m["text"] for m in stack.fake.posts(DM)) == 2


async def test_skip_removes_the_old_buttons_and_back_works(database_url, database):
    seed_member(database)
    async with slack_stack(database_url, rubrics=rubrics()) as stack:
        stack.fake.add_user(USER, "taro@example.co.jp")
        first = await start_assessment(stack)
        await stack.click(USER, first, label="スキップ")
        await stack.settle()
        old = stack.fake.messages[(DM, first["ts"])]
        assert not any(b["type"] == "actions" for b in old["blocks"])
        assert "ボタンは無効" in json.dumps(old["blocks"], ensure_ascii=False)
        second = stack.fake.last_with_buttons(DM)
        assert second["blocks"][1]["text"]["text"].startswith("2. ")
        await stack.click(USER, second, label="戻る")
        await stack.settle()
        again = stack.fake.last_with_buttons(DM)
        assert again["blocks"][1]["text"]["text"].startswith("1. ")
        with database.transaction() as session:
            states = sorted(session.scalars(select(SlackMessage.state)))
            assert states.count(LIVE) == 1 and RETIRED in states and ANSWERED in states


async def test_note_after_an_answer_through_a_modal(database_url, database):
    """The note button opens the generic form modal (note + evidence link); the note lands on
    the item the button names, once even when Slack retries the submission."""
    from store.item_notes import ItemNote

    seed_member(database)
    async with slack_stack(database_url, rubrics=rubrics()) as stack:
        stack.fake.add_user(USER, "taro@example.co.jp")
        first = await start_assessment(stack)
        await stack.click(USER, first, label="3点")
        await stack.settle()
        second = stack.fake.last_with_buttons(DM)
        assert (await stack.click(USER, second, label="メモ（No.1）")).status == 200
        await stack.settle()
        [opened] = stack.fake.called("views.open")
        modal = opened.args["view"]
        assert modal["callback_id"] == "navi-form"
        assert [b["block_id"] for b in modal["blocks"]] == ["note", "evidence"]
        state = {"note": {"note": {"type": "plain_text_input", "value": "社内のAI委員会で承認済み"}},
                 "evidence": {"evidence": {"type": "plain_text_input", "value": ""}}}
        submission = {"type": "view_submission", "user": {"id": USER, "team_id": "T0AIGA"},
                      "team": {"id": "T0AIGA"},
                      "view": {**modal, "id": "VMODAL1", "hash": "h1",
                               "state": {"values": state}}}
        reply = await stack.interaction(submission)
        assert reply.status == 200
        await stack.interaction(submission)  # Slack retried the submission: no second note
        await stack.settle()
        with database.transaction() as session:
            notes = [(n.item_id, n.text) for n in session.scalars(select(ItemNote))]
            answered = session.scalar(select(Answer))
            assert notes == [(answered.item_id, "社内のAI委員会で承認済み")]
        # the question is live again and answerable
        current = stack.fake.last_with_buttons(DM)
        assert current["blocks"][1]["text"]["text"].startswith("2. ")
        await stack.click(USER, current, label="2点")
        await stack.settle()
        with database.transaction() as session:
            assert session.scalar(select(func.count()).select_from(Answer)) == 2
        assert stack.fake.problems == []


async def test_note_modal_closed_leaves_the_answer_alone(database_url, database):
    """Closing the note modal saves nothing and the question stays answerable."""
    from store.item_notes import ItemNote

    seed_member(database)
    async with slack_stack(database_url, rubrics=rubrics()) as stack:
        stack.fake.add_user(USER, "taro@example.co.jp")
        first = await start_assessment(stack)
        await stack.click(USER, first, label="4点")
        await stack.settle()
        await stack.click(USER, stack.fake.last_with_buttons(DM), label="メモ（No.1）")
        await stack.settle()
        [opened] = stack.fake.called("views.open")
        # a generic form modal does not ask Slack to report its closing: closing it is silent
        assert not opened.args["view"].get("notify_on_close")
        closed = {"type": "view_closed", "user": {"id": USER}, "team": {"id": "T0AIGA"},
                  "view": {**opened.args["view"], "id": "VMODAL1"}, "is_cleared": False}
        assert (await stack.interaction(closed)).status < 500  # unasked-for: refused, not a crash
        await stack.settle()
        current = stack.fake.last_with_buttons(DM)
        await stack.click(USER, current, label="1点")
        await stack.settle()
        with database.transaction() as session:
            assert sorted(a.level for a in session.scalars(select(Answer))) == [1, 4]
            assert all(a.note is None for a in session.scalars(select(Answer)))
            assert session.scalar(select(func.count()).select_from(ItemNote)) == 0


async def test_typed_level_updates_the_question_message(database_url, database):
    seed_member(database)
    async with slack_stack(database_url, rubrics=rubrics()) as stack:
        stack.fake.add_user(USER, "taro@example.co.jp")
        first = await start_assessment(stack)
        await stack.dm(USER, "３")  # a full-width digit typed in the DM
        await stack.settle()
        updated = stack.fake.messages[(DM, first["ts"])]
        assert "3点" in updated["text"] and not any(
            b["type"] == "actions" for b in updated["blocks"])
