"""Fuzz POST /slack/events with VALID signatures; print the figures for the README.

Bodies are real Slack payloads (a DM event, a mention, App Home opened, a button click, a note
submission and its close, a slash command) with parts replaced by random JSON — wrong types,
huge strings, deep nesting, unicode, NULs, lone surrogates — plus random JSON shapes and bare
deep nesting. Every answer must be below 500, no log record may carry a traceback or be an
error, and a rejected body (4xx) must leave every table exactly as it was.

    .venv/bin/python bench/fuzz_slack.py [--examples 3000] [--database-url URL]

tests/test_fuzz_slack.py runs the same checks with a few hundred examples.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import logging
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))



from store.db import Database
from store.migrate import upgrade
from store.models import Base
from tests.support.fake_slack import (
    FIXTURE_RUBRICS,
    TEAM_ID,
    command_form,
    dm_event,
    event_envelope,
    seed_member,
    slack_stack,
)

USER = "U0FUZZ"
JSON, FORM = "application/json", "application/x-www-form-urlencoded"

# ----- what to send -----------------------------------------------------------------------------

texts = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=30),
    st.sampled_from(["\x00", "U0FUZZ\x00", "\ud800", "\udfff x", "状況", "結果", "navi:start",
                     "navi:level:1:policy:3", "<@UNAVIBOT>", "%00", "' OR 1=1 --"]),
    st.integers(1_000, 200_000).map(lambda n: "あ" * n),
)
scalars = st.none() | st.booleans() | st.integers() | st.floats() | texts
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner,
                                                                         max_size=4),
    max_leaves=12)


def _deep(n: int, as_list: bool) -> object:
    value: object = 0
    for _ in range(n):
        value = [value] if as_list else {"a": value}
    return value


deep = st.builds(_deep, st.integers(20, 400), st.booleans())


def _click() -> dict:
    return {"type": "block_actions", "user": {"id": USER, "team_id": TEAM_ID},
            "team": {"id": TEAM_ID}, "trigger_id": "t.1", "api_app_id": "A0NAVI",
            "container": {"type": "message", "message_ts": "1800000001.000100",
                          "channel_id": f"D{USER}"},
            "channel": {"id": f"D{USER}"},
            "actions": [{"action_id": "navi-0", "value": "navi:start", "type": "button",
                         "action_ts": "1800000001.5"}]}


def _note(kind: str) -> dict:
    return {"type": kind, "user": {"id": USER}, "team": {"id": TEAM_ID},
            "view": {"id": "VMODAL1", "type": "modal", "callback_id": "navi-note",
                     "state": {"values": {"note": {"note": {"type": "plain_text_input",
                                                            "value": "メモ"}}}}}}


BASES = {
    "dm": lambda: event_envelope(dm_event(USER, "状況")),
    "mention": lambda: event_envelope({"type": "app_mention", "user": USER, "channel": "C0GEN",
                                       "text": "<@UNAVIBOT> 状況", "ts": "1.0"}),
    "home": lambda: event_envelope({"type": "app_home_opened", "user": USER, "tab": "home",
                                    "channel": f"D{USER}", "event_ts": "1.0"}),
    "click": _click,
    "note": lambda: _note("view_submission"),
    "closed": lambda: _note("view_closed"),
    "command": lambda: command_form(USER, "状況", channel="C0GEN"),
}


def _paths(value: object, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, inner in value.items():
            out += _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            out += _paths(inner, (*prefix, i))
    return out


def _replace(value: object, path: tuple, new: object) -> object:
    target = value
    for part in path[:-1]:
        target = target[part]  # type: ignore[index]
    target[path[-1]] = new  # type: ignore[index]
    return value


@st.composite
def mutated(draw) -> tuple[str, bytes, str]:
    """A real payload with one to three parts replaced (or a key added)."""
    kind = draw(st.sampled_from(sorted(BASES)))
    body = BASES[kind]()
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(body)
        new = draw(json_values | deep)
        if draw(st.booleans()) and paths:
            path = draw(st.sampled_from(paths))
            with contextlib.suppress(TypeError, IndexError, KeyError):
                _replace(body, path, new)
        else:
            body[draw(texts)] = new
    return kind, *encode(kind, body)


def encode(kind: str, body: object) -> tuple[bytes, str]:
    text = json.dumps(body, ensure_ascii=False)
    if kind == "command" and isinstance(body, dict):
        return urlencode({str(k): v if isinstance(v, str) else json.dumps(v)
                          for k, v in body.items()}, errors="surrogatepass").encode(), FORM
    if kind in ("click", "note", "closed"):
        return urlencode({"payload": text}, errors="surrogatepass").encode(), FORM
    return text.encode("utf-8", "surrogatepass"), JSON


@st.composite
def shapeless(draw) -> tuple[str, bytes, str]:
    """Random JSON, raw deep nesting, or random bytes, as either content type."""
    choice = draw(st.integers(0, 2))
    if choice == 0:
        raw = json.dumps(draw(json_values), ensure_ascii=False).encode("utf-8", "surrogatepass")
    elif choice == 1:
        n = draw(st.integers(30, 200_000))
        raw = b'{"type":"event_callback","event_id":"Ev1","event":' + b"[" * n + b"]" * n + b"}"
    else:
        raw = draw(st.binary(max_size=200))
    content_type = draw(st.sampled_from([JSON, FORM]))
    if content_type == FORM and choice == 0 and draw(st.booleans()):
        raw = urlencode({"payload": raw.decode("utf-8", "surrogatepass")},
                        errors="surrogatepass").encode()
    return "shapeless", raw, content_type


bodies = mutated() | shapeless()

# ----- how to check -----------------------------------------------------------------------------


@dataclass
class Figures:
    tried: int = 0
    by_status: dict[int, int] = field(default_factory=dict)
    server_errors: int = 0
    log_errors: int = 0
    rows_changed: int = 0  # by a rejected body
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(self.by_status.items()))
        return (f"bodies tried {self.tried}; 5xx {self.server_errors}; log errors "
                f"{self.log_errors}; rows changed by rejected bodies {self.rows_changed} "
                f"(statuses {statuses})")


class ErrorLog(logging.Handler):
    """Counts records that are errors or carry a traceback."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.bad: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR or record.exc_info:
            self.bad.append(f"{record.name}: {record.getMessage()[:200]}")


