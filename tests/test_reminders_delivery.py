"""The worker's delivery logic against a real database and a local fake Slack Web API, with a
controlled clock: announcement, reminders (progress, submitted, muted), extension, downtime,
failures and retries, a killed send — each counted at the fake."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from bot.notify import Target
from bot.slack_notify import SlackNotifier
from bot.worker import Deliverer, TickReport
from handlers.dates import TOKYO
from handlers.rounds.mute import handle_round_action
from handlers.rounds.participation import problem_lines
from handlers.rounds.reminders import ReminderPolicy
from handlers.rounds.service import extend_round, open_round
from rubrics import registry
from store import reminders as rstore
from store.db import Database
from store.models import Answer, Assessment, Organisation, Round, User
from store.reminders import Delivery, ReminderSlot
from tests.support import factories
from tests.test_worker_fakeslack import FakeSlack

CHANNEL = "CANNOUNCE"
ADMIN = "slack:UADMIN"


def at(m: int, d: int, hh: int = 10, mm: int = 0, y: int = 2026) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TOKYO)


OPENED = at(11, 27, 9)  # the round is opened a few days ahead, before the reminder hour


@pytest.fixture
def slack():
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def world(database: Database) -> dict:
    """Round 2026-12-01 → 2026-12-25 (ver1.1, 36 items) and five companies:

    A submitted (UA1) · B 20/36 answered (UB1, UB2 in English) · C not started (UC1, and a
    console user who cannot be reached) · D not started, its user muted (UD1) · an expert
    member (UX1, does not take the Navi)."""
    rubric = registry().get("1.1")
    with database.transaction() as s:
        rnd = open_round(s, registry(), rubric_version="1.1", opens=date(2026, 12, 1),
                         deadline=date(2026, 12, 25), name="2026年度下期", now=OPENED)
        orgs = {n: factories.org(s, f"株式会社{n}") for n in "ABCD"}
        expert = factories.org(s, "有識者X", membership_class="expert")
        users = {k: factories.user(s, f"slack:U{k}", orgs[k[0]]) for k in
                 ("A1", "B1", "B2", "C1", "D1")}
        users["B2"].locale = "en"
        factories.user(s, "console:c-local", orgs["C"])
        factories.user(s, "slack:UX1", expert)
        factories.user(s, ADMIN, None, admin=True)
        ids = [i.id for i in rubric.items]
        factories.assessment(s, orgs["A"], rnd, dict.fromkeys(ids, 3), at=at(12, 3))
        factories.assessment(s, orgs["B"], rnd, dict.fromkeys(ids[:20], 2), submitted=False,
                             at=at(12, 2))
        rstore.mute(s, rnd.id, users["D1"].id, at(12, 2))
        return {"round": rnd.id, "orgs": {k: v.id for k, v in orgs.items()},
                "users": {k: v.id for k, v in users.items()}}


def make_deliverer(database: Database, slack: FakeSlack, **kw) -> Deliverer:
    notifier = SlackNotifier("xoxb-test-not-a-token", slack.url, database,
                             lambda: at(12, 1))
    return Deliverer(database, {"slack": notifier}, rubrics=registry(),
                     policy=ReminderPolicy(), announce=[Target("slack", CHANNEL, direct=False)],
                     admins=frozenset({ADMIN}), backoff=timedelta(seconds=30), **kw)


def tick(deliverer: Deliverer, now: datetime) -> TickReport:
    return asyncio.run(deliverer.deliver_due(now))


def statuses(database: Database, slot: str) -> dict[str, str]:
    with database.transaction() as s:
        rows = s.scalars(select(Delivery).where(Delivery.slot == slot))
        return {r.recipient: r.status for r in rows}


def slot_row(database: Database, name: str) -> tuple[str, datetime, str | None]:
    with database.transaction() as s:
        row = s.scalar(select(ReminderSlot).where(ReminderSlot.name == name))
        return row.status, row.due_at, row.note


def reminded(slack: FakeSlack) -> set[str]:
    """DM channels that got a reminder (key …:d<n>:…)."""
    return {p.channel for p in slack.posted if p.key and ":d" in p.key}


def test_round_is_announced_once_to_the_channel_and_every_linked_member(database, slack, world):
    deliverer = make_deliverer(database, slack)
    assert tick(deliverer, at(12, 1, 9, 59)).sent == 0  # the hour has not come
    report = tick(deliverer, at(12, 1, 10, 0))
    assert report.sent == 6 and report.locked
    assert set(slack.keys().values()) == {1}
    assert {p.channel for p in slack.posted} == {CHANNEL, "DUA1", "DUB1", "DUB2", "DUC1",
                                                 "DUD1"}  # not the expert, not the console
    channel_text = slack.texts(CHANNEL)
    assert "自己診断ラウンド「2026年度下期」を開始しました" in channel_text
    assert "The self-assessment round '2026年度下期' is open" in channel_text  # both languages
    assert "AIガバナンスナビ ver1.1（36項目）" in slack.texts("DUA1")
    assert "AI Governance Navi ver1.1 (36 items)" in slack.texts("DUB2")
    button = slack.to("DUC1")[0].blocks[-1]["elements"][0]
    assert button["value"] == "navi:start"
    assert tick(deliverer, at(12, 1, 10, 1)).sent == 0
    assert slot_row(database, "open")[0] == "done"
    assert len(slack.posted) == 6


def test_reminders_only_to_unfinished_unmuted_companies_saying_how_far(database, slack, world):
    deliverer = make_deliverer(database, slack)
    tick(deliverer, at(12, 1))
    slack.posted.clear()
    report = tick(deliverer, at(12, 11))  # d14: Fri 11 Dec
    assert report.sent == 3
    assert reminded(slack) == {"DUB1", "DUB2", "DUC1"}
    assert "20/36 回答済み" in slack.texts("DUB1")
    assert "あと14日" in slack.texts("DUB1")
    assert "20/36 answered" in slack.texts("DUB2") and "14 days left" in slack.texts("DUB2")
    assert "未着手（0/36）" in slack.texts("DUC1")
    values = [e["value"] for b in slack.to("DUB1")[0].blocks if b["type"] == "actions"
              for e in b["elements"]]
    assert values == ["navi:resume", f"round:mute:{world['round']}"]
    values = [e["value"] for b in slack.to("DUC1")[0].blocks if b["type"] == "actions"
              for e in b["elements"]]
    assert values[0] == "navi:start"


def test_repeated_ticks_and_a_clock_jumping_back_send_nothing_twice(database, slack, world):
    deliverer = make_deliverer(database, slack)
    for now in (at(12, 1), at(12, 11), at(12, 11, 10, 1), at(12, 5), at(12, 11), at(12, 1)):
        tick(deliverer, now)
    assert len(slack.posted) == 6 + 3
    assert max(slack.keys().values()) == 1


def test_a_company_that_submits_gets_no_more_reminders(database, slack, world):
    deliverer = make_deliverer(database, slack)
    tick(deliverer, at(12, 11))
    with database.transaction() as s:
        b = s.scalar(select(Assessment).where(Assessment.org_id == world["orgs"]["B"]))
        b.status, b.submitted_at = "submitted", at(12, 15)
    slack.posted.clear()
    tick(deliverer, at(12, 18))  # d7
    assert reminded(slack) == {"DUC1"}


def test_extension_replans_pending_reminders_and_never_resends(database, slack, world):
    deliverer = make_deliverer(database, slack)
    tick(deliverer, at(12, 11))  # announcement (overdue, still before the deadline) + d14
    sent_d14 = statuses(database, "d14")
    with database.transaction() as s:
        extend_round(s, s.get(Round, world["round"]), date(2027, 1, 15), at(12, 12))
    assert slot_row(database, "d14")[:2] == ("done", at(12, 11))
    assert slot_row(database, "d7")[:2] == ("pending", at(1, 8, y=2027))
    assert slot_row(database, "d0")[:2] == ("pending", at(1, 15, y=2027))
    assert slot_row(database, "summary")[1] == at(1, 18, y=2027)
    before = len(slack.posted)
    tick(deliverer, at(12, 18))  # the old d7 date: nothing any more
    tick(deliverer, at(12, 25, 12))  # the old deadline day
    assert len(slack.posted) == before
    tick(deliverer, at(1, 8, y=2027))
    assert len(slack.posted) == before + 3
    assert "2027年1月15日(金)" in slack.texts("DUC1")
    assert statuses(database, "d14") == sent_d14
    assert max(slack.keys().values()) == 1


def test_downtime_catch_up_and_missed_after_the_deadline(database, slack, world):
    deliverer = make_deliverer(database, slack)
    tick(deliverer, at(12, 1))
    slack.posted.clear()
    # down from 2 Dec until Wed 23 Dec 11:00: d14, d7 and d3 (Tue 22) were due
    report = tick(deliverer, at(12, 23, 11))
    assert report.sent == 3 and report.missed == 2  # one reminder each, the latest
    assert reminded(slack) == {"DUB1", "DUB2", "DUC1"}
    assert slot_row(database, "d3")[0] == "done"
    assert slot_row(database, "d14")[0] == slot_row(database, "d7")[0] == "superseded"
    # down again from 23 Dec until Mon 28 Dec 10:00 (after the deadline): d1, d0 not sent
    with database.transaction() as s:  # a company nobody can be told about
        factories.user(s, "console:e1", factories.org(s, "株式会社E"))
    slack.posted.clear()
    report = tick(deliverer, at(12, 28, 10))
    assert reminded(slack) == set()
    assert slot_row(database, "d0")[0] == "missed"
    assert slot_row(database, "d1")[0] == "superseded"
    summary = slack.texts("DUADMIN")  # the summary went to the secretariat instead
    assert "締切（2026年12月25日(金)）後の状況" in summary
    assert "提出 1/5 社、未提出 4 社" in summary
    assert "届け先のない企業: 株式会社E" in summary
    assert "株式会社B" in summary and "20/36 回答済み" in summary
    assert "送れなかったリマインド" in summary and "d0" in summary and "d14" in summary
    assert "リマインド停止: 株式会社D" in summary
    assert [p.channel for p in slack.posted] == ["DUADMIN"]


def test_a_user_who_left_is_recorded_and_shown_to_the_secretariat(database, slack, world):
    slack.gone_users.add("UC1")
    deliverer = make_deliverer(database, slack)
    report = tick(deliverer, at(12, 11))
    assert report.gone == 2  # announcement and reminder
    assert statuses(database, "d14")[f"user:{world['users']['C1']}"] == "gone"
    with database.transaction() as s:
        failures, _ = problem_lines(s, s.get(Round, world["round"]))
    assert any("株式会社C: slack:UC1 [d14] gone (user_not_found)" in f for f in failures)
    tick(deliverer, at(12, 18))
    assert statuses(database, "d7")[f"user:{world['users']['C1']}"] == "gone"
    assert slack.calls["conversations.open"] >= 2
    assert "DUC1" not in {p.channel for p in slack.posted}
    tick(deliverer, at(12, 28))
    assert "配信できなかった宛先: 株式会社C: slack:UC1" in slack.texts("DUADMIN")


def test_rate_limits_are_retried_with_backoff_and_posted_once(database, slack, world):
    deliverer = make_deliverer(database, slack)
    tick(deliverer, at(12, 1))
    # the client retries a 429 twice by itself; the third one reaches the worker
    slack.faults["DUB1"] = ["ratelimited"] * 3 + ["ratelimited"] * 3
    report = tick(deliverer, at(12, 11))
    assert report.retried == 1 and report.sent == 2
    tick(deliverer, at(12, 11, 10, 0) + timedelta(seconds=20))  # backoff 30 s not over
    assert statuses(database, "d14")[f"user:{world['users']['B1']}"] == "pending"
    tick(deliverer, at(12, 11) + timedelta(seconds=31))  # second attempt: 429 again, 60 s
    tick(deliverer, at(12, 11) + timedelta(seconds=80))
    assert statuses(database, "d14")[f"user:{world['users']['B1']}"] == "pending"
    tick(deliverer, at(12, 11) + timedelta(seconds=92))
    assert statuses(database, "d14")[f"user:{world['users']['B1']}"] == "sent"
    assert len([p for p in slack.to("DUB1") if ":d14:" in (p.key or "")]) == 1


def test_attempts_run_out_as_failed(database, slack, world):
    deliverer = make_deliverer(database, slack, max_attempts=2)
    slack.faults["DUC1"] = ["internal_error"] * 10
    now = at(12, 11)
    for step in range(4):
        tick(deliverer, now + timedelta(minutes=5 * step))
    row = statuses(database, "d14")[f"user:{world['users']['C1']}"]
    assert row == "failed"


def test_a_lost_response_is_checked_before_retrying_and_not_posted_twice(database, slack, world):
    deliverer = make_deliverer(database, slack)
    tick(deliverer, at(12, 1))
    slack.faults["DUC1"] = ["lost_response"]  # Slack posted it; the worker saw a 500
    report = tick(deliverer, at(12, 11))
    assert report.retried == 1
    report = tick(deliverer, at(12, 11) + timedelta(minutes=1))
    assert report.confirmed == 1 and report.sent == 0
    assert statuses(database, "d14")[f"user:{world['users']['C1']}"] == "sent"
    assert len([p for p in slack.to("DUC1") if ":d14:" in (p.key or "")]) == 1


def test_a_send_interrupted_by_a_kill_is_settled_by_the_next_worker(database, slack, world):
    """Two deliveries left "sending" by a killed worker: one reached Slack, one did not."""
    deliverer = make_deliverer(database, slack)
    tick(deliverer, at(12, 1))
    slack.faults["DUB1"] = ["lost_response"]
    slack.faults["DUC1"] = ["internal_error"]
    tick(deliverer, at(12, 11))
    with database.transaction() as s:  # as if the process died right after posting
        for row in s.scalars(select(Delivery).where(Delivery.slot == "d14",
                                                    Delivery.status == "pending")):
            row.status = "sending"
    report = tick(make_deliverer(database, slack), at(12, 11, 10, 5))
    assert (report.confirmed, report.resent) == (1, 1)
    assert set(statuses(database, "d14").values()) == {"sent"}
    reminders = [p.key for p in slack.posted if p.key and ":d14:" in p.key]
    assert len(reminders) == len(set(reminders)) == 3


def test_the_mute_button_stops_the_next_reminder(database, slack, world):
    deliverer = make_deliverer(database, slack)
    tick(deliverer, at(12, 11))
    with database.transaction() as s:
        user = s.get(User, world["users"]["C1"])
        replies = handle_round_action(factories.turn(s, user, now=at(12, 11, 12)),
                                      f"round:mute:{world['round']}")
    assert "リマインドを停止しました" in replies[0].fallback()
    assert replies[0].actions[0].value == f"round:unmute:{world['round']}"
    slack.posted.clear()
    tick(deliverer, at(12, 18))
    assert reminded(slack) == {"DUB1", "DUB2"}
    with database.transaction() as s:
        user = s.get(User, world["users"]["C1"])
        handle_round_action(factories.turn(s, user), f"round:unmute:{world['round']}")
    tick(deliverer, at(12, 22))
    assert "DUC1" in reminded(slack)


def test_muted_between_a_failed_try_and_its_retry_is_skipped(database, slack, world):
    deliverer = make_deliverer(database, slack)
    tick(deliverer, at(12, 1))
    slack.faults["DUC1"] = ["internal_error"]
    tick(deliverer, at(12, 11))
    with database.transaction() as s:
        rstore.mute(s, world["round"], world["users"]["C1"], at(12, 11, 10, 1))
    report = tick(deliverer, at(12, 11, 10, 5))
    assert report.skipped == 1
    assert statuses(database, "d14")[f"user:{world['users']['C1']}"] == "skipped"


def test_a_closed_round_sends_nothing_more(database, slack, world):
    from handlers.rounds.service import close_round

    deliverer = make_deliverer(database, slack)
    tick(deliverer, at(12, 11))
    with database.transaction() as s:
        close_round(s, s.get(Round, world["round"]), at(12, 12))
    before = len(slack.posted)
    for now in (at(12, 18), at(12, 25), at(12, 28)):
        tick(deliverer, now)
    assert len(slack.posted) == before
    assert slot_row(database, "summary")[0] == "cancelled"


def test_two_deliverers_at_the_same_moment_send_each_message_once(database, slack, world):
    with database.transaction() as s:  # 30 more companies with two users each
        rnd = s.get(Round, world["round"])
        for n in range(30):
            company = factories.org(s, f"追加企業{n:02d}")
            for k in range(2):
                factories.user(s, f"slack:UZ{n:02d}{k}", company)
        assert rnd is not None

    async def both() -> list[TickReport]:
        first, second = make_deliverer(database, slack), make_deliverer(database, slack)
        return list(await asyncio.gather(first.deliver_due(at(12, 11)),
                                         second.deliver_due(at(12, 11))))

    reports = asyncio.run(both())
    while True:  # whichever lost the lock tries again, as the next tick would
        more = tick(make_deliverer(database, slack), at(12, 11, 10, 1))
        if more.locked and not more.sent:
            break
    assert sum(r.sent for r in reports) > 0
    assert max(slack.keys().values()) == 1
    assert len(slack.posted) == 1 + 5 + 60 + 3 + 60  # announcement + d14


def test_the_default_clock_under_time_machine(database, slack, world):
    deliverer = make_deliverer(database, slack)
    with time_machine.travel(at(12, 11, 10, 30), tick=False):
        report = asyncio.run(deliverer.deliver_due())
    assert report.sent == 6 + 3


def test_announcing_a_round_that_existed_before_the_worker_is_not_repeated(database, slack):
    """Migration 0005 marks running rounds as announced; their reminders still go out."""
    from sqlalchemy import text as sql

    with database.transaction() as s:
        company = factories.org(s, "株式会社Legacy")
        factories.user(s, "slack:UL1", company)
        rnd = factories.round_(s, "ver1.1 既存", version="1.1", opens=at(11, 1),
                               deadline=at(12, 25, 23, 59))
        s.execute(sql("INSERT INTO reminder_slots (round_id, name, kind, due_at, status, note, "
                      "created_at, updated_at) SELECT id, 'open', 'announce', opens_at, 'done', "
                      "'x', created_at, created_at FROM rounds WHERE status <> 'closed'"))
        assert rnd.id
    report = tick(make_deliverer(database, slack), at(12, 11))
    assert report.sent == 1 and ":d14:" in (slack.posted[0].key or "")


def test_answers_table_untouched_by_delivery(database, slack, world):
    before_after = []
    for now in (None, at(12, 11)):
        if now:
            tick(make_deliverer(database, slack), now)
        with database.transaction() as s:
            before_after.append(len(s.scalars(select(Answer)).all()))
    assert before_after[0] == before_after[1] == 36 + 20
    with database.transaction() as s:
        assert s.scalar(select(Organisation).where(Organisation.name == "株式会社A"))
