"""PNG charts (a member's areas, a round's averages) with Japanese labels, legible in a narrow
chat card.

A chat client shows a chart as wide as its card, about 400 px (Teams; ~430 px in the Agents
Playground), however large the PNG is. So the charts are horizontal bars laid out for that width
(handlers/results/chart_layout.py): every label on a line of its own or wrapped, never shrunk,
and the smallest text still MIN_TEXT_PX at DESIGN_WIDTH. Each PNG says so in its metadata:
TEXT_PX_KEY (the smallest text in the PNG's own pixels, measured on the drawn figure),
DESIGN_WIDTH_KEY and SHOWN_TEXT_PX_KEY (that text's size when shown DESIGN_WIDTH px wide);
bot/teams/render_chart.py reads them to decide how wide the card shows the chart.

Matplotlib runs headless (Agg) and draws with the IPAex Gothic font shipped inside the
matplotlib-fontja package, so labels render the same on a laptop, a server and CI without any
system font. A chart's file name is a hash of everything drawn on it: asking for the same result
twice reuses one file instead of filling the folder, and two different charts never collide.

The server only names the file (and returns it if it exists); laying out and rendering happen
in a child process (handlers/results/chart_process.py), so the server never imports matplotlib
for these charts. AIGA_CHART_PROCESS=false draws here instead.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import textwrap
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from handlers import config
from handlers.results import chart_layout as lay
from handlers.results import chart_process

SCALE_MAX = 4  # levels run from 1 to 4
STYLES = (  # colour, line style, fill alpha — first series is the company itself
    ("#1f4e9c", "-", 0.25),
    ("#d9822b", "--", 0.0),
    ("#7f7f7f", ":", 0.0),
)
TEXT_PX_KEY = "AIGA-Min-Text-Px"  # smallest text, px of the PNG (bot/teams/render_chart.py)
DESIGN_WIDTH_KEY = "AIGA-Design-Width-Px"  # the width the chart is drawn to be read at
SHOWN_TEXT_PX_KEY = "AIGA-Min-Text-Px-At-Design-Width"  # smallest text shown at that width
VERSION = 2  # part of every file name: a redrawn design never reuses an old file
BAR_H, BAR_GAP, GROUP_GAP = 30, 8, 22
VALUE_ROOM = 92  # px right of the scale for the value printed after a bar at level 4


@dataclass(frozen=True)
class Series:
    """One row of bars; a None value is a gap (e.g. an area that does not apply)."""

    name: str
    values: tuple[float | None, ...]


def as_float(value: Decimal | None) -> float | None:
    """A figure as a chart point; None stays a gap."""
    return None if value is None else float(value)


def chart_dir() -> Path:
    """Absolute, so the path in an Image reply works whatever folder the adapter runs in."""
    return Path(config.current().chart_dir).resolve()


@cache
def _font_name() -> str:
    """Register the packaged Japanese font once and return its family name."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib import font_manager
    from matplotlib_fontja import get_font_ttf_path

    path = get_font_ttf_path()
    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


def _wrap(label: str, width: int) -> str:
    """Break a long label (the A4 summary's axes): English at spaces; Japanese (no spaces) in
    two lines at the natural break (after 「・」 or 「の」) nearest the middle, else the middle."""
    if len(label) <= width:
        return label
    if " " in label:
        return "\n".join(textwrap.wrap(label, width * 2))  # Latin letters are half as wide
    breaks = [i + 1 for i, ch in enumerate(label[:-1]) if ch in "・の"]
    cut = min(breaks, key=lambda i: abs(i - len(label) / 2)) if breaks else len(label) // 2
    return f"{label[:cut]}\n{label[cut:]}"


def _target(kind: str, payload: object) -> Path:
    digest = hashlib.sha256(json.dumps([VERSION, payload], ensure_ascii=False, sort_keys=True,
                                       default=str).encode()).hexdigest()[:20]
    return chart_dir() / f"{kind}-{digest}.png"


def metadata(fig) -> dict[str, str]:
    """What the PNG states about its legibility, measured on the drawn figure."""
    text_px = lay.smallest_text_px(fig)
    width = fig.canvas.get_width_height()[0]
    return {TEXT_PX_KEY: f"{text_px:.2f}", DESIGN_WIDTH_KEY: str(lay.DESIGN_WIDTH),
            SHOWN_TEXT_PX_KEY: f"{text_px * lay.DESIGN_WIDTH / width:.2f}"}


def _save(fig, path: Path) -> Path:
    """Write atomically: a reader never sees half a PNG, concurrent writers do not clash.
    No tight bounding box: the PNG keeps the layout's width, which the metadata is about."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".png.tmp")
    os.close(fd)
    try:
        fig.savefig(tmp, format="png", dpi=lay.DPI, metadata=metadata(fig))
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the adapters may run as another user
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def _render(layout: lay.Layout, path: Path) -> Path:
    import matplotlib.pyplot as plt

    with plt.rc_context({"font.family": layout.font, "axes.unicode_minus": False}):
        fig = layout.draw()
        try:
            return _save(fig, path)
        finally:
            plt.close(fig)


# ----- the pieces --------------------------------------------------------------------------


def _x(left: float, right: float, value: float) -> float:
    return left + (right - left) * min(max(value, 0.0), SCALE_MAX) / SCALE_MAX


def _legend(layout: lay.Layout, series: list[Series]) -> None:
    """A colour swatch and the series' name, one row each (names wrap, never shrink)."""
    for (colour, _style, _alpha), one in zip(STYLES, series, strict=False):
        top = layout.y
        layout.bar(lay.MARGIN, top + 6, 34, lay.px(lay.TEXT_PT) * 0.8, colour)
        layout.text(one.name, lay.TEXT_PT, x=lay.MARGIN + 46, max_lines=2)
    layout.gap(10)


