"""The board-approval estimate mentions its "by about the 10th" rule of thumb only when the answer
itself used it (issue 20: a footnote about a cutoff the body never mentioned misled)."""

from __future__ import annotations

import pytest

from handlers.router import Router
from tests.support.chat import Chat


@pytest.fixture
def router(database):
    return Router(database)


def test_an_early_date_gets_no_footnote_about_the_cutoff(router):
    text = Chat(router, "a").say("12月3日に申し込んだらいつ承認？")
    assert "理事会" in text and "日頃まで" not in text


def test_a_late_date_and_a_month_name_the_cutoff_and_explain_it(router):
    late = Chat(router, "b").say("12月20日に申し込んだらいつ承認されますか？")
    assert "日頃より後" in late and "本ボットの目安" in late
    month = Chat(router, "c").say("3月に申し込んだらいつ承認されますか？")
    assert "日頃まで" in month and "本ボットの目安" in month


def test_english_follows_the_same_rule(router):
    early = Chat(router, "d", locale="en-US").say("If we apply on 3 December, when are we approved?")
    assert "board" in early and "rule of thumb" not in early
    late = Chat(router, "e", locale="en-US").say("If we apply on 20 December, when are we approved?")
    assert "rule of thumb" in late
