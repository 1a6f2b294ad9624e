"""Charts render with Japanese labels from the packaged font (no system font, no tofu)."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pytest

from handlers.results import charts

AREAS = ["ルール・プロセスの明文化", "周知徹底・人材育成", "組織体制整備", "各リスク領域への対策",
         "透明性・アカウンタビリティ確保"]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the IHDR chunk."""
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_font_is_the_one_shipped_in_the_package():
    from matplotlib import font_manager
    from matplotlib_fontja import get_font_ttf_path

    name = charts._font_name()
    assert name == "IPAexGothic"
    found = font_manager.findfont(font_manager.FontProperties(family=name),
                                  fallback_to_default=False)
    assert Path(found).resolve() == Path(get_font_ttf_path()).resolve()


def test_radar_renders_japanese_labels_without_missing_glyphs(tmp_path, artifacts_dir):
    series = [charts.Series("貴社（2026年度上期）", (3.0, 1.5, 4.0, 2.33, 1.0)),
              charts.Series("会員平均（12社）", (2.61, 2.5, 2.8, 2.39, 2.1)),
              charts.Series("前回（2025年度下期）", (2.0, 1.0, 3.0, 2.0, None))]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph … missing from font(s)" would fail the test
        path = charts.radar_chart(AREAS, series, "サンプル株式会社 ・ 領域別スコア")
    assert path.parent == tmp_path / "charts" and path.name.startswith("areas-")
    width, height = png_size(path)
    assert width > 600 and height > 600
    assert path.stat().st_size > 30_000  # lines, fills and text, not an empty canvas
    shutil.copy(path, artifacts_dir / "results-radar.png")
    # the same chart again reuses the file; a different one gets its own name
    assert charts.radar_chart(AREAS, series, "サンプル株式会社 ・ 領域別スコア") == path
    other = charts.radar_chart(AREAS, series[:1], "サンプル株式会社 ・ 領域別スコア")
    assert other != path and other.is_file()


def test_the_glyph_check_would_catch_a_font_without_japanese(tmp_path):
    """Control: drawing the same labels with DejaVu Sans does warn, so the check above bites."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    with plt.rc_context({"font.family": "DejaVu Sans"}):
        fig, ax = plt.subplots()
        ax.set_title("領域別スコア")
        with pytest.warns(UserWarning, match="missing from font"):
            fig.savefig(tmp_path / "tofu.png")
        plt.close(fig)


def test_bar_chart_for_the_round_report(artifacts_dir):
    labels = [f"{n}. 項目{n}" for n in range(1, 37)]
    values = [1 + (n % 7) / 2 for n in range(36)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        path = charts.bar_chart(
            AREAS, [charts.Series("今回（2026年度上期）", (2.4, 2.7, 2.7, 2.4, 2.8)),
                    charts.Series("前回（2025年度下期）", (2.5, 3.0, 2.3, None, 2.8))],
            labels, values, "領域別平均", "項目別平均（点線は全体平均）", reference=2.5)
    width, height = png_size(path)
    assert width == 800 and height > 1000  # 36 item bars make a tall chart
    assert path.stat().st_size > 40_000
    shutil.copy(path, artifacts_dir / "report-bars.png")


def test_label_wrapping_breaks_japanese_at_a_natural_point():
    assert charts._wrap("各リスク領域への対策", 9) == "各リスク領域への\n対策"
    assert charts._wrap("周知徹底・人材育成", 9) == "周知徹底・人材育成"
    assert charts._wrap("組織体制整備整備整備", 9) == "組織体制整\n備整備整備"
    assert charts._wrap("Documented rules and processes", 9) == "Documented rules\nand processes"
