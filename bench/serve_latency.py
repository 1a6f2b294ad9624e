"""Measured speed of `aiga-bot serve` (issue 9): latency, throughput, memory, start-up.

Everything runs on this machine against real processes: the server is `python -m bot.cli serve`
(a subprocess, settings from the environment as in production), Slack is the tests' fake Web API
(bench/serverproc.QuickSlack) in this process, and members are simulated here, each a closed
loop: send a signed block_actions click for a level → wait until the next question reaches the
fake Web API → click again.

Figures, per backend (SQLite file, PostgreSQL database created for the run and dropped after):

* answer latency — click sent → answer saved → next item posted to the fake (chat.postMessage
  arrives), p50 / p99, with 1 member (a whole Navi) and 50 members at once; answers per second;
  CPU ms per answer of the server process (utime + stime from /proc/<pid>/stat ÷ turns, every
  click counted, robust on a noisy machine); each size `--repeats` times (min and median);
* the fair floor, in the same run: a minimal Bolt app (bench/bolt_floor_app.py, same aiohttp +
  Bolt stack, signature check on) that acks each click and makes the Web API calls our bot makes
  per answer (chat.update, chat.postMessage, views.publish) to a fake of its own; the same closed
  loop, as many clicks per sender; CPU ratio = our CPU per answer / the floor's;
* the floor with the database, in the same run: the same app doing also an answer's database
  work (bench/floor_database.py: our statements, our two transactions, our engine settings,
  nothing else of ours) on the backend's database; `× floor+db` = our CPU per answer / its, the
  cost of our own code; `floor+db ×` = its CPU / the plain floor's, the database's share;
* throughput at saturation — answers per second with 50, 100 and 200 members at once;
* scale-out (PostgreSQL) — answers per second of one web process against two on one database,
  with how busy the machine was and the ratio its CPUs allow at most (`bound`);
* RSS of the server after 1,000 companies in all have completed an assessment (start, 36
  answers, submit), against its RSS when it was first ready;
* start-up time — spawn of the process → first 200 from /readyz (median of 3).

    .venv/bin/python bench/serve_latency.py                       # both backends, full run
    .venv/bin/python bench/serve_latency.py --quick                # ~5 min: 12 answers each
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
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import urlencode

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bolt_floor_app import question_blocks
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


async def run_members(fake: QuickSlack, server: ServerProcess | list[ServerProcess],
                      numbers: list[int], concurrency: int,
                      answers: int | None = None) -> tuple[list[Member], float, int]:
    """Each number is a company whose member completes the Navi (or gives `answers` answers);
    at most `concurrency` at once; members spread over the servers given. Returns the members,
    the wall time and the answers given."""
    servers = server if isinstance(server, list) else [server]
    members: list[Member] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in numbers:
        queue.put_nowait(n)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        async def worker() -> None:
            while not queue.empty():
                n = queue.get_nowait()
                member = Member(f"U{n:06d}", company_email(n), fake, session,
                                servers[n % len(servers)].base_url)
                members.append(member)
                await member.begin()
                await member.complete(submit=answers is None, answers=answers)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - started
    return members, wall, sum(len(m.latencies) for m in members)


async def floor_answers(fake: QuickSlack, base_url: str, senders: int,
                        per_sender: int) -> tuple[list[float], int]:
    """Signed block_actions clicks to the floor app (bench/bolt_floor_app.py), each sender a
    closed loop like a member: click → wait for the next question at the fake → click it.
    Returns the latencies (click sent → next question posted) and the clicks sent."""
    timings: list[float] = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        async def sender(k: int) -> None:
            user = f"U0FLOOR{k}"
            first = {"channel": f"D{user}", "text": "0. 質問", "blocks": question_blocks(0)}
            fake.m_chat_postMessage(first)  # the question the first click answers
            message = fake.messages[(first["channel"], first["_ts"])]
            element = message["blocks"][1]["elements"][0]
            for _ in range(per_sender):
                body = urlencode({"payload": json.dumps(click_payload(
                    user, message, element))}).encode()
                waiter = fake.expect(f"D{user}")
                started = time.perf_counter()
                async with session.post(base_url + "/slack/events", data=body, headers={
                        "Content-Type": "application/x-www-form-urlencoded",
                        **sign(body)}) as response:
                    await response.read()
                    assert response.status == 200, response.status
                arrived, message = await asyncio.wait_for(waiter, 30)
                timings.append(arrived - started)
                element = message["blocks"][1]["elements"][0]

        await asyncio.gather(*(sender(k) for k in range(senders)))
    return timings, len(timings)


async def measured(process: ServerProcess, work) -> tuple[object, float]:
    """Run `work`; its result and the CPU seconds `process` spent meanwhile."""
    before = process.cpu_seconds()
    result = await work
    return result, process.cpu_seconds() - before


def spread(values: list[float]) -> dict:
    """Min and median over the repeats (and the runs themselves)."""
    return {"min": round(min(values), 2), "median": round(statistics.median(values), 2),
            "runs": [round(v, 2) for v in values]}


async def one_size(fake: QuickSlack, server: ServerProcess, floor: ServerProcess,
                   floor_fake: QuickSlack, companies: Companies, members: int,
                   answers: int | None, floor_db: ServerProcess) -> dict:
    """One repeat at one size: ours, then each floor with the same clicks per sender."""
    (found, wall, _), cpu = await measured(server, run_members(
        fake, server, companies.take(members), members, answers))
    turns = sum(len(m.statuses) for m in found)
    per_sender = max(1, turns // members)
    (floor_lat, floor_turns), floor_cpu = await measured(floor, floor_answers(
        floor_fake, floor.base_url, members, per_sender))
    (_, db_turns), db_cpu = await measured(floor_db, floor_answers(
        floor_fake, floor_db.base_url, members, per_sender))
    lat = [x for m in found for x in m.latencies]
    return {"floor_db_cpu_ms": round(1000 * db_cpu / db_turns, 2),
            "p50_ms": ms(percentile(lat, 50)), "p99_ms": ms(percentile(lat, 99)),
            "answers_per_s": round(turns / wall, 1), "cpu_ms": round(1000 * cpu / turns, 2),
            "turns": turns, "floor_p50_ms": ms(percentile(floor_lat, 50)),
            "floor_p99_ms": ms(percentile(floor_lat, 99)),
            "floor_cpu_ms": round(1000 * floor_cpu / floor_turns, 2)}


def fold(runs: list[dict]) -> dict:
    """The repeats of one size as min / median per figure, plus the CPU ratio to the floor."""
    out = {k: spread([r[k] for r in runs]) for k in runs[0] if k != "turns"}
    ratios = [r["cpu_ms"] / r["floor_cpu_ms"] for r in runs if r["floor_cpu_ms"]]
    out["cpu_ratio"] = spread(ratios) if ratios else None
    out["db_floor_ratio"] = spread([r["cpu_ms"] / r["floor_db_cpu_ms"] for r in runs])
    out["db_share_ratio"] = spread([r["floor_db_cpu_ms"] / r["floor_cpu_ms"] for r in runs
                                    if r["floor_cpu_ms"]])
    return out


def machine_ticks() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine so far, from /proc/stat's "cpu" line."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def busy_between(before: tuple[int, int], after: tuple[int, int]) -> float:
    """The machine's busy share of its CPUs between two `machine_ticks` readings."""
    total = after[1] - before[1]
    return round((after[0] - before[0]) / total, 2) if total else 0.0


