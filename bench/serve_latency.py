"""Measured speed of `aiga-bot serve` (issue 9): latency, throughput, memory, start-up.

Everything runs on this machine against real processes: the server is `python -m bot.cli serve`
(a subprocess, settings from the environment as in production), Slack is the tests' fake Web API
(bench/serverproc.QuickSlack) in this process, and members are simulated here, each a closed
loop: send a signed block_actions click for a level → wait until the next question reaches the
fake Web API → click again.

Figures, per backend (SQLite file, PostgreSQL database created for the run and dropped after):

* answer latency — click sent → answer saved → next item posted to the fake (chat.postMessage
  arrives), p50 / p99, with 1 member (3 companies one after another) and 50 members at once;
  the HTTP ack of the same clicks too;
* the baseline, in the same run: a minimal Bolt app (bench/bolt_ack_app.py, same aiohttp + Bolt
  stack, signature check on, one listener that only acks) answering the same signed clicks, at 1
  and 50 concurrent senders; ratio = our answer latency / its ack latency;
* throughput at saturation — answers per second with 50, 100 and 200 members at once;
* RSS of the server after 1,000 companies in all have completed an assessment (start, 36
  answers, submit), against its RSS when it was first ready;
* start-up time — spawn of the process → first 200 from /readyz (median of 3).

    .venv/bin/python bench/serve_latency.py                       # both backends, full run
    .venv/bin/python bench/serve_latency.py --backends sqlite --companies 100 --levels 50
    PG: --pg-url postgresql://postgres@127.0.0.1:5432/test (default; TEST_DATABASE_URL wins)

Prints a table and writes the raw figures to var/bench/serve_latency.json. Not a test: the
figures depend on the machine; the README quotes one run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.serverproc import (
    ROOT,
    Member,
    QuickSlack,
    ServerProcess,
    base_env,
    company_email,
    migrate,
    percentile,
    seed_companies,
    slack_env,
)
from tests.support.fake_slack import click_payload, sign

ITEMS = 36  # navi-1.1 with both roles


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def summary(values: list[float]) -> dict:
    return {"n": len(values), "p50_ms": ms(percentile(values, 50)),
            "p99_ms": ms(percentile(values, 99)), "mean_ms": ms(statistics.fmean(values))}


class Companies:
    """Hands out the seeded companies, each to one member, once."""

    def __init__(self) -> None:
        self.next = 0

    def take(self, count: int) -> list[int]:
        taken = list(range(self.next, self.next + count))
        self.next += count
        return taken


async def run_members(fake: QuickSlack, server: ServerProcess, numbers: list[int],
                      concurrency: int) -> tuple[list[Member], float, int]:
    """Each number is a company whose member completes the Navi; at most `concurrency` at once.
    Returns the members, the wall time and the answers given."""
    members: list[Member] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in numbers:
        queue.put_nowait(n)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        async def worker() -> None:
            while not queue.empty():
                n = queue.get_nowait()
                member = Member(f"U{n:06d}", company_email(n), fake, session, server.base_url)
                members.append(member)
                await member.begin()
                await member.complete(submit=True)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - started
    return members, wall, sum(len(m.latencies) for m in members)


async def bolt_acks(base_url: str, senders: int, per_sender: int) -> list[float]:
    """Signed block_actions clicks (the same payload shape as ours) to the minimal Bolt app."""
    message = {"channel": "DU0BOLT", "ts": "1800000001.000100", "text": "q", "blocks": []}
    element = {"action_id": "navi-0", "text": {"type": "plain_text", "text": "1点"},
               "value": "navi:level:item:1"}
    timings: list[float] = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        async def sender(k: int) -> None:
            for _ in range(per_sender):
                body = urlencode({"payload": json.dumps(click_payload(
                    f"U0BOLT{k}", message, element))}).encode()
                started = time.perf_counter()
                async with session.post(base_url + "/slack/events", data=body, headers={
                        "Content-Type": "application/x-www-form-urlencoded",
                        **sign(body)}) as response:
                    await response.read()
                    assert response.status == 200, response.status
                timings.append(time.perf_counter() - started)

        await asyncio.gather(*(sender(k) for k in range(senders)))
    return timings


async def bench_backend(name: str, url: str, args, workdir: Path, bolt: ServerProcess) -> dict:
    levels = [int(x) for x in args.levels.split(",") if x]
    needed = 3 + 50 + sum(levels)
    total = max(args.companies, needed)
    migrate(url)
    seed_companies(url, total)
    fake = await QuickSlack().start()
    result: dict = {"backend": name}
    try:
        server = ServerProcess(slack_env(url, fake.api_url, LOG_LEVEL="INFO"), workdir / name)
        startups = []
        for _ in range(3):
            startups.append(await server.start())
            if len(startups) < 3:
                assert await server.stop() == 0
        result["startup_s"] = {"median": round(statistics.median(startups), 3),
                               "runs": [round(s, 3) for s in startups]}
        result["rss_ready_mib"] = round(server.rss_mib(), 1)
        companies = Companies()

        members, _, _ = await run_members(fake, server, companies.take(3), 1)
        result["c1"] = summary([x for m in members for x in m.latencies])
        result["c1_ack"] = summary([x for m in members for x in m.acks])
        result["bolt_c1"] = summary(await bolt_acks(bolt.base_url, 1, 108))

        members, wall, answers = await run_members(fake, server, companies.take(50), 50)
        result["c50"] = summary([x for m in members for x in m.latencies])
        result["c50_ack"] = summary([x for m in members for x in m.acks])
        result["c50_throughput"] = round(answers / wall, 1)
        result["bolt_c50"] = summary(await bolt_acks(bolt.base_url, 50, 36))

        result["saturation"] = {}
        for level in levels:
            members, wall, answers = await run_members(fake, server, companies.take(level),
                                                       level)
            lat = [x for m in members for x in m.latencies]
            result["saturation"][level] = {"answers_per_s": round(answers / wall, 1),
                                           "answers": answers, **summary(lat)}

        rest = total - companies.next
        if rest > 0:
            started = time.perf_counter()
            await run_members(fake, server, companies.take(rest), 50)
            result["rss_run_s"] = round(time.perf_counter() - started, 1)
        result["companies_completed"] = companies.next
        result["rss_after_mib"] = round(server.rss_mib(), 1)
        result["fake_problems"] = len(fake.problems)
        assert await server.stop() == 0
    finally:
        await fake.stop()
    result["ratio_c1"] = round(result["c1"]["p50_ms"] / result["bolt_c1"]["p50_ms"], 1)
    result["ratio_c50"] = round(result["c50"]["p50_ms"] / result["bolt_c50"]["p50_ms"], 1)
    return result


def pg_database(base: str) -> tuple[str, callable]:
    """A fresh PostgreSQL database for the run (dropped afterwards)."""
    from sqlalchemy import create_engine, text

    from store.db import normalise_url

    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(normalise_url(base), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.rsplit("/", 1)[0] + "/" + name

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=os.environ.get(
        "TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--companies", type=int, default=1000,
                        help="companies that complete an assessment in all (RSS figure)")
    parser.add_argument("--levels", default="50,100,200", help="saturation concurrency levels")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench" / "serve_latency.json")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="serve-bench-"))
    fake_for_bolt = await QuickSlack().start()
    bolt = ServerProcess(base_env(), workdir / "bolt", name="bolt", command=[
        sys.executable, str(ROOT / "bench" / "bolt_ack_app.py"), "--port", "0", "--api-url",
        fake_for_bolt.api_url])
    bolt.command[bolt.command.index("0")] = str(bolt.port)
    await bolt.start()
    results = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                           "platform": platform.platform()}, "runs": []}
    try:
        for backend in args.backends.split(","):
            if backend == "sqlite":
                url, drop = f"sqlite:///{workdir}/bench.db", (lambda: None)
            else:
                url, drop = pg_database(args.pg_url)
            try:
                results["runs"].append(await bench_backend(backend, url, args, workdir, bolt))
            finally:
                drop()
            print(json.dumps(results["runs"][-1], ensure_ascii=False), flush=True)
    finally:
        await bolt.stop()
        await fake_for_bolt.stop()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    print_table(results)


def print_table(results: dict) -> None:
    print(f"\nmachine: {results['machine']}")
    print("| backend | members | answer p50 | answer p99 | ack p50 | Bolt-only ack p50 / p99 "
          "| ratio (p50) |")
    print("|---|---|---|---|---|---|---|")
    for run in results["runs"]:
        for c in ("1", "50"):
            r, a, b = run[f"c{c}"], run[f"c{c}_ack"], run[f"bolt_c{c}"]
            print(f"| {run['backend']} | {c} | {r['p50_ms']} ms | {r['p99_ms']} ms | "
                  f"{a['p50_ms']} ms | {b['p50_ms']} / {b['p99_ms']} ms | "
                  f"{run[f'ratio_c{c}']}× |")
    for run in results["runs"]:
        sat = ", ".join(f"{k} members: {v['answers_per_s']}/s (p99 {v['p99_ms']} ms)"
                        for k, v in run["saturation"].items())
        print(f"{run['backend']}: throughput {sat}; RSS {run['rss_ready_mib']} MiB ready → "
              f"{run['rss_after_mib']} MiB after {run['companies_completed']} companies; "
              f"start-up {run['startup_s']['median']} s")


if __name__ == "__main__":
    asyncio.run(main())
