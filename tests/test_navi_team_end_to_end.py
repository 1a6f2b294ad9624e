"""Issue 18's done-when, through the real adapters: Slack (signed events and clicks against the
fake Web API) and Teams (Bot Framework activities POSTed to /api/messages, the fake connector)
on one database, and the worker (the in-process Deliverer) delivering the assignment DMs, the
approver's summary and the send-back to the fakes.

Three colleagues of テスト株式会社 split the items: the owner (Slack) gives the risk area to
legal (Slack); IT (Teams) is given the rules area by the CAIO (Teams) and names the CAIO the
approver. Legal answers in Slack, IT in Teams, the owner the rest; the CAIO sends the risk area
back through the Teams form, legal fixes it, the CAIO approves and it is submitted. The history
shows every step, and a rival company's users see and change none of it.
"""

from __future__ import annotations

import json
from contextlib import asynccontextmanager
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.slack_notify import SlackNotifier
from bot.teams.notify import TeamsNotifier
from bot.worker import Deliverer
from bot.worker.navi_notices import NaviNotices
from handlers.dates import now_tokyo
from rubrics.loader import RubricRegistry
from store import assignments as team
from store.models import Assessment, Organisation, OrgDomain
from store.reminders import Delivery
from tests.support import fake_connector as fc
from tests.support.fake_connector import settings_for, teams_stack
from tests.support.fake_slack import (
    BOT_TOKEN,
    BOT_USER,
    FIXTURE_RUBRICS,
    click_payload,
    seed_member,
    slack_stack,
)

pytestmark = pytest.mark.asyncio
OWNER, LEGAL, RIVAL = "U0OWNER", "U0LEGAL", "U0RIVAL"  # Slack
IT, CAIO, RIVAL_TEAMS = "aad-it-0001", "aad-caio-0001", "aad-rival-0001"  # Teams (AAD ids)
COMPANY, OTHER = "テスト株式会社", "ライバル株式会社"


@pytest.fixture
def teams_forms(monkeypatch):
    """The fake connector's card check knows our display elements; the send-back form adds
    a choice and a text input."""
    monkeypatch.setattr(fc, "CARD_TYPES", fc.CARD_TYPES | {"Input.Text", "Input.ChoiceSet"})


def rubrics() -> RubricRegistry:
    return RubricRegistry(FIXTURE_RUBRICS)


def seed(database) -> None:
    seed_member(database, org=COMPANY, domain="example.co.jp")
    with database.transaction() as s:
        rival = Organisation(name=OTHER, membership_class="regular", created_at=now_tokyo())
        rival.domains.append(OrgDomain(domain="rival.example"))
        s.add(rival)


@asynccontextmanager
async def stacks(database_url):
    """Slack and Teams servers on the same database, with every person known to both fakes."""
    async with slack_stack(database_url, rubrics=rubrics()) as sl, teams_stack(
            database_url, rubrics=rubrics()) as tm:
        sl.fake.add_user(OWNER, "owner@example.co.jp", name="Owner Sato")
        sl.fake.add_user(LEGAL, "legal@example.co.jp", name="Legal Kato")
        sl.fake.add_user(RIVAL, "spy@rival.example", name="Rival Spy")
        tm.fake.add_member(IT, email="it@example.co.jp", name="IT 鈴木")
        tm.fake.add_member(CAIO, email="caio@example.co.jp", name="CAIO 佐藤")
        tm.fake.add_member(RIVAL_TEAMS, email="spy2@rival.example", name="Rival Teams")
        for user in (OWNER, LEGAL, RIVAL):
            await sl.dm(user, "ヘルプ")  # every person has talked to the bot once
        for aad, name in ((IT, "IT 鈴木"), (CAIO, "CAIO 佐藤"), (RIVAL_TEAMS, "Rival Teams")):
            await tm.say(aad, "ヘルプ", name=name)
        await sl.settle()
        await tick(database_of(sl), sl, tm)  # the round's announcement went out at its opening
        yield sl, tm


def database_of(sl):
    from bot.server import DATABASE_KEY

    return sl.app[DATABASE_KEY]


