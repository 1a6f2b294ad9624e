"""Measured speed of one Navi answer through Microsoft Teams (issue 19), against a fair floor.

Everything runs on this machine against real processes: the server is `python -m bot.cli serve`
configured for Teams only, authentication ON (a subprocess, settings from the environment as in
production; MSAL's Entra ID token answered locally, bench/teams_proc.py), the Bot Framework
connector is the tests' fake (bench/teams_proc.QuickConnector) in this process, which also
publishes the OpenID keys every request's token is checked against. Members are simulated here,
each a closed loop: post the signed Action.Submit activity of a level button (a message activity
whose value is the card's data, as Teams sends it for our cards) → wait until the next question
card reaches the fake connector → press a level on it.

Figures, per backend (SQLite file, PostgreSQL database created for the run and dropped after),
with 1 member (a whole Navi, 36 answers) and 50 members at once, each size `--repeats` times
(min and median):

* answer latency — activity sent → answer saved → next card posted to the connector, p50 / p99;
  answers per second (wall time of the size's run);
* CPU ms per turn of the server process (utime + stime from /proc/<pid>/stat ÷ every activity
  posted, the three that start the Navi included), robust on a noisy machine;
* the fair floor, in the same run: a minimal botbuilder app (bench/teams_floor_app.py, same
  CloudAdapter + aiohttp stack, token validation on against the same keys) that makes the
  connector calls our bot makes per answer (PUT the answered card, POST the next card); the same
  closed loop, as many activities per sender; CPU ratio = our CPU per turn / the floor's.

    .venv/bin/python bench/teams_latency.py                      # both backends, whole Navis
    .venv/bin/python bench/teams_latency.py --quick              # 12 answers per member at 50
    .venv/bin/python bench/teams_latency.py --backends sqlite --repeats 5
    PG: --pg-url postgresql://postgres@127.0.0.1:5432/test (default; TEST_DATABASE_URL wins)

Prints a table and writes the raw figures to var/bench/teams_latency.json. Not a test: the
figures depend on the machine; the README quotes one run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.serve_latency import each_backend, fold, measured, ms
from bench.serverproc import (
    ROOT,
    ServerProcess,
    base_env,
    company_email,
    free_port,
    migrate,
    percentile,
    seed_companies,
)
from bench.teams_floor_app import question_card
from bench.teams_proc import (
    QuickConnector,
    TeamsMember,
    Tokens,
    floor_command,
    press,
    serve_command,
    teams_env,
)


def aad_of(n: int) -> str:
    """The AAD object id of company n's member (a GUID, as Teams has)."""
    return f"00000000-0000-4000-8000-{n:012d}"


async def run_members(fake: QuickConnector, server: ServerProcess, numbers: list[int],
                      answers: int | None) -> tuple[list[TeamsMember], float]:
    """Each number is a company whose member starts the Navi and answers (all items, or
    `answers`), all at once. Returns the members and the wall time."""
    tokens = Tokens(fake)
    members: list[TeamsMember] = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        async def member(n: int) -> None:
            one = TeamsMember(aad_of(n), fake, tokens, session, server.base_url)
            members.append(one)
            await one.begin()
            await one.complete(answers)

        started = time.perf_counter()
        await asyncio.gather(*(member(n) for n in numbers))
        wall = time.perf_counter() - started
    return members, wall


async def floor_answers(fake: QuickConnector, base_url: str, senders: int,
                        per_sender: int) -> list[float]:
    """Signed Action.Submit activities to the floor app, each sender a closed loop like a
    member: press → wait for the next card at the fake → press on it. Returns the latencies."""
    tokens = Tokens(fake)
    timings: list[float] = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        async def sender(k: int) -> None:
            aad = f"00000000-0000-4000-9000-{k:012d}"
            conversation = f"a:personal-{aad}"
            card = fake.seed_card(conversation, question_card(0))  # the card pressed first
            for i in range(per_sender):
                body = press(fake.url + "/", aad, card, f"{i % 4 + 1}点")
                waiter = fake.expect(conversation)
                started = time.perf_counter()
                async with session.post(base_url + "/api/messages", data=json.dumps(body),
                                        headers=tokens.header()) as response:
                    await response.read()
                    assert response.status in (200, 201), response.status
                arrived, card = await asyncio.wait_for(waiter, 30)
                timings.append(arrived - started)

        await asyncio.gather(*(sender(k) for k in range(senders)))
    return timings


