"""A member's chart in Teams is legible at the size the card shows it: drawn for real by
handlers/results/charts.py, its smallest text measured on the figure, and that size carried
through the PNG's pixel width and the width the card asks for."""

from __future__ import annotations

import pytest

from bot.chart_links import ChartLinks
from bot.teams import cards, render_chart
from handlers import config
from handlers.types import Image
from tests.support.fake_connector import card_problems

SECRET = "k" * 32
LINKS = ChartLinks(secret=SECRET, public_url="https://navi.example.org", clock=lambda: 1e9)
AREAS = ["ガバナンス体制", "リスク評価・管理", "データ・プライバシー", "透明性・説明責任",
         "人材・教育"]


@pytest.fixture
def drawn(tmp_path, monkeypatch):
    """Charts drawn into tmp_path, with the smallest font (pixels in the PNG) of each."""
    from matplotlib.text import Text as MplText

    from handlers.results import charts

    previous = config.current()
    config.configure(config.HandlerConfig(chart_dir=tmp_path / "charts",
                                          chart_process=False))  # measured here
    smallest: dict[str, float] = {}
    original = charts._save

    def measuring(fig, path):
        fig.canvas.draw()  # tick labels get their text only when drawn
        sizes = [t.get_fontsize() for t in fig.findobj(MplText)
                 if t.get_visible() and t.get_text().strip()]
        smallest[path.name] = min(sizes) * fig.dpi / 72  # PNG pixels
        return original(fig, path)

    monkeypatch.setattr(charts, "_save", measuring)
    yield charts, smallest
    config.configure(previous)


def test_the_members_chart_is_shown_whole_in_an_ordinary_card(drawn):
    """Drawn for a narrow card: shown "Stretch" inside it (no full-width request that a client
    such as the Agents Playground ignores and then clips), still legible at CARD_WIDTH."""
    charts, smallest = drawn
    path = charts.radar_chart(AREAS, [charts.Series("貴社", (2.0, 3.5, 1.0, None, 4.0)),
                                      charts.Series("他社平均", (2.5, 2.5, 2.5, 2.5, 2.5))],
                              "2026年度 自己診断")
    [message] = cards.render_image(Image(str(path), alt="図", title="結果"), "失敗", links=LINKS)
    image = next(e for e in message.card["body"] if e["type"] == "Image")
    assert image["url"].startswith("https://navi.example.org/charts/" + path.name + "?e=")
    assert image["selectAction"]["url"] == image["url"]  # tapping opens it full size
    assert image["size"] == "Stretch" and "width" not in image
    assert "msteams" not in message.card and card_problems(message.card) == []
    size = render_chart.chart_size(path)
    assert size is not None and size.text_px == pytest.approx(smallest[path.name], rel=0.01)
    for card_width in (render_chart.CARD_WIDTH, 430):
        assert size.shown_text_px(card_width) >= render_chart.MIN_TEXT_PX, card_width


def test_inline_when_links_are_off_is_legible_too(drawn):
    """Without links the chart is inlined, shrunk to fit one message; stretched over an
    ordinary card its text is still at least 11 px (the radar it replaced gave 6–7 px)."""
    import base64
    import io

    from PIL import Image as PILImage

    charts, smallest = drawn
    path = charts.radar_chart(AREAS, [charts.Series("貴社", (2.0, 3.5, 1.0, 3.0, 4.0))], "t")
    [message] = cards.render_image(Image(str(path), alt="図"), "失敗", links=ChartLinks())
    uri = message.card["body"][-1]["url"]
    assert uri.startswith("data:image/png;base64,")
    with PILImage.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))) as inline:
        assert inline.width >= 200
    natural = render_chart.chart_size(path).width
    assert smallest[path.name] * render_chart.CARD_WIDTH / natural >= render_chart.MIN_TEXT_PX


def test_width_follows_what_the_png_says(tmp_path):
    from PIL import Image as PILImage
    from PIL.PngImagePlugin import PngInfo

    def png(name: str, width: int, dpi: float | None = None, text_px: str | None = None):
        info = PngInfo()
        if text_px is not None:
            info.add_text(render_chart.TEXT_PX_KEY, text_px)
        path = tmp_path / name
        PILImage.new("RGB", (width, 300), "white").save(
            path, pnginfo=info, **({"dpi": (dpi, dpi)} if dpi else {}))
        return path

    big_text = render_chart.chart_size(png("a.png", 800, text_px="40"))
    assert big_text.legible_width() == 220  # legible in an ordinary card: Stretch
    element, full = render_chart.image_element("https://x/a.png", "alt", big_text)
    assert element["size"] == "Stretch" and not full
    tiny = render_chart.chart_size(png("b.png", 3000, text_px="2"))
    assert tiny.legible_width() == render_chart.MAX_WIDTH  # capped, never absurdly wide
    for bad in ("abc", "-5", "1e9", "nan", ""):  # a nonsense declaration: the dpi decides
        assert render_chart.chart_size(png("c.png", 900, dpi=144, text_px=bad)).text_px == pytest.approx(16, 0.01)
    assert render_chart.chart_size(png("d.png", 900, dpi=5)).text_px == pytest.approx(13.33, 0.01)
    (tmp_path / "e.png").write_bytes(b"<svg/>")
    assert render_chart.chart_size(tmp_path / "e.png") is None
    assert render_chart.chart_size(tmp_path / "missing.png") is None
    [failed] = cards.render_image(Image(str(tmp_path / "e.png"), alt="a"), "表示できません",
                                  links=LINKS)
    assert failed.card is None and failed.text == "表示できません"
