"""Targeting (store/targeting.py): all members, non-submitters of a round, a class, an
industry, a company list — parsed politely, counted before sending — and the CLI broadcast's
--dry-run (nothing stored) and --sender (the report has somewhere to go)."""

from __future__ import annotations

import argparse

import pytest
from sqlalchemy import func, select

from bot.commands.broadcast import cmd_send
from store import targeting
from store.errors import UserError
from store.events import Broadcast
from tests.support import factories


@pytest.fixture
def members(database) -> dict:
    with database.transaction() as s:
        a = factories.org(s, "甲社")
        b = factories.org(s, "乙社", membership_class="expert")
        c = factories.org(s, "丙社")
        if hasattr(c, "industry"):
            c.industry = "金融"
        for key, org in (("slack:UA", a), ("slack:UB", b), ("slack:UC", c), ("teams:TC", c)):
            factories.user(s, key, org)
        rnd = factories.round_(s, "対象試験")
        factories.assessment(s, a, rnd, {}, submitted=True)
        return {"a": a.id, "b": b.id, "c": c.id, "round": rnd.id}


def names(database, spec, platforms=("slack",)) -> list[str]:
    with database.transaction() as s:
        return sorted(u.key for u in targeting.users(s, targeting.parse(spec), platforms))


def test_each_audience(database, members):
    assert names(database, "all") == ["slack:UA", "slack:UB", "slack:UC"]
    assert names(database, "") == names(database, None) == names(database, "all")
    assert names(database, "class:expert") == ["slack:UB"]
    assert names(database, f"orgs:{members['a']}, {members['c']},{members['a']}") == [
        "slack:UA", "slack:UC"]
    assert names(database, "all", ("slack", "teams")) == ["slack:UA", "slack:UB", "slack:UC",
                                                          "teams:TC"]
    assert names(database, "industry:存在しない業種") == []
    # the round's participants (not the expert member) that have not submitted
    assert names(database, f"nonsubmitters:{members['round']}") == ["slack:UC"]


@pytest.mark.parametrize("spec", ["everyone", "class:", "orgs:1;DROP", "orgs:-1", "orgs:１",
                                  "nonsubmitters:1,2", "industry:" + "x" * 200, "a" * 5000,
                                  "orgs:" + ",".join(["1"] * 600), "class:\x00"])
def test_hostile_specs_are_refused_in_both_languages(spec):
    with pytest.raises(UserError) as refused:
        targeting.parse(spec)
    assert refused.value.text("ja") and refused.value.text("en")


def test_unknown_company_or_round_is_refused(database, members):
    with database.transaction() as s:
        with pytest.raises(UserError):
            targeting.companies(s, targeting.parse("orgs:999999"))
        with pytest.raises(UserError):
            targeting.companies(s, targeting.parse("nonsubmitters:999999"))


def _send(**kw) -> argparse.Namespace:
    base = dict(text="年末のお知らせ", link=None, dm=True, at=None, sender=None,
                audience="all", dry_run=False)
    return argparse.Namespace(**{**base, **kw})


def _env(monkeypatch, database):
    monkeypatch.setenv("DATABASE_URL", database.engine.url.render_as_string(False))
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test-0000-not-a-secret")
    monkeypatch.setenv("AIGA_ADMINS", "slack:UADMIN")
    monkeypatch.setenv("AIGA_ANNOUNCE_CHANNELS", "slack:CANN")


def count(database) -> int:
    with database.transaction() as s:
        return s.scalar(select(func.count()).select_from(Broadcast))


def test_dry_run_shows_count_and_text_and_stores_nothing(database, members, monkeypatch, capsys):
    _env(monkeypatch, database)
    assert cmd_send(_send(dry_run=True, audience="class:expert")) == 0
    out = capsys.readouterr().out
    # a targeted broadcast goes by DM only: no channel post that everyone reads
    assert "0 channel(s), 1 person(s) in 1 company" in out and "乙社: 1" in out
    assert "年末のお知らせ" in out and count(database) == 0


def test_sender_is_recorded_and_checked(database, members, monkeypatch, capsys):
    _env(monkeypatch, database)
    assert cmd_send(_send(sender="slack:UA")) == 2  # not an admin: refused, nothing stored
    assert count(database) == 0
    assert cmd_send(_send(audience="class:nobody")) == 2  # an audience of no one: refused
    assert count(database) == 0
    assert cmd_send(_send(sender="slack:UADMIN")) == 0
    assert "the report goes to slack:UADMIN" in capsys.readouterr().out
    with database.transaction() as s:
        row = s.scalar(select(Broadcast))
        assert row.created_by is not None
