"""Issue 18 through the real Router (console users): three colleagues split the items, the
approver sends an area back, it is fixed, approved and submitted; other companies see nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from handlers.navi.team_parse import Person, numbers_of, parse
from handlers.router import Router
from store import assignments as team
from store.models import Assessment, Organisation, Round
from store.reminders import Delivery
from tests.support.chat import Chat
from tests.support.factories import NOW, mini_rubrics

ORG, OTHER = "株式会社A", "株式会社B"


@pytest.fixture
def router(database):
    with database.transaction() as s:
        s.add_all([Organisation(name=ORG, created_at=NOW), Organisation(name=OTHER, created_at=NOW),
                   Round(name="2026年度下期", rubric_version="0.9", opens_at=NOW - timedelta(days=1),
                         deadline_at=NOW + timedelta(days=20), status="open", created_at=NOW)])
    return Router(database, rubrics=mini_rubrics(), clock=lambda: NOW)


def people(router: Router) -> dict[str, Chat]:
    chats = {name: Chat(router, name, org=ORG) for name in ("alice", "bob", "carol", "dave")}
    chats["eve"] = Chat(router, "eve", org=OTHER)
    for chat in chats.values():
        chat.say("ヘルプ")  # everyone has talked to the bot once
    return chats


def answer_shown(chat: Chat, level: str = "3", limit: int = 10) -> list[str]:
    """Answer every item question shown in a row; the item ids answered."""
    seen = []
    for _ in range(limit):
        q = chat.question
        if q is None or not q.key.startswith("navi:item:"):
            break
        seen.append(q.key.rsplit(":", 1)[1])
        chat.say(level)
    return seen


def count(database, model) -> int:
    with database.transaction() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def test_three_colleagues_split_send_back_fix_approve_submit(router, database):
    c = people(router)
    c["alice"].say("ナビを始める")
    c["alice"].say("はい")
    c["alice"].click(c["alice"].choice_value("両方"))
    out = c["alice"].say("項目 16-17 を @console:bob に 12月10日まで")
    assert "16, 17" in out and "bob" in out and "12月10日" in out and "自分の担当" in out
    assert "1, 2" in c["alice"].say("領域 1 を carol に")
    assert "承認者を dave" in c["alice"].say("承認者 @console:dave")
    listed = c["alice"].say("担当")
    assert "bob" in listed and "carol" in listed and "未割り当て" in listed

    # bob walks only his items, then is told the rest is with others
    c["bob"].say("自分の担当")
    assert answer_shown(c["bob"]) == ["data-ip", "use-ip"]
    assert "担当の項目はすべて回答しました" in plain(c["bob"])
    status = c["alice"].say("状況")
    assert "未回答（carol）: 1, 2" in status and "未回答（bob）: —" in status
    c["carol"].say("自分の担当")
    assert answer_shown(c["carol"], "2") == ["policy", "usage"]
    # the last answers: the summary goes to the approver instead of a submit question
    c["alice"].say("続き")
    answer_shown(c["alice"], "4")
    assert "承認者 dave さんに要約を送りました" in plain(c["alice"])
    assert "承認待ち" in c["alice"].say("提出")
    assert status_of(database) == "in_progress"
    who = c["alice"].say("回答者")
    assert "レベル3・bob" in who and "担当 carol" in who

    # a colleague who is not the approver cannot decide
    summary = c["dave"].say("承認")
    assert "総合スコア" in summary and "承認して提出" in summary
    approve = c["dave"].choice_value("承認して提出")
    assert "承認者（dave さん）だけ" in c["alice"].click(approve)
    assert "差し戻し 領域" in c["dave"].click(c["dave"].choice_value("差し戻す"))  # console: words
    assert "コメントが必要" in c["dave"].say("差し戻し 領域 4")
    out = c["dave"].say("差し戻し 領域 4 根拠の資料を確認してください")
    assert "16, 17" in out and "bob" in out
    assert "承認待ちの依頼はありません" in c["dave"].click(approve)  # sent back: nothing waits
    assert "見直していません" in c["alice"].say("提出")

    # bob revises; the last revision sends a new request by itself
    c["bob"].say("自分の担当")
    assert answer_shown(c["bob"], "4") == ["data-ip", "use-ip"]
    assert "要約を送りました" in plain(c["bob"])
    assert "この要約の後に" in c["dave"].click(approve)  # the old request's button is stale
    c["dave"].say("承認")
    out = c["dave"].click(c["dave"].choice_value("承認して提出"))
    assert "提出しました" in out
    assert status_of(database) == "submitted"
    history = c["alice"].say("履歴")
    for step in ("割り当て", "承認者を dave", "承認を依頼", "差し戻し", "承認", "提出",
                 "項目 16 → レベル3", "項目 16 → レベル4"):
        assert step in history, step
    # a console assignee has no DM: nothing is queued for console users
    assert count(database, Delivery) == 0


def test_another_company_sees_and_changes_nothing(router, database):
    c = people(router)
    c["alice"].say("ナビを始める")
    c["alice"].say("はい")
    c["alice"].click(c["alice"].choice_value("両方"))
    c["alice"].say("承認者 dave")
    with database.transaction() as s:
        aid = s.scalar(select(Assessment.id))
    before = count(database, team.HistoryEntry)
    eve = c["eve"]
    assert "始まっていません" in eve.say("項目 1 を @console:alice に")
    assert "始まっていません" in eve.say("履歴")
    assert "始まっていません" in eve.say("回答者")
    assert "承認待ちの依頼はありません" in eve.click(f"team:approve:{aid}:1")
    assert "承認待ちの依頼はありません" in eve.click(f"team:sendback:{aid}:1")
    assert "bob" not in eve.click(f"navi:mine:{aid}")
    assert "その方には割り当てられません" in eve.say("承認者 @console:alice")
    assert count(database, team.HistoryEntry) == before
    assert count(database, team.Approver) == 1


@pytest.mark.parametrize(("typed", "expected"), [
    ("項目 1 を @console:eve に", "その方には割り当てられません"),  # another company
    ("項目 1 を @console:nobody に", "その方には割り当てられません"),  # never met
    ("項目 1 を @bot に", "その方には割り当てられません"),  # the bot itself
    ("項目 1 を @slack:U999 に", "その方には割り当てられません"),
    ("項目 99 を bob に", "項目 99 はありません"),
    ("項目 1-99999 を bob に", "番号を読み取れませんでした"),
    ("領域 9 を bob に", "領域 9 はありません"),
    ("項目 1 を bob に 2027年1月20日まで", "締切"),  # after the round's deadline
    ("項目 1 を bob に 2026年11月1日まで", "過去"),
    ("項目 1 を bob に 13月40日まで", "期限を読み取れませんでした"),
    ("項目 1 を bob に よろしく", "期限を読み取れませんでした"),
    ("assign items 1-2 to nobody", "I cannot give items"),  # a command: its language
])
def test_unclear_or_foreign_assignments_are_refused_and_store_nothing(router, database, typed,
                                                                     expected):
    c = people(router)
    c["alice"].say("ナビを始める")
    c["alice"].say("はい")
    c["alice"].click(c["alice"].choice_value("両方"))
    assert expected in c["alice"].say(typed)
    assert count(database, team.Assignment) == 0


def test_english_assignment_with_iso_due_date(router, database):
    c = people(router)
    c["alice"].say("start navi")
    c["alice"].say("yes")
    c["alice"].click(c["alice"].choice_value("Both"))
    out = c["alice"].say("assign items 16-17 to @console:bob by 2026-12-10")
    assert "Items 16, 17 are now with bob (due" in out
    with database.transaction() as s:
        rows = list(s.scalars(select(team.Assignment)))
    assert {r.item_id for r in rows} == {"data-ip", "use-ip"}
    assert all(r.due_at is not None and r.due_at.day == 10 for r in rows)


def test_without_an_approver_submission_works_as_before(router, database):
    c = people(router)
    c["alice"].say("ナビを始める")
    c["alice"].say("はい")
    c["alice"].click(c["alice"].choice_value("両方"))
    answer_shown(c["alice"])
    assert "提出" in plain(c["alice"])
    c["alice"].say("1")  # the submit question's first choice
    assert status_of(database) == "submitted"


def test_parser_reads_each_surface_and_rejects_junk():
    assert parse("項目 14-17 を <@U123ABC> に").person == Person(None, "U123ABC")
    assert parse("項目１４－１７を <@U1|hanako> に").numbers == (14, 15, 16, 17)
    assert parse("項目 1 を @teams:aad-1 に").person == Person("teams", "aad-1")
    assert parse("項目 3") is None and parse("") is None and parse("x" * 500) is None
    assert numbers_of("3-1") == () and numbers_of("1,,2") == (1, 2) and numbers_of("²") == ()


def plain(chat: Chat) -> str:
    from handlers.types import plain_text
    return plain_text(chat.last)


def status_of(database) -> str:
    with database.transaction() as s:
        return s.scalar(select(Assessment.status)) or ""
