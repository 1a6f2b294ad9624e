"""The same neutral replies rendered for each surface, checked in the form each client reads:
the Adaptive Card JSON (Teams reads its TextBlocks as Markdown), the Block Kit JSON (Slack's
mrkdwn) and the console's text. Line breaks, numbered headings, lists, tables and hostile
company names must come out as written."""

from __future__ import annotations

import re

import pytest

from bot import console
from bot.slack import blocks
from bot.slack.render_text import ZWSP
from bot.teams import cards
from bot.teams.render_text import escape as md_escape
from handlers.types import Answered, Choice, DirectMessage, Fields, Image, Question, Text
from tests.support.fake_connector import card_problems, card_text

HOSTILE = ["*AI* Lab", "_x_ Inc.", "<!channel> & Co", "~del~ Co", "`code` Co", "A&amp;B",
           "[link](https://evil.example)", "# Heading Co", "> Quote Co", "- Bullet Co",
           "1. Numbered Co", "12) Paren Co", "back\\slash", "|pipe|"]
TODO = "提出前に確認してください:\n12. AIリスクの評価\n13. 第三者提供の管理\n\n残り 2 項目"


def markdown_unescape(text: str) -> str:
    """What a CommonMark renderer shows for our escaped text (backslash escapes removed)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text).replace("\u00a0", " ")


def blocks_of(message: cards.Message) -> list[dict]:
    assert message.card is not None
    return [b for b in message.card["body"] if b["type"] == "TextBlock"]


# ----- Teams -------------------------------------------------------------------------------------


def test_teams_multi_line_text_is_a_textblock_per_line():
    [message] = cards.render_text(Text(TODO))
    lines = blocks_of(message)
    assert [markdown_unescape(b["text"]) for b in lines] == [
        "提出前に確認してください:", "12. AIリスクの評価", "13. 第三者提供の管理", "残り 2 項目"]
    assert lines[1]["text"] == "12\\. AIリスクの評価"  # not an ordered list
    assert all("\n" not in b["text"] and b["wrap"] for b in lines)
    assert [b.get("spacing") for b in lines] == [None, "None", "None", "Medium"]  # the gap kept
    assert card_problems(message.card) == [] and message.text == TODO


def test_teams_one_plain_line_stays_a_message_and_markdown_lines_do_not():
    [plain] = cards.render_text(Text("結果は 1:1 チャットにお送りしました。"))
    assert plain.card is None
    for name in HOSTILE:
        [message] = cards.render_text(Text(name))
        assert message.card is not None, name
        [line] = blocks_of(message)
        assert markdown_unescape(line["text"]) == name, name
    [indented] = cards.render_text(Text("見出し\n    4 つの空白で始まる行"))
    assert blocks_of(indented)[1]["text"] == "\u00a0" * 4 + "4 つの空白で始まる行"  # no code block


@pytest.mark.parametrize("name", HOSTILE)
def test_teams_escapes_user_text_everywhere_it_appears(name):
    question = Question(title=f"12. {name}", body=f"{name}\n{name}", context=name,
                        choices=[Choice("1点", "v1", description=f"{name}\n2行目")])
    card = cards.render_question(question)[0].card
    for element in [b for b in card["body"] if b["type"] == "TextBlock"] + [
            i for b in card["body"] for i in b.get("items", []) if i["type"] == "TextBlock"]:
        text = element["text"]
        assert not re.search(r"(?<!\\)[*_~`<>&\[\]|]", text), text
        assert not re.match(r"^(\s|\u00a0)*(\d+[.)]\s|[#>+-])", text), text
    table = cards.render_fields(Fields(name, [(name, f"{name}\n{name}")], footer=name))[0].card
    fact = table["body"][1]["facts"][0]
    assert markdown_unescape(fact["value"]) == f"{name}\n\n{name}"
    closed = cards.render_closed(f"3. {name}", name, f"✓ {name}")
    assert "12\\." not in card_text(closed) and "3\\. " in card_text(closed)


def test_teams_question_heading_is_not_a_list():
    card = cards.render_question(Question(title="12. AIの利用に関する社内規程", body="説明"))[0].card
    title = next(b for b in card["body"] if b.get("weight") == "Bolder")
    assert title["text"] == "12\\. AIの利用に関する社内規程"


def test_md_escape_is_total_for_odd_inputs():
    for odd in ["", " ", "\\", "1.", "999999999999. x", "\u00a0", "🙂*", "\t- x", "=====", "\r"]:
        assert isinstance(md_escape(odd), str)
    assert md_escape("1.") == "1\\." and md_escape("2024.10.1 開催") == "2024.10.1 開催"


# ----- Slack -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", HOSTILE)
def test_slack_mrkdwn_escapes_user_text(name):
    [message] = blocks.render(Text(f"会社: {name}\n次の行"))
    shown = message.blocks[0]["text"]["text"]
    assert "\n次の行" in shown  # a line break stays a line break
    visible = shown.replace(ZWSP, "").replace("&lt;", "<").replace("&gt;", ">").replace(
        "&amp;", "&")
    assert visible == f"会社: {name}\n次の行"
    assert "<" not in shown and ">" not in shown
    for mark in "*_~`":  # every formatting mark is fenced by zero-width spaces: never pairs
        assert shown.count(mark) == shown.count(f"{ZWSP}{mark}{ZWSP}")
    [table] = blocks.render(Fields("表", [(name, name)]))
    cell = table.blocks[1]["fields"][0]["text"]
    assert cell.startswith("*") and cell.split("\n")[0].endswith("*")  # our bold, unbroken


def test_slack_keeps_links_working_and_text_as_written():
    [message] = blocks.render(Text("詳細: https://aiga.example/a_b*c?x=1&y=2 です"))
    shown = message.blocks[0]["text"]["text"]
    assert "https://aiga.example/a_b*c?x=1&amp;y=2" in shown
    [todo] = blocks.render(Text(TODO))
    assert todo.blocks[0]["text"]["text"] == TODO  # Slack needs nothing for 「12.」 or breaks


# ----- console -----------------------------------------------------------------------------------


def test_console_reads_like_a_terminal():
    question = Question(title="12. AIの利用", body="説明の行", context="11/36 回答済み",
                        choices=[Choice("1点", "v1", description="未整備"),
                                 Choice("2点", "v2")],
                        actions=[Choice("戻る", "b"), Choice("スキップ", "s")])
    out = console.render([
        Answered("k", "✓ 11. 前の項目 → 2点"), question,
        Fields("結果", [("全体スコア", "3.00"), ("*AI* Lab", "2.50")], footer="注記"),
        Image("/tmp/chart.png", alt="領域A 2.50", title="レーダーチャート"),
        DirectMessage([Text("非公開の結果")], note="DM に送りました"),
        Answered("k2", "superseded")])
    assert out.splitlines()[:3] == ["✓ 11. 前の項目 → 2点", "", "11/36 回答済み"]
    assert "1. 1点\n   未整備\n2. 2点\n[戻る / スキップ]" in out
    assert "結果\n  全体スコア: 3.00\n  *AI* Lab: 2.50\n注記" in out  # as written, no escapes
    assert "\n\nレーダーチャート: /tmp/chart.png\n  領域A 2.50" in out
    assert "非公開の結果" in out and "DM に送りました" not in out and "superseded" not in out
    for word in ("ボタン", "button", "**", "\\", "&amp;", ZWSP):
        assert word not in out
