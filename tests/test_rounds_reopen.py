"""Reopening a submitted assessment: the secretariat only, with a reason, audited; members see
their Navi open again, another company's submission is untouched."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.cli import main
from handlers.router import Router
from store import audit
from store.models import Assessment, Organisation, Round
from tests.support import factories as f
from tests.support.chat import Chat

RUBRICS = f.mini_rubrics()
ALL = [i.id for i in RUBRICS.get("0.9").items]


@pytest.fixture
def world(database):
    with database.transaction() as s:
        rnd = f.round_(s, "2026年度上期", deadline=f.NOW + timedelta(days=10))
        a, b = f.org(s, "A社"), f.org(s, "B社")
        f.assessment(s, a, rnd, f.uniform(ALL, 2))
        f.assessment(s, b, rnd, f.uniform(ALL, 4))
        f.user(s, "console:boss", None)
        f.user(s, "console:taro", a)
    return database


def chat(database, user: str, admins=("console:boss",), locale: str | None = None) -> Chat:
    router = Router(database, rubrics=RUBRICS, admins=frozenset(admins), clock=lambda: f.NOW)
    return Chat(router, user, locale=locale)


def statuses(database) -> dict[str, str]:
    with database.transaction() as s:
        rows = s.execute(select(Organisation.name, Assessment.status)
                         .join(Assessment, Assessment.org_id == Organisation.id))
        return dict(rows.all())


def round_id(database) -> int:
    with database.transaction() as s:
        return s.scalar(select(Round.id))


def test_the_secretariat_reopens_with_a_reason_and_it_is_audited(world):
    rid = round_id(world)
    text = chat(world, "boss").say(f'提出取消 {rid} A社 理由="項目の回答誤り"')
    assert "提出を取り消し" in text and "項目の回答誤り" in text
    assert statuses(world) == {"A社": "in_progress", "B社": "submitted"}
    with world.transaction() as s:
        [event] = audit.events(s, action_prefix="assessment.reopen")
        assert event.actor == "console:boss" and event.detail["reason"] == "項目の回答誤り"
        assert event.detail["company"] == "A社" and event.detail["was_submitted_at"]
    # the company can answer again
    assert "提出済み" not in chat(world, "taro").say("項目 1")


def test_members_and_removed_admins_cannot_reopen(world):
    rid = round_id(world)
    for user, admins in (("taro", ("console:boss",)), ("boss", ())):
        text = chat(world, user, admins).say(f"round reopen {rid} A社 reason=x")
        assert "事務局（管理者）のみ" in text
    assert statuses(world) == {"A社": "submitted", "B社": "submitted"}


@pytest.mark.parametrize(("words", "expected"), [
    ("提出取消 {rid} A社", "理由"),
    ("提出取消 {rid}", "使い方"),
    ("提出取消 {rid} C社 理由=x", "登録されていません"),
    ("提出取消 999 A社 理由=x", "999"),
    ("提出取消 {rid} A社 理由=" + "長" * 600, "500"),
])
def test_bad_requests_are_refused_politely_and_change_nothing(world, words, expected):
    text = chat(world, "boss").say(words.format(rid=round_id(world)))
    assert expected in text
    assert statuses(world) == {"A社": "submitted", "B社": "submitted"}


def test_english_and_a_second_reopen(world):
    rid = round_id(world)
    text = chat(world, "boss", locale="en-US").say(f'round reopen {rid} A社 reason="typo"')
    assert "Reopened" in text and "audit log" in text
    again = chat(world, "boss", locale="en-US").say(f"round reopen {rid} A社 reason=again")
    assert "has not submitted" in again


def test_the_cli_reopens_and_refuses_without_a_submission(world, database_url, monkeypatch,
                                                          capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    rid = str(round_id(world))
    assert main(["round", "reopen", rid, "B社", "--reason", "訂正依頼"]) == 0
    assert "B社" in capsys.readouterr().out
    assert statuses(world) == {"A社": "submitted", "B社": "in_progress"}
    assert main(["round", "reopen", rid, "B社", "--reason", "again"]) == 2
    assert "提出していません" in capsys.readouterr().err
    assert main(["round", "reopen", rid, "A社", "--reason", "  "]) == 2
    assert statuses(world)["A社"] == "submitted"
