"""What one App Home publish costs the server (issue 19): CPU time and SQL statements.

Seeds a database with a company mid-assessment (the packaged 36-item rubric, both roles, 20
items answered, last round's assessment submitted) and calls the Home's publish path in this
process — gather, digest check, render, the path `Home.publish` runs in the thread pool —
N times, without Slack. Two cases:

* changed — the view differs from the one last published (the language flips on every call,
  as a new answer changes the count): gather, render, store the new digest;
* unchanged — the same view again: gather, render, find the digest already stored.

CPU is `time.process_time()` over the calls, `--repeats` times (min and median: robust on a
shared machine); statements are counted with SQLAlchemy's `before_cursor_execute` event (BEGIN,
which SQLite's engine sends itself, counted apart).

    .venv/bin/python bench/home_cost.py                   # SQLite file in a temp folder
    .venv/bin/python bench/home_cost.py --pg              # TEST_DATABASE_URL or local test db
    .venv/bin/python bench/home_cost.py --calls 2000 --repeats 7
    .venv/bin/python bench/home_cost.py --home-from OLD/home.py   # an older copy, to compare

For the "before" figures, OLD/ held `git show`-copies of bot/slack/home.py, handlers/navi/
progress.py and store/queries.py from before the change, their imports pointed at each other,
plus the old `claim_in` and `home_digest_changed` (store/slack.py itself cannot be imported twice:
it defines a table).

Not a test: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, event, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.slack.home import Home
from rubrics.loader import RubricRegistry
from store.db import Database, normalise_url
from store.migrate import upgrade
from tests.support import factories as make

USER = "UBENCH1"
EMAIL = "taro@bench.example.co.jp"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def seed(database: Database, rubrics: RubricRegistry) -> None:
    """A company half-way through this round, its last round's result submitted."""
    items = [i.id for i in rubrics.get("1.1").items]
    with database.transaction() as session:
        before = make.round_(session, "2025年度下期", version="1.1", status="closed",
                             opens=make.NOW - timedelta(days=200),
                             deadline=make.NOW - timedelta(days=170))
        now = make.round_(session, "2026年度上期", version="1.1")
        company = make.org(session, "ベンチ株式会社")
        make.assessment(session, company, before, {i: 1 + n % 4 for n, i in enumerate(items)})
        make.assessment(session, company, now, {i: 2 for i in items[:20]}, submitted=False)
        person = make.user(session, f"slack:{USER}", company)
        person.email = EMAIL


class Statements:
    """Every statement sent to the database, by its first word."""

    def __init__(self) -> None:
        self.kinds: Counter[str] = Counter()

    def __call__(self, _conn, _cursor, statement: str, *_args) -> None:
        self.kinds[statement.split(None, 1)[0].upper()] += 1

    @property
    def total(self) -> int:
        return sum(n for kind, n in self.kinds.items() if kind != "BEGIN")


def run(home: Home, database: Database, calls: int, changed: bool) -> tuple[float, Statements]:
    """CPU ms per call and the statements of all calls."""
    locales = ("ja-JP", "en-US") if changed else ("ja-JP", "ja-JP")
    for n in range(20):  # warm: caches, compiled statements, pool
        home._changed_view(USER, locales[n % 2], EMAIL, False)
    counted = Statements()
    event.listen(database.engine, "before_cursor_execute", counted)
    try:
        start = time.process_time()
        shown = 0
        for n in range(calls):
            shown += home._changed_view(USER, locales[n % 2], EMAIL, False) is not None
        spent = time.process_time() - start
    finally:
        event.remove(database.engine, "before_cursor_execute", counted)
    assert shown == (calls if changed else 0), shown  # the case measured is the case meant
    return spent * 1000 / calls, counted


def home_class(path: str | None) -> type[Home]:
    """`Home` of this checkout, or of an older copy of bot/slack/home.py (its folder is put on
    the path, so it may import copies of its old neighbours from there)."""
    if path is None:
        return Home
    sys.path.insert(0, str(Path(path).resolve().parent))
    spec = importlib.util.spec_from_file_location("home_compared", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module.Home


@contextmanager
def sqlite_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{folder}/home.db"


@contextmanager
def pg_url() -> Iterator[str]:
    """A schema of its own, dropped after the run."""
    base = normalise_url(os.environ.get("TEST_DATABASE_URL", PG_DEFAULT))
    schema = f"bench_home_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--pg", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--home-from", help="an older copy of bot/slack/home.py to measure")
    args = parser.parse_args()
    rubrics = RubricRegistry()
    with (pg_url() if args.pg else sqlite_url()) as url:
        database = Database(url)
        try:
            upgrade(database.engine)
            seed(database, rubrics)
            home = home_class(args.home_from)(None, database, rubrics,  # type: ignore[arg-type]
                                              lambda: make.NOW)
            print(f"{'PostgreSQL' if args.pg else 'SQLite'} · {args.home_from or 'this checkout'}"
                  f" · {args.calls} calls × {args.repeats}")
            for changed in (True, False):
                rounds = [run(home, database, args.calls, changed) for _ in range(args.repeats)]
                cpu = [ms for ms, _ in rounds]
                counted = rounds[-1][1]
                kinds = ", ".join(f"{k} {n / args.calls:g}"
                                  for k, n in sorted(counted.kinds.items()))
                print(f"  {'changed' if changed else 'unchanged':9}  CPU ms/publish min "
                      f"{min(cpu):.3f} median {statistics.median(cpu):.3f}  statements "
                      f"{counted.total / args.calls:g}/publish  ({kinds})")
        finally:
            database.dispose()


if __name__ == "__main__":
    main()
