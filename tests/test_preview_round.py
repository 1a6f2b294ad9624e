"""Preview and test-send of a round's deliveries: the preview shows every planned slot, its
time, who gets it (by company and person) and the exact text in their language — and writes
nothing, sends nothing; a test copy goes to an admin only, is recorded apart from the real
delivery, and the real one still goes out once."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlalchemy import func, select

from bot.commands.preview import admin_for_login, cmd_round_preview
from bot.worker.preview import (
    TEST_BANNER,
    past_slots,
    preview_round,
    render,
    send_test_copy,
    skip_past_slots,
)
from handlers.rounds.service import open_round
from rubrics import registry
from store.errors import UserError
from store.models import Round
from store.reminders import Delivery, ReminderSlot
from tests import test_reminders_delivery as base
from tests.test_reminders_delivery import ADMIN, at, make_deliverer, tick
from tests.test_worker_fakeslack import FakeSlack


@pytest.fixture
def slack():
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def world(database) -> dict:
    """The reminder tests' world (tests/test_reminders_delivery.py `world`)."""
    return base.world.__wrapped__(database)


def real_admin_id(database) -> int:
    from store.models import User

    with database.transaction() as s:
        return s.scalar(select(User.id).where(User.platform_user_id == ADMIN.split(":")[1]))


def counts(database) -> tuple[int, int]:
    with database.transaction() as s:
        return (s.scalar(select(func.count()).select_from(Delivery)),
                s.scalar(select(func.count()).select_from(ReminderSlot)))


def previews(database, deliverer, world, now, **kw):
    with database.transaction() as s:
        return preview_round(deliverer, s, s.get(Round, world["round"]), now, **kw)


def test_preview_lists_slots_recipients_and_exact_texts_and_writes_nothing(
        database, slack, world):
    deliverer = make_deliverer(database, slack)
    before = counts(database)
    shown = {p.name: p for p in previews(database, deliverer, world, at(12, 1, 9))}
    assert {"open", "d14", "d7", "d0", "summary"} <= set(shown)
    assert shown["open"].due_at < shown["d14"].due_at < shown["summary"].due_at
    d14 = {r.label: r for r in shown["d14"].recipients}
    # reminders: not A (submitted), not D1 (muted), not the expert, not console users
    assert set(d14) == {"株式会社B / slack:UB1", "株式会社B / slack:UB2",
                        "株式会社C / slack:UC1"}
    assert d14["株式会社B / slack:UB2"].lang == "en"
    assert "2026年度下期" in d14["株式会社B / slack:UB1"].text
    assert "Reminder: '2026年度下期' is due" in d14["株式会社B / slack:UB2"].text
    assert "リマインド" not in d14["株式会社B / slack:UB2"].text
    opening = {r.label for r in shown["open"].recipients}
    assert "channel slack:CANNOUNCE" in opening and "株式会社A / slack:UA1" in opening
    assert {r.label for r in shown["summary"].recipients} == {f"- / {ADMIN}"}
    assert counts(database) == before and slack.posted == []
    text = render(list(shown.values()), "en")
    assert "== d14 (reminder)" in text and "3 recipient(s)" in text
    assert "3 件の宛先" in render(list(shown.values()))  # Japanese first


def test_test_send_goes_to_the_admin_only_and_is_not_the_real_delivery(database, slack, world):
    deliverer = make_deliverer(database, slack)
    result = asyncio.run(send_test_copy(deliverer, world["round"], "summary", ADMIN, at(12, 2)))
    assert result.outcome.value == "sent"
    copy, *rest = slack.posted  # the banner first, then the summary as the admin will see it
    assert {p.channel for p in slack.posted} == {f"D{ADMIN.split(':')[1]}"}
    assert TEST_BANNER in copy.text and "2026年度下期" in "".join(p.text for p in rest)
    assert {p.key for p in slack.posted} == {copy.key} and copy.key.startswith("aiga:test:")
    copies = len(slack.posted)
    with database.transaction() as s:
        (row,) = s.scalars(select(Delivery).where(Delivery.subject.like("test:%")))
        assert (row.status, row.slot, row.round_id) == ("sent", "summary", None)
    # the real summary after the deadline still goes to the admin, once, without the banner
    tick(deliverer, at(12, 1))
    tick(deliverer, at(12, 25, 18))
    tick(deliverer, at(12, 28, 10))  # the first business day after the deadline
    real = slack.to(copy.channel)[copies:]
    assert real and {p.key for p in real} == {f"aiga:{world['round']}:summary:"
                                               f"user:{real_admin_id(database)}"}
    assert all(TEST_BANNER not in p.text for p in real)


