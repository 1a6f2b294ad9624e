"""「ラウンド開始」 typed alone: what to type, with a worked example for the next half-year round.

The Navi is taken twice a year; the example proposes the next half of the Japanese fiscal year
(上期 from 1 April, 下期 from 1 October) with a six-week answering window, and the newest rubric
version, warning when its texts are still drafts. These are suggestions the admin edits, not
the association's fixed dates.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from handlers.rounds.texts import say
from rubrics.loader import RubricError, RubricRegistry

HALF_STARTS = (4, 10)  # 上期 opens in April, 下期 in October
WINDOW = timedelta(days=45)


def next_half(now: datetime) -> tuple[date, date, int, bool]:
    """(opening day, deadline, fiscal year, first half?) of the next half-year after `now`."""
    today = now.date()
    starts = [date(today.year + dy, m, 1) for dy in (0, 1) for m in HALF_STARTS]
    opens = next(d for d in starts if d > today)
    fiscal_year = opens.year if opens.month >= 4 else opens.year - 1
    return opens, opens + WINDOW, fiscal_year, opens.month == 4


def open_guide(lang: str, rubrics: RubricRegistry, now: datetime) -> str:
    opens, deadline, fiscal_year, first = next_half(now)
    versions = rubrics.versions()
    version = versions[-1] if versions else "1.1"
    try:
        drafts = rubrics.get(version).draft_count()
    except RubricError:
        drafts = 0
    note = {"ja": "", "en": ""}
    if drafts:
        note = {x: say(x, "guide_drafts", version=version, n=drafts) for x in ("ja", "en")}
    name = say(lang, "half_first" if first else "half_second", fy=fiscal_year)
    return say(lang, "open_guide", version=version, opens=opens.isoformat(),
               deadline=deadline.isoformat(), name=name, versions=", ".join(versions),
               drafts_ja=note["ja"], drafts_en=note["en"], year=opens.year, month=opens.month)