def worker(database, sl, tm=None) -> Deliverer:
    """The worker as deployed, with both platforms; team messages are its "navi" subject."""
    notifiers = {"slack": SlackNotifier(BOT_TOKEN, sl.fake.api_url, database, now_tokyo)}
    if tm is not None:
        notifiers["teams"] = TeamsNotifier(settings_for(tm.fake), database, now_tokyo)
    deliverer = Deliverer(database, notifiers, pace={}, rubrics=rubrics())
    assert isinstance(deliverer.subjects["navi"], NaviNotices)
    return deliverer


async def tick(database, sl, tm=None, at=None) -> int:
    """One worker tick (at `at`, default now); how many team messages (navi:…) it sent."""
    before = team_sent(database)
    deliverer = worker(database, sl, tm)
    try:
        await deliverer.deliver_due(at)
    finally:
        for notifier in deliverer.notifiers.values():
            await notifier.close()
    return team_sent(database) - before


def team_sent(database) -> int:
    with database.transaction() as s:
        return s.scalar(select(func.count()).select_from(Delivery).where(
            Delivery.subject.like("navi:%"), Delivery.status == "sent")) or 0


# ----- Slack and Teams as a person uses them --------------------------------------------------


def dm(user: str) -> str:
    return f"D{user}"


def slack_text(sl, user: str) -> str:
    return "\n".join(m["text"] for m in sl.fake.posts(dm(user)))


def slack_button(sl, user: str, test) -> tuple[dict, str] | None:
    """The newest message in the user's DM with a live button whose value passes `test`."""
    for message in reversed(sl.fake.posts(dm(user))):
        for block in message.get("blocks", []):
            for element in block.get("elements", []) if block["type"] == "actions" else []:
                if test(element.get("value") or ""):
                    return message, element["value"]
    return None


async def slack_press(sl, user: str, test) -> str:
    found = slack_button(sl, user, test)
    assert found is not None, f"no button for {user}"
    message, value = found
    await sl.click(user, message, value=value)
    await sl.settle()
    return value


async def slack_say(sl, user: str, text: str) -> str:
    """Type in the DM; what the bot answered (every message posted since)."""
    before = len(sl.fake.posts(dm(user)))
    await sl.dm(user, text)
    await sl.settle()
    return "\n".join(m["text"] for m in sl.fake.posts(dm(user))[before:])


async def slack_answer_all(sl, user: str, level: int) -> list[str]:
    """Click level `level` on each item question shown, until none is live; the item ids."""
    seen = []
    for _ in range(12):
        value = slack_button(sl, user, lambda v: v.startswith("navi:level:")
                             and v.endswith(f":{level}"))
        if value is None:
            break
        seen.append(value[1].split(":")[3])
        await slack_press(sl, user, lambda v, want=value[1]: v == want)
    return seen


def conv(aad: str) -> str:
    return f"a:personal-{aad}"


def teams_text(tm, aad: str) -> str:
    return "\n".join(p.text for p in tm.fake.sent(conv(aad)))


def teams_button(tm, aad: str, test):
    for posted in reversed(tm.fake.sent(conv(aad))):
        for _title, value in posted.buttons:
            if test(value):
                return posted, value
    return None


async def teams_press(tm, aad: str, test, name: str = "", **form: str) -> str:
    """Press a button (with a form's inputs when given); what the bot answered."""
    found = teams_button(tm, aad, test)
    assert found is not None, f"no button for {aad}"
    posted, value = found
    data = {"aiga": value, **form}
    before = len(tm.fake.sent(conv(aad)))
    response = await tm.post(tm.activity(aad, value=data, reply_to=posted.id,
                                         **({"name": name} if name else {})))
    assert response.status == 200
    return "\n".join(p.text for p in tm.fake.sent(conv(aad))[before:])


