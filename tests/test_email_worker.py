"""E-mail through the real worker process (`python -m bot.cli worker --once`) against a file
SQLite database and PostgreSQL, a local fake Slack and a real SMTP server on loopback:

* a company whose people are not in the chat gets the round announcement and the reminder by
  e-mail at each contact, once each, in the contact's language — however many times the worker
  runs, and although the SMTP server was down on the first run (connection refused → retried);
* a company with a Slack user gets no e-mail; a company that submitted gets no reminder;
* the mailing list gets the announcement the channel gets;
* a refused address (550) ends "gone" and `round failures` shows "bounced/refused: 550 …";
* the SMTP password never appears in the worker's output (LOG_LEVEL=DEBUG).
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from handlers.dates import now_tokyo
from handlers.rounds.service import open_round
from rubrics import registry
from store import contacts
from store.db import Database
from store.reminders import Delivery
from tests.support import factories
from tests.test_email_notify import LIST, PASSWORD, SENDER, USER, SmtpServer, free_port
from tests.test_worker_fakeslack import FakeSlack
from tests.test_worker_processes import url  # noqa: F401  (the SQLite / PostgreSQL fixture)

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "xoxb-test-0000-not-a-secret"


def seed(db_url: str) -> int:
    """Mail only (two contacts, ja and en), chat (a Slack user and a contact), submitted (one
    contact), and a round whose announcement and d30 reminder are both due."""
    db = Database(db_url)
    now = now_tokyo()
    with db.transaction() as s:
        mail_only = factories.org(s, "メールだけ株式会社")
        contacts.add_contact(s, mail_only, "hanako@mail-only.example.jp", now, name="花子")
        contacts.add_contact(s, mail_only, "john@mail-only.example.jp", now, name="John",
                             lang="en")
        contacts.add_contact(s, mail_only, "gone@mail-only.example.jp", now)
        chat = factories.org(s, "チャット株式会社")
        factories.user(s, "slack:UCHAT1", chat)
        contacts.add_contact(s, chat, "never@chat.example.jp", now)
        done = factories.org(s, "提出済み株式会社")
        contacts.add_contact(s, done, "done@submitted.example.jp", now)
        rnd = open_round(s, registry(), rubric_version="1.1",
                         opens=(now - timedelta(days=40)).date(),
                         deadline=(now + timedelta(days=5)).date(), name="メール試験", now=now)
        factories.assessment(s, done, rnd, {}, submitted=True)
        round_id = rnd.id
    db.dispose()
    return round_id


def aiga_bot(args: list[str], db_url: str, slack: FakeSlack, smtp_port: int,
             tmp: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AIGA_", "SLACK_", "DATABASE_URL", "TEST_DATABASE_URL",
                                "MICROSOFT_"))}
    env.update(DATABASE_URL=db_url, SLACK_BOT_TOKEN=TOKEN, SLACK_API_URL=slack.url,
               AIGA_REMINDER_DAYS="30", AIGA_ANNOUNCE_CHANNELS="slack:CANNOUNCE",
               AIGA_SLACK_RATE="100", AIGA_DELIVERY_BACKOFF_SECONDS="0",
               AIGA_SMTP_HOST="127.0.0.1", AIGA_SMTP_PORT=str(smtp_port), AIGA_SMTP_TLS="none",
               AIGA_SMTP_USERNAME=USER, AIGA_SMTP_PASSWORD=PASSWORD, AIGA_SMTP_TIMEOUT="5",
               AIGA_MAIL_FROM=SENDER, AIGA_MAILING_LIST=LIST, LOG_LEVEL="DEBUG",
               LOG_FORMAT="text", PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], env=env, cwd=tmp,
                          capture_output=True, text=True, timeout=120)


def statuses(db_url: str) -> dict[str, int]:
    db = Database(db_url)
    with db.transaction() as s:
        rows = dict(s.execute(select(Delivery.status, func.count())
                              .group_by(Delivery.status)).all())
    db.dispose()
    return rows


def test_companies_outside_the_chat_get_each_notice_once_by_email(url, tmp_path):  # noqa: F811
    round_id = seed(url)
    port = free_port()
    outputs = []
    with FakeSlack() as slack:
        # 1. the SMTP server is down: Slack goes out, the e-mails wait for a retry
        first = aiga_bot(["worker", "--once"], url, slack, port, tmp_path)
        outputs.append(first.stdout + first.stderr)
        assert first.returncode == 0, first.stderr
        assert "retried=" in first.stdout, first.stdout
        assert statuses(url).get("pending", 0) >= 5  # 4 contacts' mails + the list
        with SmtpServer(port, auth=True) as smtp:
            smtp.inbox.refuse["gone@mail-only.example.jp"] = "550 5.1.1 no such user"
            for _ in range(3):  # the retry, then runs that must send nothing more
                run = aiga_bot(["worker", "--once"], url, slack, port, tmp_path)
                outputs.append(run.stdout + run.stderr)
                assert run.returncode == 0, run.stderr
            inbox = smtp.inbox
            failures = aiga_bot(["round", "failures", str(round_id)], url, slack, port,
                                tmp_path)
    hanako, john = inbox.to("hanako@mail-only.example.jp"), inbox.to("john@mail-only.example.jp")
    assert len(hanako) == 2 and len(john) == 2  # announcement + reminder, once each
    assert hanako[0]["Subject"].startswith("[AIGA] ") and "「メール試験」" in hanako[0]["Subject"]
    assert "メール試験" in john[0]["Subject"] and "メール試験" in hanako[1]["Subject"]
    for mail in john:  # John reads English: no kana outside the round's own name
        words = mail["Subject"] + mail.get_body(("plain",)).get_content()
        words = words.replace("メール試験", "").replace("メールだけ株式会社", "")
        kana = [ch for ch in words if "\u3040" <= ch <= "\u30ff"]
        assert not kana, (kana, words)
    reminder = hanako[1].get_body(("plain",)).get_content()
    assert "メールだけ株式会社" in reminder  # the company's own progress
    assert inbox.to("never@chat.example.jp") == []  # its people are in the chat
    assert len(inbox.to("done@submitted.example.jp")) == 1  # the announcement, no reminder
    listed = inbox.to(LIST)
    assert len(listed) == 1 and "mailing list" in listed[0].get_body(("plain",)).get_content()
    ids = [m["Message-ID"] for m in inbox.parsed()]
    assert len(ids) == len(set(ids)) == 6
    assert statuses(url) == {"sent": 3 + 6, "gone": 2}  # Slack: channel + user ×2; 550 ×2
    assert max(slack.keys().values()) == 1 and len(slack.posted) == 3
    assert failures.returncode == 0, failures.stderr
    assert "bounced/refused: 550 5.1.1 no such user" in failures.stdout
    assert "gone@mail-only.example.jp" in failures.stdout
    logs = "\n".join([*outputs, failures.stdout, failures.stderr])
    assert PASSWORD not in logs and TOKEN not in logs
