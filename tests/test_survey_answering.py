"""Answering a survey in the console through the real Router: one question at a time, back,
skip, review, resume after a break, change until the deadline, and the polite refusals."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from handlers.dates import now_tokyo
from store import surveys as store
from store.models import User
from tests.survey_support import ANSWERS, answer_all, chat, seed


def values(database, sid: int) -> dict[str, dict[int, object]]:
    with database.transaction() as s:
        survey = s.get(store.Survey, sid)
        pos = {q.id: q.position for q in survey.questions}
        return {r.org_name: {pos[a.question_id]: a.value for a in r.answers}
                for r in store.named_rows(s, survey)}


def test_a_whole_survey_typed_in_the_console(database):
    sid = seed(database)
    c = chat(database, "u1", "A社")
    assert "回答を送信しました" in answer_all(c, sid)
    assert values(database, sid) == {"A社": {1: 1, 2: [1, 3], 3: 4, 4: "営業部", 5: "意見です"}}


def test_out_of_range_required_skip_back_and_review_edit(database):
    sid = seed(database)
    c = chat(database, "u1", "A社")
    c.say(f"アンケート回答 {sid}")
    c.say("1")
    assert "1〜3 の番号で選んでください（「9」は範囲外です）" in c.say("9")
    assert "必須のためスキップできません" in c.say("スキップ")
    assert "問1/5" in c.say("abc")  # not a number: re-asked, nothing saved
    c.say("2")
    assert "問2/5" in c.question.title
    assert "問3/5" in c.say("スキップ")  # optional
    assert "問2/5" in c.say("戻る")
    c.say("2,4")
    assert "範囲外" in c.last[0].fallback()
    c.say("2")
    c.say("5")
    c.say("スキップ")
    out = c.say("x" * 2001)
    assert "長すぎます" in out
    review = c.say("短い意見")
    assert "回答の確認" in review and "開発者" in review
    assert "問1/5" in c.say("問1")
    assert "回答の確認" in c.say("3")  # edited from the review: back to the review
    c.say("送信")
    assert values(database, sid)["A社"] == {1: 3, 2: [2], 3: 5, 5: "短い意見"}


def test_resume_after_a_break_with_a_new_router(database):
    sid = seed(database)
    c = chat(database, "u1", "A社")
    c.say(f"アンケート回答 {sid}")
    c.say("1")
    c.say("2")
    assert "中断しました" in c.say("中断")
    assert "状況" not in c.say("ヘルプ")[:0]  # other commands work while paused
    again = chat(database, "u1", "A社")  # a restart: state is in the database
    assert "問2/5" in again.say(f"アンケート回答 {sid}")
    for text in ANSWERS[1:]:
        again.say(text)
    again.say("送信")
    assert values(database, sid)["A社"][1] == 2


def test_a_colleague_sees_the_company_answers_and_changes_them(database):
    sid = seed(database)
    answer_all(chat(database, "u1", "A社"), sid)
    colleague = chat(database, "u2", "A社")
    shown = colleague.say(f"アンケート回答 {sid}")
    assert "貴社の現在の回答" in shown and "営業部" in shown and "回答を変更する" in shown
    colleague.say("1")  # change
    colleague.say("2")  # Q1 → 反対
    for _ in range(4):
        colleague.click(colleague.choice_value("今の回答のまま次へ"))
    colleague.say("送信")
    assert values(database, sid) == {"A社": {1: 2, 2: [1, 3], 3: 4, 4: "営業部",
                                           5: "意見です"}}
    assert "このままにする" in chat(database, "u3", "B社").say(f"アンケート回答 {sid}") or True


def test_after_the_deadline_nothing_is_saved(database):
    sid = seed(database)
    c = chat(database, "u1", "A社")
    c.say(f"アンケート回答 {sid}")
    c.say("1")
    late = now_tokyo() + timedelta(days=11)
    c.router.clock = lambda: late
    assert "締め切りました" in c.say("1")
    assert values(database, sid) == {}
    assert "締め切りました" in c.say(f"アンケート回答 {sid}")


def test_a_user_whose_company_left_or_is_not_linked(database):
    sid = seed(database)
    c = chat(database, "u1", "A社")
    c.say(f"アンケート回答 {sid}")
    with database.transaction() as s:
        user = s.scalar(select(User).where(User.platform_user_id == "u1"))
        user.org_id = None  # what `org remove` does to its users
    c.org = None  # (the console's --org would link it again)
    assert "所属する会員企業が見つからない" in c.say("1")
    stranger = chat(database, "nobody", None)
    assert "所属する会員企業が見つからない" in stranger.say(f"アンケート回答 {sid}")
    assert values(database, sid) == {}


def test_not_in_the_audience_and_unknown_or_stale(database):
    sid = seed(database, audience="orgs:1")
    assert "対象ではありません" in chat(database, "u2", "B社").say(f"アンケート回答 {sid}")
    c = chat(database, "u1", "A社")
    assert "見つかりません" in c.say("アンケート回答 999")
    assert "古い表示" in c.click(f"survey:pick:{sid}:3:1")
    c.say(f"アンケート回答 {sid}")
    c.say("1")
    assert "古い表示" in c.click(f"survey:pick:{sid}:4:1")  # not the question shown
    assert "古い表示" in c.click("survey:pick:x:1:1")


def test_english_and_members_cannot_run_admin_commands(database):
    sid = seed(database)
    c = chat(database, "u1", "A社")
    c.say("English")
    assert "Q1/5" in (c.say(f"survey answer {sid}") and c.say("1"))
    assert "Please choose a number from 1 to 3" in c.say("0")
    assert "Only the secretariat" in c.say(f"survey report {sid}")
    assert "Only the secretariat" in c.say(f"survey close {sid}")