async def teams_say(tm, aad: str, text: str, mentions: dict[str, str] | None = None,
                    name: str = "") -> str:
    """Type in the 1:1 chat; `mentions` {shown name: AAD id} are Teams @mentions in it."""
    activity = tm.activity(aad, text=text, **({"name": name} if name else {}))
    for shown, who in (mentions or {}).items():
        activity["entities"].append({"type": "mention", "text": f"<at>{shown}</at>",
                                     "mentioned": {"id": f"29:{who}", "name": shown}})
    before = len(tm.fake.sent(conv(aad)))
    await tm.post(activity)
    return "\n".join(p.text for p in tm.fake.sent(conv(aad))[before:])


async def teams_answer_all(tm, aad: str, level: int) -> list[str]:
    seen = []
    for _ in range(12):
        found = teams_button(tm, aad, lambda v: v.startswith("navi:level:")
                             and v.endswith(f":{level}"))
        if found is None:
            break
        seen.append(found[1].split(":")[3])
        await teams_press(tm, aad, lambda v, want=found[1]: v == want)
    return seen


def status_of(database) -> str:
    with database.transaction() as s:
        return s.scalar(select(Assessment.status).join(Organisation).where(
            Organisation.name == COMPANY)) or ""


def counts(database) -> tuple[int, ...]:
    with database.transaction() as s:
        return tuple(s.scalar(select(func.count()).select_from(model)) or 0 for model in (
            team.Assignment, team.Approver, team.SignOff, team.HistoryEntry, Delivery))


# ----- the done-when ----------------------------------------------------------------------------


