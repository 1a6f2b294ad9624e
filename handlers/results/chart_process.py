"""Draw charts in a child process, so the web server never imports matplotlib for them.

グラフ（PNG）は子プロセスで描く。サーバー本体は matplotlib を読み込まない。

Why: drawing a chart holds the GIL for 50–80 ms (every other member's turn waits on the event
loop meanwhile), and importing matplotlib with the Japanese font keeps about 38 MiB in the
server's memory for the rest of its life. So handlers/results/charts.py computes the file name
and the "already drawn" shortcut here, in the server, and asks one child process to lay out,
render and save into exactly that path.

The child is a ProcessPoolExecutor with one worker, started with "spawn" (never fork a
multi-threaded server) on the first chart, shared by every thread of the process, replaced
after MAX_TASKS charts (its memory cannot grow for ever), and stopped after IDLE_SECONDS with
no chart and at interpreter exit. The child imports only this module and charts.py's drawing
code — plus what spawn always re-imports, the server's main script: for `aiga-bot serve` that is
the thin bot/entry.py (were it bot.cli, the child would carry ~33 MiB more).

Errors keep the callers' contract (they catch ImportError and OSError and go on without a
chart): an error raised while drawing comes back as itself; no answer within TIMEOUT_SECONDS is
TimeoutError (an OSError); a child that died, or cannot be started, is replaced next time and
this chart is drawn here instead, so the member still gets it. Warnings the child saw (e.g. a
glyph missing from the font) are raised again here, so tests and logs still see them.

AIGA_CHART_PROCESS=false (handlers.config's `chart_process`) draws in this process, as before
(tests that measure the drawn figure, a host that cannot start processes).
"""

from __future__ import annotations

import atexit
import builtins
import ctypes
import gc
import logging
import multiprocessing
import os
import signal
import threading
import warnings
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from handlers import config

log = logging.getLogger(__name__)

START_METHOD = "spawn"  # a fresh interpreter: nothing of the server's threads or locks
MAX_TASKS = 100  # charts one child draws before a fresh one replaces it
IDLE_SECONDS = 120.0  # no chart for this long: the child is stopped (started again on demand)
TIMEOUT_SECONDS = 30.0  # waiting longer than this for one chart (queue included) gives up

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_busy = 0  # charts submitted and not yet answered
_timer: threading.Timer | None = None
_generation = 0  # bumped on every use: an older idle timer knows it is stale
_child_pid: int | None = None  # the process that drew the last chart (tests, diagnostics)
counts = {"child": 0, "here": 0, "fallback": 0}  # charts drawn by the child / here by choice
#                                                 / here because the child was not usable


def enabled() -> bool:
    """Whether charts go to the child process (read on every chart: tests may switch it)."""
    return config.current().chart_process


def child_pid() -> int | None:
    """The child that drew the last chart, if it drew one."""
    return _child_pid


def running() -> bool:
    """Whether a child process pool currently exists."""
    return _pool is not None


def draw(kind: str, args: tuple, path: Path) -> Path:
    """Draw chart `kind` ("areas" or "bars", see charts._draw) with `args` into `path`."""
    if not enabled():
        counts["here"] += 1
        return _draw_here(kind, args, path)
    pool = None
    try:
        pool, future = _submit(kind, args, path)
    except (RuntimeError, OSError) as exc:  # BrokenProcessPool is a RuntimeError
        return _fallback(pool, kind, args, path, exc)
    try:
        drawn, pid, seen = future.result(timeout=TIMEOUT_SECONDS)
    except (BrokenProcessPool, CancelledError) as exc:
        return _fallback(pool, kind, args, path, exc)
    except TimeoutError:
        if not future.cancel():  # already running: the child is stuck, not merely busy
            _discard(pool, kill=True)
        raise TimeoutError(f"chart not drawn within {TIMEOUT_SECONDS:g} s") from None
    finally:
        _release()
    _remember(pid)
    _replay(seen)
    return Path(drawn)


# ----- the pool (parent side) --------------------------------------------------------------


