"""Resilience scenarios against real `aiga-bot serve` processes (issue 9), shared by the tests
(tests/test_prod_kill9.py, tests/test_prod_db_outage.py, modest counts) and by
scripts/resilience.py (repeated runs, figures for the README).

* `kill9` — members answer at once; the server gets SIGKILL mid-stream; it is started again.
  "Acknowledged" means: the member saw the next question arrive in Slack after the click (the
  fake Web API received it). Slack's HTTP 200 alone promises nothing: the adapter acks before
  it works, so a click acked just before the kill may be lost; its member still sees the old
  question with live buttons and can click again. Checked: every acknowledged answer is in the
  database with its level; each company's answers are a prefix of the item order (no gaps); each
  member who types 「続き」 gets the first unanswered item; every member then completes and
  submits.
* `outage` — a PostgreSQL of our own (initdb in a temporary folder, never the machine's shared
  server) goes away for a few seconds while members answer: clicks meanwhile get the polite
  "try again" message (HTTP 200 to Slack, no 5xx), /readyz says 503 and /healthz 200; when the
  database is back the server recovers by itself and the members finish.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from sqlalchemy import select

from bench.serverproc import (
    Member,
    QuickSlack,
    ServerProcess,
    company_email,
    free_port,
    migrate,
    seed_companies,
    slack_env,
)

RESUME = "続き"
TRY_AGAIN = ("少し時間をおいて", "try again")  # handlers/messages.py db_unavailable


def item_order(version: str = "1.1") -> list[str]:
    """The order the Navi asks: area by area, the guide's table order (handlers/navi/order.py)."""
    from handlers.navi.order import walk
    from rubrics.loader import registry

    return [item.id for item in walk(registry().get(version))]


def answers_by_user(url: str) -> dict[str, dict[str, int]]:
    """Slack user id → {item id: level} of their company's assessment."""
    from store.db import Database
    from store.models import Answer, Assessment, User

    database = Database(url)
    out: dict[str, dict[str, int]] = {}
    try:
        with database.transaction() as session:
            users = session.scalars(select(User).where(User.platform == "slack")).all()
            for user in users:
                rows = session.execute(
                    select(Answer.item_id, Answer.level).join(
                        Assessment, Answer.assessment_id == Assessment.id).where(
                        Assessment.org_id == user.org_id)).all()
                out[user.platform_user_id] = {item: level for item, level in rows}
    finally:
        database.dispose()
    return out


def submitted_count(url: str) -> int:
    from store.db import Database
    from store.models import Assessment

    database = Database(url)
    try:
        with database.transaction() as session:
            return len(session.scalars(select(Assessment.id).where(
                Assessment.status == "submitted")).all())
    finally:
        database.dispose()


async def keep_answering(member: Member, stop: asyncio.Event | None = None) -> None:
    """Answer item after item (levels 1, 2, 3, 4, 1, …) until the items run out or it fails."""
    try:
        while member.on_item() and not (stop and stop.is_set()):
            await member.answer(len(member.acknowledged) % 4 + 1)
    except (aiohttp.ClientError, TimeoutError, RuntimeError):
        pass


def level_for(index: int) -> int:
    return index % 4 + 1


@dataclass
class Kill9Report:
    members: int
    acknowledged: int = 0  # answers whose next question reached Slack before the kill
    acked_only: int = 0  # clicks with HTTP 200 whose next question never came
    acked_only_saved: int = 0  # … of which the answer was saved anyway
    saved_unacknowledged: int = 0  # answers in the database beyond the acknowledged ones
    resumed_right: int = 0
    completed: int = 0
    restart_seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    def check(self) -> None:
        assert not self.problems, self.problems[:10]
        assert self.resumed_right == self.members and self.completed == self.members