async def scale_out(url: str, fake: QuickSlack, workdir: Path, companies: Companies,
                    members: int, answers: int | None, first: ServerProcess) -> dict:
    """Throughput of one web process against two on the same database (members split).

    With the load generator, the fake Slack and PostgreSQL on the same machine, the ratio is
    bounded by the machine's CPUs, not only by the server: each run also reports how busy
    the machine was (share of all CPUs, /proc/stat) and the server's CPU ms per answer, and
    `bound` is the ratio the machine could give at most — its CPUs over everything one answer
    costs all processes together, against the one-process rate."""
    ticks = machine_ticks()
    cpu = first.cpu_seconds()
    (found, wall, _) = await run_members(fake, first, companies.take(members), members, answers)
    one_busy = busy_between(ticks, machine_ticks())
    done = sum(len(m.statuses) for m in found)
    one = done / wall
    one_server_ms = (first.cpu_seconds() - cpu) * 1000 / done
    second = ServerProcess(slack_env(url, fake.api_url, LOG_LEVEL="WARNING"), workdir / "two",
                           name="serve2")
    await second.start()
    try:
        ticks = machine_ticks()
        (found, wall, _) = await run_members(fake, [first, second], companies.take(members),
                                             members, answers)
        two_busy = busy_between(ticks, machine_ticks())
        two = sum(len(m.statuses) for m in found) / wall
    finally:
        assert await second.stop() == 0
    all_ms, bound = machine_bound(os.cpu_count() or 1, one_busy, one)
    return {"one_per_s": round(one, 1), "two_per_s": round(two, 1),
            "ratio": round(two / one, 2), "machine_busy_one": one_busy,
            "machine_busy_two": two_busy, "server_cpu_ms": round(one_server_ms, 2),
            "all_cpu_ms": all_ms, "bound": bound}


