"""An anonymous survey stores no link from an answer to a company or a user: every column of
every answer table is inspected after three companies answered; completions (who answered,
for reminders) are kept apart with no time and nothing to join them to a ballot."""

from __future__ import annotations

from sqlalchemy import inspect, select, text

from store import surveys as store
from store.models import Organisation, User
from tests.survey_support import answer_all, chat, seed

ANSWER_TABLES = ("survey_anon_answers",)
NAMED_TABLES = ("survey_responses", "survey_answers")


def test_no_column_of_the_anonymous_answers_identifies_anyone(database):
    sid = seed(database, anonymity="anonymous")
    for user, org in (("member-aaa", "A社"), ("member-bbb", "B社"), ("member-ccc", "C社")):
        assert "匿名で送信しました" in answer_all(chat(database, user, org), sid,
                                              ["1", "2", "3", "総務", "同じ意見"])
    columns = {c["name"] for c in inspect(database.engine).get_columns("survey_anon_answers")}
    assert columns == {"ballot", "question_id", "value"}  # no org, user, time or serial id
    with database.transaction() as s:
        ids = {u.id for u in s.scalars(select(User))} | {o.id for o in s.scalars(
            select(Organisation))}
        names = {o.name for o in s.scalars(select(Organisation))} | {
            u.platform_user_id for u in s.scalars(select(User))}
        rows = s.execute(text("SELECT ballot, question_id, value FROM survey_anon_answers")).all()
        question_ids = {q.id for q in s.get(store.Survey, sid).questions}
        assert len(rows) == 15
        for ballot, question_id, value in rows:
            assert len(ballot) == 32 and not ballot.isdecimal()  # random, not a counter
            assert question_id in question_ids
            raw = f"{ballot} {question_id} {value}"
            assert not any(n in raw for n in names), raw
        ballots = {r[0] for r in rows}
        assert len(ballots) == 3
        assert not any(b in str(i) for b in ballots for i in ids)
        for table in NAMED_TABLES:
            assert s.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0
        completions = s.execute(text(
            "SELECT respondent, completed_at FROM survey_completions")).all()
        assert sorted(r[0] for r in completions) == ["org:1", "org:2", "org:3"]
        assert all(r[1] is None for r in completions)  # no time to match with arrivals
        state = s.execute(text("SELECT data FROM conversation_states")).all()
        assert not any("survey" in str(d[0]) and "answers" in str(d[0]) for d in state)
    if database.engine.dialect.name == "sqlite":
        with database.engine.connect() as conn:  # no rowid: no insertion order either
            ddl = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = "
                                    "'survey_anon_answers'")).scalar()
            assert "WITHOUT ROWID" in ddl


def test_anonymous_answers_cannot_be_seen_or_sent_twice(database):
    sid = seed(database, anonymity="anonymous")
    answer_all(chat(database, "u1", "A社"), sid)
    colleague = chat(database, "u2", "A社")
    out = colleague.say(f"アンケート回答 {sid}")
    assert "貴社として回答済み" in out and "意見です" not in out
    assert "回答を変更する" not in out
    with database.transaction() as s:
        assert store.anonymous_ballots(s, s.get(store.Survey, sid)) == 1


def test_the_intro_explains_the_trade_off(database):
    sid = seed(database, anonymity="anonymous")
    intro = chat(database, "u1", "A社").say(f"アンケート回答 {sid}")
    for words in ("一切保存しません", "変更ができず", "区分別の集計", "回答済みかどうか"):
        assert words in intro, words