async def test_three_colleagues_two_platforms_send_back_fix_approve_submit(
        database_url, database, teams_forms):
    seed(database)
    async with stacks(database_url) as (sl, tm):
        # the owner starts in Slack and gives the risk area (items 16-17) to legal by mention
        await slack_say(sl, OWNER, "ナビを始める")
        await slack_press(sl, OWNER, lambda v: v.startswith("navi:confirm:") and v.endswith(
            ":yes"))
        await slack_press(sl, OWNER, lambda v: v.startswith("navi:role") and "both" in v)
        due = (now_tokyo() + timedelta(days=10)).date()
        out = await slack_say(sl, OWNER, f"項目 16-17 を <@{LEGAL}> に {due.month}月{due.day}日まで")
        assert "16, 17" in out and "Legal Kato" in out and f"{due.month}月{due.day}日" in out
        # in Teams the CAIO gives the rules area to IT, and IT names the CAIO the approver,
        # both by Teams @mention (a chat id: found through the stored conversation reference)
        out = await teams_say(tm, CAIO, "領域 1 を <at>IT 鈴木</at> に", {"IT 鈴木": IT},
                              name="CAIO 佐藤")
        assert "1, 2" in out and "IT 鈴木" in out
        out = await teams_say(tm, IT, "承認者 <at>CAIO 佐藤</at>", {"CAIO 佐藤": CAIO},
                              name="IT 鈴木")
        assert "CAIO 佐藤" in out
        listed = await slack_say(sl, OWNER, "担当")
        assert "Legal Kato" in listed and "IT 鈴木" in listed and "未割り当て" in listed

        # the worker tells each assignee once, on their own platform
        assert await tick(database, sl, tm) == 2
        assert await tick(database, sl, tm) == 0  # a restart sends nothing twice
        assert "16. " in slack_text(sl, LEGAL) and "17. " in slack_text(sl, LEGAL)
        assert "項目1: 未回答" in teams_text(tm, IT) and "項目2: 未回答" in teams_text(tm, IT)
        assert "項目16" not in teams_text(tm, IT) and "CAIO 佐藤 さんから" in teams_text(tm, IT)

        # legal answers in Slack from the DM's button, IT in Teams from the card's button
        await slack_press(sl, LEGAL, lambda v: v.startswith("navi:mine:"))
        assert await slack_answer_all(sl, LEGAL, 3) == ["data-ip", "use-ip"]
        assert "担当の項目はすべて回答しました" in slack_text(sl, LEGAL)
        await teams_press(tm, IT, lambda v: v.startswith("navi:mine:"), name="IT 鈴木")
        assert await teams_answer_all(tm, IT, 2) == ["policy", "usage"]
        status = await slack_say(sl, OWNER, "状況")
        assert "未回答（Legal Kato）: —" in status and "未回答（IT 鈴木）: —" in status

        # the owner answers the rest; the last answer sends the summary to the approver
        await slack_say(sl, OWNER, "続き")
        assert set(await slack_answer_all(sl, OWNER, 3)) >= {"cases", "owner"}
        assert "承認者 CAIO 佐藤 さんに要約を送りました" in slack_text(sl, OWNER)
        assert "承認待ち" in await slack_say(sl, OWNER, "提出")
        assert status_of(database) == "in_progress"
        assert await tick(database, sl, tm) == 1
        summary = teams_button(tm, CAIO, lambda v: v.startswith("team:approve:"))
        assert summary is not None and "総合スコア" in teams_text(tm, CAIO)
        assert "各リスク領域への対策" in teams_text(tm, CAIO)
        old_approve = summary[1]
        who = await teams_say(tm, IT, "回答者", name="IT 鈴木")
        assert "Legal Kato" in who and "IT 鈴木" in who

        # the approver sends the risk area back through the Teams form; a blank comment first
        form = await teams_press(tm, CAIO, lambda v: v.startswith("team:sendback:"))
        assert "差し戻" in form
        card = teams_button(tm, CAIO, lambda v: v.startswith("team:sendback:"))
        assert card is not None and "Input.ChoiceSet" in json.dumps(card[0].card)
        key = f"team:signoff:{card[1].split(':', 2)[2]}"
        out = await teams_press(tm, CAIO, lambda v: v == card[1], aiga_form=key, area="4",
                                comment="   ")
        assert "コメントが必要" in out and status_of(database) == "in_progress"
        out = await teams_press(tm, CAIO, lambda v: v == card[1], aiga_form=key, area="4",
                                comment="根拠の資料（規程の版数）を添えてください")
        assert "16, 17" in out and "Legal Kato" in out
        assert teams_button(tm, CAIO, lambda v: v == old_approve) is None  # card replaced
        assert await tick(database, sl, tm) == 1
        assert "根拠の資料（規程の版数）を添えてください" in slack_text(sl, LEGAL)
        assert "見直していません" in await slack_say(sl, OWNER, "提出")

        # legal revises from the send-back's button; the last revision asks again by itself
        await slack_press(sl, LEGAL, lambda v: v.startswith("navi:mine:"))
        assert await slack_answer_all(sl, LEGAL, 4) == ["data-ip", "use-ip"]
        assert "要約を送りました" in slack_text(sl, LEGAL)
        assert await tick(database, sl, tm) == 1
        new = teams_button(tm, CAIO, lambda v: v.startswith("team:approve:"))
        assert new is not None and new[1] != old_approve
        stale = await tm.post(tm.activity(CAIO, value={"aiga": old_approve}))
        assert stale.status == 200 and "この要約の後に" in tm.fake.sent(conv(CAIO))[-1].text
        out = await teams_press(tm, CAIO, lambda v: v == new[1])
        assert "提出しました" in out
        assert status_of(database) == "submitted"
        assert await tick(database, sl, tm) == 0

        # the history, read in Slack and in Teams, shows every step
        for history in (await slack_say(sl, OWNER, "履歴"),
                        await teams_say(tm, IT, "履歴", name="IT 鈴木")):
            for step in ("割り当て", "承認者を CAIO 佐藤", "承認を依頼", "差し戻し",
                         "根拠の資料", "承認", "提出", "項目 16 → レベル3", "項目 16 → レベル4",
                         "項目 1 → レベル2", "Legal Kato", "IT 鈴木", "Owner Sato"):
                assert step in history, step
        assert sl.fake.problems == [] and tm.fake.problems == []

        # the rival company sees and changes none of it, on either platform
        before = counts(database)
        aid = int(new[1].split(":")[2])
        leaks = ("Legal Kato", "IT 鈴木", "CAIO 佐藤", COMPANY, "根拠の資料")
        for typed in ("状況", "担当", "回答者", "履歴", "承認", "承認者",
                      "差し戻し 領域 4 だめ", f"項目 1 を <@{OWNER}> に"):
            seen = await slack_say(sl, RIVAL, typed)
            assert not any(leak in seen for leak in leaks), (typed, seen)
        forged = {"ts": "1800009999.000100", "channel": dm(RIVAL), "text": "x", "blocks": [{
            "type": "actions", "block_id": "b", "elements": [{
                "type": "button", "action_id": "navi-0", "text": {"type": "plain_text",
                                                                  "text": "承認"},
                "value": f"team:approve:{aid}:2"}]}]}
        for value in (f"team:approve:{aid}:2", f"team:sendback:{aid}:2", f"navi:mine:{aid}"):
            forged["blocks"][0]["elements"][0]["value"] = value
            forged["ts"] = f"18000{len(value)}{aid}.000100"
            await sl.interaction(click_payload(RIVAL, forged, forged["blocks"][0]["elements"][0],
                                               forged["blocks"][0]))
            await sl.settle()
        for data in ({"aiga": f"team:approve:{aid}:2"},
                     {"aiga": f"team:sendback:{aid}:2", "aiga_form": f"team:signoff:{aid}:2",
                      "area": "4", "comment": "偽の差し戻し"}):
            assert (await tm.post(tm.activity(RIVAL_TEAMS, value=data))).status == 200
        for typed in ("状況", "回答者", "履歴"):
            await teams_say(tm, RIVAL_TEAMS, typed)
        rival_seen = slack_text(sl, RIVAL) + teams_text(tm, RIVAL_TEAMS)
        assert not any(leak in rival_seen for leak in leaks)
        assert "承認待ちの依頼はありません" in rival_seen
        assert counts(database) == before and status_of(database) == "submitted"
        assert await tick(database, sl, tm) == 0


