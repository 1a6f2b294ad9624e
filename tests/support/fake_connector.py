"""A local stand-in for the Teams / Bot Framework connector service, strict enough to catch what
Teams would reject, and a stack that runs the real /api/messages endpoint in front of it.

* `FakeConnector` — aiohttp on 127.0.0.1: the Connector REST API the bot calls (send, reply,
  update an activity, member info), recording every call; checks each posted activity the way
  Teams would (≤ 28 KB, Adaptive Card schema ≤ 1.5, Action.Submit with our data); can be told to
  answer 429 / 412 / 502 / 504 / 403 a number of times. It creates 1:1 conversations
  (POST /v3/conversations, as a bot does proactively) and records them in `created`. It also
  publishes an OpenID configuration and signing keys, so tokens can be validated without leaving
  the machine (`hang_keys` makes that endpoint hang; `key_fetches` counts the calls), and signs
  test tokens with them (`token()`), or with a key it does not publish (`forged=True`).
* `TeamsStack` — the fake plus our app (`add_teams_routes`) on free ports, with helpers that post
  what Teams posts: personal messages, channel @mentions and Action.Submit clicks built from the
  card the bot actually sent.

Reusable by later issues (reminders, broadcasts): import `teams_stack` from here.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.teams.app import TeamsBot, add_teams_routes
from bot.teams.settings import TeamsSettings
from handlers.router import Router
from rubrics.loader import RubricRegistry
from store.db import Database

FIXTURE_RUBRICS = Path(__file__).parent.parent / "fixtures" / "rubrics"
APP_ID = "6f0e2c3a-1b2d-4e5f-8a9b-0c1d2e3f4a5b"
OTHER_APP_ID = "11111111-2222-3333-4444-555555555555"
TENANT = "7a1b2c3d-0000-4000-8000-aabbccddeeff"
BOT_ID = f"28:{APP_ID}"
ISSUER = "https://api.botframework.com"
MESSAGE_LIMIT = 28_000
CARD_TYPES = {"TextBlock", "Container", "ActionSet", "FactSet", "Image", "ColumnSet", "Column"}
RETRYABLE = {412, 429, 502, 504}


# ----- what Teams would reject --------------------------------------------------------------------


def activity_problems(body: dict, raw_size: int) -> list[str]:
    """Everything Teams would refuse in an outgoing activity; [] when it is fine."""
    problems = []
    if raw_size > MESSAGE_LIMIT:
        problems.append(f"activity is {raw_size} bytes > {MESSAGE_LIMIT}")
    if body.get("type") != "message":
        problems.append(f"type {body.get('type')!r}")
    for attachment in body.get("attachments") or []:
        if attachment.get("contentType") != "application/vnd.microsoft.card.adaptive":
            problems.append(f"attachment type {attachment.get('contentType')}")
            continue
        problems += card_problems(attachment.get("content") or {})
    if not body.get("attachments") and not (body.get("text") or "").strip():
        problems.append("empty message")
    return problems


def card_problems(card: dict) -> list[str]:
    problems = []
    if card.get("type") != "AdaptiveCard":
        problems.append("not an AdaptiveCard")
    try:
        major, minor = (int(x) for x in str(card.get("version")).split("."))
        if (major, minor) > (1, 5) or major != 1:
            problems.append(f"card version {card.get('version')} > 1.5")
    except ValueError:
        problems.append("card version missing")

    def walk(elements: list[dict]) -> None:
        for element in elements:
            kind = element.get("type")
            if kind not in CARD_TYPES:
                problems.append(f"unknown element {kind}")
            if kind == "TextBlock" and not isinstance(element.get("text"), str):
                problems.append("TextBlock without text")
            if kind == "ActionSet":
                actions = element.get("actions") or []
                if not 1 <= len(actions) <= 6:
                    problems.append(f"ActionSet with {len(actions)} actions")
                for action in actions:
                    if action.get("type") != "Action.Submit" or not action.get("title"):
                        problems.append(f"bad action {action}")
                    elif not isinstance((action.get("data") or {}).get("aiga"), str):
                        problems.append("Action.Submit without aiga data")
            walk(element.get("items") or [])
            walk(element.get("columns") or [])

    walk(card.get("body") or [])
    return problems


def submit_values(card: dict) -> list[tuple[str, str]]:
    """(button title, neutral value) of every Action.Submit in a card, in order."""
    found: list[tuple[str, str]] = []

    def walk(elements: list[dict]) -> None:
        for element in elements:
            for action in element.get("actions") or []:
                found.append((action["title"], action["data"]["aiga"]))
            walk(element.get("items") or [])

    walk(card.get("body") or [])
    return found


def card_text(card: dict) -> str:
    """Every TextBlock's text and FactSet's facts, one per line (for assertions)."""
    lines: list[str] = []

    def walk(elements: list[dict]) -> None:
        for element in elements:
            if element.get("type") == "TextBlock":
                lines.append(element["text"])
            for fact in element.get("facts") or []:
                lines.append(f"{fact['title']}: {fact['value']}")
            walk(element.get("items") or [])

    walk(card.get("body") or [])
    return "\n".join(lines)


# ----- the fake service ----------------------------------------------------------------------------


@dataclass
class Call:
    method: str
    path: str
    body: Any
    headers: dict[str, str]
    status: int = 200


@dataclass
class Failure:
    method: str
    path_contains: str
    status: int
    times: int
    retry_after: str | None = None


@dataclass
class Posted:
    """One activity the bot sent (current content: updates replace it, as in Teams)."""

    id: str
    conversation: str
    body: dict
    updates: list[dict] = field(default_factory=list)

    @property
    def card(self) -> dict | None:
        attachments = self.body.get("attachments") or []
        return attachments[0]["content"] if attachments else None

    @property
    def buttons(self) -> list[tuple[str, str]]:
        return submit_values(self.card) if self.card else []

    @property
    def text(self) -> str:
        return card_text(self.card) if self.card else (self.body.get("text") or "")


class FakeConnector:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.posted: dict[str, Posted] = {}
        self.order: list[str] = []
        self.problems: list[str] = []
        self.members: dict[str, dict] = {}
        self.failures: list[Failure] = []
        self._ids = itertools.count(1)
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "fake-key-1"
        self.created: list[dict] = []  # create_conversation bodies
        self.create_status: int | None = None  # answer create_conversation with this error
        self.hang_keys = False
        self.key_fetches = 0
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def start(self) -> FakeConnector:
        app = web.Application()
        app.router.add_post("/v3/conversations", self._create)
        app.router.add_route("*", "/v3/conversations/{conv}/activities", self._send)
        app.router.add_route("*", "/v3/conversations/{conv}/activities/{activity}",
                             self._activity)
        app.router.add_get("/v3/conversations/{conv}/members/{member}", self._member)
        app.router.add_get("/openid/.well-known/openidconfiguration", self._openid)
        app.router.add_get("/openid/keys", self._keys)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/openid/.well-known/openidconfiguration"

    # ----- set-up ---------------------------------------------------------------------------------

    def add_member(self, aad: str, *, email: str | None, name: str = "山田 花子",
                   upn: str | None = None) -> None:
        self.members[aad] = {"aadObjectId": aad, "email": email, "name": name,
                             "userPrincipalName": upn or email, "tenantId": TENANT}

    def fail(self, method: str, status: int, *, times: int = 1, path_contains: str = "",
             retry_after: str | None = None) -> None:
        self.failures.append(Failure(method, path_contains, status, times, retry_after))

    # ----- reading --------------------------------------------------------------------------------

    def sent(self, conversation: str | None = None) -> list[Posted]:
        rows = [self.posted[i] for i in self.order]
        return [p for p in rows if conversation is None or p.conversation == conversation]

    def last_card(self, conversation: str | None = None) -> Posted:
        """The newest activity in `conversation` that still has buttons."""
        for posted in reversed(self.sent(conversation)):
            if posted.buttons:
                return posted
        raise AssertionError("no card with buttons was sent")

    def called(self, method: str, path_contains: str = "") -> list[Call]:
        return [c for c in self.calls if c.method == method and path_contains in c.path]

    # ----- handlers -------------------------------------------------------------------------------

    def _failure(self, request: web.Request) -> web.Response | None:
        for failure in self.failures:
            if (failure.times > 0 and failure.method == request.method
                    and failure.path_contains in request.path):
                failure.times -= 1
                headers = {"Retry-After": failure.retry_after} if failure.retry_after else {}
                return web.json_response({"error": {"code": "Throttled" if failure.status == 429
                                                    else "Failure", "message": "fake"}},
                                         status=failure.status, headers=headers)
        return None

    async def _record(self, request: web.Request) -> tuple[Call, dict | None]:
        raw = await request.read()
        body = json.loads(raw) if raw else None
        call = Call(request.method, request.path, body, dict(request.headers))
        self.calls.append(call)
        is_activity = request.path.rstrip("/") != "/v3/conversations"
        if isinstance(body, dict) and request.method in ("POST", "PUT") and is_activity:
            for problem in activity_problems(body, len(raw)):
                self.problems.append(f"{request.method} {request.path}: {problem}")
        return call, body

    async def _send(self, request: web.Request) -> web.Response:
        call, body = await self._record(request)
        if (failed := self._failure(request)) is not None:
            call.status = failed.status
            return failed
        if request.method != "POST":
            return web.json_response({}, status=405)
        return self._store(request.match_info["conv"], body or {})

    async def _activity(self, request: web.Request) -> web.Response:
        call, body = await self._record(request)
        if (failed := self._failure(request)) is not None:
            call.status = failed.status
            return failed
        activity_id = request.match_info["activity"]
        if request.method == "POST":  # reply to an activity
            return self._store(request.match_info["conv"], body or {})
        if request.method == "PUT":
            posted = self.posted.get(activity_id)
            if posted is None:
                return web.json_response({"error": {"code": "NotFound"}}, status=404)
            posted.updates.append(posted.body)
            posted.body = body or {}
            return web.json_response({"id": activity_id})
        return web.json_response({}, status=405)

    def _store(self, conversation: str, body: dict) -> web.Response:
        activity_id = f"act-{next(self._ids)}"
        self.posted[activity_id] = Posted(activity_id, conversation, body)
        self.order.append(activity_id)
        return web.json_response({"id": activity_id}, status=201)

    async def _member(self, request: web.Request) -> web.Response:
        await self._record(request)
        if (failed := self._failure(request)) is not None:
            return failed
        member_id = request.match_info["member"]
        for aad, member in self.members.items():
            if member_id in (aad, f"29:{aad}"):
                return web.json_response({"id": f"29:{aad}", **member})
        return web.json_response({"error": {"code": "MemberNotFoundInConversation"}},
                                 status=404)

    async def _create(self, request: web.Request) -> web.Response:
        """A 1:1 chat with the one member named: the same id Teams' personal chat has here."""
        call, body = await self._record(request)
        if (failed := self._failure(request)) is not None:
            call.status = failed.status
            return failed
        if self.create_status is not None:
            call.status = self.create_status
            return web.json_response({"error": {"code": "Forbidden"}}, status=self.create_status)
        body = body or {}
        members = body.get("members") or []
        tenant = (body.get("tenantID") or body.get("tenantId")
                  or ((body.get("channelData") or {}).get("tenant") or {}).get("id"))
        if body.get("isGroup") or len(members) != 1 or tenant != TENANT:
            return web.json_response({"error": {"code": "BadArgument"}}, status=400)
        member = members[0]
        aad = member.get("aadObjectId") or str(member.get("id", "")).removeprefix("29:")
        self.created.append(body)
        return web.json_response({"id": f"a:personal-{aad}"}, status=201)

    async def _hang(self) -> None:
        while self.hang_keys:
            await asyncio.sleep(0.05)

    async def _openid(self, request: web.Request) -> web.Response:
        self.key_fetches += 1
        await self._hang()
        return web.json_response({"issuer": ISSUER, "jwks_uri": f"{self.url}/openid/keys",
                                  "id_token_signing_alg_values_supported": ["RS256"]})

    async def _keys(self, request: web.Request) -> web.Response:
        await self._hang()
        numbers = self._key.public_key().public_numbers()
        return web.json_response({"keys": [{
            "kty": "RSA", "use": "sig", "kid": self.kid, "alg": "RS256",
            "n": _b64(numbers.n), "e": _b64(numbers.e), "endorsements": ["msteams"]}]})

    # ----- tokens ---------------------------------------------------------------------------------

    def token(self, *, audience: str = APP_ID, service_url: str | None = None,
              expires_in: int = 3600, issuer: str = ISSUER, forged: bool = False) -> str:
        """A channel token as the Bot Framework signs it (or with an unpublished key)."""
        now = int(time.time())
        claims = {"iss": issuer, "aud": audience, "nbf": now - 60, "exp": now + expires_in,
                  "serviceurl": service_url or f"{self.url}/"}
        key = self._other_key if forged else self._key
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


