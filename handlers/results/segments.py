"""The member's industry beside all members in the chat benchmark: one more row, or none.

Which segments may be shown is the benchmark's rule (handlers/results/benchmark.py, rule 6);
this module only says the row in the reader's language. A company without an industry gets no
row; one whose industry's segment is withheld is told so without any figure or count (a count
would say how many companies of that industry submitted).
"""

from __future__ import annotations

from handlers.results import benchmark as bm
from handlers.results.texts import fmt, say
from store.orgs import industry_label


def industry_fields(lang: str, bench: bm.Benchmark, industry: str | None) -> list[tuple[str, str]]:
    """[(label, value)] for the benchmark's fields: the industry's average, or why not."""
    if not industry:
        return []
    label = say(lang, "industry_row", industry=industry_label(industry, lang))
    cell = bench.industry(industry)
    if cell is None:
        return [(label, say(lang, "industry_withheld", t=bench.threshold))]
    return [(label, say(lang, "industry_mean", mean=fmt(cell.mean), n=cell.n))]
