"""The 「3点の目安」 advice in the holes list says when its text is a draft (issue 15)."""

from __future__ import annotations

import pytest

from handlers.results.view import result_replies
from handlers.types import Text
from tests.support import factories as f

RUBRICS = f.mini_rubrics()


@pytest.mark.parametrize(("lang", "mark", "label"), [("ja", "（案）", "3点の目安"),
                                                     ("en", " (draft)", "Level 3 asks")])
def test_draft_advice_is_marked_and_approved_advice_is_not(database, lang, mark, label):
    rubric = RUBRICS.get("0.9")
    drafts = [i for i in rubric.items if i.levels[3].draft]
    approved = [i for i in rubric.items if not i.levels[3].draft]
    with database.transaction() as s:
        company = f.org(s, "株式会社案")
        rnd = f.round_(s, "R")
        a = f.assessment(s, company, rnd, f.uniform([i.id for i in rubric.items], 1))
        person = f.user(s, "slack:UD", company)
        replies = result_replies(f.turn(s, person, lang=lang), a, rubric, RUBRICS)
    todo = next(r.text for r in replies if isinstance(r, Text) and label in r.text)
    advice = [line for line in todo.splitlines() if label in line]
    assert len(advice) == len(rubric.items)
    for item in drafts:
        assert f"{label}: {item.levels[3].get(lang)}{mark}" in todo
    for item in approved:
        assert f"{label}: {item.levels[3].get(lang)}\n" in todo + "\n"
        assert f"{item.levels[3].get(lang)}{mark}" not in todo
    assert drafts, "the fixture rubric has draft texts"