def _submit(kind: str, args: tuple, path: Path) -> tuple[ProcessPoolExecutor, Future]:
    """Hand the chart to the shared child, starting it first if there is none."""
    global _pool, _busy, _generation
    with _lock:
        if _pool is None:
            context = multiprocessing.get_context(START_METHOD)
            _pool = ProcessPoolExecutor(max_workers=1, mp_context=context,
                                        initializer=_child_init,
                                        max_tasks_per_child=MAX_TASKS)
        pool = _pool
        try:
            future = pool.submit(_work, kind, args, str(path))
        except RuntimeError:  # broken (its child died while idle), or shut down: the next
            _pool = None  # chart starts a new one
            pool.shutdown(wait=False)
            raise
        _busy += 1
        _generation += 1
        if _timer is not None:
            _timer.cancel()
        return pool, future


def _release() -> None:
    """One chart answered; when none is left, start counting the idle time."""
    global _busy, _timer
    with _lock:
        _busy -= 1
        if _busy == 0 and _pool is not None:
            _timer = threading.Timer(IDLE_SECONDS, _idle, args=(_generation,))
            _timer.daemon = True  # a pending timer never holds the interpreter's exit
            _timer.start()


def _idle(generation: int) -> None:
    """Stop the child when nothing was drawn since this timer was set."""
    global _pool
    with _lock:
        if _busy or generation != _generation or _pool is None:
            return
        pool, _pool = _pool, None
    pool.shutdown(wait=True)
    log.debug("chart process stopped after %.0f s idle", IDLE_SECONDS)


def _discard(pool: ProcessPoolExecutor | None, *, kill: bool = False) -> None:
    """Forget a broken or stuck pool (the next chart starts a new one); `kill` ends its child."""
    global _pool
    if pool is None:
        return
    with _lock:
        if _pool is pool:
            _pool = None
    if kill:  # a stuck child never reads the stop request: end it (private, but no other way)
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.kill()
    pool.shutdown(wait=False)


def _fallback(pool: ProcessPoolExecutor | None, kind: str, args: tuple, path: Path,
              exc: BaseException) -> Path:
    """The child could not draw (died, could not start): draw this one chart here."""
    log.warning("chart process unavailable (%s: %s); drawing in the server process",
                type(exc).__name__, exc)
    _discard(pool)
    counts["fallback"] += 1
    return _draw_here(kind, args, path)


def _remember(pid: int) -> None:
    global _child_pid
    _child_pid = pid
    counts["child"] += 1


def _replay(seen: list[tuple[str, str]]) -> None:
    """Raise again here the warnings the child caught, under this process's filters."""
    for name, message in seen:
        category = getattr(builtins, name, None)
        if not (isinstance(category, type) and issubclass(category, Warning)):
            category = UserWarning
        warnings.warn(message, category, stacklevel=3)


def shutdown(*, wait: bool = False) -> None:
    """Stop the child now (interpreter exit, tests); the next chart starts a new one."""
    global _pool
    with _lock:
        if _timer is not None:
            _timer.cancel()
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=wait, cancel_futures=True)


atexit.register(shutdown)  # concurrent.futures' own exit hook has already joined the child


def _draw_here(kind: str, args: tuple, path: Path) -> Path:
    from handlers.results import charts

    return charts._draw(kind, args, path)


# ----- the child ---------------------------------------------------------------------------


def _child_init() -> None:
    """Ctrl-C in a terminal reaches the whole process group: the server decides, not us."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _work(kind: str, args: tuple, path: str) -> tuple[str, int, list[tuple[str, str]]]:
    """In the child: draw, and report the path, this process's id and the warnings seen."""
    from handlers.results import charts

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        drawn = charts._draw(kind, args, Path(path))
    seen = list(dict.fromkeys((w.category.__name__, str(w.message)) for w in caught))
    _give_back()
    return str(drawn), os.getpid(), seen[:50]


def _give_back() -> None:
    """Hand the chart's freed heap back to the system: without it the child grew from 73 to
    118 MiB over its first 30 charts (freed, never returned), with it it stays at 70."""
    gc.collect()
    trim = getattr(_libc(), "malloc_trim", None)  # glibc only (not musl, not macOS)
    if trim is not None:
        trim(0)


def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None)
    except OSError:
        return None
