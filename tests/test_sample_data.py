"""Sample data helps a newcomer and never touches a database that holds real data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from bot.sample import SAMPLE_ORG, ensure_sample_data
from handlers.dates import TOKYO
from store.models import Organisation, Round

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=TOKYO)


def test_created_once_in_an_empty_database_and_labelled(database):
    with database.transaction() as s:
        assert ensure_sample_data(s, NOW, "1.1") is True
    with database.transaction() as s:
        assert ensure_sample_data(s, NOW, "1.1") is False
        org = s.scalar(select(Organisation))
        rnd = s.scalar(select(Round))
        assert org.name == SAMPLE_ORG and org.is_sample and "試用" in org.name
        assert rnd.is_sample and rnd.status == "open" and rnd.deadline_at > NOW
        assert s.scalar(select(func.count()).select_from(Organisation)) == 1


def test_never_added_next_to_real_data(database):
    with database.transaction() as s:
        s.add(Organisation(name="本物の会員企業", created_at=NOW))
    with database.transaction() as s:
        assert ensure_sample_data(s, NOW, "1.1") is False
        assert s.scalar(select(func.count()).select_from(Round)) == 0
