"""Logs of a real `aiga-bot serve` (issue 9): JSON lines with request ids, and never a token, the
signing secret or a member's note — checked on everything a whole Slack assessment with notes
writes at LOG_LEVEL=DEBUG."""

from __future__ import annotations

import io
import json
import logging
from urllib.parse import urlencode

import aiohttp
import pytest
from sqlalchemy import select

from bench.serverproc import (
    Member,
    QuickSlack,
    ServerProcess,
    company_email,
    seed_companies,
    slack_env,
)
from bot.logging_setup import REQUEST_ID, Redactor, configure_logging
from store.models import Answer
from tests.support.fake_slack import BOT_TOKEN, SIGNING_SECRET, click_payload, find_button, sign

NOTES = ["社内AI委員会の議事録No.4471で承認済み", "Vendor due-diligence checklist v7 (ZEBRA-PLUM)"]


@pytest.mark.asyncio
async def test_whole_assessment_with_notes_leaks_nothing(database_url, database, tmp_path):
    seed_companies(database_url, 1)
    fake = await QuickSlack(validate=True).start()
    server = ServerProcess(slack_env(database_url, fake.api_url, LOG_LEVEL="DEBUG"), tmp_path)
    await server.start()
    try:
        async with aiohttp.ClientSession() as session:
            member = Member("U0LOGS", company_email(0), fake, session, server.base_url)
            await member.begin()
            await member.answer(3)
            await member.note(NOTES[0])
            await member.answer(2)
            await member.note(NOTES[1])
            # a Slack retry of the last click, with our own request id: the background turn
            # that drops it must log under that id
            await member.answer(4)
            answered = member.clicked
            block, element = find_button(answered, label="4点")
            body = urlencode({"payload": json.dumps(
                click_payload(member.user, answered, element, block))}).encode()
            async with session.post(server.base_url + "/slack/events", data=body, headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-Request-Id": "retry-click-0001", **sign(body)}) as response:
                assert response.status == 200
                assert response.headers["X-Request-Id"] == "retry-click-0001"
            await member.complete(submit=True)
        assert await server.stop() == 0
    finally:
        if server.alive():
            server.kill()
        await fake.stop()

    with database.transaction() as session:
        notes = sorted(a.note for a in session.scalars(select(Answer)) if a.note)
        assert notes == sorted(NOTES)  # the notes were really there to leak

    err, out = server.stderr_path.read_text(), server.stdout_path.read_text()
    for secret in (BOT_TOKEN, SIGNING_SECRET, *NOTES, NOTES[0][:12], "ZEBRA-PLUM"):
        assert secret not in err + out, secret
    records = [json.loads(line) for line in err.splitlines()]  # every line is JSON
    assert len(records) > 40
    assert {"time", "level", "logger", "message", "request_id"} <= set(records[0])
    access = [r for r in records if r["message"].startswith("POST /slack/events")]
    assert len(access) >= 40 and all(len(r["request_id"] or "") >= 8 for r in access)
    assert len({r["request_id"] for r in access}) == len(access)
    duplicate = [r for r in records if "duplicate" in r["message"]]
    assert [r["request_id"] for r in duplicate] == ["retry-click-0001"]
    assert any(r["level"] == "DEBUG" for r in records)  # DEBUG was really on


def test_redaction_covers_secrets_tokens_and_exceptions():
    stream = io.StringIO()
    configure_logging("INFO", "json", secrets=["s3cretSigningValue99", "pw-db-123456"],
                      stream=stream)
    log = logging.getLogger("bot.test_redaction")
    token = REQUEST_ID.set("req-redact-01")
    try:
        log.info("token %s and xapp-1-A1-2-zzzz and Bearer abcdefghijk.lmn", "xoxb-9-9-abcdef")
        try:
            raise ValueError("postgres://navi:pw-db-123456@db/aiga s3cretSigningValue99")
        except ValueError:
            log.exception("failed")
    finally:
        REQUEST_ID.reset(token)
        configure_logging("WARNING", "text")
    lines = [json.loads(x) for x in stream.getvalue().splitlines()]
    text = stream.getvalue()
    for secret in ("xoxb-9-9-abcdef", "xapp-1-A1-2-zzzz", "abcdefghijk.lmn", "pw-db-123456",
                   "s3cretSigningValue99"):
        assert secret not in text
    assert text.count("[redacted]") >= 5
    assert lines[0]["request_id"] == "req-redact-01" and "exc_info" in lines[1]


def test_redactor_leaves_ordinary_words():
    redact = Redactor(["abcdef123"])
    assert redact("ナビ item ai-governance-policy answered 3") == \
        "ナビ item ai-governance-policy answered 3"
