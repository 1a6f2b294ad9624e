"""One draft per survey per user: opening a second survey while the first is half-answered sets
the first aside (paused) instead of throwing it away; reopening it resumes at the same question
with the same answers, and sending one leaves the other's draft alone."""

from __future__ import annotations

from datetime import timedelta

from handlers.dates import now_tokyo
from handlers.surveys.definition import build
from handlers.surveys.flow import MAX_PARKED, PARKED
from handlers.surveys.service import create_survey, send_survey
from store import surveys as store
from store.models import ConversationState as Conversation
from tests.survey_support import chat, seed


def second_survey(database, title: str = "第二の調査") -> int:
    now = now_tokyo()
    with database.transaction() as s:
        row = create_survey(s, build({
            "title": title, "deadline": (now + timedelta(days=5)).strftime("%Y-%m-%d"),
            "questions": [{"kind": "single", "text": "満足ですか", "choices": ["はい", "いいえ"]},
                          {"kind": "short", "text": "理由"}]}), now)
        send_survey(s, row, now)
        return row.id


def answers(database, sid: int) -> dict[str, dict[int, object]]:
    with database.transaction() as s:
        survey = s.get(store.Survey, sid)
        pos = {q.id: q.position for q in survey.questions}
        return {r.org_name: {pos[a.question_id]: a.value for a in r.answers}
                for r in store.named_rows(s, survey)}


def test_a_second_survey_does_not_discard_the_first_draft(database):
    first = seed(database)
    second = second_survey(database)
    c = chat(database, "u1", "A社")
    c.say(f"アンケート回答 {first}")
    c.say("1")  # begin
    c.say("2")  # Q1: 反対
    assert "問3/5" in c.say("1,3")  # Q2 answered → Q3 shown
    c.say(f"アンケート回答 {second}")
    c.say("1")
    assert "問2/2" in c.say("1")
    listing = c.say("アンケート一覧")
    assert listing.count("回答途中") == 2, listing
    resumed = c.say(f"アンケート回答 {first}")  # back to the first: where it stopped
    assert "問3/5" in resumed
    c.say("4")
    c.say("スキップ")
    review = c.say("意見です")
    assert "反対" in review and "総論、利用者" in review  # the answers given before the switch
    assert "回答を送信しました" in c.say("送信")
    assert answers(database, first) == {"A社": {1: 2, 2: [1, 3], 3: 4, 5: "意見です"}}
    assert "問2/2" in c.say(f"アンケート回答 {second}")  # the other draft survived the send
    c.say("コスト")
    c.say("送信")
    assert answers(database, second) == {"A社": {1: 1, 2: "コスト"}}
    listing = c.say("アンケート一覧")
    assert "回答途中" not in listing and listing.count("回答済み") == 2


def test_parked_drafts_are_bounded_and_a_closed_survey_drops_its_draft(database):
    first = seed(database)
    ids = [second_survey(database, f"調査{n}") for n in range(MAX_PARKED + 2)]
    c = chat(database, "u1", "A社")
    for sid in [first, *ids]:
        c.say(f"アンケート回答 {sid}")
        c.say("1")  # begin: a draft at question 1
    with database.transaction() as s:
        data = s.query(Conversation).one().data
    assert len(data[PARKED]) == MAX_PARKED and str(first) not in data[PARKED]  # oldest gone
    with database.transaction() as s:
        survey = s.get(store.Survey, ids[-2])
        survey.deadline_at = now_tokyo() - timedelta(minutes=1)
    assert "締め切りました" in c.say(f"アンケート回答 {ids[-2]}")
    with database.transaction() as s:
        data = s.query(Conversation).one().data
    assert str(ids[-2]) not in data[PARKED] and data.get("survey", {}).get(
        "survey_id") != ids[-2]
    assert "問1/2" in c.say(f"アンケート回答 {ids[-1]}")  # the newest one is still there
