"""The one-page summary drawn as one A4-landscape figure, saved as PNG and as PDF.

Four panels: overall average by round, area averages, the weakest items, participation by class
and industry (submitted of registered). Matplotlib writes the PDF itself and embeds the bundled
IPAex Gothic font, so the Japanese prints anywhere without another library.
"""

from __future__ import annotations

from pathlib import Path

from handlers.results.charts import SCALE_MAX, STYLES, _font_name, _wrap
from handlers.results.summary import Summary
from handlers.results.workbook import atomic_write


def draw(summary: Summary, png: Path, pdf: Path) -> None:
    font = _font_name()
    import matplotlib.pyplot as plt

    report = summary.report
    with plt.rc_context({"font.family": font, "axes.unicode_minus": False,
                         "pdf.fonttype": 42}):
        fig, axes = plt.subplots(2, 2, figsize=(11.69, 8.27))
        try:
            fig.suptitle(f"AIガバナンスナビ ラウンドサマリー: {report.round.name}"
                         f"（ver{report.rubric.version}・提出 {len(report.submitted)} 社）",
                         fontsize=14)
            _bars(axes[0][0], [name for name, _ in summary.trend],
                  [v for _, v in summary.trend], "全体平均の推移")
            _bars(axes[0][1], [a.name.ja for a, _ in report.areas],
                  [s.mean for _, s in report.areas], "領域別平均")
            _weakest(axes[1][0], summary)
            _participation(axes[1][1], summary)
            fig.text(0.5, 0.01, f"集計は提出済みの会員企業のみ。{summary.threshold}社未満の集団"
                     "（項目・業種）は表示していません。", ha="center", fontsize=8,
                     color="#555555")
            fig.tight_layout(rect=(0, 0.03, 1, 0.95))
            atomic_write(png, lambda t: fig.savefig(t, format="png", dpi=130))
            atomic_write(pdf, lambda t: fig.savefig(t, format="pdf"))
        finally:
            plt.close(fig)


def _bars(ax, labels: list[str], values: list, title: str) -> None:
    heights = [0 if v is None else float(v) for v in values]
    bars = ax.bar(range(len(labels)), heights, color=STYLES[0][0])
    for bar, value in zip(bars, values, strict=True):
        if value is not None:
            ax.annotate(f"{value:.2f}", (bar.get_x() + bar.get_width() / 2, float(value)),
                        ha="center", va="bottom", fontsize=8)
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels([_wrap(label, 8) for label in labels], fontsize=8)
    ax.set_ylim(0, SCALE_MAX + 0.4)
    ax.set_title(title, fontsize=11)


def _weakest(ax, summary: Summary) -> None:
    labels = [_wrap(label, 16) for label, _ in summary.weakest][::-1]
    values = [float(v) for _, v in summary.weakest][::-1]
    ax.barh(range(len(labels)), values, color=STYLES[1][0])
    ax.set_yticks(range(len(labels)))
    ax.set_yticklabels(labels, fontsize=8)
    ax.set_xlim(0, SCALE_MAX)
    for y, value in enumerate(values):
        ax.annotate(f"{value:.2f}", (value, y), xytext=(3, 0), textcoords="offset points",
                    va="center", fontsize=8)
    ax.set_title("会員全体で低い項目", fontsize=11)


def _participation(ax, summary: Summary) -> None:
    rows = summary.participation
    labels = [label for _kind, label, _s, _n in rows][::-1]
    submitted = [s for _k, _l, s, _n in rows][::-1]
    rest = [n - s for _k, _l, s, n in rows][::-1]
    ax.barh(range(len(rows)), submitted, color=STYLES[0][0], label="提出済み")
    ax.barh(range(len(rows)), rest, left=submitted, color="#cccccc", label="未提出")
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(labels, fontsize=8)
    ax.set_title("区分・業種別の参加（社数）", fontsize=11)
    ax.legend(fontsize=8, loc="lower right")
