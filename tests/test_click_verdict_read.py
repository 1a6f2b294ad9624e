"""A Slack click's verdict and its turn's claim from one read (store `live_and_state_of`,
issue 19): the same answers as `state_of` + `live`, the same claims, and a row another process
took between the read and the claim is still left to it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import Engine, event

from handlers.dates import now_tokyo
from store import question_messages as qm
from store.db import Database
from store.slack import SlackMessage
from tests.support.fake_slack import seed_member, slack_stack
from tests.test_slack_flow import DM, USER, rubrics
from tests.test_slack_flow import start_assessment as start_in_slack

OWNER, OTHER = "U1", "U2"


def seed(database: Database, rows: list[tuple[str, str, str, str, str]]) -> None:
    """rows: (owner, channel, ts, key, state), inserted in order (ids ascending)."""
    now = now_tokyo()
    with database.transaction() as session:
        for number, (owner, channel, ts, key, state) in enumerate(rows):
            qm.add(session, SlackMessage, owner,
                   qm.Posted(key, channel, ts, f"title {key}", "1/7", state),
                   now + timedelta(seconds=number))


SCENARIOS = {
    "clicked is the live one": [
        (OWNER, "D1", "1.0", "item:1", qm.ANSWERED), (OWNER, "D1", "2.0", "item:2", qm.LIVE)],
    "clicked was answered, another live": [
        (OWNER, "D1", "1.0", "item:1", qm.ANSWERED), (OWNER, "D1", "2.0", "item:2", qm.LIVE)],
    "several live, clicked retired": [
        (OWNER, "D1", "1.0", "item:1", qm.RETIRED), (OWNER, "D1", "2.0", "item:2", qm.LIVE),
        (OWNER, "D2", "3.0", "item:3", qm.LIVE)],
    "same message recorded twice: the newest row's state counts": [
        (OWNER, "D1", "1.0", "item:1", qm.LIVE), (OWNER, "D1", "1.0", "item:1", qm.RETIRED)],
    "same message, newest live": [
        (OWNER, "D1", "1.0", "item:1", qm.ANSWERED), (OWNER, "D1", "1.0", "item:1", qm.LIVE)],
    "another member's rows, same message ids": [
        (OTHER, "D1", "1.0", "item:1", qm.LIVE), (OTHER, "D1", "2.0", "item:2", qm.LIVE),
        (OWNER, "D9", "9.0", "item:9", qm.LIVE)],
    "nothing recorded": [],
    "same channel, other message": [(OWNER, "D1", "1.5", "item:1", qm.RETIRED)],
    "same ts, other channel": [(OWNER, "D2", "1.0", "item:1", qm.ANSWERED)],
}
CLICKS = [("D1", "1.0"), ("D1", "2.0"), ("D2", "3.0"), ("D1", "7.0"),
          ("D1", "1.0" + "9" * 100), ("D1\x00", "1.0"), ("", "")]


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_one_read_answers_as_state_of_and_live_do(database, name):
    seed(database, SCENARIOS[name])
    with database.transaction() as session:
        for channel, ts in CLICKS:
            rows, state = qm.live_and_state_of(session, SlackMessage, OWNER, channel, ts)
            assert state == qm.state_of(session, SlackMessage, OWNER, channel, ts), (channel, ts)
            expected = qm.live(session, SlackMessage, OWNER)
            assert [(r.id, r.key, r.conversation, r.message, r.title, r.context)
                    for r in rows] == [
                (r.id, r.key, r.conversation, r.message, r.title, r.context)
                for r in expected]


def test_an_over_long_message_id_matches_as_its_column_holds_it(database):
    """A value cut to its column on the write must still find its row on the read."""
    long_ts = "1." + "7" * (SlackMessage.MESSAGE_MAX + 50)
    seed(database, [(OWNER, "D1", long_ts, "item:1", qm.ANSWERED)])
    with database.transaction() as session:
        _, state = qm.live_and_state_of(session, SlackMessage, OWNER, "D1", long_ts)
    assert state == qm.ANSWERED


A, R = qm.ANSWERED, qm.RETIRED
STEPS = {  # the turn's steps, and what they claim: (message, state) in claim order
    "answer then ask": (["item:2", None], [("2.0", A), ("3.0", R), ("4.0", R)]),
    "answer only": (["item:2"], [("2.0", A)]),
    "ask only": ([None], [("2.0", R), ("3.0", R), ("4.0", R)]),
    "answer an unknown key": (["item:404", None], [("2.0", R), ("3.0", R), ("4.0", R)]),
    "answer the same key twice": (["item:3", "item:3"], [("4.0", A), ("3.0", A)]),
}


@pytest.mark.parametrize("steps", sorted(STEPS))
def test_the_claim_from_rows_read_before_is_the_claim_read_again(database, steps):
    rows = [(OWNER, "D1", "1.0", "item:1", qm.ANSWERED), (OWNER, "D1", "2.0", "item:2", qm.LIVE),
            (OWNER, "D2", "3.0", "item:3", qm.LIVE), (OWNER, "D2", "4.0", "item:3", qm.LIVE),
            (OTHER, "D1", "2.0", "item:2", qm.LIVE)]
    seed(database, rows)
    outcomes = []
    for reuse in (False, True):
        session = database.sessions()
        try:
            live_rows, _ = qm.live_and_state_of(session, SlackMessage, OWNER, "D1", "2.0")
            claimed = qm.claim_turn(session, SlackMessage, OWNER, "", STEPS[steps][0],
                                    live_rows if reuse else None)
            outcomes.append(claimed)
        finally:
            session.rollback()  # the second run starts from the same rows
            session.close()
    assert outcomes[0] == outcomes[1]
    assert [(claim.message, claim.state) for claim in outcomes[0]] == STEPS[steps][1]


def test_a_row_taken_meanwhile_is_left_to_whoever_took_it(database, database_url):
    """On PostgreSQL another process can retire a row between the read and the claim; on
    SQLite the transaction holds the writer lock from its BEGIN, so the row is changed in the
    same transaction there to stand for it."""
    seed(database, [(OWNER, "D1", "1.0", "item:1", qm.LIVE),
                    (OWNER, "D1", "2.0", "item:2", qm.LIVE)])
    session = database.sessions()
    try:
        live_rows, state = qm.live_and_state_of(session, SlackMessage, OWNER, "D1", "2.0")
        assert state == qm.LIVE and len(live_rows) == 2
        if database_url.startswith("sqlite"):
            assert qm.mark(session, SlackMessage, live_rows[0].id, qm.RETIRED)
        else:
            with database.transaction() as other:  # another process retires the older one
                assert qm.mark(other, SlackMessage, live_rows[0].id, qm.RETIRED)
        claimed = qm.claim_turn(session, SlackMessage, OWNER, "", ["item:2", None], live_rows)
        session.commit()
    finally:
        session.close()
    assert [(c.message, c.state) for c in claimed] == [("2.0", qm.ANSWERED)]


# one click's statements besides BEGIN and COMMIT; the bench's floor with the database runs the
# same (tests/test_bench_floor_database.py)
ONE_CLICK = ["INSERT", "SELECT", "SELECT", "SELECT", "SELECT", "SELECT",
             "INSERT", "INSERT", "UPDATE", "UPDATE", "INSERT"]


@contextmanager
def statements_on(table: str) -> Iterator[list[str]]:
    seen: list[str] = []

    def on_execute(_conn, _cursor, statement, _params, _context, _many) -> None:
        if table in statement:
            seen.append(statement.lstrip().split(None, 1)[0].upper())

    event.listen(Engine, "before_cursor_execute", on_execute)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", on_execute)


@pytest.mark.asyncio
async def test_three_clicks_read_the_question_table_three_times(database_url, database):
    """One SELECT per click serves both the verdict and the claim (two before)."""
    seed_member(database)
    async with slack_stack(database_url, rubrics=rubrics()) as stack:
        stack.fake.add_user(USER, "taro@example.co.jp")
        await start_in_slack(stack)
        clicked = []
        with statements_on("slack_messages") as seen:
            for label in ("2点", "3点", "1点"):
                clicked.append(stack.fake.last_with_buttons(DM))
                await stack.click(USER, clicked[-1], label=label)
                await stack.settle()
        assert seen.count("SELECT") == 3
        assert seen.count("UPDATE") >= 3 and seen.count("INSERT") == 3
        assert len({message["ts"] for message in clicked}) == 3
        for message, label in zip(clicked, ("2点", "3点", "1点"), strict=True):
            shown = stack.fake.messages[(DM, message["ts"])]
            assert shown["updates"] == 1 and label in shown["text"]  # each closed, once
        assert stack.fake.problems == []


@pytest.mark.asyncio
async def test_one_click_runs_eleven_statements(database_url, database):
    """What the README says one answer costs, counted (the two transactions are counted in
    tests/test_answer_transactions.py): the turn's transaction (dedupe claim, the question
    table's one read, the member with their state (one read), assessment, answers, notes, the
    answer and its history, the state's versioned update, the old question's conditional
    update) and the posted question's record. The App Home publish, debounced apart from the answer, is left out."""
    seed_member(database)
    async with slack_stack(database_url, rubrics=rubrics()) as stack:
        stack.fake.add_user(USER, "taro@example.co.jp")
        await start_in_slack(stack)
        await stack.click(USER, stack.fake.last_with_buttons(DM), label="2点")
        await stack.settle()
        stack.bot.home.changed = lambda *_args: None  # the answer's own statements only
        with statements_on("") as seen:
            await stack.click(USER, stack.fake.last_with_buttons(DM), label="3点")
            await stack.settle()
        work = [s for s in seen if s not in ("BEGIN", "COMMIT", "ROLLBACK")]
        if database_url.startswith("sqlite"):  # psycopg begins without a statement of its own
            assert seen.count("BEGIN") == 2
        assert work == ONE_CLICK