# ----- the bot in front of it ------------------------------------------------------------------------


class TeamsStack:
    """Our /api/messages on a free port, its outgoing calls going to the fake connector."""

    def __init__(self, fake: FakeConnector, bot: TeamsBot, port: int,
                 session: aiohttp.ClientSession) -> None:
        self.fake = fake
        self.bot = bot
        self.port = port
        self.session = session
        self._ids = itertools.count(1)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/messages"

    # ----- raw requests ---------------------------------------------------------------------------

    async def post_raw(self, data: bytes, *, content_type: str = "application/json",
                       headers: dict[str, str] | None = None,
                       settle: bool = True) -> aiohttp.ClientResponse:
        """POST as Teams does; with `settle`, also wait for a turn the endpoint answered
        early to finish delivering (a slow machine may pass the answer deadline)."""
        async with self.session.post(self.url, data=data, headers={
                "Content-Type": content_type, **(headers or {})}) as response:
            await response.read()
        if settle:
            await self.settle()
        return response

    async def settle(self, timeout: float = 60.0) -> None:
        """Wait until no turn is delivering in the background."""
        if self.bot.background:
            await asyncio.wait(set(self.bot.background), timeout=timeout)

    async def post(self, activity: dict, *, token: str | None = None,
                   settle: bool = True) -> aiohttp.ClientResponse:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return await self.post_raw(json.dumps(activity).encode(), headers=headers, settle=settle)

    # ----- activities as Teams sends them ---------------------------------------------------------

    def activity(self, aad: str, *, text: str | None = None, value: Any = None,
                 locale: str = "ja-JP", conversation: str | None = None,
                 conversation_type: str = "personal", reply_to: str | None = None,
                 service_url: str | None = None, name: str = "山田 花子") -> dict:
        return teams_activity(aad, activity_id=f"in-{next(self._ids)}",
                              service_url=service_url or f"{self.fake.url}/", text=text,
                              value=value, locale=locale, conversation=conversation,
                              conversation_type=conversation_type, reply_to=reply_to, name=name)

    async def say(self, aad: str, text: str, *, settle: bool = True,
                  **kw: Any) -> aiohttp.ClientResponse:
        return await self.post(self.activity(aad, text=text, **kw), settle=settle)

    async def click(self, aad: str, card: Posted, label: str, **kw: Any) -> aiohttp.ClientResponse:
        """Press the button whose title starts with `label` on a card the bot sent."""
        for title, value in card.buttons:
            if title.startswith(label):
                return await self.post(self.activity(
                    aad, value={"aiga": value}, reply_to=card.id,
                    conversation=kw.pop("conversation", card.conversation), **kw))
        raise AssertionError(f"no button {label!r} in {[t for t, _ in card.buttons]}")


