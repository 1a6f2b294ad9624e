"""A turn whose COMMIT fails hands nothing on as saved (router.TurnHooks.rolled_back).

The adapters' hooks claim, inside the turn's transaction, the question messages its replies
close. When the commit itself fails (the database drops at that moment), those claims were
rolled back with the answer: the member must see the polite failure and keep the live buttons
of the question, never a message redrawn as answered for an answer that was not saved.
The router tests fail without `rolled_back`; the Slack and Teams ones hold the whole path (the
failure said, the button live, the same click saved once the database is back).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from handlers.router import Router
from handlers.types import Failure, Incoming, Lang, Reply
from store.models import Answer
from tests.support.fake_connector import seed_member as seed_teams_member
from tests.support.fake_connector import teams_stack
from tests.support.fake_slack import seed_member, slack_stack
from tests.test_slack_flow import DM, USER, rubrics
from tests.test_slack_flow import start_assessment as start_in_slack
from tests.test_teams_flow import AAD
from tests.test_teams_flow import start_assessment as start_in_teams


@contextmanager
def commit_fails_once_an_answer_is_written() -> Iterator[list[int]]:
    """The first COMMIT of a transaction that wrote an answer raises, as a dropped connection
    would; every other commit (the adapters' own bookkeeping) goes through."""
    failed: list[int] = []

    def mark(conn, _cursor, statement: str, *_args) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO ANSWERS"):
            conn.info["wrote_answer"] = True

    def fail(conn) -> None:
        if conn.info.pop("wrote_answer", False) and not failed:
            failed.append(1)
            raise OperationalError("COMMIT", {}, ConnectionError("server closed the connection"))

    def forget(conn) -> None:
        conn.info.pop("wrote_answer", None)

    event.listen(Engine, "before_cursor_execute", mark)
    event.listen(Engine, "commit", fail)
    event.listen(Engine, "rollback", forget)
    try:
        yield failed
    finally:
        event.remove(Engine, "before_cursor_execute", mark)
        event.remove(Engine, "commit", fail)
        event.remove(Engine, "rollback", forget)


def answers(database) -> int:
    with database.transaction() as session:
        return session.scalar(select(func.count()).select_from(Answer))


class Recording:
    """A TurnHooks that remembers what it was told, in order."""

    def __init__(self) -> None:
        self.told: list[str] = []
        self.lang: Lang | None = None

    def before(self, session) -> bool:
        self.told.append("before")
        return True

    def after(self, session, lang: Lang, replies: list[Reply]) -> None:
        self.told.append("after")
        self.lang = lang

    def rolled_back(self) -> None:
        self.told.append("rolled_back")
        self.lang = None


def test_the_router_tells_its_hooks_when_the_commit_fails(database):
    from tests.support import factories as f

    mini = f.mini_rubrics()
    with database.transaction() as s:
        f.round_(s, "2026年度上期")
        f.org(s, "A社")
    router = Router(database, rubrics=mini, clock=lambda: f.NOW)

    def say(text: str, hooks=None) -> list[Reply]:
        return router.handle(Incoming(platform="console", user_id="taro", org_name="A社",
                                      text=text), hooks)

    say("ナビを始める")
    say("1")  # はい
    say("3")  # 両方: the first item is asked
    hooks = Recording()
    with commit_fails_once_an_answer_is_written() as failed:
        replies = say("2", hooks)
    assert failed == [1]
    assert hooks.told == ["before", "after", "rolled_back"] and hooks.lang is None
    assert len(replies) == 1 and isinstance(replies[0], Failure)
    assert "データベース" in replies[0].text and answers(database) == 0
    again = Recording()
    replies = say("2", again)  # the same answer once the database is back: saved
    assert again.told == ["before", "after"] and again.lang == "ja"
    assert answers(database) == 1 and not any(isinstance(r, Failure) for r in replies)


def test_a_failed_hook_before_the_turn_is_told_too(database):
    class Broken(Recording):
        def before(self, session) -> bool:
            super().before(session)
            raise OperationalError("SELECT", {}, ConnectionError("gone"))

    router = Router(database, rubrics=rubrics())
    hooks = Broken()
    replies = router.handle(Incoming(platform="console", user_id="u", text="help"), hooks)
    assert hooks.told == ["before", "rolled_back"]
    assert [type(r) for r in replies] == [Failure]


@pytest.mark.asyncio
async def test_slack_keeps_the_question_live_when_the_answer_did_not_commit(database_url,
                                                                            database):
    seed_member(database)
    async with slack_stack(database_url, rubrics=rubrics()) as stack:
        stack.fake.add_user(USER, "taro@example.co.jp")
        first = await start_in_slack(stack)
        with commit_fails_once_an_answer_is_written() as failed:
            assert (await stack.click(USER, first, label="2点")).status == 200
            await stack.settle()
        assert failed == [1] and answers(database) == 0
        shown = stack.fake.messages[(DM, first["ts"])]
        assert shown["updates"] == 0  # not redrawn as answered: nothing was saved
        assert "データベースに接続できません" in stack.fake.posts(DM)[-1]["text"]
        # the same button, clicked again once the database is back, counts and is saved
        assert (await stack.click(USER, first, label="2点")).status == 200
        await stack.settle()
        assert answers(database) == 1
        assert stack.fake.messages[(DM, first["ts"])]["updates"] == 1
        assert "→ 2点" in json.dumps(stack.fake.messages[(DM, first["ts"])],
                                     ensure_ascii=False)
        assert stack.fake.problems == []


@pytest.mark.asyncio
async def test_teams_keeps_the_card_live_when_the_answer_did_not_commit(database_url, database):
    seed_teams_member(database)
    async with teams_stack(database_url) as stack:
        stack.fake.add_member(AAD, email="hanako@example.co.jp")
        first = await start_in_teams(stack)
        with commit_fails_once_an_answer_is_written() as failed:
            assert (await stack.click(AAD, first, "2点")).status == 200
        assert failed == [1] and answers(database) == 0
        assert stack.fake.posted[first.id].buttons != []  # still live: nothing was saved
        told = json.dumps(stack.fake.sent()[-1].body, ensure_ascii=False)
        assert "データベースに接続できません" in told
        assert (await stack.click(AAD, first, "2点")).status == 200
        assert answers(database) == 1 and stack.fake.posted[first.id].buttons == []
        assert stack.fake.problems == []

