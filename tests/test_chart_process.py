"""Charts are drawn in a child process: the web server never imports matplotlib for them, the
same chart is drawn once, a killed or stuck child is replaced and the member still gets the
chart, an idle child stops, and AIGA_CHART_PROCESS=false draws in the server as before.

グラフは子プロセスで描く（サーバーは matplotlib を読み込まない）ことの確認。"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image as PILImage

from handlers import config
from handlers.results import chart_layout as lay
from handlers.results import chart_process as cp
from handlers.results import charts

ROOT = Path(__file__).resolve().parents[1]
AREAS = ["ルール・プロセスの明文化", "周知徹底・人材育成", "組織体制整備", "各リスク領域への対策",
         "透明性・アカウンタビリティ確保"]
KEYS = (charts.TEXT_PX_KEY, charts.DESIGN_WIDTH_KEY, charts.SHOWN_TEXT_PX_KEY)

# A web-server-like parent: the server's modules imported, then one area and one bar chart.
SERVER = """
import json, sys
from pathlib import Path
import bot.server, handlers.router
from handlers import config
from handlers.results import chart_process, charts
config.configure(config.HandlerConfig(chart_dir=Path(sys.argv[1]),
                                      chart_process=sys.argv[2] == "on"))
area = charts.area_chart(["ガバナンス", "教育"], [charts.Series("貴社", (3.0, None))], "領域別")
bars = charts.bar_chart(["ガバナンス", "教育"], [charts.Series("今回", (2.5, 3.5))],
                        ["1. 規程", "2. 研修"], [2.0, None], "領域別平均", "項目別平均",
                        reference=2.5)
print(json.dumps({"paths": [str(area), str(bars)], "counts": chart_process.counts,
                  "matplotlib": "matplotlib" in sys.modules}))
"""


@pytest.fixture(autouse=True)
def _fresh_child(tmp_path):
    """Each test starts with the child process on, no pool and charts in its own folder; it
    leaves none behind."""
    previous = config.current()
    config.configure(config.HandlerConfig(chart_dir=tmp_path / "charts", chart_process=True))
    cp.shutdown(wait=True)
    yield
    cp.shutdown(wait=True)
    config.configure(previous)


def _area(name: str) -> Path:
    return charts.area_chart(AREAS, [charts.Series(name, (3.0, 1.5, 4.0, 2.33, None))],
                             "サンプル株式会社 ・ 領域別スコア")


def _valid(path: Path) -> dict:
    """The PNG's legibility metadata; fails unless the file is a whole PNG of the layout."""
    with PILImage.open(path) as png:
        png.load()
        assert png.format == "PNG" and png.width == lay.WIDTH
        info = dict(png.info)
    assert all(key in info for key in KEYS), info
    return info


def _gone(pid: int) -> bool:
    """The process has ended (not even a zombie left unreaped)."""
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "State:\tZ" in state


def _wait_for(check, seconds: float = 10.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.05)
    return check()


