"""Drive real `aiga-bot serve` processes the way Slack does (shared by bench/, scripts/, tests/).

* `ServerProcess` — `python -m bot.cli serve` in a subprocess with the settings given as
  environment variables, its logs in files; started until /readyz says 200 (the start-up time
  is measured), stopped with SIGTERM or killed with SIGKILL; its RSS read from /proc.
* `QuickSlack` — tests/fake_slack.FakeSlack that resolves a waiter the moment the next question
  (a message with buttons) reaches a DM, and records when; Block Kit validation is skipped,
  because the load generator must not be the bottleneck (the tests validate every payload).
* `Member` — one member of one company answering through signed block_actions requests:
  start the Navi, answer item after item, submit.
* `seed_companies` — N companies with an e-mail domain each and one open round.

Run from the repository root (the tests' fake Slack is imported from tests/).
"""

from __future__ import annotations

import asyncio
import copy
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support.fake_slack import (  # noqa: E402
    BOT_TOKEN,
    SIGNING_SECRET,
    FakeSlack,
    click_payload,
    dm_event,
    event_envelope,
    find_button,
    sign,
)

LEVEL_LABELS = ("1点", "2点", "3点", "4点")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def base_env(**values: str) -> dict[str, str]:
    """Only what a platform would set: PATH and friends plus the settings given."""
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    return {**keep, "AIGA_WORKER_IN_PROCESS": "false", **values}


def slack_env(database_url: str, api_url: str, **values: str) -> dict[str, str]:
    return base_env(DATABASE_URL=database_url, SLACK_BOT_TOKEN=BOT_TOKEN,
                    SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=api_url, **values)


# ----- the server process ------------------------------------------------------------------------


