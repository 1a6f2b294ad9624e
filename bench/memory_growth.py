"""How the RSS of `aiga-bot serve` grows with completed companies (issue 19, memory).

The server is a real subprocess (`python -m bot.entry serve`, as `aiga-bot serve`; settings
from the environment), Slack is the tests' fake Web API in this process (bench/serverproc.QuickSlack), and each
company's member starts the Navi, answers every item and submits through signed requests,
`--concurrency` members at once (a continuous queue: a new member starts when one finishes).
Every `--every` completed companies the server's RSS, anonymous memory, threads and CPU
seconds are read from /proc; one more sample is taken when the run is done and the process idle.

    .venv/bin/python bench/memory_growth.py --companies 1000 --every 50
    .venv/bin/python bench/memory_growth.py --backend postgresql --companies 300
    .venv/bin/python bench/memory_growth.py --env AIGA_THREADS=8 --companies 400
    .venv/bin/python bench/memory_growth.py --trace 100,400 --companies 400   # what grows
    .venv/bin/python bench/memory_growth.py --no-trim --no-arena-limit   # without bot/memory.py

`--trace A,B,…` runs the server under bench/serve_traced.py: tracemalloc (5 frames) starts
after A companies and snapshots are taken after B, …; the report prints the 25 lines whose
allocations still alive grew most from A to the last, and the object counts by type at each
point (tracemalloc slows the server: its RSS is not the figure to quote). Prints the curve as a
table and writes it to var/bench/memory_growth.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.serve_latency import pg_database
from bench.serverproc import (
    ROOT,
    Member,
    QuickSlack,
    ServerProcess,
    company_email,
    migrate,
    seed_companies,
    slack_env,
)


def proc_status(pid: int) -> dict:
    """VmRSS, RssAnon and Threads of `pid` from /proc (MiB, MiB, count)."""
    out: dict = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "RssAnon", "RssFile"):
            out[key] = round(int(value.split()[0]) / 1024, 1)
        elif key == "Threads":
            out[key] = int(value)
    return out


def children_rss(pid: int) -> float:
    """VmRSS of the process's children (the chart process, handlers/results/chart_process.py;
    multiprocessing's resource tracker), MiB: memory the server's host pays for too."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            with contextlib.suppress(FileNotFoundError, ProcessLookupError):  # ended meanwhile
                total += proc_status(int(child)).get("VmRSS", 0)
    return round(total, 1)


class PatientMember(Member):
    """A member who waits up to WAIT seconds for each reply: the machine is shared, and a run
    measures memory, not latency."""

    async def say(self, text: str, timeout: float = 0) -> dict:
        return await super().say(text, timeout=timeout or WAIT)

    async def click(self, *, timeout: float = 0, **kwargs) -> dict:
        return await super().click(timeout=timeout or WAIT, **kwargs)


WAIT = 180.0


class Run:
    """The members' loop and the samples taken along the way."""

    def __init__(self, server: ServerProcess, fake: QuickSlack, args: argparse.Namespace,
                 dump_dir: Path | None) -> None:
        self.server, self.fake, self.args, self.dump_dir = server, fake, args, dump_dir
        self.done = 0
        self.samples: list[dict] = []
        self.snap_at = sorted(int(x) for x in (args.trace or "").split(",") if x)
        self.snaps = 0
        self.started = time.perf_counter()

    def sample(self, label: str = "") -> None:
        assert self.server.process is not None
        pid = self.server.process.pid
        row = {"companies": self.done, **proc_status(pid), "children_mib": children_rss(pid),
               "cpu_s": round(self.server.cpu_seconds(), 1),
               "wall_s": round(time.perf_counter() - self.started, 1)}
        if label:
            row["when"] = label
        self.samples.append(row)
        print(json.dumps(row), flush=True)

    async def snapshot(self) -> None:
        """SIGUSR1 to the traced server; wait until its snapshot file is written."""
        assert self.dump_dir is not None
        self.snaps += 1
        self.server.process.send_signal(signal.SIGUSR1)
        marker = self.dump_dir / f"done-{self.snaps}"
        while not marker.exists():
            await asyncio.sleep(0.2)

    async def completed(self) -> None:
        self.done += 1
        if self.done % self.args.every == 0:
            self.sample()
        if self.snap_at and self.done == self.snap_at[0]:
            self.snap_at.pop(0)
            await self.snapshot()

    async def drive(self) -> None:
        queue: asyncio.Queue[int] = asyncio.Queue()
        for n in range(self.args.companies):
            queue.put_nowait(n)
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(connector=connector) as session:
            async def worker() -> None:
                while not queue.empty():
                    n = queue.get_nowait()
                    member = PatientMember(f"U{n:06d}", company_email(n), self.fake, session,
                                    self.server.base_url)
                    await member.begin()
                    await member.complete()
                    self.fake.arrivals.pop(member.dm, None)  # the driver must not grow either
                    await self.completed()

            await asyncio.gather(*(worker() for _ in range(self.args.concurrency)))


