"""A 500-recipient broadcast with injected 429s through the real Deliverer and SlackNotifier,
against the pacing floor (issue 16).

The floor is what the platform allows: every recipient is a different DM conversation, so
Slack's ~1 message per second per conversation never binds; the workspace rate does
(AIGA_SLACK_RATE, messages per second across the workspace). Floor = recipients ÷ rate. A 429
costs one more request (a slot of the workspace rate) and, for its own conversation only, the
Retry-After wait. Goal: ≤ 1.1 × floor, every recipient exactly once.

    .venv/bin/python bench/broadcast_pacing.py [--recipients 500] [--rate 20] [--every 25]

Uses the shared local fake Slack (tests/support/fake_slack.py, configured through `fail()`, not
edited) on 127.0.0.1 and a temporary SQLite database.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiohttp import web

from bot.slack_notify import SlackNotifier
from bot.worker import Deliverer
from handlers.dates import TOKYO
from handlers.events.broadcasts import create_broadcast
from store.db import Database
from store.migrate import upgrade
from tests.support import factories
from tests.support.fake_slack import BOT_TOKEN, FakeSlack

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=TOKYO)


class LimitedSlack(FakeSlack):
    """Every `every`-th chat.postMessage is answered 429 with Retry-After (via `fail()`)."""

    def __init__(self, every: int, retry_after: int) -> None:
        super().__init__()
        self.every, self.retry_after, self.posts_seen, self.injected = every, retry_after, 0, 0

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["method"] == "chat.postMessage":
            self.posts_seen += 1
            if self.every and self.posts_seen % self.every == 0:
                self.fail("chat.postMessage", 429, retry_after=self.retry_after)
                self.injected += 1
        return await super()._api(request)


def seed(database: Database, recipients: int) -> None:
    with database.transaction() as s:
        companies = [factories.org(s, f"会員企業{i:03d}") for i in range(130)]
        for i in range(recipients):
            factories.user(s, f"slack:U{i:04d}", companies[i % 130])
        create_broadcast(s, text="年末年始の事務局休業のお知らせ", dm=True, now=NOW)


async def main(args: argparse.Namespace) -> int:
    folder = tempfile.mkdtemp(prefix="aiga-bench-")
    database = Database(f"sqlite:///{folder}/bench.db")
    upgrade(database.engine)
    seed(database, args.recipients)
    slack = await LimitedSlack(args.every, args.retry_after).start()
    notifier = SlackNotifier(BOT_TOKEN, slack.api_url, database, lambda: NOW)
    worker = Deliverer(database, {"slack": notifier}, clock=lambda: NOW,
                       rate={"slack": args.rate}, concurrency=args.concurrency)
    started = time.monotonic()
    try:
        report = await worker.deliver_due(NOW)
    finally:
        elapsed = time.monotonic() - started
        await notifier.close()
        await slack.stop()
        database.dispose()
    delivered = Counter(c.args["channel"] for c in slack.called("chat.postMessage")
                        if "_ts" in c.args)
    wanted = {f"DU{i:04d}" for i in range(args.recipients)}
    lost, doubled = wanted - set(delivered), [c for c, n in delivered.items() if n > 1]
    floor = args.recipients / args.rate
    print(f"recipients {args.recipients}, workspace rate {args.rate:g}/s, concurrency "
          f"{args.concurrency}, 429s injected {slack.injected} (Retry-After {args.retry_after} s)")
    print(f"floor {floor:.1f} s; took {elapsed:.1f} s = {elapsed / floor:.3f} × floor; "
          f"sent {report.sent}, retried {report.retried}, lost {len(lost)}, "
          f"doubled {len(doubled)}")
    ok = not lost and not doubled and elapsed <= 1.1 * floor
    print("OK" if ok else "NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=500)
    parser.add_argument("--rate", type=float, default=20.0, help="messages/s, whole workspace")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--every", type=int, default=25, help="a 429 every n-th post")
    parser.add_argument("--retry-after", type=int, default=1)
    raise SystemExit(asyncio.run(main(parser.parse_args())))