def snapshot(database: Database) -> str:
    digest = hashlib.sha256()
    with database.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in sorted(repr(tuple(r)) for r in conn.execute(select(table))):
                digest.update(row.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


class Fuzzer:
    """The real server and a fake Slack in an event loop of their own; `send` is synchronous
    so hypothesis can drive it."""

    def __init__(self, database_url: str) -> None:
        from rubrics.loader import RubricRegistry

        self.database = Database(database_url)
        seed_member(self.database, domain="fuzz.example")
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self._cm = slack_stack(database_url, rubrics=RubricRegistry(FIXTURE_RUBRICS))
        self.stack = self._run(self._cm.__aenter__())
        self.stack.fake.add_user(USER, "member@fuzz.example")
        self.log = ErrorLog()
        logging.getLogger().addHandler(self.log)
        self.figures = Figures()

    def _run(self, coro, timeout: float = 120):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def send(self, kind: str, body: bytes, content_type: str) -> None:
        before = snapshot(self.database)
        errors = len(self.log.bad)
        reply = self._run(self.stack.signed(body, content_type))
        self._run(self.stack.settle())
        figures = self.figures
        figures.tried += 1
        figures.by_status[reply.status] = figures.by_status.get(reply.status, 0) + 1
        if reply.status >= 500:
            figures.server_errors += 1
            figures.problems.append(f"{reply.status} for {kind}: {body[:120]!r}")
        if len(self.log.bad) > errors:
            figures.log_errors += len(self.log.bad) - errors
            figures.problems.append(f"log for {kind}: {self.log.bad[-1]} ({body[:120]!r})")
        if 400 <= reply.status < 500 and snapshot(self.database) != before:
            figures.rows_changed += 1
            figures.problems.append(f"rows changed by rejected {kind}: {body[:120]!r}")

    def close(self) -> None:
        logging.getLogger().removeHandler(self.log)
        self._run(self._cm.__aexit__(None, None, None))
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.database.dispose()


def run(fuzzer: Fuzzer, examples: int, *, derandomize: bool = False) -> Figures:
    @settings(max_examples=examples, deadline=None, database=None, derandomize=derandomize,
              suppress_health_check=list(HealthCheck))
    @given(bodies)
    def one(case: tuple[str, bytes, str]) -> None:
        fuzzer.send(*case)

    one()
    return fuzzer.figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=3000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    logging.getLogger().setLevel(logging.INFO)  # ErrorLog sees every record; nothing printed
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/fuzz.db"
        database = Database(url)
        upgrade(database.engine)
        database.dispose()
        fuzzer = Fuzzer(url)
        started = time.perf_counter()
        try:
            figures = run(fuzzer, args.examples)
        finally:
            fuzzer.close()
    print(f"{figures.line()} in {time.perf_counter() - started:.0f} s")
    for problem in figures.problems[:20]:
        print("  " + problem)
    sys.exit(1 if figures.problems else 0)


if __name__ == "__main__":
    main()
