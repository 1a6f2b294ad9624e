"""The question bookkeeping Slack and Teams share (bot/question_ledger.py, store/question_messages.py),
run against both platforms' tables with a recording surface instead of a platform: what a turn
closes, what it remembers, in how many transactions, and what hostile turns cannot do."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from sqlalchemy import Engine, event, select

from bot.question_ledger import QuestionLedger
from handlers.dates import now_tokyo
from handlers.types import Answered, Question, Reply, Text
from store import question_messages as qm
from store.db import Database
from store.slack import SlackMessage
from store.teams import TeamsCard

pytestmark = pytest.mark.asyncio
TABLES = {"slack": (SlackMessage, True), "teams": (TeamsCard, False)}
DEAD_DATABASE = "postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=1"

# ----- counting transactions (also used by test_question_ledger_platforms.py) -------------------

_ids = itertools.count(1)


@dataclass
class Transactions:
    """Transactions begun while counting, and which of them ran a statement naming `table`."""

    table: str | None = None
    begun: list[int] = field(default_factory=list)
    touching: set[int] = field(default_factory=set)

    def reset(self) -> None:
        self.begun.clear()
        self.touching.clear()

    @property
    def count(self) -> int:
        """Transactions begun, or (with a table) those that read or wrote that table."""
        return len(self.touching) if self.table else len(self.begun)


@contextmanager
def counting(table: str | None = None) -> Iterator[Transactions]:
    """Listens on the Engine class: engines a test stack makes for itself are counted too."""
    seen = Transactions(table)

    def on_begin(conn) -> None:
        conn.info["aiga_txn"] = next(_ids)
        seen.begun.append(conn.info["aiga_txn"])

    def on_execute(conn, _cursor, statement, _params, _context, _many) -> None:
        if table and table in statement and "aiga_txn" in conn.info:
            seen.touching.add(conn.info["aiga_txn"])

    event.listen(Engine, "begin", on_begin)
    event.listen(Engine, "before_cursor_execute", on_execute)
    try:
        yield seen
    finally:
        event.remove(Engine, "begin", on_begin)
        event.remove(Engine, "before_cursor_execute", on_execute)


# ----- a platform that only records what it is asked to do --------------------------------------


class Surface:
    retired_text = "retired"

    def __init__(self, prefix: str = "m") -> None:
        self.calls: list[tuple[str, str, str]] = []
        self.prefix = prefix
        self.posted = 0
        self.fail_next_ask = False

    async def ask(self, question: Question) -> str | None:
        if self.fail_next_ask:
            self.fail_next_ask = False
            raise ConnectionError("the platform went away")
        self.posted += 1
        message = f"{self.prefix}{self.posted}"
        self.calls.append(("ask", question.key, message))
        return message

    async def close(self, shown, outcome: str) -> None:
        self.calls.append(("close", shown.message, outcome))


async def send(ledger: QuestionLedger, owner: str, conversation: str, replies: list[Reply],
               surface: Surface, *, stop_after: int | None = None) -> None:
    """What each platform's delivery does with the ledger, stopping early like Teams can."""
    book = await ledger.open(owner, conversation, replies)
    try:
        for number, reply in enumerate(replies):
            if stop_after is not None and number >= stop_after:
                return
            if isinstance(reply, Answered):
                await book.answered(reply, surface)
            elif isinstance(reply, Question):
                await book.ask(reply, surface)
    finally:
        await book.finish()


def ask(key: str, title: str = "Q") -> Question:
    return Question(title=title, key=key, context="1/7")


def states(database: Database, table) -> dict[str, str]:
    with database.transaction() as session:
        return {row.message: row.state for row in session.scalars(select(table))}


@pytest.fixture(params=sorted(TABLES))
def ledger(request, database) -> QuestionLedger:
    table, keyless = TABLES[request.param]
    return QuestionLedger(database, now_tokyo, table, track_keyless=keyless)


# ----- the rules ----------------------------------------------------------------------------------


async def test_an_answer_closes_its_message_before_the_next_question_in_two_transactions(
        ledger, database):
    surface = Surface()
    await send(ledger, "U1", "D1", [ask("item:1")], surface)
    with counting() as seen:
        await send(ledger, "U1", "D1", [Answered("item:1", "3点"), Text("保存しました"),
                                        ask("item:2")], surface)
    assert seen.count == 2  # was three: claim the answered one, retire the rest, remember
    assert surface.calls[1:] == [("close", "m1", "✓ 3点"), ("ask", "item:2", "m2")]
    assert states(database, ledger.table) == {"m1": qm.ANSWERED, "m2": qm.LIVE}


