"""Privacy on every surface that shows results: a member sees its own company only, never
another company's result, never a benchmark before it may be published, never the round
report. Surfaces: the router (the chat on every platform), the console, and the handler entry
points the router is wired to."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from pathlib import Path

from bot.console import run_console
from handlers.results.report import round_report_replies
from handlers.results.view import benchmark_replies, org_result_replies, result_replies
from handlers.router import Router
from handlers.types import Image, plain_text
from store import audit, queries
from store.models import Organisation
from tests.support import factories as f
from tests.support.chat import Chat

RUBRICS = f.mini_rubrics()
MINI = RUBRICS.get("0.9")
ALL = [i.id for i in MINI.items]
B_LEVELS = {"policy": 4, "usage": 4, "cases": 1, "owner": 4, "data-ip": 4, "use-ip": 4,
            "monitoring": 4}  # B's own figures: overall 25/7 = 3.57, awareness 1.00


def two_companies(database, *, members: int = 0, over: bool = False) -> tuple[int, int]:
    """A (all 2) and B (B_LEVELS) submitted, plus `members` more companies at level 3."""
    with database.transaction() as s:
        deadline = f.NOW - timedelta(days=1) if over else f.NOW + timedelta(days=10)
        rnd = f.round_(s, "2026年度上期", deadline=deadline)
        a, b = f.org(s, "A社"), f.org(s, "B社")
        f.assessment(s, a, rnd, f.uniform(ALL, 2))
        f.assessment(s, b, rnd, B_LEVELS)
        for index in range(members):
            f.assessment(s, f.org(s, f"会員{index}"), rnd, f.uniform(ALL, 3))
        f.user(s, "console:admin", None, admin=True)
        return a.id, b.id


def router(database) -> Router:
    return Router(database, rubrics=RUBRICS, admins=frozenset({"console:admin"}),
                  clock=lambda: f.NOW)


def assert_nothing_of_b(text: str) -> None:
    assert "B社" not in text
    assert "3.57" not in text  # B's overall
    assert "会員平均" not in text.replace("会員平均は", "")


def test_router_result_shows_only_the_asking_company(database):
    two_companies(database)
    chat = Chat(router(database), "alice", org="A社")
    text = chat.say("結果")
    assert "A社 の結果（2026年度上期）" in text and "全体スコア: 2.00" in text
    assert_nothing_of_b(text)
    assert "締切後に公開" in text  # the round is open: no benchmark, a polite reason
    # the same user later claiming another company (console --org B社) is still A's user
    chat.org = "B社"
    again = chat.say("result")
    assert "Result for A社" in again
    assert_nothing_of_b(again)


def test_router_result_before_the_threshold_shows_no_benchmark(database):
    two_companies(database, members=2, over=True)  # 4 companies, round over: threshold − 1
    text = Chat(router(database), "alice", org="A社").say("結果")
    assert "5社以上" in text
    assert "会員平均 " not in text and "パーセンタイル" not in text


def test_router_result_after_the_threshold_shows_the_benchmark(database):
    two_companies(database, members=3, over=True)  # 5 companies: may be published
    text = Chat(router(database), "alice", org="A社").say("結果")
    # overall: 2, 25/7, 3, 3, 3 → (2 + 25/7 + 9) / 5 = 2.91…; A's 2.00 is the lowest
    assert "全体スコア: 2.00 ｜ 会員平均 2.91 ｜ パーセンタイル 10" in text
    assert "B社" not in text


def test_console_prints_only_the_users_own_result_and_the_chart_path(database):
    two_companies(database)
    bot = router(database)
    Chat(bot, "carol", org="A社").say("状況")  # carol is linked to A社
    out = StringIO()
    run_console(bot, user_id="carol", org="B社", lang="ja", stdin=StringIO("結果\n"),
                stdout=out)
    text = out.getvalue()
    assert "A社 の結果" in text
    assert_nothing_of_b(text)
    chart = next(line for line in text.splitlines() if line.startswith("領域別スコアのグラフ: "))
    assert Path(chart.split(": ", 1)[1]).is_file()


def test_handler_refuses_another_companys_assessment(database):
    _a_id, b_id = two_companies(database)
    with database.transaction() as s:
        alice = f.user(s, "console:alice", s.get(Organisation, _a_id))
        b_assessment = queries.latest_submitted(s, b_id)
        replies = result_replies(f.turn(s, alice), b_assessment, MINI, RUBRICS)
        assert not any(isinstance(r, Image) for r in replies)
        text = plain_text(replies)
        assert "ほかの会員企業の結果はお見せできません" in text and "A社" in text
        assert_nothing_of_b(text)
        assert "another member company" in plain_text(
            result_replies(f.turn(s, alice, lang="en"), b_assessment, MINI, RUBRICS))


def test_asking_for_a_company_by_name(database):
    a_id, _b_id = two_companies(database)
    with database.transaction() as s:
        alice = f.user(s, "console:alice", s.get(Organisation, a_id))
        turn = f.turn(s, alice)
        other = plain_text(org_result_replies(turn, "B社", RUBRICS))
        unknown = plain_text(org_result_replies(turn, "存在しない株式会社", RUBRICS))
        assert other == unknown  # the refusal does not tell whether B社 exists
        assert_nothing_of_b(other)
        assert "A社 の結果" in plain_text(org_result_replies(turn, "A社", RUBRICS))
        nobody = f.user(s, "console:nobody", None)
        assert "ほかの会員企業" in plain_text(org_result_replies(f.turn(s, nobody), "B社",
                                                               RUBRICS))
        admin = queries.get_or_create_user(s, "console", "admin", f.NOW)
        seen = plain_text(org_result_replies(f.turn(s, admin), "B社", RUBRICS))
        assert "B社 の結果" in seen and "全体スコア: 3.57" in seen
        assert "登録されていません" in plain_text(org_result_replies(f.turn(s, admin), "Z社",
                                                                   RUBRICS))


def test_members_never_get_the_round_report(database):
    a_id, _b = two_companies(database, members=3, over=True)
    with database.transaction() as s:
        alice = f.user(s, "console:alice", s.get(Organisation, a_id))
        text = plain_text(round_report_replies(f.turn(s, alice), None, RUBRICS))
        assert "事務局専用" in text
        assert "B社" not in text and "参加状況" not in text
        assert audit.events(s) == []
        english = plain_text(round_report_replies(f.turn(s, alice, lang="en"), None, RUBRICS))
        assert "for the secretariat only" in english


def test_benchmark_for_a_user_without_a_company(database):
    two_companies(database, members=3, over=True)
    with database.transaction() as s:
        nobody = f.user(s, "console:nobody", None)
        text = plain_text(benchmark_replies(f.turn(s, nobody), None, RUBRICS))
        assert "所属会員企業が見つかりませんでした" in text and "会員平均" not in text