async def kill9(url: str, workdir: Path, *, members: int = 50, kill_after: int = 300,
                timeout: float = 120, finish: bool = True) -> Kill9Report:
    """Run the kill -9 scenario on a migrated, empty database at `url`. `finish`: after the
    restart every member completes and submits (else: answers one more item)."""
    seed_companies(url, members)
    order = item_order()
    fake = await QuickSlack().start()
    server = ServerProcess(slack_env(url, fake.api_url), workdir)
    report = Kill9Report(members)
    await server.start()
    try:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
            crowd = [Member(f"U9{n:05d}", company_email(n), fake, session, server.base_url)
                     for n in range(members)]
            await asyncio.gather(*(m.begin() for m in crowd))
            tasks = [asyncio.create_task(keep_answering(m)) for m in crowd]
            deadline = time.perf_counter() + timeout
            while sum(len(m.acknowledged) for m in crowd) < kill_after:
                if time.perf_counter() > deadline:
                    raise TimeoutError("members too slow")
                await asyncio.sleep(0.01)
            server.kill()  # SIGKILL, mid-stream
            await asyncio.sleep(0.5)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

            saved = answers_by_user(url)
            for m in crowd:
                got = saved.get(m.user, {})
                report.acknowledged += len(m.acknowledged)
                for index, key in enumerate(m.acknowledged):
                    if got.get(key) != level_for(index):
                        report.problems.append(f"{m.user}: acknowledged {key} not saved")
                clicks = m.statuses[3:]  # after begin(): one per answer click
                if len(clicks) > len(m.acknowledged) and clicks[-1] == 200:
                    report.acked_only += 1
                    report.acked_only_saved += m.item_key(m.clicked) in got
                answered = [k for k in order if k in got]
                if answered != order[:len(answered)]:
                    report.problems.append(f"{m.user}: answers are not a prefix: {answered}")
                report.saved_unacknowledged += len(got) - len(m.acknowledged)

            restarted = time.perf_counter()
            await server.start()
            report.restart_seconds = round(time.perf_counter() - restarted, 2)
            saved = answers_by_user(url)  # nothing is lost or added by the restart

            async def resume(m: Member) -> None:
                await m.say(RESUME)
                expected = next(k for k in order if k not in saved.get(m.user, {}))
                if m.item_key() == expected:
                    report.resumed_right += 1
                else:
                    report.problems.append(f"{m.user}: resumed at {m.item_key()}, "
                                           f"expected {expected}")
                if not finish:
                    await m.answer(1)
                    report.completed += 1
                    return
                while m.on_item():
                    await m.answer(len(saved.get(m.user, {})) % 4 + 1)
                await m.click(label="提出する", buttons=False)

            await asyncio.gather(*(resume(m) for m in crowd))
            final = answers_by_user(url)
            if finish:
                report.completed = submitted_count(url)
                report.problems += [f"{u}: {len(a)} answers" for u, a in final.items()
                                    if len(a) != len(order)]
            else:
                report.problems += [f"{u}: {len(a)} answers, {len(saved.get(u, {}))} before"
                                    for u, a in final.items()
                                    if len(a) != len(saved.get(u, {})) + 1]
        assert await server.stop() == 0
    finally:
        if server.alive():
            server.kill()
        await fake.stop()
    return report


# ----- a PostgreSQL of our own -------------------------------------------------------------------


def pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return found[-1].parent if found else None