async def test_a_turn_asking_nothing_new_costs_one_transaction_and_plain_text_none(
        ledger, database):
    surface = Surface()
    await send(ledger, "U1", "D1", [ask("item:7")], surface)
    with counting() as seen:
        await send(ledger, "U1", "D1", [Answered("item:7", "✓ 4点"), Text("提出しますか")],
                   surface)
    assert seen.count == 1
    assert surface.calls[-1] == ("close", "m1", "✓ 4点")  # not ticked twice
    with counting() as seen:
        await send(ledger, "U1", "D1", [Text("ヘルプ")], surface)
    assert seen.count == 0


async def test_only_the_newest_question_keeps_live_buttons(ledger, database):
    surface = Surface()
    await send(ledger, "U1", "D1", [ask("a")], surface)
    await send(ledger, "U1", "D1", [ask("b"), Text("…"), ask("c")], surface)
    assert states(database, ledger.table) == {"m1": qm.RETIRED, "m2": qm.RETIRED,
                                              "m3": qm.LIVE}
    # the older one is closed before anything new shows; the turn's own first one before the second
    assert surface.calls[1:] == [("close", "m1", "retired"), ("ask", "b", "m2"),
                                 ("close", "m2", "retired"), ("ask", "c", "m3")]


async def test_an_answer_after_its_question_in_the_same_turn_closes_that_one(ledger, database):
    surface = Surface()
    await send(ledger, "U1", "D1", [ask("k")], surface)
    await send(ledger, "U1", "D1", [ask("k"), Answered("k", "done")], surface)
    assert states(database, ledger.table) == {"m1": qm.RETIRED, "m2": qm.ANSWERED}
    assert surface.calls[-1] == ("close", "m2", "✓ done")


async def test_an_answer_nobody_asked_and_another_users_key_change_nothing(ledger, database):
    surface = Surface()
    await send(ledger, "U1", "D1", [ask("item:1")], surface)
    await send(ledger, "U2", "D1", [Answered("item:1", "1点"), Answered("nope", "x")],
               Surface("x"))
    await send(ledger, "U1", "D1", [Answered("item:2", "1点")], surface)
    assert states(database, ledger.table) == {"m1": qm.LIVE}
    assert surface.calls == [("ask", "item:1", "m1")]


async def test_two_processes_close_an_old_message_once(ledger, database, database_url):
    surface = Surface()
    await send(ledger, "U1", "D1", [ask("item:1")], surface)
    other_db = Database(database_url)
    try:
        other = QuestionLedger(other_db, now_tokyo, ledger.table,
                               track_keyless=ledger.track_keyless)
        a, b = Surface("a"), Surface("b")
        await asyncio.gather(
            send(ledger, "U1", "D1", [Answered("item:1", "2点"), ask("item:2")], a),
            send(other, "U1", "D1", [Answered("item:1", "4点"), ask("item:2")], b))
    finally:
        other_db.dispose()
    closes = [c for c in a.calls + b.calls if c[0] == "close" and c[1] == "m1"]
    assert len(closes) == 1  # one winner redraws it; the loser leaves it alone
    assert states(database, ledger.table)["m1"] == qm.ANSWERED


async def test_a_turn_that_stops_early_gives_back_what_it_did_not_use(ledger, database):
    surface = Surface()
    await send(ledger, "U1", "D1", [ask("item:1")], surface)
    await send(ledger, "U1", "D1", [Text("x"), ask("item:2")], surface, stop_after=1)
    assert states(database, ledger.table) == {"m1": qm.LIVE}  # still the current question
    await send(ledger, "U1", "D1", [Answered("item:1", "2点"), ask("item:2")], surface,
               stop_after=1)
    assert states(database, ledger.table) == {"m1": qm.ANSWERED}
    assert surface.calls[-1] == ("close", "m1", "✓ 2点")


