"""A chart laid out in pixels for a narrow chat card, then drawn by matplotlib.

A chat card shows an image about 400 px wide (Teams' ordinary card; ~430 px in the Agents
Playground), whatever the image's own size. Axis-based matplotlib layouts shrink their labels
with the figure, so here every element is placed on a fixed pixel grid instead: the PNG is
always WIDTH px wide, each text has a size chosen so that it is still at least MIN_TEXT_PX when
the chart is shown DESIGN_WIDTH px wide, and long labels wrap (or end in 「…」) inside the width
rather than getting smaller. The layout is computed first (text measured with the same font),
so the figure's height is known before anything is drawn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

DPI = 200
WIDTH = 800  # px of the PNG: twice the design width, sharp on high-density screens
DESIGN_WIDTH = 400  # px the chart is drawn to be read at (an ordinary Teams card)
MIN_TEXT_PX = 11.0  # the smallest text accepted on screen at DESIGN_WIDTH
MARGIN = 24
# sizes in points; at DPI 200 a point is 2.78 px, so 9 pt is 25 px in the PNG, 12.5 px at 400
TITLE_PT, LABEL_PT, TEXT_PT, SCALE_PT = 12.0, 11.0, 10.0, 9.0
LINE = 1.4  # line height, in font sizes

# a word of Latin letters (with its trailing space), else one character; closing punctuation
# stays with what precedes it so a line never starts with 」 or 、
_TOKEN = re.compile(r"[\w.,:;'’%+/&\-]+\s*|\s+|.", re.ASCII)
_CLOSING = set("）」』】、。・，．)!?！？ー")


def px(points: float) -> float:
    """A font size in points as pixels of the PNG."""
    return points * DPI / 72


@dataclass
class Layout:
    """Draw operations on a WIDTH-px-wide canvas, y growing downwards from `y`."""

    font: str
    y: float = MARGIN
    ops: list[tuple] = field(default_factory=list)
    _renderer: object = None

    def measure(self, text: str, points: float) -> float:
        """The width in PNG pixels of `text` at `points`, with the chart's font."""
        if self._renderer is None:
            from matplotlib.backends.backend_agg import RendererAgg

            self._renderer = RendererAgg(WIDTH, 100, DPI)
        from matplotlib.font_manager import FontProperties

        width, _h, _d = self._renderer.get_text_width_height_descent(
            text, FontProperties(family=self.font, size=points), ismath=False)
        return width

    def lines(self, text: str, points: float, width: float, max_lines: int = 3) -> list[str]:
        """`text` broken into lines no wider than `width`; the last one ends in 「…」 if cut."""
        tokens: list[str] = []
        for token in _TOKEN.findall(" ".join(text.split())):
            if tokens and token in _CLOSING:
                tokens[-1] += token
            else:
                tokens.append(token)
        lines, current = [], ""
        for token in tokens:
            if current and self.measure((current + token).rstrip(), points) > width:
                lines.append(current.rstrip())
                current = token.lstrip()
            else:
                current += token
        if current.strip():
            lines.append(current.rstrip())
        if len(lines) > max_lines:
            lines = lines[:max_lines]
            lines[-1] += "…"
        while lines and self.measure(lines[-1], points) > width and len(lines[-1]) > 1:
            lines[-1] = lines[-1][:-2] + "…"  # a single word wider than the line
        return lines or [""]

    def text(self, text: str, points: float, *, x: float = MARGIN, width: float | None = None,
             colour: str = "#222222", bold: bool = False, max_lines: int = 3) -> None:
        """A wrapped paragraph starting at the current line; moves `y` below it."""
        for line in self.lines(text, points, width or WIDTH - MARGIN - x, max_lines):
            self.ops.append(("text", x, self.y, line, points, "left", colour, bold))
            self.y += px(points) * LINE

    def label(self, x: float, y: float, text: str, points: float, *, ha: str = "left",
              colour: str = "#222222") -> None:
        """One line of text whose top is at `y` (no wrapping, `y` unchanged)."""
        self.ops.append(("text", x, y, text, points, ha, colour, False))

    def bar(self, x: float, y: float, width: float, height: float, colour: str) -> None:
        self.ops.append(("rect", x, y, max(0.0, width), height, colour))

    def vline(self, x: float, top: float, bottom: float, colour: str, style: str = "-",
              width: float = 1.0) -> None:
        self.ops.append(("vline", x, top, bottom, colour, style, width))

    def gap(self, pixels: float) -> None:
        self.y += pixels

    def draw(self):
        """The figure (WIDTH × height px at DPI), every operation drawn; the caller closes it."""
        import matplotlib.pyplot as plt
        from matplotlib.patches import Rectangle

        height = int(self.y + MARGIN)
        fig = plt.figure(figsize=(WIDTH / DPI, height / DPI), dpi=DPI, facecolor="white")
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, WIDTH)
        ax.set_ylim(height, 0)  # y downwards, in pixels
        ax.axis("off")
        for op in self.ops:
            if op[0] == "text":
                _, x, y, text, points, ha, colour, _bold = op
                ax.text(x, y, text, fontsize=points, ha=ha, va="top", color=colour,
                        fontfamily=self.font)
            elif op[0] == "rect":
                _, x, y, w, h, colour = op
                ax.add_patch(Rectangle((x, y), w, h, color=colour, linewidth=0))
            else:
                _, x, top, bottom, colour, style, width = op
                ax.plot([x, x], [top, bottom], linestyle=style, color=colour,
                        linewidth=width, zorder=0)
        return fig


def smallest_text_px(fig) -> float:
    """The smallest font size of any visible text on `fig`, in PNG pixels (measured, not
    assumed: what the AIGA-Min-Text-Px metadata states)."""
    from matplotlib.text import Text

    fig.canvas.draw()
    sizes = [t.get_fontsize() for t in fig.findobj(Text)
             if t.get_visible() and t.get_text().strip()]
    return min(sizes) * fig.dpi / 72 if sizes else 0.0


def texts_outside(fig) -> list[str]:
    """Texts that do not lie wholly inside the figure (a label cut off at the edge)."""
    from matplotlib.text import Text

    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    width, height = fig.canvas.get_width_height()
    out = []
    for text in fig.findobj(Text):
        if not (text.get_visible() and text.get_text().strip()):
            continue
        box = text.get_window_extent(renderer)
        if box.x0 < -0.5 or box.y0 < -0.5 or box.x1 > width + 0.5 or box.y1 > height + 0.5:
            out.append(text.get_text())
    return out
