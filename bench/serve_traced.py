"""`aiga-bot serve` with tracemalloc on, for finding what grows (bench/memory_growth.py --trace).

    python bench/serve_traced.py [--no-trim] [--no-arena-limit] DUMP_DIR serve --host 127.0.0.1 --port 3000

Runs the same entry point as `python -m bot.cli` with the remaining arguments. The first SIGUSR1
starts tracemalloc (frames from TRACE_FRAMES, default 5: tracing from the start made start-up
take over a minute), so a later snapshot holds exactly what was allocated after that moment and
is still alive, i.e. the growth. Each SIGUSR1 writes DUMP_DIR/snapshot-N.pickle (a
`tracemalloc.Snapshot`, N counting from 1; the first one is empty) plus a line of process facts
(threads, tasks, gc objects) to DUMP_DIR/facts.jsonl, so two snapshots can be compared by file
and line after the run. `--no-trim` and `--no-arena-limit` turn bot/memory.py's two measures
off, to measure the server without them (bench/memory_growth.py passes them on). The server
code is not changed; tracemalloc slows it down, so figures from this wrapper are for finding
growth, not for quoting RSS.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import signal
import sys
import threading
import tracemalloc
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _facts() -> dict:
    """Counts that point at a leak without a snapshot diff: threads, tasks, top gc types."""
    try:
        tasks = len(asyncio.all_tasks(asyncio.get_running_loop()))
    except RuntimeError:
        tasks = -1
    types = Counter(type(o).__name__ for o in gc.get_objects())
    return {"threads": threading.active_count(), "tasks": tasks,
            "traced_mib": round(tracemalloc.get_traced_memory()[0] / 2**20, 2),
            "gc_top": types.most_common(25)}


def install(dump_dir: Path) -> None:
    dump_dir.mkdir(parents=True, exist_ok=True)
    count = 0

    def dump(_signum: int, _frame: object) -> None:
        nonlocal count
        count += 1
        if not tracemalloc.is_tracing():
            tracemalloc.start(int(os.environ.get("TRACE_FRAMES", "5")))
        snapshot = tracemalloc.take_snapshot().filter_traces(
            (tracemalloc.Filter(False, tracemalloc.__file__),))
        snapshot.dump(str(dump_dir / f"snapshot-{count}.pickle"))
        with (dump_dir / "facts.jsonl").open("a") as out:
            out.write(json.dumps({"n": count, **_facts()}) + "\n")
        (dump_dir / f"done-{count}").touch()

    signal.signal(signal.SIGUSR1, dump)


def main() -> int:
    import bot.memory  # bot.server reads its settings when it starts

    args = sys.argv[1:]
    while args and args[0].startswith("--no-"):
        if args[0] == "--no-trim":
            bot.memory.TRIM = False
        elif args[0] == "--no-arena-limit":
            bot.memory.MALLOC_ARENAS = 0
        args = args[1:]
    install(Path(args[0]))
    from bot.cli import main as cli_main

    return cli_main(args[1:])


if __name__ == "__main__":
    sys.exit(main())
