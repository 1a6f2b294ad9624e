"""The floor with the database (bench/floor_database.py, bench/bolt_floor_app.py --database):
it must do the database work of one of our answers — the same statements, in the same order
and transactions — or its figure says nothing. Counted here against the list that
tests/test_click_verdict_read.py pins for our own click, on SQLite and PostgreSQL; the raw
driver mode must leave the same rows as the SQLAlchemy one; the bench's ratios are arithmetic
on the runs. And the floor app, run as a process, answers a signed click through it."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlencode

import aiohttp
import pytest
from sqlalchemy import event, select, text
from sqlalchemy.engine import Engine

from bench import floor_database as fd
from bench.serve_latency import fold
from bench.serverproc import ROOT, QuickSlack, ServerProcess, base_env
from tests.support.fake_slack import click_payload, sign
from tests.test_click_verdict_read import ONE_CLICK, statements_on


@contextmanager
def transactions() -> Iterator[list[str]]:
    """BEGINs and COMMITs as SQLAlchemy runs them (psycopg's BEGIN has no statement)."""
    seen: list[str] = []
    listeners = (("commit", lambda _conn: seen.append("COMMIT")),
                 ("begin", lambda _conn: seen.append("BEGIN")))
    for name, fn in listeners:
        event.listen(Engine, name, fn)
    try:
        yield seen
    finally:
        for name, fn in listeners:
            event.remove(Engine, name, fn)


def test_one_answer_runs_our_clicks_statements_in_two_transactions(database_url):
    floor = fd.FloorDatabase(database_url)
    try:
        floor.member("U1")  # once per member, as our members' start
        floor.answer("U1", 2)
        floor.record("U1", "DU1", "1.0")  # a live question for the next click to close
        with statements_on("") as seen, transactions() as turns:
            floor.answer("U1", 3)
            floor.record("U1", "DU1", "2.0")
        work = [s for s in seen if s not in ("BEGIN", "COMMIT", "ROLLBACK")]
        assert work == ONE_CLICK
        assert turns == ["BEGIN", "COMMIT", "BEGIN", "COMMIT"]
        with floor.engine.connect() as conn:
            states = conn.execute(select(fd.questions.c.ts, fd.questions.c.state)
                                  .order_by(fd.questions.c.id)).all()
            assert states == [("1.0", "answered"), ("2.0", "live")]
            assert conn.execute(select(fd.states.c.version)).scalar_one() == 2
    finally:
        floor.engine.dispose()


def contents(engine) -> dict[str, list]:
    with engine.connect() as conn:
        return {
            "answers": conn.execute(text(
                "SELECT item, level FROM floor_answers ORDER BY item")).all(),
            "history": conn.execute(text(
                "SELECT item, level FROM floor_history ORDER BY id")).all(),
            "questions": conn.execute(text(
                "SELECT owner, ts, state FROM floor_questions ORDER BY id")).all(),
            "states": conn.execute(text("SELECT version FROM floor_states")).all(),
            "seen": conn.execute(text("SELECT count(*) FROM floor_seen")).all(),
        }


def test_the_raw_driver_mode_leaves_the_same_rows(database_url):
    found = []
    for raw in (False, True):
        floor = fd.FloorDatabase(database_url, raw=raw)  # drops and creates its tables
        try:
            for n in range(80):  # 40 each, past the 36 items: then updated, not added
                floor.answer(f"U{n % 2}", n % 4 + 1)
                floor.record(f"U{n % 2}", f"DU{n % 2}", f"{n}.0")
            found.append(contents(floor.engine))
        finally:
            floor.engine.dispose()
    core, raw = found
    assert core == raw
    assert len(core["answers"]) == 2 * fd.ITEMS and len(core["history"]) == 80
    assert core["states"] == [(40,), (40,)] and core["seen"] == [(80,)]
    assert sum(1 for q in core["questions"] if q[2] == "live") == 2


def test_a_failed_raw_transaction_leaves_nothing_and_frees_the_writer(database_url):
    floor = fd.FloorDatabase(database_url, raw=True)
    try:
        floor.answer("U1", 1)
        before = contents(floor.engine)
        with pytest.raises(RuntimeError, match="turn fails"), floor._transaction() as conn:
            conn.execute(fd._HISTORY, {"assessment_id": 1, "item": "x", "level": 1,
                                       "at": None})
            raise RuntimeError("the turn fails after a write")
        assert contents(floor.engine) == before
        floor.answer("U1", 2)  # the writer's turn was given back
        assert len(contents(floor.engine)["history"]) == 2
    finally:
        floor.engine.dispose()


def run(values: dict) -> dict:
    return {"p50_ms": 1.0, "p99_ms": 2.0, "answers_per_s": 3.0, "turns": 10, **values}


def test_the_bench_ratios_are_ours_over_each_floor_and_the_databases_share():
    folded = fold([run({"cpu_ms": 12.0, "floor_cpu_ms": 2.0, "floor_db_cpu_ms": 6.0}),
                   run({"cpu_ms": 10.0, "floor_cpu_ms": 2.5, "floor_db_cpu_ms": 4.0})])
    assert folded["cpu_ratio"]["runs"] == [6.0, 4.0]
    assert folded["db_floor_ratio"]["runs"] == [2.0, 2.5]
    assert folded["db_share_ratio"]["runs"] == [3.0, 1.6]
    assert folded["db_share_ratio"]["min"] == 1.6


@pytest.mark.asyncio
@pytest.mark.parametrize("raw", [False, True])
async def test_the_floor_app_answers_a_signed_click_through_the_database(database_url, raw,
                                                                         tmp_path):
    """As the bench runs it: a process, a signed click, the next question at the fake Slack,
    the answer's rows in the database; a forged click gets 401 and writes nothing."""
    from bench.bolt_floor_app import question_blocks

    fake = await QuickSlack().start()
    app = ServerProcess(base_env(), tmp_path / "floor", name="floor", command=[
        sys.executable, str(ROOT / "bench" / "bolt_floor_app.py"), "--port", "0", "--api-url", fake.api_url,
        "--database", database_url, *(["--raw"] if raw else [])])
    app.command[app.command.index("0")] = str(app.port)
    try:
        await app.start()
        first = {"channel": "DU1", "text": "0. 質問", "blocks": question_blocks(0)}
        fake.m_chat_postMessage(first)
        message = fake.messages[("DU1", first["_ts"])]
        body = urlencode({"payload": json.dumps(click_payload(
            "U1", message, message["blocks"][1]["elements"][0]))}).encode()
        async with aiohttp.ClientSession() as session:
            forged = {**sign(body), "X-Slack-Signature": "v0=" + "0" * 64}
            async with session.post(app.base_url + "/slack/events", data=body, headers={
                    "Content-Type": "application/x-www-form-urlencoded", **forged}) as response:
                assert response.status == 401
            waiter = fake.expect("DU1")
            async with session.post(app.base_url + "/slack/events", data=body, headers={
                    "Content-Type": "application/x-www-form-urlencoded", **sign(body)}) as response:
                assert response.status == 200
            _, posted = await asyncio.wait_for(waiter, 30)
        assert posted["text"] == "1. 質問"
        engine = fd.make_engine(database_url)
        try:
            for _ in range(50):  # the record follows the post: wait for it
                found = contents(engine)
                if found["questions"]:
                    break
                await asyncio.sleep(0.1)
            assert found["history"] == [("item1", 2)] and found["seen"] == [(1,)]
            assert found["questions"] == [("U1", posted["ts"], "live")]
        finally:
            engine.dispose()
    finally:
        await app.stop()
        await fake.stop()
