"""Database and rubric problems reach the user as a plain sentence, never a traceback."""

from __future__ import annotations

import socket

from sqlalchemy import select

from handlers.router import Router
from handlers.types import Failure
from store.db import Database
from store.models import Answer, Round
from tests.support.chat import Chat
from tests.test_navi_flow import NOW, ORG, seeded  # noqa: F401  (fixture)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens there once the socket closes


def test_unreachable_database_gets_a_polite_answer():
    db = Database(f"postgresql://postgres@127.0.0.1:{closed_port()}/none?connect_timeout=2")
    chat = Chat(Router(db), "u")
    out = chat.say("ナビを始める")
    assert "データベースに接続できません" in out and "Traceback" not in out
    assert isinstance(chat.last[0], Failure)  # adapters release their dedupe claim on it
    out = Chat(Router(db), "u", locale="en").say("start navi")
    assert "database cannot be reached" in out


def test_missing_rubric_version_is_reported_plainly(seeded):  # noqa: F811
    with seeded.transaction() as s:
        s.scalar(select(Round)).rubric_version = "9.9"
    out = Chat(Router(seeded, clock=lambda: NOW), "alice", org=ORG).say("ナビを始める")
    assert "診断項目のデータに問題があり" in out and "9.9" in out


def test_an_unexpected_error_keeps_saved_answers(seeded, monkeypatch):  # noqa: F811
    router = Router(seeded, clock=lambda: NOW)
    chat = Chat(router, "alice", org=ORG)
    chat.say("ナビを始める")
    chat.say("はい")
    chat.click(chat.choice_value("両方"))
    chat.say("3")

    def boom(*_a, **_k):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr("store.queries.save_answer", boom)
    out = chat.say("2")
    assert "問題が起きました" in out and "保存されています" in out
    assert isinstance(chat.last[0], Failure)
    monkeypatch.undo()
    with seeded.transaction() as s:
        assert [(a.item_id, a.level) for a in s.scalars(select(Answer))] == [("ai-policy", 3)]
    assert "2. AI利用ルール" in chat.say("続き")
