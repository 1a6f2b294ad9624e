"""Property-based fuzzing of POST /api/messages with authentication ON (issue 13): every body
carries a valid Bot Framework token, so it reaches everything past the token check. Random
activity shapes, wrong types, deep nesting, huge strings and random bytes must never give a 5xx
nor a traceback (or ERROR line) in the log, and a refused body (4xx) must change no row.

FUZZ_TEAMS_EXAMPLES sets the number of bodies (default 600, ~40 s); bench/fuzz_teams.py runs
the same properties longer and prints the figures.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from store.db import Database
from store.models import Base
from tests.support.fake_connector import TeamsStack, seed_member, teams_stack
from tests.test_teams_security import AUTH

EXAMPLES = int(os.environ.get("FUZZ_TEAMS_EXAMPLES", "600"))
AADS = ["0d5c6b1e-aaaa-4bbb-8ccc-0000000f0001", "0d5c6b1e-aaaa-4bbb-8ccc-0000000f0002"]
FIELDS = ["type", "id", "channelId", "serviceUrl", "from", "recipient", "conversation", "text",
          "textFormat", "locale", "value", "channelData", "entities", "attachments",
          "membersAdded", "membersRemoved", "name", "action", "replyToId", "timestamp"]
TYPES = ["message", "invoke", "conversationUpdate", "installationUpdate", "event", "typing",
         "messageReaction", "endOfConversation", ""]
WORDS = ["ナビを始める", "結果", "ヘルプ", "ベンチマーク", "はい", "1", "中断", "start navi",
         "結果 他社株式会社", "<at>AIGA Navi</at> 結果", "会費", "イベント"]

json_leaf = (st.none() | st.booleans() | st.integers(-2**70, 2**70)
             | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30))
json_value = st.recursive(json_leaf, lambda inner: st.lists(inner, max_size=4)
                          | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                          max_leaves=12)


@st.composite
def activities(draw: st.DrawFn, stack: TeamsStack) -> bytes:
    """A Teams activity as the fake posts it, then mutated field by field."""
    aad = draw(st.sampled_from(AADS))
    kind = draw(st.sampled_from(["personal", "channel"]))
    conversation = (f"a:personal-{aad}" if kind == "personal"
                    else "19:general@thread.tacv2;messageid=1700000000000")
    body: dict[str, Any] = stack.activity(aad, text=draw(st.sampled_from(WORDS)),
                                          conversation=conversation, conversation_type=kind)
    body["type"] = draw(st.sampled_from(TYPES))
    if body["type"] == "invoke":
        body["name"] = draw(st.sampled_from(["adaptiveCard/action", "task/fetch", "x"]))
        body["value"] = {"action": {"type": "Action.Execute",
                                    "data": {"aiga": draw(st.text(max_size=40))}}}
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=4)):
        action = draw(st.sampled_from(["drop", "random", "nested-random", "huge"]))
        if action == "drop":
            body.pop(name, None)
        elif action == "random":
            body[name] = draw(json_value)
        elif action == "nested-random" and isinstance(body.get(name), dict) and body[name]:
            key = draw(st.sampled_from(sorted(body[name])))
            body[name][key] = draw(json_value)
        else:
            body[name] = draw(st.sampled_from(["x", "結", "\u00a0", "\ud800", "\x00"])) * draw(
                st.sampled_from([4001, 20_000, 300_000]))
    if draw(st.booleans()) and draw(st.booleans()):
        depth = draw(st.integers(10, 3000))
        body["value"] = json.loads("[" * min(depth, 900) + "]" * min(depth, 900)) \
            if depth < 900 else None
        if depth >= 900:  # too deep for json.dumps itself: splice the raw text in
            raw = json.dumps({**body, "value": "__DEEP__"})
            return raw.replace('"__DEEP__"', "[" * depth + "]" * depth).encode()
    return json.dumps(body).encode()


raw_bodies = st.one_of(
    st.binary(max_size=200),
    st.builds(lambda v: json.dumps(v).encode(), json_value),
    st.integers(1, 200_000).map(lambda n: ("{" + '"a":{' * n).encode()),
)


@dataclass
class Tally:
    bodies: int = 0
    server_errors: int = 0
    log_errors: int = 0
    rows_changed: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


class ErrorLog(logging.Handler):
    """Counts tracebacks and ERROR lines, whoever logs them."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.bad: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info or record.levelno >= logging.ERROR:
            self.bad.append(f"{record.name}: {record.getMessage()[:120]}")