def machine_bound(cpus: int, busy: float, per_s: float) -> tuple[float, float | None]:
    """From a run at `per_s` answers a second that kept `busy` of `cpus` CPUs busy: the CPU
    ms every process together spent per answer, and how many times that rate the machine
    could give at most with all its CPUs busy (None when nothing was measured)."""
    if busy <= 0 or per_s <= 0:
        return 0.0, None
    all_ms = busy * cpus * 1000 / per_s
    return round(all_ms, 2), round(cpus * 1000 / all_ms / per_s, 2)


async def bench_backend(name: str, url: str, args, workdir: Path, floor: ServerProcess,
                        floor_fake: QuickSlack) -> dict:
    levels = [int(x) for x in args.levels.split(",") if x]
    needed = args.repeats * (1 + 50) + sum(levels) + (2 * args.scale if args.scale else 0)
    total = max(args.companies, needed)
    migrate(url)
    seed_companies(url, total)
    fake = await QuickSlack().start()
    result: dict = {"backend": name}
    server = ServerProcess(slack_env(url, fake.api_url, LOG_LEVEL="WARNING"), workdir / name)
    try:
        startups = []
        for _ in range(3):
            startups.append(await server.start())
            if len(startups) < 3:
                assert await server.stop() == 0
        result["startup_s"] = {"median": round(statistics.median(startups), 3),
                               "runs": [round(s, 3) for s in startups]}
        result["rss_ready_mib"] = round(server.rss_mib(), 1)
        companies = Companies()
        answers = args.answers or None
        floor_db = floor_process(workdir / f"floor-{name}", floor_fake, url,
                                 raw=args.floor_db == "raw")
        await floor_db.start()
        try:
            for size, members, limit in (("c1", 1, None), ("c50", 50, answers)):
                runs = [await one_size(fake, server, floor, floor_fake, companies, members,
                                       limit, floor_db) for _ in range(args.repeats)]
                result[size] = fold(runs)
        finally:
            await floor_db.stop()
        result["saturation"] = {}
        for level in levels:
            found, wall, _ = await run_members(fake, server, companies.take(level), level,
                                               answers)
            lat = [x for m in found for x in m.latencies]
            result["saturation"][level] = {
                "answers_per_s": round(sum(len(m.statuses) for m in found) / wall, 1),
                **summary(lat)}
        if args.scale and name == "postgresql":
            result["scale_out"] = await scale_out(url, fake, workdir, companies, args.scale,
                                                  answers, server)
        rest = total - companies.next
        if rest > 0 and args.companies:
            started = time.perf_counter()
            await run_members(fake, server, companies.take(rest), 50)
            result["rss_run_s"] = round(time.perf_counter() - started, 1)
        result["companies_completed"] = companies.next
        result["rss_after_mib"] = round(server.rss_mib(), 1)
        result["fake_problems"] = len(fake.problems)
        assert await server.stop() == 0
    finally:
        if server.alive():  # a failed run leaves no server behind
            await server.stop()
        await fake.stop()
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
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--answers", type=int, default=0,
                        help="answers per member at 50 members (0: the whole Navi)")
    parser.add_argument("--scale", type=int, default=100,
                        help="members for the one-vs-two web processes run (PostgreSQL; 0: off)")
    parser.add_argument("--floor-db", choices=("core", "raw"), default="core",
                        help="the floor with the database: through SQLAlchemy Core (as ours) "
                             "or on the driver's cursor")
    parser.add_argument("--quick", action="store_true",
                        help="a short run: 12 answers per member, no saturation, no RSS run")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench" / "serve_latency.json")
    args = parser.parse_args()
    if args.quick:
        args.companies, args.levels = 0, ""
        args.answers = args.answers or 12
        args.scale = min(args.scale, 50)

    workdir = Path(tempfile.mkdtemp(prefix="serve-bench-"))
    floor_fake = await QuickSlack().start()
    floor = floor_process(workdir / "floor", floor_fake)
    await floor.start()
    try:
        results = await each_backend(args, workdir, lambda backend, url: bench_backend(
            backend, url, args, workdir, floor, floor_fake))
    finally:
        await floor.stop()
        await floor_fake.stop()
    print_table(results)