class TempPostgres:
    """initdb + pg_ctl in a temporary folder on a free port; stopped and started at will.
    Runs as the `postgres` system user when we are root (the server refuses root)."""

    def __init__(self) -> None:
        binaries = pg_bin()
        if binaries is None:
            raise RuntimeError("PostgreSQL server binaries not found")
        self.bin = binaries
        self.root = Path(tempfile.mkdtemp(prefix="aiga-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True, timeout=60)

    def init(self) -> TempPostgres:
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
                  "--auth=trust", "-E", "UTF8", "--no-sync")
        return self

    def start(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l",
                  str(self.root / "server.log"), "-w", "-t", "30", "-o",
                  f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off",
                  "start")

    def stop(self, mode: str = "immediate") -> None:
        """immediate: like a crash (no clean shutdown); every connection drops at once."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


@dataclass
class OutageReport:
    members: int
    outage_seconds: float = 0.0
    answered_before: int = 0
    clicks_during: int = 0
    statuses: Counter = field(default_factory=Counter)
    polite_replies: int = 0
    unanswered: int = 0  # clicks that got no reply within 10 s (the member clicked again)
    readyz_during: Counter = field(default_factory=Counter)
    healthz_during: Counter = field(default_factory=Counter)
    recovered_after: float | None = None  # database back → first answer followed up
    completed: int = 0
    problems: list[str] = field(default_factory=list)

    def check(self) -> None:
        assert not self.problems, self.problems[:10]
        assert all(s < 500 for s in self.statuses), self.statuses
        assert self.polite_replies >= 1 and self.readyz_during.get(503, 0) >= 1
        assert set(self.readyz_during) == {503} and set(self.healthz_during) == {200}
        assert self.completed == self.members and self.recovered_after is not None


def has_buttons(message: dict) -> bool:
    return any(b.get("type") == "actions" for b in message.get("blocks") or [])


async def click_until_reply(fake: QuickSlack, m: Member, level: int,
                            timeout: float = 6) -> str:
    """Click a level on the member's question and wait for what comes back: "next" (the next
    question was posted), "polite" (the try-again message) or "nothing" (timeout)."""
    seen = len(fake.posts(m.dm))
    with contextlib.suppress(TimeoutError):  # the reply is looked for below
        await m.click(label=f"{level}点", buttons=False, timeout=0.001)
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        for message in fake.posts(m.dm)[seen:]:
            if has_buttons(message) and message["ts"] != (m.clicked or {}).get("ts"):
                m.current = message
                return "next"
            if any(words in message["text"] for words in TRY_AGAIN):
                m.current = m.clicked  # nothing changed: the same question, buttons live
                return "polite"
        await asyncio.sleep(0.02)
    m.current = m.clicked
    return "nothing"


async def outage(pg: TempPostgres, workdir: Path, *, members: int = 10,
                 down_seconds: float = 4.0) -> OutageReport:
    """Members keep answering; the database stops (immediate mode: every connection drops,
    turns in flight included) for `down_seconds`, then comes back."""
    url = pg.url
    migrate(url)
    seed_companies(url, members)
    fake = await QuickSlack().start()
    server = ServerProcess(slack_env(url, fake.api_url), workdir)
    report = OutageReport(members)
    await server.start()
    phase = {"now": "before"}
    try:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
            crowd = [Member(f"U8{n:05d}", company_email(n), fake, session, server.base_url)
                     for n in range(members)]
            await asyncio.gather(*(m.begin() for m in crowd))
            back_at: list[float] = []

            async def answering(m: Member) -> None:
                """Answer until the items run out, clicking again after a try-again (or after
                no reply at all, as a person would)."""
                silent = 0
                while m.on_item():
                    when = phase["now"]
                    outcome = await click_until_reply(fake, m, 2)
                    if phase["now"] == "down":
                        report.clicks_during += 1
                    if outcome == "polite":
                        report.polite_replies += 1
                        await asyncio.sleep(0.3)  # a person reads it, then clicks again
                    elif outcome == "next" and phase["now"] == "before":
                        report.answered_before += 1
                    elif outcome == "next" and phase["now"] == "back" and back_at:
                        if report.recovered_after is None:
                            report.recovered_after = round(time.perf_counter() - back_at[0], 2)
                    elif outcome == "nothing":  # a person clicks again after a while
                        report.unanswered += 1
                        silent += 1
                        if silent >= 3:
                            texts = [x["text"][:60] for x in fake.posts(m.dm)[-3:]]
                            report.problems.append(f"{m.user}: stuck, no reply to 3 clicks "
                                                   f"(first sent {when}); last {texts}")
                            return
                        continue
                    silent = 0
                await m.click(label="提出する", buttons=False)

            tasks = [asyncio.create_task(answering(m)) for m in crowd]
            await asyncio.sleep(1.0)  # answering in full swing
            phase["now"] = "down"
            await asyncio.to_thread(pg.stop, "immediate")
            went_down = time.perf_counter()
            while time.perf_counter() - went_down < down_seconds:
                for path, counter in (("/readyz", report.readyz_during),
                                      ("/healthz", report.healthz_during)):
                    async with session.get(server.base_url + path) as response:
                        counter[response.status] += 1
                await asyncio.sleep(0.25)
            await asyncio.to_thread(pg.start)
            report.outage_seconds = round(time.perf_counter() - went_down, 2)
            back_at.append(time.perf_counter())
            phase["now"] = "back"
            await asyncio.wait_for(asyncio.gather(*tasks), 300)
            report.completed = submitted_count(url)
            report.statuses.update(s for m in crowd for s in m.statuses)
            async with session.get(server.base_url + "/readyz") as response:
                if response.status != 200:
                    report.problems.append(f"/readyz {response.status} after recovery")
        assert await server.stop() == 0
    finally:
        if server.alive():
            server.kill()
        await fake.stop()
    return report
