"""An outgoing activity's Adaptive Cards handed to the connector as JSON, not walked by msrest.

msrest serializes a request body by validating and re-serializing every value of the model,
recursively, in Python — an attachment's `content` (typed "object") included, so a question
card's few hundred nested values were walked twice per connector call: about an eighth of a
Teams answer's CPU on PostgreSQL (bench/teams_latency.py, issue 19). Our cards are plain JSON
already (bot/teams/cards.py builds them from str, int, bool, list and dict), for which msrest's
walk returns an equal dict. So the activity is serialized by msrest as before with the card
contents set aside, and the contents are put back afterwards, unchanged.

A content that is not plain JSON (json.dumps refuses it) and any activity whose attachments do
not come back one for one take msrest's own path, so the wire format never depends on this.
"""

from __future__ import annotations

import json
from typing import Any

from botbuilder.schema import Activity
from botframework.connector.aio import ConnectorClient
from msrest.serialization import Serializer


class CardSerializer(Serializer):
    """msrest's Serializer, except for the card contents of an Activity body."""

    def body(self, data: Any, data_type: str, **kwargs: Any) -> Any:
        cards = _plain_cards(data) if data_type == "Activity" else []
        if not cards:
            return super().body(data, data_type, **kwargs)
        for attachment, _content in cards:
            attachment.content = None
        try:
            out = super().body(data, data_type, **kwargs)
        finally:
            for attachment, content in cards:
                attachment.content = content
        serialized = out.get("attachments") if isinstance(out, dict) else None
        if not isinstance(serialized, list) or len(serialized) != len(data.attachments):
            return super().body(data, data_type, **kwargs)  # not one for one: msrest's way
        for index, attachment in enumerate(data.attachments):
            if any(attachment is held for held, _ in cards):
                serialized[index]["content"] = attachment.content
        return out


def _plain_cards(data: Any) -> list[tuple[Any, dict]]:
    """The attachments of `data` whose content is a dict json can encode as it is."""
    if not isinstance(data, Activity) or not data.attachments:
        return []
    found = []
    for attachment in data.attachments:
        content = getattr(attachment, "content", None)
        if not isinstance(content, dict):
            continue
        try:
            json.dumps(content, allow_nan=False)
        except (TypeError, ValueError, RecursionError):
            continue  # not plain JSON: msrest serializes it as it always did
        found.append((attachment, content))
    return found


def serialize_cards_as_json(client: ConnectorClient) -> ConnectorClient:
    """Give `client`'s operations the CardSerializer (same models, same validation setting)."""
    stock = client._serialize
    fast = CardSerializer(stock.dependencies)
    fast.client_side_validation = stock.client_side_validation
    client._serialize = fast
    for name in ("conversations", "attachments"):
        operations = getattr(client, name, None)
        if operations is not None and getattr(operations, "_serialize", None) is stock:
            operations._serialize = fast
    return client