@pytest.mark.parametrize("key", ["slack:UB1", "slack:", "", "teams:UADMIN", "slack:UADMIN\x00",
                                 "slack:" + "U" * 5000])
def test_test_send_refuses_anyone_but_an_admin(database, slack, world, key):
    deliverer = make_deliverer(database, slack)
    with pytest.raises(UserError):
        asyncio.run(send_test_copy(deliverer, world["round"], "d14", key, at(12, 2)))
    assert slack.posted == []


@pytest.mark.parametrize("slot", ["d99", "", "summary; DROP TABLE", "ｄ14", "x" * 300])
def test_test_send_of_an_unknown_slot_is_refused_politely(database, slack, world, slot):
    deliverer = make_deliverer(database, slack)
    with pytest.raises(UserError) as refused:
        asyncio.run(send_test_copy(deliverer, world["round"], slot, ADMIN, at(12, 2)))
    assert "配信枠" in refused.value.text("ja") and "slot" in refused.value.text("en")
    assert slack.posted == []


def test_past_slots_are_found_and_can_be_skipped_before_the_first_tick(database, slack):
    with database.transaction() as s:
        rnd = open_round(s, registry(), rubric_version="1.1", opens=at(11, 1).date(),
                         deadline=at(12, 25).date(), name="過去開始", now=at(12, 12, 12))
        late = past_slots(s, rnd, at(12, 12, 12))
        assert {x.name for x in late} == {"open", "d14"}  # summary is never "past"
        assert skip_past_slots(s, rnd, at(12, 12, 12)) == 2
        assert past_slots(s, rnd, at(12, 12, 12)) == []
    deliverer = make_deliverer(database, slack)
    assert tick(deliverer, at(12, 12, 12)).sent == 0 and slack.posted == []


def test_cli_preview_prints_and_refuses_politely(database, world, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database.engine.url.render_as_string(False))
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test-0000-not-a-secret")
    monkeypatch.setenv("AIGA_ADMINS", ADMIN)
    import argparse

    args = argparse.Namespace(round=str(world["round"]), slot=None, to_me=None, counts=True,
                              lang="en")
    assert cmd_round_preview(args) == 0
    out = capsys.readouterr().out
    assert "== d14 (reminder)" in out and "3 recipient(s)" in out
    args.lang = "ja"
    assert cmd_round_preview(args) == 0
    out = capsys.readouterr().out
    assert "== d14 (reminder)" in out and "3 件の宛先" in out and "recipient" not in out
    args = argparse.Namespace(round="no such round", slot=None, to_me=None, counts=False)
    assert cmd_round_preview(args) == 2
    args = argparse.Namespace(round=str(world["round"]), slot=None, to_me="", counts=False)
    assert cmd_round_preview(args) == 2  # --to-me needs --slot
    json.dumps(capsys.readouterr().out)  # printable, whatever it said


def test_login_name_maps_to_one_admin_only():
    admins = frozenset({"slack:UADMIN", "teams:other"})
    assert admin_for_login(admins, "uadmin") == "slack:UADMIN"
    assert admin_for_login(admins, "") is None and admin_for_login(admins, "nobody") is None
    assert admin_for_login(frozenset({"slack:x", "teams:X"}), "x") is None  # ambiguous
