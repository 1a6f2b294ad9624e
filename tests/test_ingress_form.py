"""The Slack gate's form decoder (yarl's C decoder, issue 19) reads every body exactly as
urllib's parse_qs did: same fields, same values, same refusal past the field limit."""

from __future__ import annotations

from urllib.parse import parse_qs, quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.slack.ingress import MAX_FIELDS, parse_form

PIECES = st.sampled_from(["a", "b", "=", "&", "%", "+", ";", "2", "F", "E3", "%E3%81%82", "%FF",
                          "%00", "%zz", "あ", "\x00", "payload", " ", "%2B", "%26"])


def reference(raw: str) -> dict[str, list[str]] | str:
    try:
        return parse_qs(raw, keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError:
        return "refused"


def ours(raw: str) -> dict[str, list[str]] | str:
    try:
        return parse_form(raw)
    except ValueError:
        return "refused"


@settings(max_examples=3000, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join))
def test_reads_every_body_as_parse_qs(raw: str) -> None:
    assert ours(raw) == reference(raw)


@pytest.mark.parametrize("fields", [MAX_FIELDS - 1, MAX_FIELDS, MAX_FIELDS + 1, 5000])
def test_field_limit_is_the_same(fields: int) -> None:
    raw = "&".join(f"f{i}=v" for i in range(fields))
    assert ours(raw) == reference(raw)
    assert (ours(raw) == "refused") is (fields > MAX_FIELDS)


def test_a_click_payload_round_trips() -> None:
    text = '{"type":"block_actions","text":"第1回 AIガバナンス & 「方針」 100%+α"}'
    raw = "payload=" + quote(text, safe="")
    assert parse_form(raw) == {"payload": [text]}