async def test_a_channel_mention_keeps_the_colleague_and_drops_only_the_bot(database_url,
                                                                           database):
    """「@navi 項目 16-17 を @legal に」 in a channel: the bot's own mention goes, legal's stays."""
    seed(database)
    async with slack_stack(database_url, rubrics=rubrics()) as sl:
        sl.fake.add_user(OWNER, "owner@example.co.jp", name="Owner Sato")
        sl.fake.add_user(LEGAL, "legal@example.co.jp", name="Legal Kato")
        for user in (OWNER, LEGAL):
            await sl.dm(user, "ヘルプ")
        await sl.settle()
        await slack_say(sl, OWNER, "ナビを始める")
        await slack_press(sl, OWNER, lambda v: v.startswith("navi:confirm:") and v.endswith(
            ":yes"))
        await slack_press(sl, OWNER, lambda v: v.startswith("navi:role") and "both" in v)
        await sl.event({"type": "app_mention", "user": OWNER, "channel": "C0GENERAL",
                        "text": f"<@{BOT_USER}> 項目 16-17 を <@{LEGAL}|legal> に",
                        "ts": "1.0", "event_ts": "1.0"})
        await sl.settle()
        assert "16, 17" in sl.fake.posts(dm(OWNER))[-1]["text"]  # the answer goes to the DM
        assert "Legal Kato" in sl.fake.posts(dm(OWNER))[-1]["text"]
        assert not sl.fake.posts("C0GENERAL")  # nothing about the company in the channel
        # the bot's mention alone, even in the middle, is still only an address
        await sl.event({"type": "app_mention", "user": OWNER, "channel": "C0GENERAL",
                        "text": f"担当 <@{BOT_USER}>", "ts": "2.0", "event_ts": "2.0"})
        await sl.settle()
        assert "Legal Kato" in sl.fake.posts(dm(OWNER))[-1]["text"]
    with database.transaction() as s:
        held = list(s.scalars(select(team.Assignment)))
        assert sorted(a.item_id for a in held) == ["data-ip", "use-ip"]


# ----- round reminders, an approver on Slack, a reopened assessment ------------------------------


async def start_as_owner(sl) -> None:
    await slack_say(sl, OWNER, "ナビを始める")
    await slack_press(sl, OWNER, lambda v: v.startswith("navi:confirm:") and v.endswith(":yes"))
    await slack_press(sl, OWNER, lambda v: v.startswith("navi:roles:") and v.endswith(":both"))


