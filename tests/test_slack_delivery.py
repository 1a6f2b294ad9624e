"""Delivery details that the conversation tests do not reach: chart uploads and their fallback."""

from __future__ import annotations

import struct
import zlib

import pytest

from bot.slack.client import make_client
from bot.slack.delivery import Delivery
from handlers.dates import now_tokyo
from handlers.types import Image, Text
from tests.support.fake_slack import BOT_TOKEN, FakeSlack

pytestmark = pytest.mark.asyncio


def tiny_png(path) -> None:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    raw = zlib.compress(b"\x00\xff\x00\x00")
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2,
                                                                          0, 0, 0))
                     + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


async def test_image_is_uploaded_to_the_dm(database, tmp_path):
    fake = await FakeSlack().start()
    try:
        chart = tmp_path / "areas.png"
        tiny_png(chart)
        delivery = Delivery(make_client(BOT_TOKEN, fake.api_url), database, now_tokyo)
        await delivery.send("U1", "DU1", [Text("結果です"), Image(str(chart), alt="領域別スコア",
                                                                   title="領域別")], "ja")
        assert [c.method for c in fake.calls] == [
            "chat.postMessage", "files.getUploadURLExternal", "files.completeUploadExternal"]
        complete = fake.called("files.completeUploadExternal")[0].args
        assert complete["channel_id"] == "DU1"
        assert list(fake.uploads.values()) == [chart.read_bytes()]
    finally:
        await fake.stop()


async def test_failed_upload_falls_back_to_words(database, tmp_path):
    fake = await FakeSlack().start()
    try:
        chart = tmp_path / "areas.png"
        tiny_png(chart)
        fake.fail("files.getUploadURLExternal", error="not_allowed")
        delivery = Delivery(make_client(BOT_TOKEN, fake.api_url), database, now_tokyo)
        await delivery.send("U1", "DU1", [Image(str(chart), alt="領域別スコア")], "ja")
        [message] = fake.posts("DU1")
        assert "領域別スコア" in message["text"]
    finally:
        await fake.stop()
