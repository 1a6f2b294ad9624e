"""A local stand-in for Slack, strict enough to catch what real Slack would reject.

* `FakeSlack` — the Web API (aiohttp on 127.0.0.1): records every call, checks the bot token,
  validates every Block Kit payload with `slack_sdk.models` plus the limits Slack enforces
  (50 blocks per message, 100 per view, unique action ids…) and answers `invalid_blocks` like
  Slack would; can be told to answer 429 / 5xx / delay per method. It also serves a Socket Mode
  WebSocket (apps.connections.open returns its ws:// URL) and the file-upload URL.
* `SlackStack` — the real server (`bot.server.create_app`) on a free port, pointed at the fake,
  plus helpers that send what Slack sends: signed message.im events, block_actions clicks built
  from the message the bot actually posted, /navi slash commands.

Reusable by later issues (FAQ, results): import the fixtures from here.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

import aiohttp
from aiohttp import web
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

BOT_TOKEN = "xoxb-1111-2222-testtoken"
APP_TOKEN = "xapp-1-A111-2222-testapptoken"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TEAM_ID = "T0AIGA"
BOT_USER = "UNAVIBOT"

# ----- Block Kit validation ---------------------------------------------------------------------


def block_problems(blocks: list[dict], *, max_blocks: int) -> list[str]:
    """Everything Slack would reject in a block list; [] when it is fine.

    slack_sdk.models validates each block's own limits (section 3,000, header 150, button 75,
    25 elements per actions block…); the message-level rules are checked here.
    """
    problems: list[str] = []
    if not isinstance(blocks, list):
        return ["blocks is not a list"]
    if len(blocks) > max_blocks:
        problems.append(f"{len(blocks)} blocks > {max_blocks}")
    try:
        parsed = Block.parse_all(blocks)
        if any(p is None for p in parsed):
            problems.append("unknown block type")
        elif [p.to_dict() for p in parsed] != blocks:
            problems.append("blocks change when parsed by slack_sdk.models")
    except (SlackObjectFormationError, KeyError, TypeError, ValueError) as exc:
        problems.append(f"slack_sdk.models: {exc}")
    action_ids = [e.get("action_id") for b in blocks if isinstance(b, dict)
                  for e in (b.get("elements") or []) + [b.get("accessory") or {}]
                  if isinstance(e, dict) and e.get("action_id")]
    if len(action_ids) != len(set(action_ids)):
        problems.append("duplicate action_id")
    for b in blocks:
        if not isinstance(b, dict):
            continue
        for cell in b.get("fields") or []:
            if len(cell.get("text", "")) > 2000:
                problems.append("section field over 2,000 characters")
        if b.get("type") == "context":
            if len(b.get("elements") or []) > 10:
                problems.append("context with over 10 elements")
            for e in b.get("elements") or []:
                if len(e.get("text", "")) > 2000:
                    problems.append("context text over 2,000 characters")
        if b.get("type") == "section" and not (b.get("text") or {}).get("text", "x").strip():
            problems.append("empty section text")
    return problems


def view_problems(view: dict) -> list[str]:
    problems = block_problems(view.get("blocks", []), max_blocks=100)
    try:
        View(**view).to_dict()
    except (SlackObjectFormationError, TypeError) as exc:
        problems.append(f"view: {exc}")
    return problems


# ----- the fake Web API -------------------------------------------------------------------------


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    at: float


@dataclass
class Failure:
    status: int  # 0: drop the connection without answering
    times: int
    retry_after: int | None = None
    error: str | None = None  # answer 200 {"ok": false, "error": …} instead of an HTTP error


class FakeSlack:
    """Slack's Web API and Socket Mode endpoint on 127.0.0.1, recording everything."""

    def __init__(self, bot_token: str = BOT_TOKEN, app_token: str = APP_TOKEN) -> None:
        self.bot_token = bot_token
        self.app_token = app_token
        self.calls: list[Call] = []
        self.problems: list[str] = []
        self.users: dict[str, dict] = {}
        self.messages: dict[tuple[str, str], dict] = {}
        self.views: dict[str, dict] = {}
        self.uploads: dict[str, bytes] = {}
        self.failures: dict[str, list[Failure]] = {}
        self.delays: dict[str, float] = {}
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self.socket_messages: asyncio.Queue[dict] = asyncio.Queue()
        self.socket_acks: list[dict] = []
        self._sockets: list[web.WebSocketResponse] = []
        self.socket_connected = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ----- set-up ------------------------------------------------------------------------------

    async def start(self) -> FakeSlack:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_get("/link", self._socket)
        app.router.add_post("/upload/{file_id}", self._upload)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def add_user(self, user_id: str, email: str | None, locale: str = "ja-JP",
                 name: str = "Test User") -> None:
        profile = {"real_name": name, "display_name": name}
        if email is not None:
            profile["email"] = email
        self.users[user_id] = {"id": user_id, "team_id": TEAM_ID, "name": name.lower(),
                               "real_name": name, "locale": locale, "is_bot": False,
                               "profile": profile}

    def fail(self, method: str, status: int = 429, *, times: int = 1,
             retry_after: int | None = None, error: str | None = None) -> None:
        self.failures.setdefault(method, []).append(Failure(status, times, retry_after, error))

    # ----- what happened ------------------------------------------------------------------------

    def called(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def posts(self, channel: str | None = None) -> list[dict]:
        """Messages posted (chat.postMessage), in order, as they look now (after updates)."""
        out = []
        for call in self.called("chat.postMessage"):
            if "_ts" not in call.args:  # answered with an error: nothing was posted
                continue
            key = (call.args["channel"], call.args["_ts"])
            if channel is None or key[0] == channel:
                out.append(self.messages[key])
        return out

    def last_with_buttons(self, channel: str) -> dict:
        for message in reversed(self.posts(channel)):
            if any(b["type"] == "actions" for b in message.get("blocks", [])):
                return message
        raise AssertionError("no message with buttons")

    # ----- handlers -----------------------------------------------------------------------------

    async def _args(self, request: web.Request) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query)
        if request.method == "POST":
            raw = await request.read()
            if request.content_type == "application/json" and raw:
                args.update(json.loads(raw))
            elif raw:
                args.update(dict(parse_qsl(raw.decode())))
        for name in ("blocks", "view"):
            if isinstance(args.get(name), str):
                args[name] = json.loads(args[name])
        return args

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await self._args(request)
        self.calls.append(Call(method, args, time.monotonic()))
        if delay := self.delays.get(method):
            await asyncio.sleep(delay)
        queue = self.failures.get(method) or []
        if queue:
            failure = queue[0]
            failure.times -= 1
            if failure.times <= 0:
                queue.pop(0)
            if failure.error:
                return web.json_response({"ok": False, "error": failure.error})
            if failure.status == 0:  # the connection drops before any answer
                assert request.transport is not None
                request.transport.close()
                return web.Response()
            headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after else {}
            return web.json_response({"ok": False, "error": "ratelimited"},
                                     status=failure.status, headers=headers)
        wanted = self.app_token if method == "apps.connections.open" else self.bot_token
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token != wanted:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        handler = getattr(self, "m_" + method.replace(".", "_"), None)
        if handler is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        result = handler(args)
        if result.get("ok", True) is False:
            return web.json_response(result)
        return web.json_response({"ok": True, **result})

    def _message_problems(self, args: dict) -> dict | None:
        text = args.get("text")
        if not isinstance(text, str) or not text.strip():
            self.problems.append("message without a plain-text fallback")
            return {"ok": False, "error": "no_text"}
        if "blocks" in args and (problems := block_problems(args["blocks"], max_blocks=50)):
            self.problems += problems
            return {"ok": False, "error": "invalid_blocks"}
        return None

    def m_auth_test(self, args: dict) -> dict:
        return {"url": "https://aiga.slack.invalid/", "team": "AIGA", "user": "navi",
                "team_id": TEAM_ID, "user_id": BOT_USER, "bot_id": "BNAVI"}

    def m_users_info(self, args: dict) -> dict:
        user = self.users.get(args.get("user", ""))
        return {"user": user} if user else {"ok": False, "error": "user_not_found"}

    def m_conversations_open(self, args: dict) -> dict:
        users = str(args.get("users", ""))
        return {"channel": {"id": "D" + users.split(",")[0]}}

    def m_chat_postMessage(self, args: dict) -> dict:
        if error := self._message_problems(args):
            return error
        ts = f"{1_800_000_000 + next(self._ts)}.000100"
        args["_ts"] = ts
        message = {"channel": args["channel"], "ts": ts, "text": args["text"],
                   "blocks": args.get("blocks", []), "updates": 0}
        self.messages[(args["channel"], ts)] = message
        return {"channel": args["channel"], "ts": ts, "message": message}

    def m_chat_update(self, args: dict) -> dict:
        key = (args.get("channel"), args.get("ts"))
        if key not in self.messages:
            return {"ok": False, "error": "message_not_found"}
        if error := self._message_problems(args):
            return error
        message = self.messages[key]
        message.update(text=args["text"], blocks=args.get("blocks", []),
                       updates=message["updates"] + 1)
        return {"channel": key[0], "ts": key[1]}

    def m_chat_postEphemeral(self, args: dict) -> dict:
        if error := self._message_problems(args):
            return error
        return {"message_ts": f"{1_800_000_000 + next(self._ts)}.000200"}

    def m_views_publish(self, args: dict) -> dict:
        view = args.get("view") or {}
        if problems := view_problems(view):
            self.problems += problems
            return {"ok": False, "error": "invalid_arguments"}
        stored = {**view, "id": f"VHOME{args['user_id']}", "hash": f"h{next(self._ids)}"}
        self.views[args["user_id"]] = stored
        return {"view": stored}

    def m_views_open(self, args: dict) -> dict:
        view = args.get("view") or {}
        if not args.get("trigger_id"):
            return {"ok": False, "error": "invalid_trigger_id"}
        if problems := view_problems(view):
            self.problems += problems
            return {"ok": False, "error": "invalid_arguments"}
        return {"view": {**view, "id": f"VMODAL{next(self._ids)}"}}

    def m_apps_connections_open(self, args: dict) -> dict:
        return {"url": f"ws://127.0.0.1:{self.port}/link"}

    def m_files_getUploadURLExternal(self, args: dict) -> dict:
        file_id = f"F{next(self._ids):05d}"
        return {"upload_url": f"http://127.0.0.1:{self.port}/upload/{file_id}",
                "file_id": file_id}

    def m_files_completeUploadExternal(self, args: dict) -> dict:
        files = args.get("files")
        files = json.loads(files) if isinstance(files, str) else files
        missing = [f["id"] for f in files if f["id"] not in self.uploads]
        if missing:
            return {"ok": False, "error": "file_not_found"}
        return {"files": [{"id": f["id"], "title": f.get("title", "")} for f in files]}

    async def _upload(self, request: web.Request) -> web.Response:
        self.uploads[request.match_info["file_id"]] = await request.read()
        return web.Response(text="OK - uploaded")

    # ----- Socket Mode --------------------------------------------------------------------------

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(heartbeat=None)
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_json({"type": "hello", "num_connections": 1,
                            "connection_info": {"app_id": "A0NAVI"}})
        self.socket_connected.set()
        async for message in ws:
            if message.type == aiohttp.WSMsgType.TEXT:
                self.socket_acks.append(json.loads(message.data))
        self._sockets.remove(ws)
        return ws

    async def send_socket(self, kind: str, payload: dict, *, retry_attempt: int = 0) -> str:
        """Push one envelope to the connected app; returns its envelope id."""
        envelope_id = f"env-{next(self._ids)}"
        await self._sockets[-1].send_json({
            "envelope_id": envelope_id, "type": kind, "payload": payload,
            "accepts_response_payload": kind != "events_api", "retry_attempt": retry_attempt,
            "retry_reason": "timeout" if retry_attempt else ""})
        return envelope_id


