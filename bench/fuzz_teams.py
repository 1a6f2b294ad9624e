"""Fuzz POST /api/messages with authentication ON and VALID tokens; print the README figures.

Bodies are Teams activities (personal messages, channel mentions, invokes) with fields dropped
or replaced by random JSON, huge strings, NULs and lone surrogates, deep nesting, plus random
JSON shapes and bytes (tests/test_fuzz_teams.py holds the strategies and the checks). Every
answer must be below 500, no log record may carry a traceback or be an error, and a refused
body (4xx) must leave every table exactly as it was.

    .venv/bin/python bench/fuzz_teams.py [--examples 3000] [--database-url URL]

Without --database-url a fresh SQLite file is migrated in a temporary folder; a PostgreSQL URL
must point at an empty, migrated database.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from store.db import Database
from store.migrate import upgrade
from tests.test_fuzz_teams import run_fuzz


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=3000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    logging.basicConfig(level=logging.CRITICAL)  # the run's own handler counts errors
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/fuzz.db"
        if not args.database_url:
            database = Database(url)
            upgrade(database.engine)
            database.dispose()
        started = time.monotonic()
        tally = run_fuzz(url, args.examples)
        elapsed = time.monotonic() - started
    print(f"bodies tried   {tally.bodies}")
    print(f"5xx answers    {tally.server_errors}")
    print(f"log errors     {tally.log_errors}")
    print(f"rows changed   {tally.rows_changed}  (by refused bodies)")
    print(f"statuses       {dict(sorted(tally.statuses.items()))}")
    print(f"elapsed        {elapsed:.0f} s")
    for line in tally.problems[:20]:
        print("  ", line)
    return 1 if tally.problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
