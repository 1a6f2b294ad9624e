"""The review before submitting lists the assessment's notes (handlers/navi/notes.py `review`):
reached the way a member reaches it — every applicable item answered, then 「回答を見直す」 on
the submit question — so the notes block is asserted on the real review, not on a partial one."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from handlers.dates import TOKYO
from handlers.router import Router
from handlers.types import Fields, Question
from rubrics.loader import registry
from store.item_notes import ItemNote
from store.models import Answer, Organisation, OrgDomain, Round
from tests.support.chat import Chat

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=TOKYO)
ORG = "株式会社レビュー"
RUBRIC = registry().get("1.1")
ROLES = ["user"]  # 「AI利用者」: the items a user of AI answers
NOTED = 12  # a note on an item in the middle of the walk, not the first one shown
NOTE = "リスク区分は規程第12条で定義済み"


@pytest.fixture
def router(database):
    with database.transaction() as s:
        org = Organisation(name=ORG, created_at=NOW)
        org.domains.append(OrgDomain(domain="review.example"))
        s.add_all([org, Round(name="2026年度下期", rubric_version="1.1",
                              opens_at=NOW - timedelta(1), deadline_at=NOW + timedelta(20),
                              status="open", created_at=NOW)])
    return Router(database, clock=lambda: NOW)


def answer_everything_noting_one(chat: Chat) -> list[int]:
    """Answer each item the Navi shows; right after answering item NOTED, note it (a typed
    「メモ ＿＿」 goes to the item answered last). The numbers asked, in order."""
    asked = []
    for _ in range(60):
        q = chat.question
        if q is None or not q.key.startswith("navi:item:"):
            break
        item = RUBRIC.item(q.key.rsplit(":", 1)[1])
        asked.append(item.number)
        chat.say(str(item.number % 4 + 1))
        if item.number == NOTED:
            chat.say(f"メモ {NOTE}")
    return asked


def reach_review(chat: Chat, role_label: str) -> list:
    assert "よろしいですか" in chat.say("ナビを始める")
    chat.say("はい")
    chat.click(chat.choice_value(role_label))
    asked = answer_everything_noting_one(chat)
    applicable = {i.number for i in RUBRIC.applicable(ROLES)}
    assert sorted(asked) == sorted(applicable) and NOTED in applicable
    submit = chat.question
    assert submit is not None and submit.key.startswith("navi:submit:")
    chat.click(chat.choice_value("回答を見直す"))
    return chat.last


def test_the_review_after_every_answer_lists_the_note_with_its_item(router, database):
    chat = Chat(router, "rei", platform="teams", org=ORG)
    replies = reach_review(chat, "AI利用者")
    with database.transaction() as s:  # the review really is the one after every answer
        answered = set(s.scalars(select(Answer.item_id)))
        [note] = s.scalars(select(ItemNote)).all()
        assert note.text == NOTE and RUBRIC.item(note.item_id).number == NOTED
    assert answered == {i.id for i in RUBRIC.applicable(ROLES)}
    tables = [r for r in replies if isinstance(r, Fields)]
    answers_table, notes_table = tables  # the answers, then the notes
    assert answers_table.title == "回答を見直す"
    assert all(value != "—" for _, value in answers_table.fields)  # nothing left unanswered
    assert notes_table.title == "メモと根拠資料"
    item = next(i for i in RUBRIC.items if i.number == NOTED)
    [(label, text)] = notes_table.fields  # only the item with a note is listed
    assert label == f"{NOTED}. {item.title.get('ja')}"
    assert NOTE in text and f"#{note.id}" in text
    # the notes sit between the answers and the submit question, which stays last
    assert isinstance(replies[-1], Question) and replies[-1].key.startswith("navi:submit:")
    assert replies.index(notes_table) == len(replies) - 2


def test_the_review_in_english_lists_the_note_under_the_english_item_title(router):
    chat = Chat(router, "ren", platform="slack", org=ORG)
    chat.say("English")  # the member's explicit language
    assert "Start the self-assessment" in chat.say("start navi")
    chat.click(chat.choice_value("Yes, start"))
    chat.click(chat.choice_value("AI user"))
    asked = answer_everything_noting_one(chat)
    assert NOTED in asked
    chat.click(chat.choice_value("Review answers"))
    [notes_table] = [r for r in chat.last
                     if isinstance(r, Fields) and r.title == "Notes and evidence"]
    item = next(i for i in RUBRIC.items if i.number == NOTED)
    [(label, text)] = notes_table.fields
    assert label == f"{NOTED}. {item.title.get('en')}" and NOTE in text


def test_a_review_clicked_before_every_answer_asks_the_next_item_not_submit(router, database):
    """「回答を見直す」 from an earlier message, with items still open: the review lists what
    is answered and goes on with the next item — it never says every item is answered."""
    chat = Chat(router, "early", platform="slack", org=ORG)
    chat.say("ナビを始める")
    chat.say("はい")
    chat.click(chat.choice_value("AI利用者"))
    chat.say("2")  # one item answered
    with database.transaction() as s:
        [aid] = s.scalars(select(Answer.assessment_id)).all()
    chat.click(f"navi:review:{aid}")
    replies = chat.last
    texts = " ".join(str(getattr(r, "title", "")) + str(getattr(r, "text", "")) for r in replies)
    assert "すべてに回答しました" not in texts
    [table] = [r for r in replies if isinstance(r, Fields) and r.title == "回答を見直す"]
    assert [value for label, value in table.fields if label.startswith("1. ")] == ["2点"]
    last = replies[-1]
    assert isinstance(last, Question) and last.key.startswith("navi:item:")
