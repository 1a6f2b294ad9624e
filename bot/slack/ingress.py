"""The gate in front of Bolt for POST /slack/events: signature, then limits, then types.

Bolt parses the body before its middleware runs, and its context builder assumes Slack's shapes
(`"team": 5` or `"authorizations": "x"` would raise there, outside any listener: a 500). So the
order here is: signature and timestamp (401, nothing read further); size, UTF-8, JSON with a
nesting limit and no lone surrogates (400); then the typed models of bot/slack/payloads.py
(400). Only a body that passes everything reaches Bolt, and Bolt gets the validated fields
re-serialised as JSON (`Accepted.body`), not the raw bytes: nothing it reads can have a wrong type.
Bolt's own signature check is off for that reason; this module is the one that checks.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier
from yarl import query_to_pairs

from bot.slack import payloads

MAX_BODY = 1024 * 1024  # the server's client_max_size; Slack's bodies are far smaller
MAX_DEPTH = 32  # Slack's deepest payloads (rich text in a clicked message) nest about 10 deep
MAX_FIELDS = 100  # form fields of a slash command (Slack sends about 15)
_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")  # only escapes can make a lone surrogate
JSON_TYPE = "application/json"
FORM_TYPE = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Rejection:
    status: int
    reason: str


@dataclass(frozen=True)
class Accepted:
    """What Bolt gets: the validated body, re-serialised, with its content type."""

    body: str
    content_type: str


def verify(verifier: SignatureVerifier, body: bytes, timestamp: str | None,
           signature: str | None) -> Rejection | None:
    """401 for a missing or wrong signature, or a timestamp more than five minutes off."""
    try:
        if verifier.is_valid(body=body, timestamp=timestamp, signature=signature):
            return None
    except (ValueError, TypeError):  # a timestamp that is not a number
        pass
    return Rejection(401, "invalid signature or stale timestamp")


def check(body: bytes, content_type: str) -> Accepted | Rejection:
    """The body Bolt may see, or a 4xx naming what is wrong (never the offending value)."""
    if len(body) > MAX_BODY:
        return Rejection(413, "body too large")
    try:
        raw = body.decode("utf-8")
    except UnicodeDecodeError:
        return Rejection(400, "body is not UTF-8")
    try:
        if content_type.startswith(JSON_TYPE):
            return Accepted(_json_text(payloads.event_body(load_json(raw))), JSON_TYPE)
        form = parse_form(raw)
        if "payload" in form:
            interaction = payloads.interaction(load_json(form["payload"][0]))
            # as JSON, not a form again: Bolt reads a JSON body as the payload itself, which
            # spares encoding and percent-decoding a click's kilobytes twice (issue 19)
            return Accepted(_json_text(payloads.dump(interaction)), JSON_TYPE)
        if "command" in form:
            command = payloads.command({k: v[0] for k, v in form.items()})
            # as JSON: Bolt reads any form body containing the word "payload" as an
            # interaction, so "/navi payload" would otherwise reach no listener
            return Accepted(_json_text(payloads.dump(command)), JSON_TYPE)
        if "ssl_check" in form:
            return Accepted(urlencode({"ssl_check": "1"}), FORM_TYPE)
    except payloads.Invalid as exc:
        return Rejection(400, f"malformed body ({exc.where})")
    except ValueError:  # parse_qs: too many fields
        return Rejection(400, "malformed form body")
    return Rejection(400, "not an event, interaction or slash command")


def parse_form(raw: str) -> dict[str, list[str]]:
    """A form body as `parse_qs(keep_blank_values=True)` reads it, with yarl's C decoder.

    A click's body is its whole message percent-encoded (Japanese text: three escapes a
    character); urllib decodes that in Python at about a millisecond per click, yarl in a
    tenth of that (issue 19), and — unlike building a `URL` — keeps no copy of the body in a
    cache. ValueError past MAX_FIELDS fields, as parse_qs's own limit."""
    form: dict[str, list[str]] = {}
    for name, value in query_to_pairs(raw, max_fields=MAX_FIELDS):
        form.setdefault(name, []).append(value)
    return form


def load_json(raw: str) -> object:
    """json.loads with a nesting limit and text that can be stored and sent (no lone
    surrogates); Invalid otherwise. Linear time: the depth is measured on the parsed value."""
    try:
        value = json.loads(raw)
    except RecursionError:  # deeper than the interpreter allows: far past MAX_DEPTH
        raise payloads.Invalid("nesting too deep") from None
    except ValueError:
        raise payloads.Invalid("JSON") from None
    if raw.count("[") + raw.count("{") > MAX_DEPTH and depth(value) > MAX_DEPTH:
        raise payloads.Invalid("nesting too deep")
    if _SURROGATE.search(raw):
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise payloads.Invalid("text is not valid Unicode") from None
    return value


def depth(value: object) -> int:
    """Deepest nesting of lists and dicts in a parsed JSON value, level by level (no
    recursion; stops one past MAX_DEPTH). Walking the value costs half of counting brackets
    outside strings in the text, which every click paid (issue 19)."""
    level = [value] if type(value) in _CONTAINERS else []
    deepest = 0
    while level and deepest <= MAX_DEPTH:
        deepest += 1
        inner: list = []
        for container in level:
            members = container.values() if type(container) is dict else container
            inner += [member for member in members if type(member) in _CONTAINERS]
        level = inner
    return deepest


_CONTAINERS = (dict, list)  # what json.loads makes; `type(...) in` is its cheapest test


def _json_text(value: dict) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