def compare(dump_dir: Path, top: int = 25) -> list[str]:
    """The lines whose traced allocations grew most from the first snapshot to the last."""
    files = sorted(dump_dir.glob("snapshot-*.pickle"), key=lambda p: int(p.stem.split("-")[1]))
    if len(files) < 2:
        return []
    first, last = (tracemalloc.Snapshot.load(str(f)) for f in (files[0], files[-1]))
    lines = [f"tracemalloc: {files[0].name} → {files[-1].name}"]
    for group in ("filename", "lineno"):
        lines.append(f"-- by {group}")
        for stat in last.compare_to(first, group)[:top]:
            lines.append(f"{stat.size_diff / 1024:+10.1f} KiB {stat.count_diff:+8d} blocks  "
                         f"{stat.traceback.format()[-1].strip()}")
    facts = [json.loads(x) for x in (dump_dir / "facts.jsonl").read_text().splitlines()]
    lines.append("-- threads, tasks, traced MiB and gc object counts at each snapshot")
    for fact in facts:
        lines.append(f"{fact['n']}: threads {fact['threads']} tasks {fact['tasks']} "
                     f"traced {fact['traced_mib']} MiB; " + ", ".join(
                         f"{name} {count}" for name, count in fact["gc_top"][:12]))
    lines.append("-- the 5 biggest growths with their tracebacks")
    for stat in last.compare_to(first, "traceback")[:5]:
        lines.append(f"{stat.size_diff / 1024:+10.1f} KiB {stat.count_diff:+8d} blocks")
        lines.extend("    " + x for x in stat.traceback.format())
    return lines


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-url", default=os.environ.get(
        "TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--companies", type=int, default=1000)
    parser.add_argument("--every", type=int, default=50, help="sample RSS every N companies")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--env", action="append", default=[],
                        help="KEY=VALUE for the server's environment (repeatable)")
    parser.add_argument("--trace", default="",
                        help="tracemalloc snapshots after these company counts, e.g. 100,400")
    parser.add_argument("--no-trim", action="store_true",
                        help="the server without bot/memory.py's trimmer")
    parser.add_argument("--no-arena-limit", action="store_true",
                        help="the server without bot/memory.py's malloc arena limit")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench" / "memory_growth.json")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="memory-growth-"))
    if args.backend == "sqlite":
        url, drop = f"sqlite:///{workdir}/bench.db", (lambda: None)
    else:
        url, drop = pg_database(args.pg_url)
    extra = dict(kv.split("=", 1) for kv in args.env)
    dump_dir = workdir / "trace" if args.trace else None
    wrapped = dump_dir is not None or args.no_trim or args.no_arena_limit
    fake = await QuickSlack().start()
    try:
        migrate(url)
        seed_companies(url, args.companies)
        command = None
        if wrapped:
            command = [sys.executable, str(ROOT / "bench" / "serve_traced.py"),
                       *(["--no-trim"] if args.no_trim else []),
                       *(["--no-arena-limit"] if args.no_arena_limit else []), str(workdir / "trace"),
                       "serve", "--host", "127.0.0.1"]
        server = ServerProcess(slack_env(url, fake.api_url, LOG_LEVEL="WARNING", **extra),
                               workdir / "serve", command=command)
        if command is not None:
            command += ["--port", str(server.port)]
        await server.start()
        run = Run(server, fake, args, dump_dir)
        run.sample("ready")
        if run.snap_at and run.snap_at[0] == 0:  # trace from the first company on
            run.snap_at.pop(0)
            await run.snapshot()
        try:
            await run.drive()
            await asyncio.sleep(2)  # turns still finishing after their last ack
            run.sample("idle")
        finally:
            assert await server.stop() == 0, server.logs()[-2000:]
    finally:
        await fake.stop()
        drop()
    report = compare(dump_dir) if dump_dir is not None else []
    result = {"args": {k: str(v) for k, v in vars(args).items()}, "samples": run.samples,
              "fake_problems": len(fake.problems), "trace": report}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    print("\n| companies | RSS MiB | anon MiB | threads | server CPU s | children's RSS MiB |")
    print("|---|---|---|---|---|---|")
    for s in run.samples:
        print(f"| {s['companies']}{' (' + s['when'] + ')' if 'when' in s else ''} | "
              f"{s['VmRSS']} | {s.get('RssAnon')} | {s.get('Threads')} | {s['cpu_s']} | "
              f"{s['children_mib']} |")
    print("\n".join(report))


if __name__ == "__main__":
    asyncio.run(main())
