"""Resilience runs for the README (issue 9): kill -9 under load and a database outage, repeated.

    .venv/bin/python scripts/resilience.py                 # 3 kill -9 runs per backend, 3 outages
    .venv/bin/python scripts/resilience.py --kills 5 --outages 5 --members 50

kill -9: 50 members answer; SIGKILL after `--kill-after` acknowledged answers; restart; every
member resumes with 「続き」 and completes and submits. Outage: a PostgreSQL of our own (initdb in
a temporary folder) stopped in immediate mode for `--down` seconds while members answer.
PostgreSQL for the kill runs: a database created on --pg-url and dropped afterwards. Each run
raises on any violated property; the figures are printed as JSON lines.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.resilience import TempPostgres, kill9, outage
from bench.serve_latency import pg_database
from bench.serverproc import migrate


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--outages", type=int, default=3)
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--kill-after", type=int, default=300)
    parser.add_argument("--down", type=float, default=5.0)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=os.environ.get(
        "TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args()
    for backend in args.backends.split(","):
        for run in range(args.kills):
            workdir = Path(tempfile.mkdtemp(prefix="kill9-"))
            if backend == "sqlite":
                url, drop = f"sqlite:///{workdir}/k.db", (lambda: None)
            else:
                url, drop = pg_database(args.pg_url)
            try:
                migrate(url)
                report = await kill9(url, workdir, members=args.members,
                                     kill_after=args.kill_after)
            finally:
                drop()
            report.check()
            print(json.dumps({"scenario": "kill9", "backend": backend, "run": run + 1,
                              **asdict(report)}, ensure_ascii=False), flush=True)
    for run in range(args.outages):
        pg = TempPostgres().init()
        pg.start()
        try:
            report = await outage(pg, Path(tempfile.mkdtemp(prefix="outage-")),
                                  members=min(args.members, 20), down_seconds=args.down)
        finally:
            pg.destroy()
        report.check()
        row = {k: ({str(code): n for code, n in v.items()} if isinstance(v, dict) else v)
               for k, v in vars(report).items()}  # asdict() would mangle the Counters
        print(json.dumps({"scenario": "outage", "run": run + 1, **row}, ensure_ascii=False),
              flush=True)


if __name__ == "__main__":
    asyncio.run(main())
