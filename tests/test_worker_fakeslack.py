"""A local fake of the Slack Web API that counts what the worker posts (and tests of the fake).

It serves the few methods the reminder worker calls — auth.test, conversations.open,
chat.postMessage (with message metadata) and conversations.history — on 127.0.0.1, in its own
thread, so worker *subprocesses* can talk to it too. Faults can be injected per channel: an
error code, a 429, "posted but the response is lost" (HTTP 500 after recording) and "posted,
then hang" (to SIGKILL a worker right after Slack accepted a message).

TODO: switch to tests/fake_slack.py once the Slack adapter's fake exists, if it supports
message metadata and conversations.history.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections import Counter
from dataclasses import dataclass, field

import pytest
from aiohttp import web


@dataclass
class Posted:
    channel: str
    text: str
    key: str | None
    ts: str
    blocks: list = field(default_factory=list)


class FakeSlack:
    """Start with `with FakeSlack() as slack:`; `slack.url` is the SLACK_API_URL to use."""

    def __init__(self, *, post_delay: float = 0.0) -> None:
        self.post_delay = post_delay
        self.posted: list[Posted] = []
        self.calls: Counter[str] = Counter()
        self.gone_users: set[str] = set()
        self.faults: dict[str, list[str]] = {}  # channel → queued faults, consumed in order
        self.hang_after: int | None = None  # the n-th post (1-based) is recorded, then hangs
        self.hang_started = threading.Event()
        self._lock = threading.Lock()
        self._ts = 2_000_000_000.0  # 2033: after any test clock
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._ready = threading.Event()
        self.port = 0

    # ----- life cycle ------------------------------------------------------------------------

    def __enter__(self) -> FakeSlack:
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        assert self._ready.wait(10), "fake Slack did not start"
        return self

    def __exit__(self, *exc) -> None:
        assert self._loop is not None
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def _serve(self) -> None:
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._start())
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:  # closed in its own thread, or its self-pipe leaks into a later test's warnings
            self._loop.close()

    async def _start(self) -> None:
        self._release = asyncio.Event()
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def _stop(self) -> None:
        self._release.set()
        if self._runner is not None:
            await self._runner.cleanup()

    # ----- what tests read --------------------------------------------------------------------

    def keys(self) -> Counter[str]:
        with self._lock:
            return Counter(p.key for p in self.posted if p.key)

    def to(self, channel: str) -> list[Posted]:
        with self._lock:
            return [p for p in self.posted if p.channel == channel]

    def texts(self, channel: str) -> str:
        return "\n".join(p.text for p in self.to(channel))

    # ----- the API ----------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                params.update(await request.json())
            else:
                params.update(dict(await request.post()))
        with self._lock:
            self.calls[method] += 1
        handler = {"auth.test": self._auth, "conversations.open": self._open,
                   "chat.postMessage": self._post,
                   "conversations.history": self._history}.get(method)
        if handler is None:
            return _json({"ok": False, "error": "unknown_method"})
        return await handler(params)

    async def _auth(self, params: dict) -> web.Response:
        return _json({"ok": True, "user_id": "UBOT", "team_id": "T1"})

    async def _open(self, params: dict) -> web.Response:
        user = str(params.get("users", ""))
        if user in self.gone_users:
            return _json({"ok": False, "error": "user_not_found"})
        return _json({"ok": True, "channel": {"id": f"D{user}"}})

    async def _post(self, params: dict) -> web.Response:
        channel = str(params.get("channel", ""))
        with self._lock:
            queue = self.faults.get(channel) or []
            fault = queue.pop(0) if queue else None
        if fault == "ratelimited":
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                     headers={"Retry-After": "0"})
        if fault and fault != "lost_response":
            return _json({"ok": False, "error": fault})
        metadata = params.get("metadata") or {}
        if isinstance(metadata, str):
            metadata = json.loads(metadata)
        key = ((metadata or {}).get("event_payload") or {}).get("key")
        blocks = params.get("blocks") or []
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        if self.post_delay:
            await asyncio.sleep(self.post_delay)
        with self._lock:
            self._ts += 1
            ts = f"{self._ts:.6f}"
            self.posted.append(Posted(channel, str(params.get("text", "")), key, ts, blocks))
            hang = self.hang_after is not None and len(self.posted) == self.hang_after
        if hang:
            self.hang_started.set()
            # the worker is killed while waiting for this answer; released when the fake stops
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._release.wait(), 3600)
        if fault == "lost_response":  # Slack posted it, the answer never arrived
            return web.json_response({"ok": False, "error": "fatal_error"}, status=500)
        return _json({"ok": True, "channel": channel, "ts": ts})

    async def _history(self, params: dict) -> web.Response:
        channel = str(params.get("channel", ""))
        oldest = float(params.get("oldest") or 0)
        with self._lock:
            found = [p for p in self.posted if p.channel == channel]
        # Slack's ts are its own clock; the fake's start far in the future, so every message
        # counts as "since" any time a test uses (the key is what identifies a delivery)
        messages = [{"type": "message", "ts": p.ts, "text": p.text,
                     **({"metadata": {"event_type": "aiga_delivery",
                                      "event_payload": {"key": p.key}}} if p.key else {})}
                    for p in reversed(found) if float(p.ts) >= oldest]
        return _json({"ok": True, "messages": messages, "has_more": False})


def _json(body: dict) -> web.Response:
    return web.json_response(body)


# ----- tests of the fake itself ----------------------------------------------------------------


def test_fake_records_posts_with_keys_and_serves_history():
    from slack_sdk import WebClient

    with FakeSlack() as slack:
        client = WebClient(token="xoxb-test", base_url=slack.url)
        channel = client.conversations_open(users="U1")["channel"]["id"]
        client.chat_postMessage(channel=channel, text="hello", metadata={
            "event_type": "aiga_delivery", "event_payload": {"key": "k1"}})
        history = client.conversations_history(channel=channel, oldest="0",
                                               include_all_metadata=True)
        assert slack.keys() == Counter({"k1": 1})
        assert history["messages"][0]["metadata"]["event_payload"]["key"] == "k1"
        assert slack.to("DU1")[0].text == "hello"


def test_fake_injects_faults_in_order():
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    with FakeSlack() as slack:
        slack.faults["C1"] = ["channel_not_found", "lost_response"]
        client = WebClient(token="xoxb-test", base_url=slack.url, retry_handlers=[])
        with pytest.raises(SlackApiError) as first:
            client.chat_postMessage(channel="C1", text="a")
        assert first.value.response["error"] == "channel_not_found"
        with pytest.raises(SlackApiError):
            client.chat_postMessage(channel="C1", text="b")  # recorded, answer lost
        client.chat_postMessage(channel="C1", text="c")
        assert [p.text for p in slack.to("C1")] == ["b", "c"]