def row_counts(database: Database) -> dict[str, int]:
    with database.transaction() as session:
        return {t.name: session.scalar(select(func.count()).select_from(t))
                for t in Base.metadata.sorted_tables}


async def one_body(stack: TeamsStack, database: Database, body: bytes, errors: ErrorLog,
                   tally: Tally) -> None:
    """Post one body with a valid token; record what went wrong."""
    try:
        url = json.loads(body).get("serviceUrl")
    except Exception:  # not JSON, or not an object: the token's URL does not matter
        url = None
    signable = isinstance(url, str) and len(url) < 2000  # a token header stays under 8 KB
    token = stack.fake.token(service_url=url if signable else None)
    before = row_counts(database)
    seen = len(errors.bad)
    response = await stack.post_raw(body, headers={"Authorization": f"Bearer {token}"})
    if stack.bot.background:
        await asyncio.wait(set(stack.bot.background), timeout=60)
    tally.bodies += 1
    tally.statuses[response.status] = tally.statuses.get(response.status, 0) + 1
    if response.status >= 500:
        tally.server_errors += 1
        tally.problems.append(f"{response.status} for {body[:200]!r}")
    if len(errors.bad) > seen:
        tally.log_errors += len(errors.bad) - seen
        tally.problems.append(f"log: {errors.bad[-1]} for {body[:200]!r}")
    if 400 <= response.status < 500 and row_counts(database) != before:
        tally.rows_changed += 1
        tally.problems.append(f"rows changed by a {response.status}: {body[:200]!r}")


def run_fuzz(database_url: str, examples: int, *, seed: int | None = None) -> Tally:
    """The whole run: stack up with auth on, `examples` bodies, stack down."""
    from botframework.connector.auth import MicrosoftAppCredentials

    database = Database(database_url)
    seed_member(database)
    tally, errors = Tally(), ErrorLog()
    saved = MicrosoftAppCredentials.get_access_token
    # outgoing calls would ask Entra ID for a token; the fake connector does not check it
    MicrosoftAppCredentials.get_access_token = lambda self, force_refresh=False: "fuzz-token"
    logging.getLogger().addHandler(errors)
    try:
        with asyncio.Runner() as runner:
            context = teams_stack(database_url, **AUTH)
            stack = runner.run(context.__aenter__())
            runner.run(_keys_loaded(stack))
            for aad in AADS:
                stack.fake.add_member(aad, email=f"{aad[-4:]}@example.co.jp")

            @settings(max_examples=examples, deadline=None, database=None, derandomize=seed
                      is not None, suppress_health_check=list(HealthCheck))
            @given(body=st.one_of(activities(stack), activities(stack), raw_bodies))
            def case(body: bytes) -> None:
                runner.run(one_body(stack, database, body, errors, tally))

            try:
                case()
            finally:
                runner.run(context.__aexit__(None, None, None))
    finally:
        logging.getLogger().removeHandler(errors)
        MicrosoftAppCredentials.get_access_token = saved
        database.dispose()
    return tally


async def _keys_loaded(stack: TeamsStack) -> None:
    for _ in range(100):
        if stack.bot.keys.keys:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the fake's signing keys were never loaded")


def test_fuzzing_the_teams_endpoint_with_valid_tokens(database_url):
    started = time.monotonic()
    tally = run_fuzz(database_url, EXAMPLES)
    elapsed = time.monotonic() - started
    print(f"teams fuzz: {tally.bodies} bodies in {elapsed:.0f}s, statuses {tally.statuses}")
    assert tally.bodies >= min(EXAMPLES, 100)
    assert tally.problems == []
    assert (tally.server_errors, tally.log_errors, tally.rows_changed) == (0, 0, 0)
    # the run reached past the edge: some turns ran, some bodies were refused
    assert tally.statuses.get(200, 0) > 0 and tally.statuses.get(400, 0) > 0


if __name__ == "__main__":  # pragma: no cover
    pytest.main([__file__, "-q"])
