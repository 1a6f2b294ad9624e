"""A chart in a Teams card, by its signed full-resolution link, at a width where it can be read.

The card's width decides the labels' size on screen: a label drawn `text_px` pixels high in a
PNG `natural` pixels wide, shown `shown` pixels wide, is `text_px × shown / natural` pixels
high. Teams' ordinary card is about 400 px wide (the Agents Playground shows ~430 px of a card
and ignores `msteams.width: Full`). Our charts are drawn for that width
(handlers/results/charts.py: horizontal bars, labels never shrunk), so they are shown
"Stretch", whole, inside the card. Only a PNG that is not legible at CARD_WIDTH is shown at the
narrowest width where its smallest text is MIN_TEXT_PX, with the card asking for the
conversation's full width. Tapping the chart opens the same link, the PNG at its own size.

How big the smallest text is comes from the PNG: our charts say so in a text chunk
(TEXT_PX_KEY, pixels of the PNG, measured on the drawn figure); a PNG without it is taken to
have DEFAULT_TEXT_POINTS text at its recorded resolution.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from pathlib import Path

from handlers.results.chart_layout import MIN_TEXT_PX  # the smallest text we accept on screen
from handlers.results.charts import TEXT_PX_KEY

DEFAULT_TEXT_POINTS = 8.0  # a PNG that does not declare its text: small chart text
DEFAULT_DPI = 120.0  # matplotlib's usual resolution when the PNG records none
CARD_WIDTH = 400  # px of an ordinary Teams card's content: "Stretch" is this wide
MAX_WIDTH = 1200  # px: wider than any chat pane; a chart needing more is shown at this

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChartSize:
    """A PNG's size and the height of its smallest text, in the PNG's pixels."""

    width: int
    height: int
    text_px: float

    def shown_text_px(self, shown_width: float) -> float:
        """The smallest text's height on screen when the chart is `shown_width` px wide."""
        return self.text_px * shown_width / self.width

    def legible_width(self) -> int:
        """The narrowest display width at which the smallest text is MIN_TEXT_PX."""
        return min(MAX_WIDTH, math.ceil(self.width * MIN_TEXT_PX / self.text_px))


def chart_size(path: Path) -> ChartSize | None:
    """Read a PNG's header (not its pixels); None when it is not a readable PNG."""
    try:
        from PIL import Image as PILImage

        with PILImage.open(path) as picture:
            if picture.format != "PNG" or picture.width < 1 or picture.height < 1:
                return None
            width, height = picture.size
            info = dict(picture.info)
    except Exception:  # missing, unreadable or not an image: the caller says so in words
        log.warning("teams: chart not readable: %s", Path(path).name)
        return None
    return ChartSize(width, height, _text_px(info))


def _text_px(info: dict) -> float:
    declared = info.get(TEXT_PX_KEY)
    try:
        value = float(declared) if declared is not None else 0.0
    except (TypeError, ValueError):
        value = 0.0
    if 1.0 <= value <= 500.0:
        return value
    dpi = info.get("dpi")
    try:
        resolution = float(dpi[0]) if dpi else DEFAULT_DPI
    except (TypeError, ValueError, IndexError):
        resolution = DEFAULT_DPI
    if not 30.0 <= resolution <= 1200.0:
        resolution = DEFAULT_DPI
    return DEFAULT_TEXT_POINTS * resolution / 72.0


def image_element(url: str, alt: str, size: ChartSize) -> tuple[dict, bool]:
    """The Image element showing the chart legibly, and whether the card needs full width."""
    element: dict = {"type": "Image", "url": url, "altText": alt,
                     "selectAction": {"type": "Action.OpenUrl", "url": url}}
    width = size.legible_width()
    if width <= CARD_WIDTH:  # legible even in an ordinary card
        element["size"] = "Stretch"
        return element, False
    element["width"] = f"{width}px"
    return element, True
