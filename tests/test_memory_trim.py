"""Freed heap memory goes back to the system after a burst (bot/memory.py, issue 19): the
server's RSS used to keep a burst's peak for good, one malloc arena per worker thread."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from aiohttp import web

from bot import memory

MiB = 2**20


class FakeResident:
    def __init__(self, size: int) -> None:
        self.size = size

    def __call__(self) -> int:
        return self.size


@pytest.mark.asyncio
async def test_trims_only_after_growth_and_measures_from_the_last_trim():
    resident = FakeResident(100 * MiB)
    calls: list[int] = []

    def fake_trim() -> bool:
        calls.append(resident.size)
        resident.size -= 30 * MiB  # what a trim gives back
        return True

    trimmer = memory.Trimmer(growth=8 * MiB, resident=resident, trim_func=fake_trim)
    trimmer.baseline = resident()
    resident.size += 7 * MiB
    assert not await trimmer.check()  # 7 MiB of growth: not worth a trim
    resident.size += 2 * MiB
    assert await trimmer.check()
    assert calls == [109 * MiB] and trimmer.baseline == 79 * MiB
    resident.size += 7 * MiB  # 86 MiB: under the new baseline + 8
    assert not await trimmer.check()
    resident.size += 1 * MiB
    assert await trimmer.check() and trimmer.trims == 2


@pytest.mark.asyncio
async def test_runs_for_the_life_of_the_app_and_a_failing_trim_does_not_stop_it():
    calls = 0

    looks = 0

    def growing() -> int:  # grows by 20 MiB between any two looks: every look trims
        nonlocal looks
        looks += 1
        return looks * 20 * MiB

    def flaky_trim() -> bool:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise OSError("first trim fails")
        return True

    trimmer = memory.Trimmer(interval=0.01, growth=1, resident=growing, trim_func=flaky_trim)
    app = web.Application()
    app.on_startup.append(trimmer.start)
    app.on_cleanup.append(trimmer.stop)
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        for _ in range(500):  # the trims run in a worker thread: poll their count
            if calls >= 2:
                break
            await asyncio.sleep(0.01)
    finally:
        await runner.cleanup()
    assert trimmer.task is None and calls >= 2
    stopped_at = calls
    await asyncio.sleep(0.05)
    assert calls == stopped_at  # nothing runs after cleanup


def test_mount_adds_a_trimmer_where_malloc_trim_exists():
    app = web.Application()
    trimmer = memory.mount(app)
    assert (trimmer is not None) == memory.available()
    if trimmer is not None:
        assert trimmer.start in app.on_startup and trimmer.stop in app.on_cleanup


@pytest.mark.skipif(not memory.available(), reason="no glibc malloc_trim here")
def test_trim_returns_what_worker_threads_freed():
    """Worker threads fill their arenas with malloc'd objects (bytes over pymalloc's 512-byte
    limit), keep one in 50 and free the rest: without a trim glibc keeps the scattered free
    pages; after it the resident size drops by most of them."""
    kept: list[bytes] = []

    def burst() -> None:
        chunks = [bytes(2000) + bytes([i % 251]) for i in range(40_000)]  # ~80 MiB
        kept.extend(chunks[::50])  # pins the heap's top: glibc cannot shrink it by itself
        del chunks

    threads = [threading.Thread(target=burst) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    before = memory.resident_bytes()
    memory.trim()
    after = memory.resident_bytes()
    assert len(kept) == 1600
    assert before - after > 60 * MiB, (before / MiB, after / MiB)


ARENAS_SCRIPT = """
import sys, threading, ctypes
from bot import memory
if sys.argv[1] != "0":
    assert memory.limit_arenas(int(sys.argv[1]))
keep = []
together = threading.Barrier(4)
def work():
    together.wait()  # all four alive at once: none inherits another's freed arena
    keep.append([bytes(3000) for _ in range(100)])  # malloc'd: this thread takes an arena
    together.wait()
threads = [threading.Thread(target=work) for _ in range(4)]
for t in threads: t.start()
for t in threads: t.join()
ctypes.CDLL(None).malloc_stats()  # one "Arena N:" block per arena, on stderr
"""


@pytest.mark.skipif(not memory.available(), reason="no glibc malloc here")
def test_the_arena_limit_keeps_worker_threads_in_shared_arenas():
    """glibc gives each new thread an arena of its own up to 8 per core; with the limit the
    four workers share the main arena and one more."""
    def arenas(limit: int) -> int:
        done = subprocess.run([sys.executable, "-c", ARENAS_SCRIPT, str(limit)],
                              capture_output=True, text=True, timeout=60,
                              cwd=Path(__file__).resolve().parent.parent, check=True)
        return done.stderr.count("Arena ")

    assert arenas(2) == 2
    assert arenas(0) > 2  # without it: one per thread (a machine with 1 core allows 8)
    assert not memory.limit_arenas(0)  # 0 means glibc's default: nothing set
