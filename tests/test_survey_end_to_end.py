"""Issue 17's "done when", end to end: the secretariat drafts a five-question survey in a
spreadsheet, imports it (`aiga-bot survey create`), previews it, sends it to every regular
member; the real worker (`aiga-bot worker --once`, a child process) announces it on Slack and
Teams; three companies answer — through the real Slack app (signed clicks, a signed DM, a
modal), through /api/messages with Bot Framework activities, and through `aiga-bot console` —
and `aiga-bot survey report` shows the counts. On SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import csv
import json
import os
import re
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook

from handlers.dates import now_tokyo
from store.models import Organisation, OrgDomain
from tests.support import factories
from tests.support.fake_connector import teams_stack
from tests.support.fake_slack import BOT_TOKEN, slack_stack

pytestmark = pytest.mark.asyncio
ROOT = Path(__file__).resolve().parent.parent
SLACK_USER, TEAMS_USER = "U0ASATO", "aad-b-suzuki-0001"
TEAMS_CONV = f"a:personal-{TEAMS_USER}"


def workbook(path: Path) -> Path:
    """The questionnaire as the secretariat drafts it in Excel (Japanese headers and words)."""
    book = Workbook()
    settings = book.active
    settings.title = "設定"
    for row in (("タイトル", "AI事業者ガイドライン改定案への意見"),
                ("説明", "パブリックコメント提出のため、金曜までにご回答ください。"),
                ("回答単位", "1社1回答"), ("匿名性", "記名"), ("対象", "class:regular"),
                ("締切", (now_tokyo() + timedelta(days=14)).date())):
        settings.append(row)
    questions = book.create_sheet("設問")
    questions.append(("種類", "設問", "必須", "選択肢"))
    questions.append(("単一選択", "改定案の方向性に賛成ですか", "必須", "賛成|反対|どちらとも言えない"))
    questions.append(("複数選択", "意見のある章", "任意", "総論|開発者|提供者|利用者"))
    questions.append(("5段階", "実務への影響の大きさ", "必須", None))
    questions.append(("短文", "回答部署", "任意", None))
    questions.append(("長文", "ご意見", "必須", None))
    book.save(path)
    return path


def seed(database) -> None:
    """Three regular members (A: Slack, B: Teams, C: console), one associate (D, not asked)."""
    now = now_tokyo()
    with database.transaction() as s:
        for name, domain in (("A社", "a.example.co.jp"), ("B社", "b.example.co.jp"),
                             ("C社", None)):
            org = Organisation(name=name, membership_class="regular", created_at=now)
            if domain:
                org.domains.append(OrgDomain(domain=domain))
            s.add(org)
        associate = factories.org(s, "D社", membership_class="smb")
        factories.user(s, "slack:U0DSMB", associate)


def child_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AIGA_", "SLACK_", "DATABASE_URL", "TEST_DATABASE_URL",
                                "MICROSOFT_"))}
    return {**env, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT), **extra}


async def aiga_bot(args: list[str], env: dict[str, str], cwd: Path,
                   stdin: str | None = None) -> str:
    """Run the CLI as a child process while this event loop keeps serving the fakes."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", *args, env=env, cwd=cwd,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate((stdin or "").encode()), 180)
    assert proc.returncode == 0, (args, out.decode(), err.decode())
    return out.decode()


# ----- answering through each surface ---------------------------------------------------------


