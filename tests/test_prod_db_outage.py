"""The database disappears for a few seconds under a real server (issue 9).

A PostgreSQL of the test's own (initdb in a temporary folder; never the machine's shared
server) is stopped in immediate mode — every connection drops, turns in flight included — while
ten members answer, and started again 4 s later. bench/resilience.outage checks: every click
meanwhile is acked (no 5xx) and answered with the polite "try again" message, /readyz says 503
and /healthz 200, and once the database is back the same buttons work again without restarting
anything; all members complete and submit, /readyz is 200 again.
"""

from __future__ import annotations

import pytest

from bench.resilience import TempPostgres, outage, pg_bin

pytestmark = [pytest.mark.asyncio,
              pytest.mark.skipif(pg_bin() is None, reason="needs the PostgreSQL server "
                                 "binaries (apt-get install postgresql)")]


async def test_database_outage_polite_then_recovers(tmp_path):
    pg = TempPostgres().init()
    pg.start()
    try:
        report = await outage(pg, tmp_path, members=10, down_seconds=4.0)
    finally:
        pg.destroy()
    print(report)
    report.check()
    assert report.polite_replies >= 10 and report.outage_seconds >= 4.0
    assert report.recovered_after is not None and report.recovered_after < 5
