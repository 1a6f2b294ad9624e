"""Shared set-up of the survey tests: companies, a five-question survey, a chat."""

from __future__ import annotations

from datetime import timedelta

from handlers.dates import now_tokyo
from handlers.router import Router
from handlers.surveys.definition import build
from handlers.surveys.service import create_survey, send_survey
from store.models import Organisation
from tests.support.chat import Chat

QUESTIONS = [
    {"kind": "single", "text": "方向性に賛成ですか", "choices": ["賛成", "反対", "どちらとも"]},
    {"kind": "multi", "text": "意見のある章", "choices": ["総論", "開発者", "利用者"],
     "required": False},
    {"kind": "scale", "text": "使いやすさ"},
    {"kind": "short", "text": "部署", "required": False},
    {"kind": "long", "text": "ご意見"},
]


def seed(database, names=("A社", "B社", "C社"), *, industry: str | None = None,
         **settings) -> int:
    """Companies (regular) and one open survey; returns its id."""
    now = now_tokyo()
    with database.transaction() as s:
        for name in names:
            s.add(Organisation(name=name, membership_class="regular", created_at=now,
                               industry=industry))
        data = {"title": "テスト調査", "deadline": (now + timedelta(days=10)).isoformat()[:16],
                "questions": QUESTIONS, **settings}
        data["deadline"] = (now + timedelta(days=10)).strftime("%Y-%m-%d %H:%M")
        survey = create_survey(s, build(data), now)
        send_survey(s, survey, now)
        return survey.id


def chat(database, user: str, org: str | None, **kw) -> Chat:
    return Chat(Router(database, **kw), user, org=org)


ANSWERS = ["1", "1,3", "4", "営業部", "意見です"]


def answer_all(c: Chat, sid: int, answers=ANSWERS) -> str:
    c.say(f"アンケート回答 {sid}")
    c.say("1")  # 回答を始める
    for text in answers:
        c.say(text)
    return c.say("送信")
