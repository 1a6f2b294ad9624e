"""A test copy: what a delivery will say, sent to the admin who asked and to no one else.

The CLI (`--to-me`, bot/worker/preview.py) posts it through the worker's notifier and records it
apart from the real delivery; in chat the copy is the reply itself, in the admin's own chat,
rendered by the same surface code as the real message. Either way it starts with this banner,
so nobody mistakes it for the real thing.
"""

from __future__ import annotations

import secrets

from handlers.types import Reply, Text

TEST_BANNER = "【テスト送信・実際の配信ではありません】 / [TEST — not the real delivery]"


def test_copy(replies: list[Reply]) -> list[Reply]:
    """The banner, then the message exactly as composed."""
    return [Text(TEST_BANNER), *replies]


def new_token() -> str:
    """A short random id tying a confirm button to the one preview it was shown with."""
    return secrets.token_hex(6)