def floor_process(workdir: Path, fake: QuickSlack, database: str | None = None, *,
                  raw: bool = False) -> ServerProcess:
    """The floor app (bench/bolt_floor_app.py) as a process, with an answer's database work
    on `database` when given (on the driver's cursor with `raw`)."""
    process = ServerProcess(base_env(), workdir, name=workdir.name, command=[
        sys.executable, str(ROOT / "bench" / "bolt_floor_app.py"), "--port", "0",
        "--api-url", fake.api_url, *(["--database", database] if database else []),
        *(["--raw"] if raw else [])])
    process.command[process.command.index("0")] = str(process.port)
    return process


async def each_backend(args, workdir: Path,
                       bench: Callable[[str, str], Awaitable[dict]]) -> dict:
    """`bench(backend, url)` for each of `--backends` — a SQLite file, or a PostgreSQL database
    created for the run and dropped after — with the machine's figures; each run printed as it
    ends, all written to `--out` (also used by bench/teams_latency.py)."""
    results = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                           "platform": platform.platform(),
                           "loadavg_before": os.getloadavg()},
               "args": {k: str(v) for k, v in vars(args).items()}, "runs": []}
    for backend in args.backends.split(","):
        if backend == "sqlite":
            url, drop = f"sqlite:///{workdir}/bench.db", (lambda: None)
        else:
            url, drop = pg_database(args.pg_url)
        try:
            results["runs"].append(await bench(backend, url))
        finally:
            drop()
        print(json.dumps(results["runs"][-1], ensure_ascii=False), flush=True)
    results["machine"]["loadavg_after"] = os.getloadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    return results


def print_table(results: dict) -> None:
    print(f"\nmachine: {results['machine']}")
    print("| backend | members | answer p50 | answer p99 | answers/s | CPU ms/answer "
          "| floor p50 / p99 | floor CPU ms | CPU ratio | floor+db CPU ms | × floor+db "
          "| floor+db × |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for run in results["runs"]:
        for c in ("1", "50"):
            r = run[f"c{c}"]

            def mm(key: str, r=r) -> str:
                return f"{r[key]['min']} / {r[key]['median']}"
            print(f"| {run['backend']} | {c} | {mm('p50_ms')} | {mm('p99_ms')} | "
                  f"{mm('answers_per_s')} | {mm('cpu_ms')} | {r['floor_p50_ms']['median']} / "
                  f"{r['floor_p99_ms']['median']} | {mm('floor_cpu_ms')} | "
                  f"{mm('cpu_ratio') if r['cpu_ratio'] else '—'} | {mm('floor_db_cpu_ms')} | "
                  f"{mm('db_floor_ratio')} | "
                  f"{mm('db_share_ratio') if r['db_share_ratio']['runs'] else '—'} |")
    print("(min / median of the repeats; CPU ms per answer from /proc/<pid>/stat)")
    for run in results["runs"]:
        sat = ", ".join(f"{k} members: {v['answers_per_s']}/s (p99 {v['p99_ms']} ms)"
                        for k, v in run["saturation"].items())
        scale = run.get("scale_out")
        print(f"{run['backend']}: throughput {sat or '—'}; "
              f"scale-out {scale or '—'}; RSS {run['rss_ready_mib']} MiB ready → "
              f"{run['rss_after_mib']} MiB after {run['companies_completed']} companies; "
              f"start-up {run['startup_s']['median']} s")


if __name__ == "__main__":
    asyncio.run(main())
