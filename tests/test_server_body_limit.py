"""An oversized body is refused on its declared size, before the server buffers any of it: an
attacker sending 3 MB bodies used to leave ~140 MiB of RSS behind (bench/worst_inputs.py)."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import pytest

from tests.support.fake_slack import slack_stack

pytestmark = pytest.mark.asyncio


async def raw_request(base_url: str, path: str, declared: int, sent: bytes) -> bytes:
    """Headers declaring `declared` bytes, then only `sent`: the answer must not wait for more."""
    url = urlsplit(base_url)
    reader, writer = await asyncio.open_connection(url.hostname, url.port)
    writer.write((f"POST {path} HTTP/1.1\r\nHost: {url.hostname}\r\n"
                  f"Content-Type: application/json\r\nContent-Length: {declared}\r\n\r\n").encode()
                 + sent)
    await writer.drain()
    try:
        return await asyncio.wait_for(reader.read(2048), timeout=5)
    finally:
        writer.close()


@pytest.mark.parametrize("path", ["/slack/events", "/api/messages"])
async def test_a_declared_oversized_body_is_refused_without_being_read(database_url, path):
    async with slack_stack(database_url) as stack:
        answer = await raw_request(stack.base_url, path, 5_000_000, b'{"type": "')
        assert answer.startswith(b"HTTP/1.1 413"), answer[:80]


async def test_a_body_at_the_limit_still_reaches_the_signature_check(database_url):
    async with slack_stack(database_url) as stack:
        body = b'{"a": "' + b"x" * 1000 + b'"}'
        answer = await raw_request(stack.base_url, "/slack/events", len(body), body)
        assert answer.startswith(b"HTTP/1.1 401"), answer[:80]  # unsigned: 401, not 413
