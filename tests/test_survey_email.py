"""A survey reaches companies with no one in the chat by e-mail (`add_recipients(orgs=…)`): the
announcement at each of their contacts, once however often the worker ticks; the reminder only
to companies that have not answered; no e-mail to a company whose people are on Slack, nor to a
company outside the audience. A real SMTP server on loopback and the local fake Slack."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.email_notify import EmailNotifier
from bot.slack_notify import SlackNotifier
from bot.worker import Deliverer
from handlers.dates import now_tokyo
from handlers.surveys.service import reminder_at
from store import contacts
from store import surveys as store
from store.models import Organisation
from tests.support import factories
from tests.survey_support import answer_all, chat, seed
from tests.test_email_notify import SmtpServer, settings_for
from tests.test_worker_fakeslack import FakeSlack

TOKEN = "xoxb-1111-2222-survey-mail"


def people(database) -> None:
    """A社: Slack; B社 and C社: e-mail only; D社 (smb, outside class:regular): e-mail only."""
    now = now_tokyo()
    with database.transaction() as s:
        orgs = {o.name: o for o in s.scalars(select(Organisation))}
        factories.user(s, "slack:UA1", orgs["A社"])
        contacts.add_contact(s, orgs["A社"], "never@a.example.jp", now)
        contacts.add_contact(s, orgs["B社"], "hanako@b.example.jp", now, name="花子")
        contacts.add_contact(s, orgs["B社"], "john@b.example.jp", now, name="John", lang="en")
        contacts.add_contact(s, orgs["C社"], "taro@c.example.jp", now)
        other = factories.org(s, "D社", membership_class="smb")
        contacts.add_contact(s, other, "smb@d.example.jp", now)


def test_companies_without_chat_get_the_survey_by_email_once(database):
    sid = seed(database, audience="class:regular")
    people(database)
    with database.transaction() as s:
        remind = reminder_at(s.get(store.Survey, sid))
    with FakeSlack() as slack, SmtpServer() as smtp:
        def tick(now):
            notifiers = {"slack": SlackNotifier(TOKEN, slack.url, database, now_tokyo),
                         "email": EmailNotifier(settings_for(smtp.port), database, now_tokyo)}
            return asyncio.run(Deliverer(database, notifiers, pace={}).deliver_due(now))

        assert tick(now_tokyo()).sent == 1 + 3  # UA1 on Slack; hanako, john, taro by e-mail
        assert tick(now_tokyo()).sent == 0
        hanako, john = smtp.inbox.to("hanako@b.example.jp"), smtp.inbox.to("john@b.example.jp")
        assert len(hanako) == 1 and "テスト調査" in hanako[0]["Subject"]
        body = hanako[0].get_body(("plain",)).get_content()
        assert f"アンケート回答 {sid}" in body  # how to answer once in the chat
        assert "survey answer" in john[0].get_body(("plain",)).get_content()
        assert smtp.inbox.to("never@a.example.jp") == []  # its people are on Slack
        assert smtp.inbox.to("smb@d.example.jp") == []  # not in the audience
        c = chat(database, "someone-at-c", "C社")
        assert "回答を送信しました" in answer_all(c, sid)  # C社 answered (in the console)
        assert tick(remind).sent == 1 + 2  # UA1, and B社's two contacts; not C社
        assert tick(remind).sent == 0
    assert len(smtp.inbox.to("hanako@b.example.jp")) == 2
    assert len(smtp.inbox.to("taro@c.example.jp")) == 1  # the announcement only