def _run_server(tmp_path: Path, *, process: bool = True) -> dict:
    done = subprocess.run([sys.executable, "-c", SERVER, str(tmp_path / "server-charts"),
                           "on" if process else "off"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_server_process_never_imports_matplotlib(tmp_path):
    result = _run_server(tmp_path)
    assert result["matplotlib"] is False
    assert result["counts"]["child"] == 2 and result["counts"]["fallback"] == 0
    for path in map(Path, result["paths"]):
        assert path.parent == tmp_path / "server-charts"  # the parent's folder, not a default
        info = _valid(path)
        assert float(info[charts.SHOWN_TEXT_PX_KEY]) >= lay.MIN_TEXT_PX


def test_switched_off_it_draws_in_the_server_as_before(tmp_path):
    result = _run_server(tmp_path, process=False)
    assert result["matplotlib"] is True
    assert result["counts"] == {"child": 0, "here": 2, "fallback": 0}
    for path in map(Path, result["paths"]):
        _valid(path)


def test_switched_off_here_no_child_is_started():
    config.configure(replace(config.current(), chart_process=False))
    before = dict(cp.counts)
    _valid(_area("貴社（オフ）"))
    assert not cp.running()
    assert cp.counts == before | {"here": before["here"] + 1}


def test_the_same_chart_twice_is_drawn_once():
    path = _area("貴社（一度だけ）")
    info = _valid(path)
    drawn, mtime = cp.counts["child"], path.stat().st_mtime_ns
    time.sleep(0.02)
    assert _area("貴社（一度だけ）") == path
    assert cp.counts["child"] == drawn  # the second call never reached the child
    assert path.stat().st_mtime_ns == mtime and _valid(path) == info


def test_a_killed_child_still_gives_the_member_a_chart_and_is_replaced():
    _valid(_area("貴社（1）"))
    pid = cp.child_pid()
    assert pid is not None and pid != os.getpid()
    os.kill(pid, signal.SIGKILL)
    assert _wait_for(lambda: _gone(pid) or not Path(f"/proc/{pid}").exists())
    # let the pool notice (then it refuses new work rather than failing it later)
    assert _wait_for(lambda: getattr(cp._pool, "_broken", False))
    fallback = cp.counts["fallback"]
    _valid(_area("貴社（2）"))  # drawn here, this once
    assert cp.counts["fallback"] == fallback + 1
    _valid(_area("貴社（3）"))  # a new child
    assert cp.child_pid() not in (None, pid, os.getpid())
    assert cp.counts["fallback"] == fallback + 1


def test_eight_threads_at_once_all_get_their_chart():
    before = cp.counts["child"]
    with ThreadPoolExecutor(8) as threads:
        paths = list(threads.map(lambda n: _area(f"貴社{n}"), range(8)))
    assert len(set(paths)) == 8
    for path in paths:
        _valid(path)
    assert cp.counts["child"] == before + 8


def test_an_idle_child_is_stopped_and_started_again_on_demand(monkeypatch):
    monkeypatch.setattr(cp, "IDLE_SECONDS", 0.3)
    _valid(_area("貴社（待機前）"))
    pid = cp.child_pid()
    assert cp.running() and not _gone(pid)
    assert _wait_for(lambda: not cp.running() and _gone(pid), seconds=10)
    _valid(_area("貴社（待機後）"))
    assert cp.running() and cp.child_pid() != pid


def test_the_idle_timer_waits_for_quiet(monkeypatch):
    """A chart drawn before the idle time is up keeps the same child."""
    monkeypatch.setattr(cp, "IDLE_SECONDS", 1.5)
    _valid(_area("貴社（a）"))
    pid = cp.child_pid()
    time.sleep(0.8)
    _valid(_area("貴社（b）"))
    time.sleep(0.8)  # 1.6 s after the first chart, 0.8 s after the last
    assert cp.running()
    _valid(_area("貴社（c）"))
    assert cp.child_pid() == pid


def test_a_stuck_child_times_out_as_an_oserror_and_is_replaced(monkeypatch):
    monkeypatch.setattr(cp, "TIMEOUT_SECONDS", 0.01)  # the child cannot even start this fast
    with pytest.raises(OSError, match="not drawn within"):
        _area("貴社（遅い）")
    monkeypatch.setattr(cp, "TIMEOUT_SECONDS", 30.0)
    _valid(_area("貴社（次）"))
    assert cp.child_pid() not in (None, os.getpid())


def test_an_error_in_the_child_reaches_the_caller_as_an_oserror(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setattr(charts, "chart_dir", lambda: blocker / "charts")
    before = dict(cp.counts)
    with pytest.raises(OSError):  # what view.py's _radar and report.py catch and log
        _area("貴社（書けない）")
    assert cp.counts == before  # raised by the child's drawing, not drawn again here
    assert cp.running()  # an error while drawing does not cost the child


def test_a_warning_in_the_child_is_raised_in_the_caller():
    """A glyph missing from the font is still seen (tests turn it into an error)."""
    with pytest.warns(UserWarning, match="missing from font"):
        charts.area_chart(AREAS[:1], [charts.Series("😀", (2.0,))], "絵文字 😀")


def test_a_child_killed_while_drawing_still_gives_the_member_a_chart():
    fallback = cp.counts["fallback"]
    with ThreadPoolExecutor(1) as thread:
        pending = thread.submit(_area, "貴社（描画中）")
        assert _wait_for(lambda: bool(getattr(cp._pool, "_processes", None)), seconds=5)
        pid = next(iter(cp._pool._processes))  # the child, still starting (importing)
        os.kill(pid, signal.SIGKILL)
        _valid(pending.result(timeout=60))
    assert cp.counts["fallback"] == fallback + 1
    _valid(_area("貴社（その後）"))
    assert cp.child_pid() not in (None, pid, os.getpid())


def test_the_console_script_imports_nothing_heavy():
    """spawn re-imports the main script in the chart child: `aiga-bot`'s own module must stay
    a thin door to bot.cli, or every chart child loads the whole command line."""
    code = ("import sys; import bot.entry; "
            "print(sorted(m for m in ('sqlalchemy', 'bot.cli', 'pydantic', 'store')"
            " if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    from importlib.metadata import entry_points

    script = {e.name: e.value for e in entry_points(group="console_scripts")}["aiga-bot"]
    assert script == "bot.entry:main"


def test_the_child_gives_back_what_a_chart_freed():
    """Without handing freed heap back the child grew ~45 MiB over its first 30 charts."""
    def child_rss() -> float:
        status = Path(f"/proc/{cp.child_pid()}/status").read_text()
        return int(status.split("VmRSS:")[1].split()[0]) / 1024

    _area("貴社（はじめ）")
    first = child_rss()
    for n in range(30):
        _area(f"株式会社メモリ確認{n}号・とても長い会社名の例")
    assert child_rss() - first < 15, (first, child_rss())
