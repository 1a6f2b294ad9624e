"""The event calendar file over HTTP: `GET /events/{id}.ics?t=<token>`.

Teams lets a bot attach a file in a channel only after a consent card, so the Teams
announcement carries an Action.OpenUrl 「カレンダーに追加 (.ics)」 to this route instead. The
token is an HMAC-SHA256 of the event id with AIGA_LINK_SECRET (so ids cannot be walked); the
link's base is AIGA_PUBLIC_URL (the server's public https address). Both come from the one
Settings object (`Settings.calendar_links()`); nothing here reads the environment. Without both
no link is made; without the secret (or with one shorter than 16 characters) the route answers
404 to everything.

Answers: 200 text/calendar (the current state of the event, cancellations included), 404 for a
bad or missing token or an unknown event, 503 when the database is unreachable — never a 500.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from bot.installed_links import key as link_key
from handlers.dates import now_tokyo
from handlers.events.ics import ics_bytes
from store.db import Database
from store.events import Event

log = logging.getLogger(__name__)

ROUTE = r"/events/{event_id:\d{1,12}}.ics"


@dataclass(frozen=True)
class CalendarLinks:
    """AIGA_LINK_SECRET and AIGA_PUBLIC_URL, as the worker needs them to link a file."""

    secret: str = ""
    public_url: str = ""

    def url(self, event_id: int) -> str | None:
        return calendar_url(event_id, secret=self.secret, public_url=self.public_url)


def token(event_id: int, secret: str | None = None) -> str | None:
    """The link token of an event; None when no (long enough) secret is given."""
    key = link_key(secret)
    if key is None:
        return None
    digest = hmac.new(key, f"event:{int(event_id)}".encode(), hashlib.sha256).hexdigest()
    return digest[:32]


def calendar_url(event_id: int, *, secret: str | None = None,
                 public_url: str | None = None) -> str | None:
    """The public .ics link of an event, or None unless both are given."""
    base = (public_url or "").strip()
    value = token(event_id, secret)
    if not base.startswith(("https://", "http://")) or value is None:
        return None
    return f"{base.rstrip('/')}/events/{int(event_id)}.ics?t={value}"


def add_event_routes(app: web.Application, database: Database, settings: object = None, *,
                     clock: Callable[[], datetime] = now_tokyo,
                     secret: str | None = None) -> None:
    """Mount GET /events/{id}.ics. The link secret is `secret` when given (tests), else the
    settings' AIGA_LINK_SECRET (`settings` is the server's Settings)."""
    if secret is None:
        calendar_links = getattr(settings, "calendar_links", None)
        secret = calendar_links().secret if calendar_links is not None else ""

    def load(event_id: int) -> bytes | None:
        with database.transaction() as session:
            event = session.get(Event, event_id)
            return ics_bytes(event, clock()) if event is not None else None

    async def serve(request: web.Request) -> web.Response:
        not_found = web.Response(status=404, text="not found")
        try:
            event_id = int(request.match_info["event_id"])
        except (KeyError, ValueError):
            return not_found
        expected = token(event_id, secret)
        given = request.query.get("t", "")
        if expected is None or not hmac.compare_digest(expected.encode(),
                                                      given.encode("utf-8", "replace")):
            return not_found
        try:
            body = await asyncio.to_thread(load, event_id)
        except SQLAlchemyError:
            log.warning("events: calendar file unavailable (database)")
            return web.Response(status=503, text="temporarily unavailable")
        except Exception:  # a broken row must not become a 500 page
            log.exception("events: calendar file for %s failed", event_id)
            return not_found
        if body is None:
            return not_found
        return web.Response(body=body, content_type="text/calendar", charset="utf-8", headers={
            "Content-Disposition": f'attachment; filename="aiga-event-{event_id}.ics"',
            "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})

    app.router.add_get(ROUTE, serve)