def settings_for(fake: FakeConnector, **overrides: Any) -> TeamsSettings:
    """Teams settings for tests: nothing read from the environment or a .env file."""
    values: dict[str, Any] = {
        "microsoft_app_id": None, "microsoft_app_password": None,
        "microsoft_app_tenant_id": None, "microsoft_app_type": None,
        "microsoft_allowed_service_urls": fake.url,
        "microsoft_openid_metadata_url": fake.metadata_url,
        "teams_retry_attempts": 4, "teams_retry_base_seconds": 0.01,
    }
    values.update(overrides)
    return TeamsSettings(_env_file=None, **values)


@asynccontextmanager
async def teams_stack(database_url: str, *, rubrics: RubricRegistry | None = None,
                      clock: Callable[[], datetime] | None = None,
                      admins: frozenset[str] = frozenset(),
                      **settings: Any) -> AsyncIterator[TeamsStack]:
    """Fake connector + our endpoint on a fresh aiohttp server, torn down afterwards."""
    fake = await FakeConnector().start()
    database = Database(database_url)
    kwargs: dict[str, Any] = {"rubrics": rubrics or RubricRegistry(FIXTURE_RUBRICS)}
    if clock is not None:
        kwargs["clock"] = clock
    router = Router(database, admins=admins, **kwargs)
    app = web.Application(client_max_size=1024 * 1024)
    bot = add_teams_routes(app, router, settings_for(fake, **settings))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
    try:
        yield TeamsStack(fake, bot, port, session)
    finally:
        await session.close()
        await runner.cleanup()
        await fake.stop()
        database.dispose()