# ----- what Slack sends -------------------------------------------------------------------------


def sign(body: bytes, *, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict:
    """Slack's v0 request signature headers for `body`."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    base = b"v0:" + ts.encode() + b":" + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


_event_ids = itertools.count(1)


def event_envelope(event: dict, event_id: str | None = None) -> dict:
    return {"token": "legacy", "team_id": TEAM_ID, "api_app_id": "A0NAVI", "event": event,
            "type": "event_callback", "event_id": event_id or f"Ev{next(_event_ids):08d}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER, "is_bot": True}]}


def dm_event(user: str, text: str) -> dict:
    ts = f"{time.time():.6f}"
    return {"type": "message", "channel": f"D{user}", "user": user, "text": text, "ts": ts,
            "event_ts": ts, "channel_type": "im"}


def find_button(message: dict, *, value: str | None = None,
                label: str | None = None) -> tuple[dict, dict]:
    """(block, element) of the button whose value or label matches (label: substring)."""
    for block in message.get("blocks", []):
        for element in block.get("elements", []) if block["type"] == "actions" else []:
            if value is not None and element.get("value") == value:
                return block, element
            if label is not None and label in element["text"]["text"]:
                return block, element
    raise AssertionError(f"no button {value or label!r} in {message.get('text', '')[:80]!r}")


def click_payload(user: str, message: dict, element: dict, block: dict | None = None,
                  *, action_ts: float | None = None) -> dict:
    """A block_actions payload as Slack sends it for a click on `element` of `message`."""
    ts = f"{action_ts or time.time():.6f}"
    return {
        "type": "block_actions", "user": {"id": user, "username": "u", "team_id": TEAM_ID},
        "api_app_id": "A0NAVI", "token": "legacy",
        "container": {"type": "message", "message_ts": message["ts"],
                      "channel_id": message["channel"], "is_ephemeral": False},
        "trigger_id": f"trig.{ts}", "team": {"id": TEAM_ID, "domain": "aiga"},
        "channel": {"id": message["channel"], "name": "directmessage"},
        "message": {"type": "message", "ts": message["ts"], "text": message["text"],
                    "blocks": message["blocks"]},
        "response_url": "https://hooks.slack.invalid/actions/1",
        "actions": [{"action_id": element["action_id"],
                     "block_id": (block or {}).get("block_id", "b"),
                     "text": element["text"], "value": element.get("value"),
                     "type": "button", "action_ts": ts}],
    }


def command_form(user: str, text: str, channel: str = "C0GENERAL") -> dict:
    return {"token": "legacy", "team_id": TEAM_ID, "team_domain": "aiga",
            "channel_id": channel, "channel_name": "general", "user_id": user,
            "user_name": "u", "command": "/navi", "text": text, "api_app_id": "A0NAVI",
            "response_url": "https://hooks.slack.invalid/commands/1",
            "trigger_id": f"trig.{time.time():.6f}"}


@dataclass
class Reply:
    status: int
    body: str
    seconds: float

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class SlackStack:
    """The real server on a free port, a fake Slack behind it, and a way to talk to it."""

    fake: FakeSlack
    base_url: str
    app: web.Application
    session: aiohttp.ClientSession
    timings: list[float] = field(default_factory=list)

    @property
    def bot(self):
        from bot.server import PLATFORMS_KEY

        return self.app[PLATFORMS_KEY]["slack"]

    async def post(self, body: bytes, content_type: str, headers: dict | None = None,
                   path: str = "/slack/events") -> Reply:
        started = time.perf_counter()
        async with self.session.post(self.base_url + path, data=body, headers={
                "Content-Type": content_type, **(headers or {})}) as response:
            text = await response.text()
        seconds = time.perf_counter() - started
        self.timings.append(seconds)
        return Reply(response.status, text, seconds)

    async def signed(self, body: bytes, content_type: str, *, retry: int | None = None,
                     timestamp: int | None = None) -> Reply:
        headers = sign(body, timestamp=timestamp)
        if retry:
            headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        return await self.post(body, content_type, headers)

    async def event(self, event: dict, *, event_id: str | None = None,
                    retry: int | None = None) -> Reply:
        body = json.dumps(event_envelope(event, event_id)).encode()
        return await self.signed(body, "application/json", retry=retry)

    async def dm(self, user: str, text: str) -> Reply:
        return await self.event(dm_event(user, text))

    async def interaction(self, payload: dict) -> Reply:
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return await self.signed(body, "application/x-www-form-urlencoded")

    async def click(self, user: str, message: dict, *, value: str | None = None,
                    label: str | None = None) -> Reply:
        block, element = find_button(message, value=value, label=label)
        return await self.interaction(click_payload(user, message, element, block))

    async def command(self, user: str, text: str, channel: str = "C0GENERAL") -> Reply:
        body = urlencode(command_form(user, text, channel)).encode()
        return await self.signed(body, "application/x-www-form-urlencoded")

    async def settle(self) -> None:
        """Wait for the work the server does after its acks."""
        await self.bot.idle()


@asynccontextmanager
async def slack_stack(database_url: str, *, rubrics=None, socket_mode: bool = False,
                      clock: Callable[[], datetime] | None = None,
                      fake: FakeSlack | None = None,
                      admins: str = "") -> AsyncIterator[SlackStack]:
    """Start the fake Slack and the real server (in this event loop); tear both down after."""
    from bot.server import create_app
    from bot.settings import Settings
    from store.db import Database

    fake = fake or await FakeSlack().start()
    settings = Settings(_env_file=None, database_url=database_url, slack_bot_token=BOT_TOKEN,
                        slack_signing_secret=SIGNING_SECRET, slack_api_url=fake.api_url,
                        slack_app_token=APP_TOKEN if socket_mode else None, aiga_admins=admins)
    database = Database(database_url)
    extra = {"clock": clock} if clock else {}
    app = create_app(settings, database, rubrics=rubrics, **extra)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    session = aiohttp.ClientSession()
    try:
        yield SlackStack(fake, f"http://127.0.0.1:{port}", app, session)
    finally:
        await session.close()
        await runner.cleanup()
        await fake.stop()
        database.dispose()


# ----- data a test starts from ------------------------------------------------------------------

FIXTURE_RUBRICS = __import__("pathlib").Path(__file__).parent.parent / "fixtures" / "rubrics"


def seed_member(database, *, org: str = "テスト株式会社", domain: str = "example.co.jp",
                rubric_version: str = "0.9", round_name: str = "2026年度下期") -> None:
    """One member company with an e-mail domain and one open round."""
    from datetime import timedelta

    from handlers.dates import now_tokyo
    from store.models import Organisation, OrgDomain, Round

    now = now_tokyo()
    with database.transaction() as session:
        company = Organisation(name=org, membership_class="regular", created_at=now)
        company.domains.append(OrgDomain(domain=domain))
        session.add_all([company, Round(
            name=round_name, rubric_version=rubric_version, opens_at=now - timedelta(days=1),
            deadline_at=now + timedelta(days=30), status="open", created_at=now)])
