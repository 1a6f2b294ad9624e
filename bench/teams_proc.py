"""Drive `aiga-bot serve` the way Teams does (bench/teams_latency.py; bench/serverproc.py is Slack's).

* `QuickConnector` — tests/support/fake_connector.FakeConnector that resolves a waiter the moment
  the next question card (an activity with Action.Submit buttons) reaches a conversation, and
  records when; the Teams checks on each activity are skipped unless asked for, because the load
  generator must not be the bottleneck (the tests check every card).
* `teams_env` / `serve_command` — settings for a Teams-only server with authentication ON
  (tokens checked against the fake's OpenID keys), and the command that starts it: `bot.cli
  serve` exactly, after MSAL's token request is answered locally (bench/teams_floor_app.py
  `offline_entra`; production would ask Entra ID once an hour).
* `TeamsMember` — one member of one company answering with signed activities: start the Navi,
  press a level on each question card, as Teams posts an Action.Submit.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.serverproc import LEVEL_LABELS, base_env  # noqa: E402
from tests.support.fake_connector import (  # noqa: E402
    APP_ID,
    TENANT,
    Call,
    FakeConnector,
    Posted,
    activity_problems,
    submit_values,
    teams_activity,
)

PASSWORD = "bench-client-secret"  # never sent anywhere: MSAL is answered locally
BOOT = ("from bench.teams_floor_app import offline_entra; offline_entra(); import runpy; "
        "runpy.run_module('bot.cli', run_name='__main__', alter_sys=True)")


def teams_env(database_url: str, fake: FakeConnector, **values: str) -> dict[str, str]:
    """Teams only (no Slack setting), authentication on, the fake as the one allowed connector."""
    return base_env(DATABASE_URL=database_url, MICROSOFT_APP_ID=APP_ID,
                    MICROSOFT_APP_TENANT_ID=TENANT, MICROSOFT_APP_PASSWORD=PASSWORD,
                    MICROSOFT_OPENID_METADATA_URL=fake.metadata_url,
                    MICROSOFT_ALLOWED_SERVICE_URLS=fake.url, **values)


def serve_command(port: int) -> list[str]:
    """`python -m bot.cli serve` with MSAL answered locally (see the module docstring)."""
    return [sys.executable, "-c", BOOT, "serve", "--host", "127.0.0.1", "--port", str(port)]


def floor_command(port: int, fake: FakeConnector) -> list[str]:
    return [sys.executable, str(ROOT / "bench" / "teams_floor_app.py"), "--port", str(port),
            "--app-id", APP_ID, "--tenant", TENANT, "--password", PASSWORD,
            "--metadata-url", fake.metadata_url]


# ----- the fake connector, fast and observable -----------------------------------------------------


class QuickConnector(FakeConnector):
    """FakeConnector plus waiters for "the next card with buttons in this conversation"."""

    def __init__(self, *, validate: bool = False) -> None:
        super().__init__()
        self.validate = validate
        self.waiters: dict[str, asyncio.Future] = {}
        self.arrivals: dict[str, list[tuple[float, Posted]]] = {}

    async def _record(self, request: web.Request) -> tuple[Call, dict | None]:
        if self.validate:
            return await super()._record(request)
        raw = await request.read()
        body = json.loads(raw) if raw else None
        call = Call(request.method, request.path, body, dict(request.headers))
        self.calls.append(call)
        return call, body

    def _store(self, conversation: str, body: dict) -> web.Response:
        response = super()._store(conversation, body)
        posted = self.posted[self.order[-1]]
        if posted.buttons:
            now = time.perf_counter()
            self.arrivals.setdefault(conversation, []).append((now, posted))
            future = self.waiters.pop(conversation, None)
            if future is not None and not future.done():
                future.set_result((now, posted))
        return response

    def expect(self, conversation: str) -> asyncio.Future:
        """A future for the next card with buttons in `conversation`: (arrival time, Posted)."""
        future = asyncio.get_running_loop().create_future()
        self.waiters[conversation] = future
        return future

    def seed_card(self, conversation: str, card: dict) -> Posted:
        """A card "already sent" (the one a floor sender answers first)."""
        self._store(conversation, {"type": "message", "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}]})
        return self.posted[self.order[-1]]

    def check(self, posted: Posted) -> list[str]:
        """What Teams would refuse in `posted` (for spot checks when validation is off)."""
        return activity_problems(posted.body, len(json.dumps(posted.body).encode()))


class Tokens:
    """One channel token at a time, renewed well before it expires: Teams, too, sends the same
    bearer token with many activities (signing one per request would load the generator)."""

    def __init__(self, fake: FakeConnector, lifetime: float = 600.0) -> None:
        self.fake = fake
        self.lifetime = lifetime
        self._token = ""
        self._until = 0.0

    def header(self) -> dict[str, str]:
        if time.monotonic() >= self._until:
            self._token = self.fake.token(expires_in=int(self.lifetime) + 600)
            self._until = time.monotonic() + self.lifetime
        return {"Authorization": f"Bearer {self._token}", "Content-Type": "application/json"}


_ids = itertools.count(1)


def activity(service_url: str, aad: str, *, text: str | None = None, value: Any = None,
             reply_to: str | None = None) -> dict:
    """A personal-chat message activity as Teams posts it (tests/support's builder)."""
    return teams_activity(aad, activity_id=f"in-{next(_ids)}", service_url=service_url,
                          text=text, value=value, reply_to=reply_to)


def press(service_url: str, aad: str, card: Posted, label: str) -> dict:
    """The activity Teams posts when the button titled `label…` of `card` is pressed."""
    for title, value in submit_values(card.card or {}):
        if title.startswith(label):
            return activity(service_url, aad, value={"aiga": value}, reply_to=card.id)
    raise AssertionError(f"no button {label!r} in {card.buttons}")


# ----- a member ----------------------------------------------------------------------------------------


@dataclass
class TeamsMember:
    """A member of one company answering the Navi in Teams through the server at `base_url`."""

    aad: str
    fake: QuickConnector
    tokens: Tokens
    session: aiohttp.ClientSession
    base_url: str
    current: Posted | None = None
    latencies: list[float] = field(default_factory=list)  # answer sent → next card posted
    statuses: list[int] = field(default_factory=list)

    @property
    def conversation(self) -> str:
        return f"a:personal-{self.aad}"

    async def post(self, body: dict, timeout: float = 30) -> float:
        """Post `body`, wait for the next card with buttons; returns sent → card arrived."""
        waiter = self.fake.expect(self.conversation)
        sent = time.perf_counter()
        async with self.session.post(self.base_url + "/api/messages", data=json.dumps(body),
                                     headers=self.tokens.header()) as response:
            await response.read()
            self.statuses.append(response.status)
        if response.status not in (200, 201):
            waiter.cancel()
            raise RuntimeError(f"/api/messages answered {response.status}")
        arrived, self.current = await asyncio.wait_for(waiter, timeout)
        return arrived - sent

    async def say(self, text: str) -> None:
        await self.post(activity(self.fake.url + "/", self.aad, text=text))

    async def press(self, label: str) -> float:
        assert self.current is not None
        return await self.post(press(self.fake.url + "/", self.aad, self.current, label))

    async def begin(self) -> None:
        """「ナビを始める」 → はい → 両方: the first item's card."""
        await self.say("ナビを始める")
        await self.press("はい")
        await self.press("両方")

    def on_item(self) -> bool:
        return self.current is not None and any(
            value.startswith("navi:level:") for _, value in self.current.buttons)

    async def complete(self, answers: int | None = None) -> int:
        """Answer item after item (`answers` of them, or all); returns the answers given."""
        given = 0
        while self.on_item() and (answers is None or given < answers):
            self.latencies.append(await self.press(LEVEL_LABELS[given % 4]))
            given += 1
        return given
