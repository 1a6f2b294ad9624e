"""「ラウンド開始」 alone guides the admin (issue 20); draft texts need --allow-drafts (issue 15)."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from handlers.dates import TOKYO
from handlers.rounds.guide import next_half
from rubrics import registry
from store.models import Round
from tests.test_rounds_service import chat

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=TOKYO)


@pytest.mark.parametrize(("now", "opens", "fy", "first"), [
    (datetime(2026, 11, 27, tzinfo=TOKYO), "2027-04-01", 2027, True),
    (datetime(2027, 4, 1, tzinfo=TOKYO), "2027-10-01", 2027, False),  # on the day: the next one
    (datetime(2027, 3, 31, 23, 59, tzinfo=TOKYO), "2027-04-01", 2027, True),
    (datetime(2026, 12, 31, tzinfo=TOKYO), "2027-04-01", 2027, True),
    (datetime(2026, 5, 1, tzinfo=TOKYO), "2026-10-01", 2026, False),
])
def test_the_next_half_year(now, opens, fy, first):
    day, deadline, fiscal_year, is_first = next_half(now)
    assert day.isoformat() == opens and (fiscal_year, is_first) == (fy, first)
    assert (deadline - day).days == 45


def test_round_open_alone_guides_with_an_example_in_both_languages(database):
    ja = chat(database, "ラウンド開始")
    assert "使い方" not in ja.splitlines()[0]
    assert "例（次の半期）: ラウンド開始 1.1 2027-04-01 2027-05-16 名前=\"2027年度上期\"" in ja
    assert "案の文言が 139 件" in ja and "案を許可" in ja
    en = chat(database, "round open", lang="en")
    assert 'round open 1.1 2027-04-01 2027-05-16 name="FY2027 H1"' in en
    assert "139 draft texts" in en and "allow-drafts" in en
    # half an answer: the usage line, then the same guide
    partial = chat(database, "ラウンド開始 1.1")
    assert "使い方" in partial and "例（次の半期）" in partial
    with database.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Round)) == 0


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_drafts_are_refused_then_allowed_and_counted(database, lang):
    refused = chat(database, "round open 1.1 2026-12-01 2026-12-25", lang=lang)
    assert ("139" in refused) and ("--allow-drafts" in refused)
    with database.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Round)) == 0
    # the flag in any place, any case; a date mistake is still named first
    assert "締切「2026-13-01」を読めません" in chat(
        database, "round open 1.1 2026-12-01 2026-13-01 ALLOW-DRAFTS")
    opened = chat(database, "round open --allow-drafts 1.1 2026-12-01 2026-12-25", lang=lang)
    assert ("（案）" in opened) if lang == "ja" else ("(draft)" in opened)
    with database.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Round)) == 1


def test_a_version_without_drafts_opens_without_the_flag(database, monkeypatch):
    rubric = registry().get("1.1")
    monkeypatch.setattr(type(rubric), "draft_count", lambda self: 0)
    assert "を作成しました" in chat(database, "round open 1.1 2026-12-01 2026-12-25")