def seed_member(database: Database, *, org: str = "テスト株式会社",
                domain: str = "example.co.jp", rubric_version: str = "0.9",
                round_name: str = "2026年度下期") -> None:
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


def teams_activity(aad: str, *, activity_id: str, service_url: str, text: str | None = None,
                   value: Any = None, locale: str = "ja-JP", conversation: str | None = None,
                   conversation_type: str = "personal", reply_to: str | None = None,
                   name: str = "山田 花子") -> dict:
    """A message activity as Teams posts it (the tests' stack and bench/teams_proc.py)."""
    conversation = conversation or f"a:personal-{aad}"
    data: dict[str, Any] = {
        "type": "message", "id": activity_id, "channelId": "msteams",
        "timestamp": datetime.now().astimezone().isoformat(), "serviceUrl": service_url,
        "from": {"id": f"29:{aad}", "name": name, "aadObjectId": aad},
        "recipient": {"id": BOT_ID, "name": "AIGA Navi"},
        "conversation": {"id": conversation, "conversationType": conversation_type,
                         "tenantId": TENANT},
        "channelData": {"tenant": {"id": TENANT}},
        "locale": locale,
        "entities": [{"type": "clientInfo", "locale": locale, "platform": "Web"}],
    }
    if conversation_type == "channel":
        data["channelData"].update({"team": {"id": "19:team@thread.tacv2"},
                                    "channel": {"id": conversation.split(";")[0]}})
    if text is not None:
        data["text"], data["textFormat"] = text, "plain"
    if value is not None:
        data["value"] = value
    if reply_to:
        data["replyToId"] = reply_to
    return data