class ServerProcess:
    """One `aiga-bot serve` process on 127.0.0.1."""

    def __init__(self, env: dict[str, str], workdir: Path, *, port: int | None = None,
                 command: list[str] | None = None, name: str = "serve") -> None:
        self.env = env
        self.workdir = Path(workdir)
        self.port = port or free_port()
        self.command = command or [sys.executable, "-m", "bot.entry", "serve", "--host",
                                   "127.0.0.1", "--port", str(self.port)]
        self.name = name
        self.process: subprocess.Popen | None = None
        self.startup_seconds: float | None = None
        self.runs = 0
        self.signalled = False

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def stderr_path(self) -> Path:
        return self.workdir / f"{self.name}-{self.runs}.err"

    @property
    def stdout_path(self) -> Path:
        return self.workdir / f"{self.name}-{self.runs}.out"

    async def start(self, *, ready_path: str = "/readyz", timeout: float = 30) -> float:
        """Spawn and wait until `ready_path` answers 200; returns seconds from spawn."""
        self.runs += 1
        self.signalled = False
        self.workdir.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        env = {**self.env, "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(
            self.command, env=env, cwd=self.workdir, stdin=subprocess.DEVNULL,
            stdout=self.stdout_path.open("wb"), stderr=self.stderr_path.open("wb"))
        async with aiohttp.ClientSession() as session:
            while time.perf_counter() - started < timeout:
                if self.process.poll() is not None:
                    raise RuntimeError(f"{self.name} exited with {self.process.returncode}: "
                                       f"{self.stderr_path.read_text()[-2000:]}")
                try:
                    async with session.get(self.base_url + ready_path) as response:
                        if response.status == 200:
                            self.startup_seconds = time.perf_counter() - started
                            return self.startup_seconds
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.02)
        raise TimeoutError(f"{self.name} not ready after {timeout} s")

    def signal(self, signum: int) -> None:
        assert self.process is not None
        self.process.send_signal(signum)
        self.signalled = True

    def kill(self) -> None:
        """SIGKILL: no shutdown hook runs, nothing is flushed."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(10)

    async def stop(self, timeout: float = 30) -> int:
        """SIGTERM (unless already sent) and wait for the exit code."""
        assert self.process is not None
        if self.process.poll() is None and not self.signalled:
            self.process.send_signal(signal.SIGTERM)
        deadline = time.perf_counter() + timeout
        while self.process.poll() is None:
            if time.perf_counter() > deadline:
                self.process.kill()
                raise TimeoutError(f"{self.name} did not stop within {timeout} s")
            await asyncio.sleep(0.05)
        return self.process.returncode

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def rss_mib(self) -> float:
        assert self.process is not None
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS")

    def cpu_seconds(self) -> float:
        """User + system CPU time of the process so far (/proc/<pid>/stat utime + stime)."""
        assert self.process is not None
        return cpu_seconds(self.process.pid)

    def logs(self) -> str:
        """Everything the process wrote, every run."""
        return "".join(p.read_text(errors="replace")
                       for p in sorted(self.workdir.glob(f"{self.name}-*.*")))


# ----- the fake Slack, fast and observable -------------------------------------------------------


class QuickSlack(FakeSlack):
    """FakeSlack plus waiters for "the next message with buttons in this DM"."""

    def __init__(self, *, validate: bool = False) -> None:
        super().__init__()
        self.validate = validate
        self.waiters: dict[str, tuple[asyncio.Future, bool]] = {}
        self.arrivals: dict[str, list[tuple[float, dict]]] = {}

    def _message_problems(self, args: dict) -> dict | None:
        if self.validate:
            return super()._message_problems(args)
        return None if isinstance(args.get("text"), str) and args["text"].strip() else {
            "ok": False, "error": "no_text"}

    def m_views_publish(self, args: dict) -> dict:
        if self.validate:
            return super().m_views_publish(args)
        stored = {**(args.get("view") or {}), "id": f"VHOME{args['user_id']}", "hash": "h"}
        self.views[args["user_id"]] = stored
        return {"view": stored}

    def m_chat_postMessage(self, args: dict) -> dict:
        result = super().m_chat_postMessage(args)
        if result.get("ok", True) is not False:
            message = self.messages[(args["channel"], args["_ts"])]
            buttons = any(b.get("type") == "actions" for b in message.get("blocks") or [])
            now = time.perf_counter()
            if buttons:
                self.arrivals.setdefault(args["channel"], []).append((now, message))
            future, need_buttons = self.waiters.get(args["channel"], (None, False))
            if future is not None and (buttons or not need_buttons):
                del self.waiters[args["channel"]]
                if not future.done():
                    future.set_result((now, message))
        return result

    def expect(self, channel: str, *, buttons: bool = True) -> asyncio.Future:
        """A future for the next message (with buttons, by default) in `channel`:
        (arrival time, message)."""
        future = asyncio.get_running_loop().create_future()
        self.waiters[channel] = (future, buttons)
        return future


# ----- a member ----------------------------------------------------------------------------------


@dataclass
class Member:
    """A member of one company answering the Navi through the server at `base_url`."""

    user: str
    email: str
    fake: QuickSlack
    session: aiohttp.ClientSession
    base_url: str
    current: dict | None = None
    latencies: list[float] = field(default_factory=list)  # answer sent → next question posted
    acks: list[float] = field(default_factory=list)  # answer sent → HTTP 200
    acknowledged: list[str] = field(default_factory=list)  # item keys answered and followed up
    statuses: list[int] = field(default_factory=list)
    last_ack: float = 0.0
    last_latency: float = 0.0
    clicked: dict | None = None

    @property
    def dm(self) -> str:
        return f"D{self.user}"

    async def _post(self, body: bytes, content_type: str) -> tuple[int, float]:
        started = time.perf_counter()
        async with self.session.post(self.base_url + "/slack/events", data=body, headers={
                "Content-Type": content_type, **sign(body)}) as response:
            await response.read()
            self.statuses.append(response.status)
            return response.status, time.perf_counter() - started

    async def say(self, text: str, timeout: float = 30) -> dict:
        waiter = self.fake.expect(self.dm)
        body = json.dumps(event_envelope(dm_event(self.user, text))).encode()
        await self._post(body, "application/json")
        _, self.current = await asyncio.wait_for(waiter, timeout)
        return self.current

    async def click(self, *, label: str | None = None, value: str | None = None,
                    timeout: float = 30, message: dict | None = None,
                    buttons: bool = True) -> dict:
        """Click a button of the current question; returns the next question posted (or the
        next message of any kind, `buttons=False`)."""
        message = message or self.current
        assert message is not None
        self.clicked = copy.deepcopy(message)  # as it was when clicked (updates change it)
        block, element = find_button(message, label=label, value=value)
        body = urlencode({"payload": json.dumps(
            click_payload(self.user, message, element, block))}).encode()
        waiter = self.fake.expect(self.dm, buttons=buttons)
        sent = time.perf_counter()
        status, ack = await self._post(body, "application/x-www-form-urlencoded")
        if status != 200:
            waiter.cancel()
            raise RuntimeError(f"click answered {status}")
        self.last_ack = ack
        arrived, self.current = await asyncio.wait_for(waiter, timeout)
        self.last_latency = arrived - sent
        return self.current

    async def begin(self) -> dict:
        """"ナビを始める" → はい → 両方: the first item."""
        self.fake.add_user(self.user, self.email)
        await self.say("ナビを始める")
        await self.click(label="はい")
        return await self.click(label="両方")

    def on_item(self) -> bool:
        return self.current is not None and any(
            str(e.get("value", "")).startswith("navi:level:")
            for b in self.current.get("blocks", []) if b.get("type") == "actions"
            for e in b.get("elements", []))

    def item_key(self, message: dict | None = None) -> str:
        message = message or self.current or {}
        for b in message.get("blocks", []):
            for e in b.get("elements", []) if b.get("type") == "actions" else []:
                value = str(e.get("value", ""))
                if value.startswith("navi:level:"):
                    return value.split(":")[3]
        raise AssertionError("not an item")

    async def answer(self, level: int) -> dict:
        key = self.item_key()
        result = await self.click(label=LEVEL_LABELS[level - 1])
        self.acknowledged.append(key)  # its next question reached Slack
        self.latencies.append(self.last_latency)
        self.acks.append(self.last_ack)
        return result

    async def note(self, text: str, timeout: float = 30) -> dict:
        """Click "メモ（No.N）" on the current question, wait for the note form's modal, submit
        `text` in it; returns the question shown again after the note was saved."""
        assert self.current is not None
        opened = len(self.fake.called("views.open"))
        block, element = find_button(self.current, label="メモ")
        body = urlencode({"payload": json.dumps(
            click_payload(self.user, self.current, element, block))}).encode()
        await self._post(body, "application/x-www-form-urlencoded")
        deadline = time.perf_counter() + timeout
        while len(self.fake.called("views.open")) == opened:
            if time.perf_counter() > deadline:
                raise TimeoutError("no note modal")
            await asyncio.sleep(0.01)
        view = self.fake.called("views.open")[-1].args["view"]  # the note form's modal
        state = {"note": {"note": {"type": "plain_text_input", "value": text}},
                 "evidence": {"evidence": {"type": "plain_text_input", "value": ""}}}
        submission = {"type": "view_submission", "user": {"id": self.user, "team_id": "T0AIGA"},
                      "team": {"id": "T0AIGA"},
                      "view": {**view, "id": f"VNOTE{time.time_ns()}", "hash": "h",
                               "state": {"values": state}}}
        waiter = self.fake.expect(self.dm)
        body = urlencode({"payload": json.dumps(submission)}).encode()
        await self._post(body, "application/x-www-form-urlencoded")
        _, self.current = await asyncio.wait_for(waiter, timeout)
        return self.current

    async def complete(self, *, submit: bool = True, answers: int | None = None) -> int:
        """Answer every item (or `answers` of them), then submit; returns answers given."""
        given = 0
        while self.on_item() and (answers is None or given < answers):
            await self.answer(given % 4 + 1)
            given += 1
        if submit and not self.on_item():
            await self.click(label="提出する", buttons=False)
        return given


# ----- data --------------------------------------------------------------------------------------


def company_email(n: int) -> str:
    return f"member{n}@c{n:05d}.example.jp"


def seed_companies(database_url: str, count: int, *, rubric_version: str = "1.1") -> None:
    """`count` companies (domain cNNNNN.example.jp) and one open round, in one transaction."""
    from handlers.dates import now_tokyo
    from store.db import Database
    from store.models import Organisation, OrgDomain, Round

    now = now_tokyo()
    database = Database(database_url)
    with database.transaction() as session:
        for n in range(count):
            company = Organisation(name=f"会員企業{n:05d}", membership_class="regular",
                                   created_at=now)
            company.domains.append(OrgDomain(domain=f"c{n:05d}.example.jp"))
            session.add(company)
        session.add(Round(name="2026年度下期", rubric_version=rubric_version,
                          opens_at=now - timedelta(days=1), deadline_at=now + timedelta(days=30),
                          status="open", created_at=now))
    database.dispose()


def migrate(database_url: str) -> None:
    from store.db import Database
    from store.migrate import upgrade

    database = Database(database_url)
    upgrade(database.engine)
    database.dispose()


def cpu_seconds(pid: int) -> float:
    """utime + stime of `pid` in seconds: robust on a noisy machine, unlike wall time."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]