async def test_round_reminders_reach_every_assignee_of_open_items_once(database_url, database):
    seed(database)
    async with stacks(database_url) as (sl, tm):
        await start_as_owner(sl)
        await slack_say(sl, OWNER, f"項目 16-17 を <@{LEGAL}> に")  # legal leaves them open
        await teams_say(tm, CAIO, "領域 1 を <at>IT 鈴木</at> に", {"IT 鈴木": IT})
        await tick(database, sl, tm)
        await teams_press(tm, IT, lambda v: v.startswith("navi:mine:"))
        assert await teams_answer_all(tm, IT, 2) == ["policy", "usage"]  # IT's are done
        with database.transaction() as s:
            deadline = s.scalar(select(Assessment).join(Organisation).where(
                Organisation.name == COMPANY)).round.deadline_at
        later = deadline - timedelta(days=6)  # the d14 and d7 reminders are both overdue
        await tick(database, sl, tm, at=later)
        await tick(database, sl, tm, at=later + timedelta(hours=1))  # nothing twice
        with database.transaction() as s:
            rows = list(s.scalars(select(Delivery).where(Delivery.slot.like("d%"),
                                                         Delivery.status == "sent")))
            sent = sorted(r.address for r in rows)
        everyone = sorted([OWNER, LEGAL, RIVAL, IT, CAIO, RIVAL_TEAMS])
        assert sent == everyone  # each company's users once; assignees not twice
        assert len({r.slot for r in rows}) == 1  # only the latest of the overdue ones
        assert sl.fake.problems == [] and tm.fake.problems == []


async def test_an_approver_on_slack_sends_back_typed_then_approves_by_button(database_url,
                                                                             database):
    seed(database)
    async with stacks(database_url) as (sl, tm):
        await start_as_owner(sl)
        assert "Legal Kato" in await slack_say(sl, OWNER, f"承認者 <@{LEGAL}>")
        assert await slack_answer_all(sl, OWNER, 3)
        assert "承認者 Legal Kato さんに要約を送りました" in slack_text(sl, OWNER)
        assert await tick(database, sl, tm) == 1
        assert slack_button(sl, LEGAL, lambda v: v.startswith("team:approve:")) is not None
        assert "総合スコア" in slack_text(sl, LEGAL)
        out = await slack_say(sl, LEGAL, "差し戻し 項目 24 監視の頻度を書いてください")
        assert "24" in out and "Owner Sato" in out
        assert await tick(database, sl, tm) == 1  # to the owner, who answered item 24
        assert "監視の頻度を書いてください" in slack_text(sl, OWNER)
        await slack_press(sl, OWNER, lambda v: v.startswith("navi:mine:"))
        assert await slack_answer_all(sl, OWNER, 2) == ["monitoring"]
        assert await tick(database, sl, tm) == 1
        await slack_press(sl, LEGAL, lambda v: v.startswith("team:approve:") and v.endswith(":2"))
        assert "提出しました" in slack_text(sl, LEGAL)
        assert status_of(database) == "submitted"
        assert sl.fake.problems == []


async def test_the_slack_send_back_button_opens_the_comment_modal(database_url, database):
    seed(database)
    async with stacks(database_url) as (sl, tm):
        await start_as_owner(sl)
        await slack_say(sl, OWNER, f"承認者 <@{LEGAL}>")
        await slack_answer_all(sl, OWNER, 3)
        await tick(database, sl, tm)
        await slack_press(sl, LEGAL, lambda v: v.startswith("team:sendback:"))
        [opened] = sl.fake.called("views.open")
        view = {**opened.args["view"], "id": "VSENDBACK"}
        state = {"area": {"area": {"type": "static_select", "selected_option": {"value": "5"}}},
                 "comment": {"comment": {"type": "plain_text_input", "value": "頻度を"}}}
        reply = await sl.interaction({
            "type": "view_submission", "user": {"id": LEGAL, "team_id": "T0AIGA"},
            "team": {"id": "T0AIGA"}, "api_app_id": "A0NAVI",
            "view": {**view, "state": {"values": state}}})
        assert reply.status == 200
        await sl.settle()
        assert "24" in sl.fake.posts(dm(LEGAL))[-1]["text"]


