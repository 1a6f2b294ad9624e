"""The input budget: an oversized turn is refused politely, before any parser, nothing saved."""

from __future__ import annotations

import time

from sqlalchemy import func, select

from handlers.router import Router
from handlers.types import MAX_TEXT_CHARS, Failure, Incoming
from store.models import Answer


def test_the_budget_is_applied_when_the_turn_is_made() -> None:
    msg = Incoming(platform="slack", user_id="U1", text="1" * 1_000_000)
    assert msg.oversized and len(msg.text or "") == MAX_TEXT_CHARS
    assert not Incoming(platform="slack", user_id="U1", text="項目 3").oversized
    assert Incoming(platform="console", user_id="u", text="a\x00b").text == "ab"
    form = Incoming(platform="slack", user_id="U1", form={str(i): "x" for i in range(500)})
    assert form.oversized and len(form.form or {}) <= 40


def test_a_megabyte_of_digits_is_answered_at_once_in_both_languages(database) -> None:
    router = Router(database)
    started = time.perf_counter()
    [ja] = router.handle(Incoming(platform="console", user_id="u", text="1" * 1_000_000))
    [en] = router.handle(Incoming(platform="console", user_id="v", text="a" * 50_000,
                                  locale="en-US"))
    assert time.perf_counter() - started < 2.0
    assert isinstance(ja, Failure) and "長すぎる" in ja.text and "4,000" in ja.text
    assert isinstance(en, Failure) and "too long" in en.text
    with database.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Answer)) == 0
