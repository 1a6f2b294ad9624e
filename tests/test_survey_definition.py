"""Survey definitions from YAML, CSV and xlsx: the example files import, and careless or hostile
files are refused naming the row and field, nothing stored; edits to answered questions are
refused."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from handlers.surveys.definition import build
from handlers.surveys.importer import from_csv, load
from handlers.surveys.service import edit_survey, find_survey
from store.errors import UserError
from tests.survey_support import QUESTIONS, answer_all, chat, seed

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "surveys"


def test_the_three_example_formats_give_the_same_survey(tmp_path):
    subprocess.run([sys.executable, str(EXAMPLES / "make_workbook.py"),
                    str(tmp_path / "s.xlsx")], check=True, capture_output=True)
    found = [load(p) for p in (EXAMPLES / "public-comment.yaml",
                               EXAMPLES / "public-comment.csv", tmp_path / "s.xlsx")]
    shape = [[(q.kind, q.text, q.required, q.choices) for q in d.questions] for d in found]
    assert shape[0] == shape[1] == shape[2]
    assert [q.kind for q in found[0].questions] == ["single", "multi", "scale", "short", "long"]
    assert found[0].audience == "class:regular" and found[0].deadline.hour == 23


@pytest.mark.parametrize(("change", "words"), [
    ({"kind": "dropdown"}, "question 1 kind"),
    ({"choices": ["only one"]}, "2 to 20 choices"),
    ({"choices": ["a", "a"]}, "same text"),
    ({"text": ""}, "question 1 text"),
    ({"required": "maybe"}, "required must be"),
    ({"kind": "short", "choices": ["x", "y"]}, "has no choices"),
])
def test_bad_questions_are_named(change, words):
    data = {"title": "t", "deadline": "2030-01-01", "questions": [{**QUESTIONS[0], **change}]}
    with pytest.raises(UserError) as info:
        build(data)
    assert words in info.value.en and "nothing stored" in info.value.en


@pytest.mark.parametrize(("field", "value"), [("deadline", "来週"), ("mode", "team"),
                                              ("anonymity", "secret"), ("audience", "evil:1"),
                                              ("title", "x" * 201)])
def test_bad_settings_are_named(field, value):
    data = {"title": "t", "deadline": "2030-01-01", "questions": QUESTIONS, field: value}
    with pytest.raises(UserError) as info:
        build(data)
    assert field in info.value.en


def test_files_that_are_not_what_they_claim(tmp_path):
    cases = {"a.xlsx": b"kind,text\n", "b.csv": "種類,設問\n".encode("cp932"),
             "c.yaml": b"- just\n- a list\n", "d.txt": b"x", "e.yaml": b"title: [unclosed\n"}
    for name, body in cases.items():
        (tmp_path / name).write_bytes(body)
        with pytest.raises(UserError):
            load(tmp_path / name)
    many = "title,t\ndeadline,2030-01-01\nkind,text\n" + "short,q\n" * 51
    with pytest.raises(UserError, match="questions"):
        from_csv(many)
    bad_row = "title,t\ndeadline,2030-01-01\nkind,text,choices\nsingle,q,a|b\nsingle,q2,x\n"
    with pytest.raises(UserError, match="question 2 \\(row 5\\)"):
        from_csv(bad_row)


def test_edits_to_answered_questions_are_refused(database):
    from handlers.dates import now_tokyo

    sid = seed(database)
    answer_all(chat(database, "u1", "A社"), sid)
    with database.transaction() as s:
        survey = find_survey(s, str(sid))
        base = {"title": "改題", "deadline": "2030-01-01", "questions": QUESTIONS}
        for changed in ({**QUESTIONS[0], "text": "別の問い"}, {**QUESTIONS[0], "choices": ["x", "y"]}):
            with pytest.raises(UserError, match="already has answers"):
                edit_survey(s, survey, build({**base, "questions": [changed, *QUESTIONS[1:]]}),
                            now_tokyo())
        with pytest.raises(UserError, match="Q5 already has answers"):
            edit_survey(s, survey, build({**base, "questions": QUESTIONS[:4]}), now_tokyo())
        extra = {"kind": "short", "text": "追加の問", "required": False}
        edit_survey(s, survey, build({**base, "questions": [*QUESTIONS, extra]}), now_tokyo())
        assert survey.title == "改題" and len(survey.questions) == 6
