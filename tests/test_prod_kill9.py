"""kill -9 of a real server while 50 members answer, then a restart (issue 9).

"Acknowledged" = the member saw the next question arrive after the click (the fake Web API got
it). Slack's HTTP 200 alone is no promise: the adapter acks first and works after, so the click
acked just before the kill may be lost — the member still has that question with live buttons
and clicks again. bench/resilience.kill9 checks, and raises on any violation: every acknowledged
answer is in the database with its level; each company's answers have no gap; 「続き」 after the
restart brings each member to the first unanswered item, where the next answer is saved
(scripts/resilience.py also lets every member complete and submit).
"""

from __future__ import annotations

import pytest

from bench.resilience import kill9

pytestmark = pytest.mark.asyncio


async def test_kill9_loses_no_acknowledged_answer(database_url, tmp_path):
    report = await kill9(database_url, tmp_path, members=50, kill_after=300, finish=False)
    print(report)
    report.check()
    assert report.acknowledged >= 300 and report.completed == 50
    # the restart itself found nothing to repair and nothing twice
    assert report.saved_unacknowledged <= report.acked_only
