"""The Navi walked area by area (issue 20): the guide's table order, item numbers kept, and
every list — progress line, status, review, missing items, "next unanswered" — grouped by area
once. Each test here fails on the old 1→36 order."""

# ruff: noqa: F811 - the fixtures are imported from tests/test_navi_flow.py
from __future__ import annotations

import re

import pytest

from handlers.navi import order
from handlers.types import Fields
from tests.support.chat import Chat
from tests.test_navi_flow import (  # noqa: F401 - fixtures
    GUIDE_ORDER,
    LEVELS,
    ORG,
    RUBRIC,
    router,
    seeded,
    start,
)

AREA_NAMES = [a.name.ja for a in RUBRIC.areas]


def test_the_walk_is_the_guides_table_order() -> None:
    assert [i.number for i in order.walk(RUBRIC)] == GUIDE_ORDER
    assert sorted(GUIDE_ORDER) != GUIDE_ORDER
    groups = order.by_area(RUBRIC, reversed(RUBRIC.items))  # any input order
    assert [a.id for a, _ in groups] == [a.id for a in RUBRIC.areas]
    assert [i.number for _, items in groups for i in items] == GUIDE_ORDER
    assert [i.number for i in order.walk(RUBRIC, ["user"])] == [
        n for n in GUIDE_ORDER if n in {i.number for i in RUBRIC.applicable(["user"])}]
    assert order.by_area(RUBRIC, []) == []


def test_next_unanswered_wraps_and_says_so() -> None:
    items = order.walk(RUBRIC)
    first, last = items[0], items[-1]
    answers = {i.id: object() for i in items if i is not first}
    assert order.next_unanswered(items, answers, after=last) == (first, True)
    assert order.next_unanswered(items, {}, after=first) == (items[1], False)
    assert order.next_unanswered(items, {}, after=None) == (first, False)
    assert order.next_unanswered(items, {i.id: 1 for i in items}, after=None) == (None, False)
    assert order.next_unanswered([], {}, after=first) == (None, False)


def _area_runs(labels: list[str]) -> list[str]:
    runs: list[str] = []
    for label in labels:
        if not runs or runs[-1] != label:
            runs.append(label)
    return runs


def test_the_area_label_never_flips_back_and_the_position_counts_within_the_area(router):
    chat = Chat(router, "olga", org=ORG)
    start(chat)
    areas, positions = [], []
    for _ in range(40):
        q = chat.question
        if q is None or not q.key.startswith("navi:item:"):
            break
        match = re.search(r"・ (.+)（この領域 (\d+)/(\d+)）", q.context)
        assert match, q.context
        areas.append(match.group(1))
        positions.append((int(match.group(2)), int(match.group(3))))
        chat.say(str(LEVELS[q.key.rsplit(":", 1)[1]]))
    assert _area_runs(areas) == AREA_NAMES  # each area once, in the guide's order
    assert positions[:7] == [(1, 6), (2, 6), (3, 6), (4, 6), (5, 6), (6, 6), (1, 5)]


def test_after_item_3_comes_item_11_and_back_returns_to_3(router):
    chat = Chat(router, "pia", org=ORG)
    assert "領域ごとに、1項目ずつ質問します（項目番号は協会資料のままです）" in start(chat)
    chat.say("2")
    chat.say("2")
    out = chat.say("2")  # item 3
    assert "11. ガバナンス全体の不断の見直し" in out and "4. AIユースケース" not in out
    assert "3. AI管理ルール" in chat.say("戻る")
    assert "11. ガバナンス全体の不断の見直し" in chat.say("スキップ")
    chat.say("項目 13")
    out = chat.say("1")  # the last item of the first area leads into the second area
    assert "4. AIユースケースの把握・整理" in out


def test_status_groups_by_area_once_in_order(router):
    chat = Chat(router, "quinn", org=ORG)
    start(chat)
    for _ in range(4):  # items 1, 2, 3, 11
        chat.say("3")
    chat.say("状況")
    [status] = [r for r in chat.last if isinstance(r, Fields)]
    labels = [k for k, _ in status.fields]
    headings = [k for k in labels if k.startswith("【")]
    assert headings == [f"【{name}】" for name in AREA_NAMES]
    rows = dict(status.fields)
    assert rows["【ルール・プロセスの明文化】"] == "4/6 回答済み（未回答: 12, 13）"
    assert rows["【周知徹底・人材育成】"] == "0/5 回答済み（未回答: 4, 5, 34, 35, 36）"
    assert rows["回答済み"] == "4/36"
    assert "未回答" not in rows  # no second, ungrouped list