async def one_size(fake: QuickConnector, server: ServerProcess, floor: ServerProcess,
                   floor_fake: QuickConnector, numbers: list[int], answers: int | None) -> dict:
    """One repeat at one size: ours, then the floor with as many activities per sender."""
    (found, wall), cpu = await measured(server, run_members(fake, server, numbers, answers))
    turns = sum(len(m.statuses) for m in found)
    given = sum(len(m.latencies) for m in found)
    per_sender = max(1, turns // len(numbers))
    floor_lat, floor_cpu = await measured(floor, floor_answers(
        floor_fake, floor.base_url, len(numbers), per_sender))
    lat = [x for m in found for x in m.latencies]
    return {"p50_ms": ms(percentile(lat, 50)), "p99_ms": ms(percentile(lat, 99)),
            "answers_per_s": round(given / wall, 1), "cpu_ms": round(1000 * cpu / turns, 2),
            "turns": turns, "floor_p50_ms": ms(percentile(floor_lat, 50)),
            "floor_p99_ms": ms(percentile(floor_lat, 99)),
            "floor_cpu_ms": round(1000 * floor_cpu / len(floor_lat), 2)}


async def bench_backend(name: str, url: str, args: argparse.Namespace, workdir: Path,
                        floor: ServerProcess, floor_fake: QuickConnector) -> dict:
    sizes = (("c1", 1, None), ("c50", 50, args.answers or None))
    total = args.repeats * sum(members for _, members, _ in sizes)
    migrate(url)
    seed_companies(url, total)
    fake = await QuickConnector().start()
    for n in range(total):
        fake.add_member(aad_of(n), email=company_email(n))
    port = free_port()
    server = ServerProcess(teams_env(url, fake, LOG_LEVEL="WARNING"), workdir / name,
                           port=port, command=serve_command(port))
    result: dict = {"backend": name}
    try:
        result["startup_s"] = round(await server.start(), 3)
        async with aiohttp.ClientSession() as session, session.get(
                server.base_url + "/healthz") as response:
            result["platforms"] = (await response.json()).get("platforms")
        assert result["platforms"] == {"teams": "auth"}, result["platforms"]
        taken = 0
        for size, members, answers in sizes:
            runs = []
            for _ in range(args.repeats):
                numbers = list(range(taken, taken + members))
                taken += members
                runs.append(await one_size(fake, server, floor, floor_fake, numbers, answers))
            result[size] = fold(runs)
            result[size]["turns"] = [r["turns"] for r in runs]
        recent = [p for p in fake.sent() if p.buttons][-20:]  # spot check: would Teams take them?
        result["card_problems"] = sum(len(fake.check(p)) for p in recent)
        result["rss_mib"] = round(server.rss_mib(), 1)
        assert await server.stop() == 0
    finally:
        if server.alive():
            await server.stop()
        await fake.stop()
    return result


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=os.environ.get(
        "TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--answers", type=int, default=0,
                        help="answers per member at 50 members (0: the whole Navi)")
    parser.add_argument("--quick", action="store_true",
                        help="a short run: 12 answers per member at 50 members")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench" / "teams_latency.json")
    args = parser.parse_args()
    if args.quick:
        args.answers = args.answers or 12

    workdir = Path(tempfile.mkdtemp(prefix="teams-bench-"))
    floor_fake = await QuickConnector().start()
    port = free_port()
    floor = ServerProcess(base_env(), workdir / "floor", name="floor", port=port,
                          command=floor_command(port, floor_fake))
    await floor.start()
    try:
        results = await each_backend(args, workdir, lambda backend, url: bench_backend(
            backend, url, args, workdir, floor, floor_fake))
    finally:
        await floor.stop()
        await floor_fake.stop()
    print_table(results)


def print_table(results: dict) -> None:
    print(f"\nmachine: {results['machine']}")
    print("| backend | members | answer p50 ms | answer p99 ms | answers/s | CPU ms/turn "
          "| floor p50 / p99 ms | floor CPU ms/turn | CPU ratio |")
    print("|---|---|---|---|---|---|---|---|---|")
    for run in results["runs"]:
        for c in ("1", "50"):
            r = run[f"c{c}"]

            def mm(key: str, r: dict = r) -> str:
                return f"{r[key]['min']} / {r[key]['median']}"
            print(f"| {run['backend']} | {c} | {mm('p50_ms')} | {mm('p99_ms')} | "
                  f"{mm('answers_per_s')} | {mm('cpu_ms')} | {r['floor_p50_ms']['median']} / "
                  f"{r['floor_p99_ms']['median']} | {mm('floor_cpu_ms')} | "
                  f"{mm('cpu_ratio') if r['cpu_ratio'] else '—'} |")
    print("(min / median of the repeats; floor latency: median of the repeats; CPU from "
          "/proc/<pid>/stat)")


if __name__ == "__main__":
    asyncio.run(main())
