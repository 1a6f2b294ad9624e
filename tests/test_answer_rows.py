"""An answer's turn reads the assessment's answers as plain rows and writes with single
statements (store.queries `answer_rows`, `save_answer`; issue 19): what it saves is what the
ORM reads afterwards, a changed answer keeps its notes' summary, and a race on a new item
still meets the unique constraint."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from store import queries
from store.models import Answer, AnswerEvent, Assessment, User
from tests.test_item_notes import NOW, ORG, notes, router, seeded, started  # noqa: F401


def answers(database) -> dict[str, tuple[int, str | None]]:
    with database.transaction() as s:
        return {a.item_id: (a.level, a.note) for a in s.scalars(select(Answer))}


def test_rows_hold_what_the_orm_holds(router, seeded):  # noqa: F811
    chat = started(router)
    chat.say("メモ 規程は法務部が管理")
    chat.say("2")
    chat.say("3")
    with seeded.transaction() as s:
        assessment = s.scalar(select(Assessment))
        rows = queries.answer_rows(s, assessment.id)
        orm = queries.answers_by_item(s, assessment.id)
        assert sorted(rows) == sorted(orm) and len(rows) == 2
        for item_id, row in rows.items():
            answer = orm[item_id]
            assert (row.id, row.assessment_id, row.level, row.note, row.answered_by,
                    row.answered_at) == (answer.id, answer.assessment_id, answer.level,
                                         answer.note, answer.answered_by, answer.answered_at)
        with pytest.raises(AttributeError):  # read-only: a turn cannot change one by accident
            next(iter(rows.values())).level = 4  # type: ignore[misc]


def test_changing_an_answer_keeps_its_notes_summary_and_its_history(router, seeded):  # noqa: F811
    chat = started(router)
    chat.say("メモ 規程は法務部が管理")
    chat.say("2")
    first = answers(seeded)
    assert first == {"ai-policy": (2, "規程は法務部が管理")}
    chat.say("戻る")
    out = chat.say("4")
    assert "1." in out
    assert answers(seeded)["ai-policy"] == (4, "規程は法務部が管理")
    with seeded.transaction() as s:
        levels = list(s.scalars(select(AnswerEvent.level).where(
            AnswerEvent.item_id == "ai-policy", AnswerEvent.level.is_not(None))
            .order_by(AnswerEvent.id)))
    assert levels == [2, 4]
    assert len(notes(seeded)) == 1  # the note itself untouched


def test_the_turn_after_a_change_shows_the_new_level(router, seeded):  # noqa: F811
    chat = started(router)
    chat.say("2")
    chat.say("戻る")
    chat.say("3")
    out = chat.say("戻る")
    assert "1. AIポリシー" in out and "現在の回答: 3点" in out and "2点" not in out.split(
        "現在の回答")[1].split("\n")[0]


def test_two_saves_of_one_new_item_meet_the_unique_constraint(router, seeded):  # noqa: F811
    """Two turns that both read "not answered yet" and both insert: the second fails inside
    its transaction, where the router retries it as a change."""
    started(router)
    with seeded.transaction() as s:
        assessment = s.scalar(select(Assessment))
        user = s.scalar(select(User))
        stale = queries.answer_rows(s, assessment.id)
    with seeded.transaction() as s:
        queries.save_answer(s, assessment, "ai-policy", 2, user, NOW, answers={}, note=None)
    with pytest.raises(IntegrityError), seeded.transaction() as s:
        queries.save_answer(s, assessment, "ai-policy", 3, user, NOW + timedelta(seconds=1),
                            answers=dict(stale), note=None)
    with seeded.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Answer)) == 1


def test_the_rows_dict_follows_each_save(router, seeded):  # noqa: F811
    started(router)
    with seeded.transaction() as s:
        assessment = s.scalar(select(Assessment))
        user = s.scalar(select(User))
        rows = queries.answer_rows(s, assessment.id)
        first = queries.save_answer(s, assessment, "ai-policy", 1, user, NOW, answers=rows,
                                    note=None)
        second = queries.save_answer(s, assessment, "ai-policy", 4, user, NOW, answers=rows,
                                     note="x")
        assert first.id == second.id and rows["ai-policy"] == second
        assert (second.level, second.note) == (4, "x")
        assert queries.answer_rows(s, assessment.id) == rows