async def test_resubmission_after_the_secretariat_reopens(database_url, database):
    seed(database)
    async with stacks(database_url) as (sl, tm):
        await start_as_owner(sl)
        await slack_say(sl, OWNER, f"承認者 <@{LEGAL}>")
        await slack_answer_all(sl, OWNER, 3)
        await tick(database, sl, tm)
        await slack_press(sl, LEGAL, lambda v: v.startswith("team:approve:"))
        assert status_of(database) == "submitted"
        # a member cannot reopen; the secretariat can, with a reason
        with database.transaction() as s:
            round_id = s.scalar(select(Assessment.round_id))
        refused = await slack_say(sl, OWNER, f'提出取消 {round_id} {COMPANY} 理由="訂正"')
        assert status_of(database) == "submitted" and "事務局（管理者）のみ" in refused
        async with teams_stack(database_url, rubrics=rubrics(),
                               admins=frozenset({f"teams:{CAIO}"})) as admin_tm:
            admin_tm.fake.add_member(CAIO, email="caio@example.co.jp", name="CAIO 佐藤")
            await admin_tm.say(CAIO, f'提出取消 {round_id} {COMPANY} 理由="項目16の訂正"')
        assert status_of(database) == "in_progress"
        # the company corrects item 16; submitting asks the approver again (request 2)
        await slack_say(sl, OWNER, "項目 16")
        await slack_press(sl, OWNER, lambda v: v.startswith("navi:level:") and ":data-ip:" in v
                          and v.endswith(":4"))
        out = await slack_say(sl, OWNER, "提出")
        assert "承認待ち" in out or "要約を送りました" in out
        assert status_of(database) == "in_progress"
        assert await tick(database, sl, tm) == 1
        stale = slack_button(sl, LEGAL, lambda v: v.startswith("team:approve:") and v.endswith(
            ":2"))
        assert stale is not None
        await slack_press(sl, LEGAL, lambda v: v == stale[1])
        assert status_of(database) == "submitted"
        history = await slack_say(sl, OWNER, "履歴")
        assert "事務局: 提出を取り消し" in history and "項目16の訂正" in history
        assert history.count("Legal Kato: 承認") >= 2 and "項目 16 → レベル4" in history
        assert "項目16の訂正" not in slack_text(sl, RIVAL) + teams_text(tm, RIVAL_TEAMS)


async def test_only_the_bots_own_mention_is_dropped_from_a_channel_message():
    from bot.slack import payloads
    from bot.slack.listeners import bot_ids, without_bot

    bots = frozenset({BOT_USER})
    assert without_bot(f"<@{BOT_USER}> 項目 1 を <@{LEGAL}|legal> に", bots) == (
        f"項目 1 を <@{LEGAL}|legal> に")
    assert without_bot(f"<@{BOT_USER}|navi> 担当 <@{BOT_USER}>", bots) == "担当"
    assert without_bot(f"<@{BOT_USER}>", bots) == ""
    # no bot id known at all: only the first mention (the one addressing the bot) goes
    assert without_bot(f"<@{BOT_USER}> 承認者 <@{LEGAL}>", frozenset()) == f"承認者 <@{LEGAL}>"
    assert without_bot("<@lowercase> <@U1|" + "x" * 5000 + ">", bots).startswith("<@lowercase>")
    envelope, _ = payloads.event_callback({
        "type": "event_callback", "event_id": "Ev1", "team_id": "T0AIGA",
        "event": {"type": "app_mention", "user": OWNER, "channel": "C1", "text": "x"},
        "authorizations": [{"user_id": "UHUMAN", "is_bot": False},
                           {"user_id": BOT_USER, "is_bot": True}]})
    assert bot_ids(envelope, None) == bots  # a person's authorization is not the bot
    assert bot_ids(envelope, type("Ctx", (), {"bot_user_id": "UFROMAUTH"})()) == bots | {
        "UFROMAUTH"}
