"""Charts drawn for a narrow card: shown 430 px wide (the Agents Playground's card) or 400 px
(Teams' ordinary card), no text is under 11 px, no text is cut off at an edge, and the PNG's
metadata states the truth about it — with hostile labels, not only the rubric's own."""

from __future__ import annotations

import warnings

import pytest
from PIL import Image as PILImage

from handlers import config
from handlers.results import chart_layout as lay
from handlers.results import charts

AREAS = ["ルール・プロセスの明文化", "周知徹底・人材育成", "組織体制整備", "各リスク領域への対策",
         "透明性・アカウンタビリティ確保"]
EN_AREAS = ["Documented rules and processes", "Awareness and talent development",
            "Organisational structure", "Measures for each risk domain",
            "Transparency and accountability"]
LONG = "株式会社" + "とても長い名前の会員企業" * 17 + "（試用データ）"  # ~200 characters
SHOWN = (430, lay.DESIGN_WIDTH)


@pytest.fixture
def measured(tmp_path, monkeypatch):
    """Charts into tmp_path; for each, the smallest text and the texts outside the figure,
    measured on the figure matplotlib actually drew."""
    previous = config.current()
    config.configure(config.HandlerConfig(chart_dir=tmp_path / "charts",
                                          chart_process=False))  # measured here
    found: dict[str, tuple[float, list[str]]] = {}
    original = charts._save

    def measuring(fig, path):
        found[path.name] = (lay.smallest_text_px(fig), lay.texts_outside(fig))
        return original(fig, path)

    monkeypatch.setattr(charts, "_save", measuring)
    yield found
    config.configure(previous)


def _check(path, found) -> dict:
    smallest, outside = found[path.name]
    with PILImage.open(path) as png:
        width, info = png.width, dict(png.info)
    assert width == lay.WIDTH  # the layout's width, not a tight crop of it
    assert outside == [], outside  # nothing runs off an edge
    declared = float(info[charts.TEXT_PX_KEY])
    assert declared == pytest.approx(smallest, abs=0.01)  # the metadata tells the truth
    assert int(info[charts.DESIGN_WIDTH_KEY]) == lay.DESIGN_WIDTH
    assert float(info[charts.SHOWN_TEXT_PX_KEY]) == pytest.approx(
        smallest * lay.DESIGN_WIDTH / width, abs=0.01)
    for shown in SHOWN:
        on_screen = smallest * shown / width
        assert on_screen >= lay.MIN_TEXT_PX, (shown, on_screen)
    return info


@pytest.mark.parametrize(("labels", "title", "names"), [
    (AREAS, "サンプル株式会社 ・ 領域別スコア", ("貴社（2026年度上期）", "会員平均（12社）", "前回（2025年度下期）")),
    (EN_AREAS, "Sample Ltd · scores by area", ("Your company (FY2026 H1)",
                                              "Member average (12 companies)",
                                              "Previous (FY2025 H2)")),
    ([a * 6 for a in AREAS], LONG + " ・ 領域別スコア", (LONG, "会員平均（12社）")),
    (["A" * 300, "x", "<b>*_~`</b>", "　", "Supercalifragilisticexpialidocious" * 4],
     "W" * 400, ("%s {0} \\n", "")),
])
def test_area_chart_legible_at_430_px(measured, labels, title, names):
    values = (3.0, 1.5, 4.0, None, 1.0)
    series = [charts.Series(n, values) for n in names]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph or a font fallback fails
        path = charts.area_chart(labels, series, title)
    _check(path, measured)


def test_round_report_chart_legible_at_430_px(measured):
    items = [f"{n}. " + "AIシステムの学習データの来歴と権利の確認" * (1 + n % 3) for n in range(1, 37)]
    values = [None if n == 5 else 1 + (n % 7) / 2 for n in range(36)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        path = charts.bar_chart(
            AREAS, [charts.Series("今回（2026年度上期）", (2.4, 2.7, 2.7, 2.4, 2.8)),
                    charts.Series("前回（2025年度下期）", (2.5, 3.0, 2.3, None, 2.8))],
            items, values, "領域別平均", "項目別平均（点線は全体平均）", reference=2.5)
    _check(path, measured)


def test_values_out_of_scale_stay_inside(measured):
    """A value above 4 or below 0 (a bug upstream) must not draw outside the chart."""
    path = charts.area_chart(AREAS[:2], [charts.Series("x", (99.0, -3.0))], "t")
    _check(path, measured)


def test_the_check_bites_on_a_chart_drawn_the_old_way(tmp_path):
    """Control: the radar this replaced (8 pt at 120 dpi, ~900 px wide) is under 11 px when
    shown 430 px wide, so the threshold above is not one every chart passes."""
    import matplotlib.pyplot as plt

    charts._font_name()
    fig = plt.figure(figsize=(7.6, 7.0), dpi=120)
    try:
        ax = fig.add_subplot(polar=True)
        ax.set_xticks(range(5))
        ax.set_xticklabels(AREAS, fontsize=10)
        ax.tick_params(axis="y", labelsize=8)
        smallest = lay.smallest_text_px(fig)
        width = fig.canvas.get_width_height()[0]
    finally:
        plt.close(fig)
    assert smallest * 430 / width < lay.MIN_TEXT_PX


def test_wrapping_keeps_words_and_closing_marks_together():
    layout = lay.Layout(charts._font_name())
    lines = layout.lines("Transparency and accountability " * 4, lay.LABEL_PT, 300)
    assert all(layout.measure(x, lay.LABEL_PT) <= 300 for x in lines)
    assert all(not x.startswith(("nd", "ility")) for x in lines)  # whole words
    jp = layout.lines("透明性・アカウンタビリティ確保、そして説明責任。" * 3, lay.LABEL_PT, 250)
    assert not any(x.startswith(("、", "。", "・")) for x in jp)
    assert jp[-1].endswith("…")  # three lines at most, the cut is shown
    assert layout.lines("", lay.LABEL_PT, 300) == [""]
