"""PNG charts (radar of the five areas, bars of a round's averages) with Japanese labels.

Matplotlib runs headless (Agg) and draws with the IPAex Gothic font shipped inside the
matplotlib-fontja package, so labels render the same on a laptop, a server and CI without any
system font. A chart's file name is a hash of everything drawn on it: asking for the same result
twice reuses one file instead of filling the folder, and two different charts never collide.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
import textwrap
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from handlers import config

SCALE_MAX = 4  # levels run from 1 to 4
STYLES = (  # colour, line style, fill alpha — first series is the company itself
    ("#1f4e9c", "-", 0.25),
    ("#d9822b", "--", 0.0),
    ("#7f7f7f", ":", 0.0),
)


@dataclass(frozen=True)
class Series:
    """One line on a chart; a None value is a gap (e.g. an area that does not apply)."""

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
    """Break a long label: English at spaces; Japanese (no spaces) in two lines at the natural
    break (after 「・」 or 「の」) nearest the middle, else in the middle."""
    if len(label) <= width:
        return label
    if " " in label:
        return "\n".join(textwrap.wrap(label, width * 2))  # Latin letters are half as wide
    breaks = [i + 1 for i, ch in enumerate(label[:-1]) if ch in "・の"]
    cut = min(breaks, key=lambda i: abs(i - len(label) / 2)) if breaks else len(label) // 2
    return f"{label[:cut]}\n{label[cut:]}"


def _target(kind: str, payload: object) -> Path:
    digest = hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True,
                                       default=str).encode()).hexdigest()[:20]
    return chart_dir() / f"{kind}-{digest}.png"


def _save(fig, path: Path) -> Path:
    """Write atomically: a reader never sees half a PNG, concurrent writers do not clash."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".png.tmp")
    os.close(fd)
    try:
        fig.savefig(tmp, format="png", dpi=120, bbox_inches="tight", pad_inches=0.3)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the adapters may run as another user
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def radar_chart(labels: list[str], series: list[Series], title: str) -> Path:
    """A radar of the five areas on the 1–4 scale; returns the PNG's path."""
    path = _target("radar", [labels, [(s.name, s.values) for s in series], title])
    if path.exists():
        return path
    font = _font_name()
    import matplotlib.pyplot as plt

    angles = [2 * math.pi * i / len(labels) for i in range(len(labels))]
    with plt.rc_context({"font.family": font, "axes.unicode_minus": False}):
        fig = plt.figure(figsize=(7.6, 7.0))
        try:
            ax = fig.add_subplot(polar=True)
            ax.set_theta_offset(math.pi / 2)
            ax.set_theta_direction(-1)
            ax.set_ylim(0, SCALE_MAX)
            ax.set_yticks(range(1, SCALE_MAX + 1))
            ax.set_xticks(angles)
            ax.set_xticklabels([_wrap(label, 9) for label in labels], fontsize=10)
            ax.tick_params(axis="x", pad=10)  # keep labels clear of points at level 4
            for label, angle in zip(ax.get_xticklabels(), angles, strict=True):
                side = math.sin(angle)  # clockwise from the top: > 0 is the right half
                label.set_horizontalalignment(
                    "left" if side > 0.1 else "right" if side < -0.1 else "center")
            ax.set_rlabel_position(180 / len(labels))  # scale numbers between two axes
            ax.tick_params(axis="y", labelsize=8, labelcolor="#555555")
            for (colour, style, alpha), one in zip(STYLES, series, strict=False):
                values = [math.nan if v is None else v for v in one.values]
                ax.plot([*angles, angles[0]], [*values, values[0]], style, color=colour,
                        linewidth=2, marker="o", label=one.name)
                if alpha:
                    ax.fill([*angles, angles[0]], [*values, values[0]], color=colour,
                            alpha=alpha)
            ax.set_title(title, fontsize=12, pad=24)
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=1, frameon=False)
            fig.subplots_adjust(left=0.2, right=0.8, top=0.86, bottom=0.2)
            return _save(fig, path)
        finally:
            plt.close(fig)


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
    font = _font_name()
    import matplotlib.pyplot as plt

    height = 3.2 + 0.24 * len(item_labels)
    with plt.rc_context({"font.family": font, "axes.unicode_minus": False}):
        fig, (top, bottom) = plt.subplots(
            2, 1, figsize=(8.5, height),
            gridspec_kw={"height_ratios": [2.6, max(2.0, 0.24 * len(item_labels))]})
        try:
            _area_bars(top, area_labels, area_series, title)
            _item_bars(bottom, item_labels, item_values, item_title, reference)
            fig.tight_layout()
            return _save(fig, path)
        finally:
            plt.close(fig)


def _area_bars(ax, labels: list[str], series: list[Series], title: str) -> None:
    width = 0.8 / max(1, len(series))
    for index, ((colour, _style, _alpha), one) in enumerate(zip(STYLES, series, strict=False)):
        xs = [i + (index - (len(series) - 1) / 2) * width for i in range(len(labels))]
        heights = [0 if v is None else v for v in one.values]
        bars = ax.bar(xs, heights, width=width, color=colour, label=one.name)
        for bar, value in zip(bars, one.values, strict=True):
            if value is not None:
                ax.annotate(f"{value:.2f}", (bar.get_x() + bar.get_width() / 2, value),
                            ha="center", va="bottom", fontsize=8)
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels([_wrap(label, 7) for label in labels], fontsize=9)
    ax.set_ylim(0, SCALE_MAX + 0.7)  # head-room for the legend above level-4 bars
    ax.set_yticks(range(SCALE_MAX + 1))
    ax.set_title(title, fontsize=12)
    ax.legend(fontsize=8, loc="upper right")


def _item_bars(ax, labels: list[str], values: list[float | None], title: str,
               reference: float | None) -> None:
    heights = [0 if v is None else v for v in values]
    positions = list(range(len(labels)))[::-1]  # first item at the top
    ax.barh(positions, heights, color=STYLES[0][0])
    ax.set_yticks(positions)
    ax.set_yticklabels(labels, fontsize=7)
    ax.set_xlim(0, SCALE_MAX + 0.35)  # room for the value printed after a level-4 bar
    ax.set_xticks(range(SCALE_MAX + 1))
    if reference is not None:
        ax.axvline(reference, color="#d9822b", linewidth=0.8, linestyle="--")
    ax.set_title(title, fontsize=11)
    for y, value in zip(positions, values, strict=True):
        if value is not None:
            ax.annotate(f"{value:.2f}", (value, y), xytext=(3, 0), textcoords="offset points",
                        va="center", fontsize=6)
