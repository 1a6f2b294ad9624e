"""When an application would reach the board: an estimate, never a promise.

The guide only says the board reviews applications at its next meeting, planned around the
middle of each month, after the secretariat has checked them. How long that check takes is not
written, so the cut-off day in the data is our stated assumption, and the reply says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from handlers.faq.amounts import YearMonth
from handlers.faq.knowledge import Knowledge


@dataclass(frozen=True)
class ApprovalEstimate:
    applied_on: date | None  # the day given (or today); None when only a month was given
    applied_month: YearMonth
    meeting: YearMonth  # the board meeting we expect (around the middle of this month)
    later_meeting: YearMonth  # the next one, if the application misses `meeting`
    assumed_today: bool = False


def _next(month: YearMonth) -> YearMonth:
    index = month.year * 12 + month.month  # month is 1-based, so this is already "+1"
    return YearMonth(index // 12, index % 12 + 1)


def estimate(kb: Knowledge, *, day: date | None, month: YearMonth | None, today: date
             ) -> ApprovalEstimate:
    """From a day (or a month, or nothing = today) to the expected board meeting."""
    assumed = day is None and month is None
    if assumed:
        day = today
    if day is not None:
        applied = YearMonth(day.year, day.month)
        meeting = applied if day.day <= kb.board.estimate_cutoff_day else _next(applied)
        return ApprovalEstimate(day, applied, meeting, _next(meeting), assumed_today=assumed)
    assert month is not None
    return ApprovalEstimate(None, month, month, _next(month))