async def answer_on_slack(stack) -> None:
    """A社 (Slack): buttons, a typed DM for the short text, the modal for the long one."""
    channel = f"D{SLACK_USER}"

    async def press(label: str) -> None:
        message = stack.fake.last_with_buttons(channel)
        assert (await stack.click(SLACK_USER, message, label=label)).status == 200
        await stack.settle()

    await press("回答する")  # on the worker's announcement
    await press("回答を始める")
    await press("賛成")
    await press("☐ 総論")
    await press("☐ 利用者")
    await press("決定")
    await press("4")
    assert (await stack.dm(SLACK_USER, "法務部")).status == 200
    await stack.settle()
    await press("入力フォーム")  # Q5: a modal (views.open with the click's trigger)
    [opened] = stack.fake.called("views.open")
    view = opened.args["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view["blocks"][0]["element"]["multiline"] is True
    submit = {"type": "view_submission", "user": {"id": SLACK_USER, "team_id": "T0AIGA"},
              "team": {"id": "T0AIGA"}, "api_app_id": "A0NAVI",
              "view": {**view, "id": "VSURVEY1", "state": {"values": {"answer": {"answer": {
                  "type": "plain_text_input", "value": "学習データの扱いを明確にしてほしい"}}}}}}
    reply = await stack.interaction(submit)
    assert reply.status == 200 and "errors" not in reply.body, reply.body
    await stack.settle()
    await press("送信する")
    assert "回答を送信しました" in stack.fake.posts(channel)[-1]["text"]
    assert stack.fake.problems == []


async def answer_on_teams(stack) -> None:
    """B社 (Teams): Action.Submit clicks on the cards, typed text, skipping an optional one."""
    async def press(label: str) -> None:
        card = stack.fake.last_card(TEAMS_CONV)
        assert (await stack.click(TEAMS_USER, card, label)).status in (200, 201, 202)

    await press("回答する")
    await press("回答を始める")
    await press("賛成")
    await press("☐ 開発者")
    await press("決定")
    await press("5")
    await press("スキップ")  # Q4 is optional
    assert (await stack.say(TEAMS_USER, "AI調達の基準を示してほしい")).status in (200, 201, 202)
    await press("送信する")
    assert "回答を送信しました" in stack.fake.sent(TEAMS_CONV)[-1].text
    assert stack.fake.problems == []


CONSOLE_LINES = ["アンケート回答 {sid}", "1", "2", "1", "2", "企画部",
                 "リスク評価の例示を増やしてほしい", "送信"]


# ----- the whole path -----------------------------------------------------------------------


async def test_spreadsheet_to_report_through_slack_teams_and_the_console(
        database_url, database, tmp_path):
    seed(database)
    env = child_env(database_url)
    created = await aiga_bot(["survey", "create", str(workbook(tmp_path / "q.xlsx"))], env,
                             tmp_path)
    sid = int(re.search(r"survey #(\d+) created \(draft\)", created).group(1))
    assert "5 questions" in created and "class:regular" in created
    preview = await aiga_bot(["survey", "preview", str(sid)], env, tmp_path)
    assert "PREVIEW" in preview and "改定案の方向性に賛成ですか" in preview
    assert "問5/5" in preview and "Q5/5" in preview
    sent = await aiga_bot(["survey", "send", str(sid)], env, tmp_path)
    assert "open for 3 companies" in sent  # the regular members, not D社

    async with slack_stack(database_url) as slack, teams_stack(database_url) as teams:
        slack.fake.add_user(SLACK_USER, "sato@a.example.co.jp", name="佐藤")
        assert (await slack.dm(SLACK_USER, "ヘルプ")).status == 200  # links A社 by domain
        await slack.settle()
        teams.fake.add_member(TEAMS_USER, email="suzuki@b.example.co.jp", name="鈴木")
        await teams.say(TEAMS_USER, "ヘルプ")  # links B社, keeps the conversation reference
        worker_env = child_env(
            database_url, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_API_URL=slack.fake.api_url,
            MICROSOFT_ALLOWED_SERVICE_URLS=teams.fake.url,
            MICROSOFT_OPENID_METADATA_URL=teams.fake.metadata_url,
            AIGA_ANNOUNCE_CHANNELS="slack:C0ANNOUNCE", AIGA_SLACK_RATE="100")
        ticks = [await aiga_bot(["worker", "--once"], worker_env, tmp_path) for _ in range(2)]
        assert "sent=" in ticks[0], ticks
        announced = [m for m in slack.fake.posts() if "AI事業者ガイドライン改定案への意見" in m["text"]]
        assert sorted(m["channel"] for m in announced) == ["C0ANNOUNCE", f"D{SLACK_USER}"]
        assert not slack.fake.posts("DU0DSMB")  # the associate member is not asked
        cards = [p for p in teams.fake.sent(TEAMS_CONV) if "改定案への意見" in p.text]
        assert len(cards) == 1  # once, although the worker ran twice

        await answer_on_slack(slack)
        await answer_on_teams(teams)
    script = "\n".join(CONSOLE_LINES).format(sid=sid) + "\n"
    console = await aiga_bot(["console", "--user", "c-tanaka", "--org", "C社"], env, tmp_path,
                             stdin=script)
    assert "回答を送信しました" in console, console

    status = await aiga_bot(["survey", "status", str(sid)], env, tmp_path)
    assert "3社 / 3社" in status, status
    report = await aiga_bot(["survey", "report", str(sid), "--csv", "r.csv", "--xlsx", "r.xlsx"],
                            env, tmp_path)
    assert "n=3" in report
    assert "A社: 学習データの扱いを明確にしてほしい" in report
    assert "B社: AI調達の基準を示してほしい" in report
    assert "C社: リスク評価の例示を増やしてほしい" in report
    with open(tmp_path / "r.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    counts = {(r["question"], r["choice"]): (int(r["count"]), int(r["n"]))
              for r in rows if r["scope"] == "all"}
    assert counts[("1", "1")] == (2, 3) and counts[("1", "2")] == (1, 3)  # 賛成 2, 反対 1
    assert counts[("1", "3")] == (0, 3)
    assert [counts[("2", str(i))][0] for i in range(1, 5)] == [2, 1, 0, 1]  # multi choice
    assert [counts[("3", str(i))][0] for i in range(1, 6)] == [0, 1, 0, 1, 1]  # 2, 4, 5
    texts = {(r["question"], r["company"], r["text"]) for r in rows if r["scope"] == "free_text"}
    assert texts == {("4", "A社", "法務部"), ("4", "C社", "企画部"),
                     ("5", "A社", "学習データの扱いを明確にしてほしい"),
                     ("5", "B社", "AI調達の基準を示してほしい"),
                     ("5", "C社", "リスク評価の例示を増やしてほしい")}
    assert (tmp_path / "r.xlsx").stat().st_size > 0
