"""A company with no one in the chat but an e-mail contact is reached when the worker sends
e-mail, so the secretariat's "nobody to remind" list leaves it out — and only then."""

from __future__ import annotations

from handlers.dates import now_tokyo
from handlers.rounds.participation import unreachable_lines
from store import contacts
from tests.support import factories as f


def test_contacts_count_as_reached_only_when_the_worker_sends_email(database):
    with database.transaction() as s:
        rnd = f.round_(s, "2026年度下期")
        chat, mail_only, _nobody = (f.org(s, n) for n in ("チャット社", "メール社", "無連絡社"))
        f.user(s, "slack:U1", chat)
        contacts.add_contact(s, mail_only, "kanri@mail-only.example.jp", now_tokyo())
        s.flush()
        assert sorted(unreachable_lines(s, rnd, ("slack",))) == ["メール社", "無連絡社"]
        assert unreachable_lines(s, rnd, ("slack", "email")) == ["無連絡社"]