async def test_a_failed_post_still_records_what_went_out(ledger, database):
    surface = Surface()
    await send(ledger, "U1", "D1", [ask("item:1")], surface)
    surface.fail_next_ask = True
    with pytest.raises(ConnectionError):
        await send(ledger, "U1", "D1", [Answered("item:1", "1点"), ask("item:2")], surface)
    assert states(database, ledger.table) == {"m1": qm.ANSWERED}
    await send(ledger, "U1", "D1", [ask("item:2")], surface)
    assert states(database, ledger.table) == {"m1": qm.ANSWERED, "m2": qm.LIVE}


async def test_without_a_database_the_next_question_still_goes_out(ledger):
    dead = Database(DEAD_DATABASE)
    try:
        blind = QuestionLedger(dead, now_tokyo, ledger.table, track_keyless=True)
        surface = Surface()
        await send(blind, "U1", "D1", [Answered("item:1", "2点"), ask("item:2")], surface)
    finally:
        dead.dispose()
    assert surface.calls == [("ask", "item:2", "m1")]


async def test_hostile_sizes_are_cut_to_the_columns_and_still_match(ledger, database):
    owner, conversation = "U" * 5000, "C" * 5000
    key = "\x00" + "🙂" * 5000  # NUL (PostgreSQL refuses it), then four-byte characters
    surface = Surface()
    await send(ledger, owner, conversation,
               [Question(title="長" * 100_000, context="\x00ctx" * 2000, key=key)], surface)
    await send(ledger, owner, conversation, [Answered(key, "済" * 10_000)], surface)
    assert states(database, ledger.table) == {"m1": qm.ANSWERED}
    with database.transaction() as session:
        row = session.scalar(select(ledger.table))
        assert len(row.key) == qm.KEY_MAX and len(row.title) == qm.TEXT_MAX
        assert row.owner == owner[:ledger.table.OWNER_MAX] and "\x00" not in row.context
    assert surface.calls[-1][:2] == ("close", "m1")


# ----- where the platforms differ (and why) -----------------------------------------------------


async def test_slack_keeps_one_live_question_per_user_teams_one_per_conversation(database):
    """Slack asks every question in the DM; a Teams member has a personal chat and channels,
    and a turn in one may not touch the card in another."""
    for table, answered, retired in ((SlackMessage, qm.ANSWERED, qm.RETIRED),
                                     (TeamsCard, qm.LIVE, qm.LIVE)):
        ledger = QuestionLedger(database, now_tokyo, table, track_keyless=True)
        surface = Surface()
        await send(ledger, "U1", "personal", [ask("item:1"), Text("…")], surface)
        await send(ledger, "U1", "channel", [Answered("item:1", "1点")], surface)
        assert states(database, table)["m1"] == answered, table.__tablename__
        await send(ledger, "U1", "personal", [ask("item:2")], surface)
        await send(ledger, "U1", "channel", [ask("item:3")], surface)
        assert states(database, table)["m2"] == retired, table.__tablename__
        assert states(database, table)["m3"] == qm.LIVE


async def test_keyless_questions_are_tracked_only_where_the_platform_says(database):
    """Teams delivers proactive cards (event RSVPs, no key) the same way: they keep buttons."""
    for table, keyless in TABLES.values():
        ledger = QuestionLedger(database, now_tokyo, table, track_keyless=keyless)
        await send(ledger, "U1", "D1", [Question(title="RSVP", key="")], Surface())
        assert len(states(database, table)) == (1 if keyless else 0)


async def test_claim_turn_walks_the_replies_in_order(database):
    now = now_tokyo()
    with database.transaction() as session:
        for message, key in (("m1", "a"), ("m2", "b"), ("m3", "a")):
            qm.add(session, SlackMessage, "U1", qm.Posted(key, "D1", message, "t", ""), now)
    with database.transaction() as session:
        claims = qm.claim_turn(session, SlackMessage, "U1", "D1", ["a", None, "b"])
    # the newest "a" is answered; the question retires the rest; "b" was retired by then
    assert [(c.message, c.state) for c in claims] == [("m3", qm.ANSWERED), ("m1", qm.RETIRED),
                                                      ("m2", qm.RETIRED)]
    with database.transaction() as session:
        assert qm.claim_turn(session, SlackMessage, "U1", "D1", ["a", None]) == []
        assert qm.claim_turn(session, SlackMessage, "U1", "D1", []) == []