def test_status_before_the_roles_lists_numbers_in_the_walk_order(router):
    chat = Chat(router, "ruth", org=ORG)
    chat.say("ナビを始める")
    chat.say("はい")  # roles not chosen yet
    chat.say("状況")
    [status] = [r for r in chat.last if isinstance(r, Fields)]
    missing = dict(status.fields)["未回答"]
    assert [int(n) for n in missing.split(", ")] == GUIDE_ORDER


def test_review_groups_by_area_once_and_offers_submit_again(router, seeded):
    chat = Chat(router, "sven", org=ORG)
    start(chat, "AI利用者")
    for _ in range(40):
        q = chat.question
        if q is None or not q.key.startswith("navi:item:"):
            break
        chat.say(str(LEVELS[q.key.rsplit(":", 1)[1]]))
    chat.say("2")  # 回答を見直す
    [review] = [r for r in chat.last if isinstance(r, Fields)]
    labels = [k for k, _ in review.fields]
    headings = [k for k in labels if k.startswith("【")]
    assert headings == [f"【{name}】" for name in AREA_NAMES]
    numbers = [int(k.split(".")[0]) for k in labels if not k.startswith("【")]
    assert numbers == [n for n in GUIDE_ORDER if n in {i.number for i in
                                                       RUBRIC.applicable(["user"])}]
    first_area = labels[:labels.index(headings[1])]
    assert first_area == ["【ルール・プロセスの明文化】", "1. AIポリシー", "2. AI利用ルール",
                          "3. AI管理ルール", "11. ガバナンス全体の不断の見直し",
                          "12. リスクベースアプローチ", "13. ハイリスクなAIへの対応"]
    assert chat.question is not None and "提出しますか" in chat.question.title
    out = chat.say("1")  # the number picks 提出する (it used to re-prompt "1〜4")
    assert "提出しました" in out


def test_missing_items_are_listed_in_the_walk_order(router):
    chat = Chat(router, "tara", org=ORG)
    start(chat)
    out = chat.say("提出")
    listed = out.split("未回答の項目が 36 件あります: ")[1].split(" …")[0]
    assert [int(x.split(".")[0]) for x in listed.split(", ")] == GUIDE_ORDER[:10]


@pytest.mark.parametrize(("lang", "expected"), [
    ("ja", "スキップした（未回答の）項目が 1 件あります。そのうち最初の項目に戻ります。"),
    ("en", "You skipped (or left unanswered) 1 item(s); here is the first of them."),
])
def test_a_skipped_item_comes_back_with_a_word_about_it(router, lang, expected):
    chat = Chat(router, f"uma-{lang}", org=ORG, locale=lang)
    chat.say("ナビを始める")
    chat.say("1")
    chat.click(chat.choice_value("両方" if lang == "ja" else "Both"))
    chat.say("スキップ" if lang == "ja" else "skip")  # item 1
    seen = []
    for _ in range(40):
        q = chat.question
        if q is None or not q.key.endswith(tuple(i.id for i in RUBRIC.items[1:])):
            break
        seen.append(q.key)
        out = chat.say("3")
        if expected in out:
            break
    assert expected in out
    assert len(seen) == 35  # only after the last item of the walk (33), not before
    assert chat.question.key.endswith(":ai-policy")
    assert expected not in chat.say("3")  # all answered now: the submit question, no notice


def test_skip_on_the_last_item_wraps_with_the_notice_too(router):
    chat = Chat(router, "vic", org=ORG)
    start(chat)
    chat.say("スキップ")  # item 1 skipped
    out = chat.say("項目 33")  # the last item of the walk
    assert "33. 環境・持続可能性への影響の考慮" in out
    out = chat.say("スキップ")
    assert "スキップした（未回答の）項目が 36 件" in out and "1. AIポリシー" in out
