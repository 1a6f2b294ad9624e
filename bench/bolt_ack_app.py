"""The baseline for bench/serve_latency.py: a minimal Bolt app that only acks.

The same stack as ours (slack_bolt AsyncApp on aiohttp, signature verification on, one
process), with one action listener that calls ack() and nothing else. Whatever our server takes
beyond this is the cost of our own work.

    python bench/bolt_ack_app.py --port 3100 --api-url http://127.0.0.1:PORT/api/
"""

from __future__ import annotations

import argparse
import logging
import re

from aiohttp import web
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

BOT_TOKEN = "xoxb-1111-2222-testtoken"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


def build(api_url: str) -> web.Application:
    bolt = AsyncApp(client=AsyncWebClient(token=BOT_TOKEN, base_url=api_url),
                    signing_secret=SIGNING_SECRET, process_before_response=True)

    @bolt.action(re.compile(r".*"))
    async def on_click(ack) -> None:
        await ack()

    app = bolt.web_app(path="/slack/events")

    async def ready(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ready"})

    app.router.add_get("/readyz", ready)
    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--api-url", required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    web.run_app(build(args.api_url), host="127.0.0.1", port=args.port, access_log=None,
                print=None)


if __name__ == "__main__":
    main()
