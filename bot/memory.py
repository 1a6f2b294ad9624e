"""Keeping the malloc heap of `aiga-bot serve` near what it uses (issue 19).

The turns run in a pool of worker threads (settings.turn_threads), and glibc's malloc gives
each new thread an arena of its own, up to 8 per core. What a burst of turns frees stays in
those arenas as scattered free chunks that glibc only returns from the very top of a heap, so
the process kept a burst's peak for good (bench/memory_growth.py: 129 MiB when ready, 263 MiB
after the first 50 companies, 288 MiB after 150, 303 MiB after 1,000 in an earlier run). Two
measures, both taken by the process itself, so no deploy needs MALLOC_ARENA_MAX set:

* `limit_arenas`: at most MALLOC_ARENAS arenas (mallopt M_ARENA_MAX) before the turn threads
  start; the threads hold the GIL for nearly all their work, so sharing arenas costs them little.
* `Trimmer`: every TRIM_INTERVAL seconds it reads the resident size and, when it has grown by
  TRIM_GROWTH since the last trim, calls `malloc_trim(0)` off the event loop, which hands every
  whole free page of every arena back to the system (a few milliseconds). An idle process costs
  one /proc read per interval.

Where glibc's functions do not exist (musl, macOS) neither does anything.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import os
from collections.abc import Callable
from pathlib import Path

from aiohttp import web

log = logging.getLogger(__name__)

TRIM = True  # bench/serve_traced.py --no-trim turns it off to measure without
TRIM_INTERVAL = 5.0  # seconds between looks at the resident size
TRIM_GROWTH = 8 * 2**20  # bytes of growth since the last trim that make the next one worth it
MALLOC_ARENAS = 2  # arenas malloc may use in all (glibc's default: 8 per core); 0: its default
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_M_ARENA_MAX = -8  # glibc's mallopt parameter number (malloc.h)


def _libc() -> ctypes.CDLL | None:
    """The C library the process already runs on (no ldconfig look-up at import)."""
    try:
        return ctypes.CDLL(None)
    except OSError:
        return None


def _function(name: str, argtypes: list) -> Callable[..., int] | None:
    """A glibc malloc function, or None where the C library has none (musl, macOS)."""
    libc = _libc()
    func = getattr(libc, name, None) if libc is not None else None
    if func is not None:
        func.argtypes, func.restype = argtypes, ctypes.c_int
    return func


_MALLOC_TRIM = _function("malloc_trim", [ctypes.c_size_t])
_MALLOPT = _function("mallopt", [ctypes.c_int, ctypes.c_int])


def available() -> bool:
    return _MALLOC_TRIM is not None


def limit_arenas(count: int) -> bool:
    """At most `count` malloc arenas from now on (mallopt M_ARENA_MAX, the same limit as the
    MALLOC_ARENA_MAX environment variable, set by the process itself): call it before the
    worker threads start, as arenas already made stay. True if glibc took it."""
    if _MALLOPT is None or count <= 0:
        return False
    return _MALLOPT(_M_ARENA_MAX, count) == 1


def trim() -> bool:
    """Return the free pages of every malloc arena to the system; True if any were released.
    Blocking (it takes each arena's lock in turn): call it from a worker thread."""
    return bool(_MALLOC_TRIM(0)) if _MALLOC_TRIM is not None else False


def resident_bytes() -> int:
    """This process's resident set size (0 where /proc is not there)."""
    try:
        return int(Path("/proc/self/statm").read_text().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


class Trimmer:
    """Trims after growth, every `interval` seconds at most; `resident` and `trim_func` are
    seams for the tests."""

    def __init__(self, *, interval: float = TRIM_INTERVAL, growth: int = TRIM_GROWTH,
                 resident: Callable[[], int] = resident_bytes,
                 trim_func: Callable[[], bool] = trim) -> None:
        self.interval, self.growth = interval, growth
        self.resident, self.trim_func = resident, trim_func
        self.baseline = 0  # resident size right after the last trim
        self.trims = 0
        self.task: asyncio.Task | None = None

    async def check(self) -> bool:
        """One look: trim if the resident size grew by `growth` since the last trim."""
        if self.resident() - self.baseline < self.growth:
            return False
        await asyncio.to_thread(self.trim_func)
        self.trims += 1
        self.baseline = self.resident()
        return True

    async def run(self) -> None:
        self.baseline = self.resident()
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.check()
            except Exception:  # never let memory housekeeping stop the server
                log.exception("memory: trim failed")

    async def start(self, _app: web.Application | None = None) -> None:
        self.task = asyncio.ensure_future(self.run())

    async def stop(self, _app: web.Application | None = None) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
            self.task = None


def mount(app: web.Application) -> Trimmer | None:
    """Limit the malloc arenas (before the turn threads start) and run a Trimmer for the life
    of `app`; nothing where glibc's functions do not exist."""
    limit_arenas(MALLOC_ARENAS)
    if not available() or not TRIM:
        return None
    trimmer = Trimmer()
    app.on_startup.append(trimmer.start)
    app.on_cleanup.append(trimmer.stop)
    return trimmer
