"""The gate in front of Bolt for POST /slack/events: signature first, then shape.

Bolt verifies the signature too (kept on), but it parses the body before its middleware runs, so
a malformed body with a valid signature would surface as a 500. Here the order is: signature and
timestamp (401, nothing read further), then the body must be what Slack sends for an event, an
interaction or a slash command (400 otherwise). Only then does Bolt see the request.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import parse_qs

from slack_sdk.signature import SignatureVerifier

MAX_VALUE = 2000  # a button value; ours are at most 150


@dataclass(frozen=True)
class Rejection:
    status: int
    reason: str


def verify(verifier: SignatureVerifier, body: bytes, timestamp: str | None,
           signature: str | None) -> Rejection | None:
    """401 for a missing or wrong signature, or a timestamp more than five minutes off."""
    try:
        if verifier.is_valid(body=body, timestamp=timestamp, signature=signature):
            return None
    except (ValueError, TypeError):  # a timestamp that is not a number
        pass
    return Rejection(401, "invalid signature or stale timestamp")


def check_shape(body: bytes, content_type: str) -> Rejection | None:
    """None when the body looks like something Slack sends; else a 400 naming what is wrong."""
    try:
        raw = body.decode("utf-8")
    except UnicodeDecodeError:
        return Rejection(400, "body is not UTF-8")
    if content_type.startswith("application/json"):
        return _check_event(_json(raw))
    form = parse_qs(raw, keep_blank_values=True)
    if "payload" in form:
        return _check_interaction(_json(form["payload"][0]))
    if "command" in form:
        if not form.get("user_id", [""])[0] or not form["command"][0].startswith("/"):
            return Rejection(400, "slash command without user_id or command")
        return None
    if "ssl_check" in form:
        return None
    return Rejection(400, "not an event, interaction or slash command")


def _json(raw: str) -> dict | None:
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _check_event(body: dict | None) -> Rejection | None:
    if body is None:
        return Rejection(400, "malformed JSON")
    kind = body.get("type")
    if kind == "url_verification":
        return None if isinstance(body.get("challenge"), str) else Rejection(400, "no challenge")
    if kind == "event_callback":
        event = body.get("event")
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            return Rejection(400, "event_callback without an event")
        if not isinstance(body.get("event_id"), str):
            return Rejection(400, "event_callback without event_id")
        return None
    return Rejection(400, "unknown body type")


def _check_interaction(payload: dict | None) -> Rejection | None:
    if payload is None:
        return Rejection(400, "malformed payload JSON")
    user = payload.get("user")
    if not isinstance(user, dict) or not isinstance(user.get("id"), str):
        return Rejection(400, "interaction without a user")
    kind = payload.get("type")
    if kind == "block_actions":
        actions = payload.get("actions")
        if not isinstance(actions, list) or not actions:
            return Rejection(400, "block_actions without actions")
        for action in actions:
            if not isinstance(action, dict) or not isinstance(action.get("action_id"), str):
                return Rejection(400, "action without action_id")
            value = action.get("value")
            if value is not None and (not isinstance(value, str) or len(value) > MAX_VALUE):
                return Rejection(400, "action value is not a short string")
        return None
    if kind in ("view_submission", "view_closed"):
        view = payload.get("view")
        if not isinstance(view, dict) or not isinstance(view.get("id"), str):
            return Rejection(400, "view interaction without a view")
        return None
    return Rejection(400, "unsupported interaction type")