def _bar_row(layout: lay.Layout, left: float, right: float, value: float | None,
             colour: str) -> None:
    top = layout.y
    if value is None:
        layout.label(left + 4, top, "—", lay.TEXT_PT, colour="#555555")
    else:
        end = _x(left, right, value)
        layout.bar(left, top, end - left, BAR_H, colour)
        layout.label(end + 8, top + 1, f"{value:.2f}", lay.TEXT_PT)
    layout.gap(BAR_H + BAR_GAP)


def _scale(layout: lay.Layout, left: float, right: float, top: float,
           reference: float | None = None) -> None:
    """Grid lines at each level from `top` down to here, the level numbers under them."""
    bottom = layout.y
    for level in range(SCALE_MAX + 1):
        x = _x(left, right, level)
        layout.vline(x, top, bottom, "#bbbbbb" if level else "#444444",
                     "-" if level == 0 else ":")
        layout.label(x, bottom + 4, str(level), lay.SCALE_PT, ha="center", colour="#444444")
    if reference is not None:
        layout.vline(_x(left, right, reference), top, bottom, STYLES[1][0], "--", 2.0)
    layout.gap(lay.px(lay.SCALE_PT) * lay.LINE + 8)


def _area_panel(layout: lay.Layout, labels: list[str], series: list[Series]) -> None:
    """Per area: its name on a line of its own, then one bar per series."""
    left, right = lay.MARGIN, lay.WIDTH - lay.MARGIN - VALUE_ROOM
    top = None
    for index, label in enumerate(labels):
        layout.text(label, lay.LABEL_PT, bold=True, max_lines=2)
        top = layout.y if top is None else top
        for (colour, _style, _alpha), one in zip(STYLES, series, strict=False):
            _bar_row(layout, left, right, one.values[index], colour)
        layout.gap(GROUP_GAP - BAR_GAP)
    if top is not None:
        _scale(layout, left, right, top)


def _item_panel(layout: lay.Layout, labels: list[str], values: list[float | None],
                reference: float | None) -> None:
    """One row per item: its number and title at the left (cut with 「…」), the bar at the
    right; the dashed line is `reference`."""
    split = lay.WIDTH * 0.5
    left, right = split + 8, lay.WIDTH - lay.MARGIN - VALUE_ROOM
    top = layout.y
    row = max(BAR_H, lay.px(lay.TEXT_PT) * lay.LINE) + BAR_GAP
    for label, value in zip(labels, values, strict=True):
        line = layout.lines(label, lay.TEXT_PT, split - lay.MARGIN - 8, max_lines=1)[0]
        layout.label(lay.MARGIN, layout.y, line, lay.TEXT_PT)
        y = layout.y
        _bar_row(layout, left, right, value, STYLES[0][0])
        layout.y = y + row
    _scale(layout, left, right, top, reference)


# ----- the charts --------------------------------------------------------------------------


def area_chart(labels: list[str], series: list[Series], title: str) -> Path:
    """A member's scores by area on the 1–4 scale against the member average and its previous
    round: horizontal bars, an area's name above its bars. Returns the PNG's path."""
    path = _target("areas", [labels, [(s.name, s.values) for s in series], title])
    if path.exists():
        return path
    return chart_process.draw("areas", (labels, series, title), path)


radar_chart = area_chart  # the name handlers/results/view.py still calls it by


def bar_chart(area_labels: list[str], area_series: list[Series], item_labels: list[str],
              item_values: list[float | None], title: str, item_title: str,
              reference: float | None = None) -> Path:
    """Two panels: area averages (this round against the previous) and every item's average,
    with a dashed line at `reference` (the round's overall average) to spot the low items."""
    payload = [area_labels, [(s.name, s.values) for s in area_series], item_labels,
               item_values, title, item_title, reference]
    path = _target("bars", payload)
    if path.exists():
        return path
    args = (area_labels, area_series, item_labels, item_values, title, item_title, reference)
    return chart_process.draw("bars", args, path)


# ----- drawing (in the chart process, or here when it is off or unusable) ------------------


def _draw(kind: str, args: tuple, path: Path) -> Path:
    """Lay out and render chart `kind` into `path`; the caller has named the file."""
    if kind == "areas":
        return _draw_areas(*args, path=path)
    if kind == "bars":
        return _draw_bars(*args, path=path)
    raise ValueError(f"unknown chart kind {kind!r}")


def _draw_areas(labels: list[str], series: list[Series], title: str, *, path: Path) -> Path:
    layout = lay.Layout(_font_name())
    layout.text(title, lay.TITLE_PT, bold=True)
    layout.gap(6)
    _legend(layout, series)
    _area_panel(layout, labels, series)
    return _render(layout, path)


def _draw_bars(area_labels: list[str], area_series: list[Series], item_labels: list[str],
               item_values: list[float | None], title: str, item_title: str,
               reference: float | None, *, path: Path) -> Path:
    layout = lay.Layout(_font_name())
    layout.text(title, lay.TITLE_PT, bold=True)
    layout.gap(6)
    _legend(layout, area_series)
    _area_panel(layout, area_labels, area_series)
    layout.gap(20)
    layout.text(item_title, lay.TITLE_PT, bold=True)
    layout.gap(6)
    _item_panel(layout, item_labels, item_values, reference)
    return _render(layout, path)
