"""The raw JSON of a POST /api/messages, checked before botbuilder or msrest ever sees it.

msrest is lenient where we must not be: it coerces `from.id: 12345` into the string "12345" and
takes it as a real user, and Python's JSON decoder raises RecursionError on deeply nested
bodies. So the body is read with a size cap, decoded once, walked iteratively (depth, node count,
strings that no database can store), and the fields a turn uses are type-checked here. Whatever
fails is a `Refusal`: a 4xx with a fixed reason, logged as one short line by the caller.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

MAX_BODY = 256 * 1024  # Teams' activities are a few KB; a card submission well under 64 KB
MAX_DEPTH = 24  # a Teams activity nests about 6 deep; card data a few more
MAX_NODES = 20_000  # values in the whole body (a list of 100k zeros is small but costly)
MAX_ID = 400
FREE_TEXT = frozenset({"text", "value"})  # top-level fields whose strings may hold anything


@dataclass(frozen=True)
class Refusal:
    status: int
    reason: str


def decode(raw: bytes) -> dict[str, Any] | Refusal:
    """The body as a dict that passed every check, or why it is refused."""
    if len(raw) > MAX_BODY:
        return Refusal(413, "body too large")
    try:
        data = json.loads(raw)
    except RecursionError:
        return Refusal(400, "JSON nested too deeply")
    except (ValueError, UnicodeDecodeError):
        return Refusal(400, "body is not JSON")
    if not isinstance(data, dict):
        return Refusal(400, "not an activity: 'type' missing")
    found = _shape(data) or _fields(data)
    return Refusal(400, found) if found else data


def _shape(data: dict[str, Any]) -> str | None:
    """Depth, size and storable strings, over the whole body, without recursion."""
    stack: list[tuple[Any, int, str]] = [(data, 1, "")]
    nodes = 0
    while stack:
        value, depth, top = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            return "too many values"
        if depth > MAX_DEPTH:
            return "JSON nested too deeply"
        if isinstance(value, dict):
            for key, item in value.items():
                if not _storable(key, allow_nul=False):
                    return "a key is not valid text"
                stack.append((item, depth + 1, key if depth == 1 else top))
        elif isinstance(value, list):
            stack.extend((item, depth + 1, top) for item in value)
        elif isinstance(value, str) and not _storable(value, allow_nul=top in FREE_TEXT):
            return f"{top or 'a field'} is not valid text"
    return None


def _storable(text: str, *, allow_nul: bool) -> bool:
    """No lone surrogates (no database can store them) and, in ids and names, no NUL."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return allow_nul or "\x00" not in text


# field → allowed JSON types; None is always allowed for optional fields
_TOP: dict[str, tuple[type, ...]] = {
    "id": (str,), "channelId": (str,), "serviceUrl": (str,), "text": (str,),
    "textFormat": (str,), "locale": (str,), "name": (str,), "action": (str,),
    "replyToId": (str,), "timestamp": (str,), "localTimestamp": (str,), "summary": (str,),
    "valueType": (str,), "channelData": (dict,), "entities": (list,), "attachments": (list,),
    "membersAdded": (list,), "membersRemoved": (list,), "from": (dict,), "recipient": (dict,),
    "conversation": (dict,),
}
_ACCOUNT: dict[str, tuple[type, ...]] = {"id": (str,), "name": (str,), "aadObjectId": (str,),
                                          "role": (str,)}
_CONVERSATION: dict[str, tuple[type, ...]] = {
    "id": (str,), "name": (str,), "conversationType": (str,), "tenantId": (str,),
    "isGroup": (bool,), "aadObjectId": (str,), "role": (str,)}


def _fields(data: dict[str, Any]) -> str | None:
    """The fields a turn reads have the JSON type Teams sends (msrest would coerce them)."""
    kind = data.get("type")
    if not isinstance(kind, str) or not kind or len(kind) > 50:
        return "not an activity: 'type' missing"
    if (found := _typed(data, _TOP, "")) is not None:
        return found
    for name in ("id", "replyToId"):  # both go into the reply's URL path
        if len(data.get(name) or "") > MAX_ID:
            return f"{name} too long"
    for name in ("from", "recipient"):
        if isinstance(data.get(name), dict) and (found := _account(data[name], name)):
            return found
    if isinstance(data.get("conversation"), dict):
        found = _typed(data["conversation"], _CONVERSATION, "conversation.")
        if found or len(data["conversation"].get("id") or "") > MAX_ID:
            return found or "conversation.id too long"
    for name in ("membersAdded", "membersRemoved"):
        for member in data.get(name) or []:
            if not isinstance(member, dict) or (found := _account(member, name)):
                return found or f"{name} holds a non-object"
    for name in ("entities", "attachments"):
        if any(not isinstance(item, dict) for item in data.get(name) or []):
            return f"{name} holds a non-object"
    return _channel_data(data.get("channelData"))


def _account(account: dict[str, Any], where: str) -> str | None:
    found = _typed(account, _ACCOUNT, f"{where}.")
    if found is None and any(len(account.get(k) or "") > 200 for k in ("id", "aadObjectId")):
        return f"{where}.id too long"
    return found


def _channel_data(channel_data: Any) -> str | None:
    if not isinstance(channel_data, dict):
        return None
    for name in ("tenant", "team", "channel"):
        part = channel_data.get(name)
        if part is None:
            continue
        if not isinstance(part, dict) or not isinstance(part.get("id", ""), str | None):
            return f"channelData.{name} has the wrong type"
    return None


def _typed(obj: dict[str, Any], spec: dict[str, tuple[type, ...]], prefix: str) -> str | None:
    for name, types in spec.items():
        value = obj.get(name)
        if value is None:
            continue
        if isinstance(value, bool) and bool not in types:
            return f"{prefix}{name} has the wrong type"
        if not isinstance(value, types):
            return f"{prefix}{name} has the wrong type"
    return None
