"""The fair floor for bench/serve_latency.py: a minimal Bolt app doing an answer's Web API calls.

The same stack as ours (slack_bolt AsyncApp on aiohttp, signature verification on, one process)
and, per click, the same Web API calls our bot makes for one answer, to the same fake Slack:
ack at once, then after the ack `chat.update` (the answered question, buttons removed),
`chat.postMessage` (the next question, with buttons) and `views.publish` (the App Home). No
database, no router, no rendering beyond a fixed message: whatever our server spends beyond
this is the cost of our own work. Like ours, its Web API client keeps one HTTP session (kept-alive
connections) for the life of the process, so the floor is not inflated by connects ours no
longer makes. The next question reaching the fake is what the benchmark
waits for, exactly as for our server.

With `--database URL` it is the floor with the database: each answer also does our answer's
database work (bench/floor_database.py: the same statements in the same two transactions, on
the same engine configuration, in as many worker threads as our server has), and nothing else
of ours. Our CPU beyond that floor is our own code's; that floor's beyond the plain one is the
database's.

    python bench/bolt_floor_app.py --port 3100 --api-url http://127.0.0.1:PORT/api/
    python bench/bolt_floor_app.py --port 3101 --api-url ... --database sqlite:///var/floor.db
    python bench/bolt_floor_app.py --port 3102 --api-url ... --database ... --raw
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import aiohttp
from aiohttp import web
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

BOT_TOKEN = "xoxb-1111-2222-testtoken"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
LEVELS = ("1点", "2点", "3点", "4点")


def question_blocks(n: int) -> list[dict]:
    """A small question with four level buttons (the benchmark clicks one of them)."""
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*{n}. 質問*"}},
        {"type": "actions", "elements": [
            {"type": "button", "action_id": f"navi-{i}",
             "text": {"type": "plain_text", "text": label},
             "value": f"navi:level:item{n}:{i + 1}"} for i, label in enumerate(LEVELS)]},
    ]


def build(api_url: str, database: str | None = None, *, raw: bool = False) -> web.Application:
    client = AsyncWebClient(token=BOT_TOKEN, base_url=api_url)
    db, pool = floor_database(database, raw=raw) if database else (None, None)
    bolt = AsyncApp(client=client, signing_secret=SIGNING_SECRET, process_before_response=True)
    tasks: set[asyncio.Task] = set()
    counter = iter(range(1, 10**9))

    async def answer(user: str, channel: str, ts: str) -> None:
        n = next(counter)
        loop = asyncio.get_running_loop()
        if db is not None:  # the answer's transaction, one hand-off, as ours
            await loop.run_in_executor(pool, db.answer, user, n % 4 + 1)
        await client.chat_update(channel=channel, ts=ts, text="✓ 回答しました",
                                 blocks=[{"type": "section", "text": {
                                     "type": "mrkdwn", "text": "✓ 回答しました"}}])
        posted = await client.chat_postMessage(channel=channel, text=f"{n}. 質問",
                                               blocks=question_blocks(n), unfurl_links=False)
        if db is not None:  # the posted question's record, the second hand-off
            await loop.run_in_executor(pool, db.record, user, channel, posted["ts"])
        await client.views_publish(user_id=user, view={"type": "home", "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": f"{n} 回答済み"}}]})

    @bolt.action(re.compile(r".*"))
    async def on_click(ack, body: dict) -> None:
        await ack()
        container = body.get("container") or {}
        task = asyncio.ensure_future(answer(body["user"]["id"], container["channel_id"],
                                            container["message_ts"]))
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    app = bolt.web_app(path="/slack/events")

    async def ready(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ready"})

    async def keep_alive(_app: web.Application) -> None:
        client.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))

    async def close(_app: web.Application) -> None:
        await client.session.close()
        if pool is not None:
            pool.shutdown()

    app.router.add_get("/readyz", ready)
    app.on_startup.append(keep_alive)
    app.on_cleanup.append(close)
    return app


def floor_database(url: str, *, raw: bool = False):
    """The database half of an answer and as many worker threads as our server would use."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.floor_database import FloorDatabase
    from bot.settings import POSTGRES_THREADS, SQLITE_THREADS

    threads = SQLITE_THREADS if url.startswith("sqlite") else POSTGRES_THREADS
    return FloorDatabase(url, raw=raw), ThreadPoolExecutor(max_workers=threads)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--api-url", required=True)
    parser.add_argument("--database", help="also do an answer's database work, on this URL")
    parser.add_argument("--raw", action="store_true",
                        help="that work on the driver's cursor, no SQLAlchemy between")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    web.run_app(build(args.api_url, args.database, raw=args.raw), host="127.0.0.1", port=args.port, access_log=None,
                print=None)


if __name__ == "__main__":
    main()
