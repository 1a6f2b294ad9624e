"""The e-mail notifier against a real SMTP server (aiosmtpd on 127.0.0.1, a free port) that the
test starts: what arrives (plain + HTML, Japanese subject, escaping, the .ics attached), how
SMTP answers become outcomes (550 → gone with the reason, 421 / connection refused → retry),
the resend-once rule, and that the password never reaches a log or a delivery detail."""

from __future__ import annotations

import asyncio
import base64
import logging
import socket
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from bot.email_notify import EmailNotifier, contact_of
from bot.email_render import message_id
from bot.notify import Outcome, Target
from bot.settings_delivery import EmailSettings
from handlers.dates import now_tokyo
from handlers.types import Choice, File, Question, Text
from store import contacts, email_log
from tests.support import factories

SENDER = "navi@aiga.example.org"
LIST = "members@aiga.example.org"
USER, PASSWORD = "navi-bot", "s3cret-Pa55word!"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """aiosmtpd handler: keeps what it accepts; refuses as told (per address, or the next
    DATA commands with queued answers)."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.refuse: dict[str, str] = {}  # address → "550 5.1.1 …"
        self.data_answers: list[str] = []  # answers to the next DATA commands ("421 …")

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_answers:
            return self.data_answers.pop(0)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"

    def parsed(self) -> list[EmailMessage]:
        return [message_from_bytes(raw, policy=policy.default) for _f, _t, raw in self.messages]

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m, (_f, rcpt, _r) in zip(self.parsed(), self.messages, strict=True)
                if address in rcpt]


def _authenticate(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)


class SmtpServer:
    """`with SmtpServer() as smtp:` a real SMTP server on loopback; `smtp.port`."""

    def __init__(self, port: int | None = None, *, auth: bool = False) -> None:
        self.inbox = Inbox()
        self.port = port or free_port()
        extra = ({"authenticator": _authenticate, "auth_require_tls": False} if auth else {})
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **extra)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


def settings_for(port: int, **extra) -> EmailSettings:
    values = dict(aiga_smtp_host="127.0.0.1", aiga_smtp_port=port, aiga_smtp_tls="none",
                  aiga_smtp_timeout=5, aiga_mail_from=SENDER, aiga_mailing_list=LIST)
    values.update(extra)
    return EmailSettings(**values)


def seed_contact(database, email: str, lang: str = "ja", name: str | None = "山田 太郎"):
    with database.transaction() as s:
        company = factories.org(s, f"株式会社メール{email[:3]}")
        row = contacts.add_contact(s, company, email, now_tokyo(), name=name, lang=lang)
        return row.id


def announcement(lang: str, ics: File | None = None) -> list:
    title = "12月 All-Hands のご案内" if lang == "ja" else "December All-Hands"
    replies = [Question(title=title, body="<script>alert('x')</script> & 詳細: "
                        "https://aiga.example.org/e?a=1&b=2",
                        choices=[Choice("参加", "event:rsvp:1:yes"),
                                 Choice("資料", "https://aiga.example.org/doc")])]
    return replies + ([ics] if ics else [])


def test_a_contact_gets_plain_and_html_in_japanese_with_the_ics_attached(database, tmp_path):
    ics = tmp_path / "event-7.ics"
    ics.write_bytes(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")
    cid = seed_contact(database, "Taro@Member.example.JP")
    key = f"aiga:event:7:announce:contact:{cid}"
    with SmtpServer() as smtp:
        notifier = EmailNotifier(settings_for(smtp.port), database, now_tokyo)
        target = Target("email", "taro@member.example.jp")
        assert asyncio.run(notifier.language(target)) == "ja"
        result = asyncio.run(notifier.send_direct(
            target, announcement("ja", File(str(ics), "event-7.ics", "text/calendar")), key))
        assert result.outcome is Outcome.SENT, result
        (mail_from, rcpt, raw), = smtp.inbox.messages
    assert (mail_from, rcpt) == (SENDER, ["taro@member.example.jp"])
    msg = message_from_bytes(raw, policy=policy.default)
    assert msg["Subject"] == "[AIGA] 12月 All-Hands のご案内"
    assert b"=?utf-8?" in raw.split(b"\r\n\r\n")[0].lower()  # RFC 2047, not raw UTF-8
    assert msg["Message-ID"] == message_id(key, SENDER)
    assert "山田 太郎" in str(msg["To"]) and msg["Auto-Submitted"] == "auto-generated"
    plain = msg.get_body(("plain",)).get_content()
    html_part = msg.get_body(("html",)).get_content()
    assert "<script>alert('x')</script>" in plain  # plain text is text
    assert "<script>" not in html_part and "&lt;script&gt;" in html_part
    assert '<a href="https://aiga.example.org/e?a=1&amp;b=2">' in html_part
    assert "https://aiga.example.org/doc" in html_part  # a link choice survives
    assert "event:rsvp" not in plain + html_part  # a chat button does not
    assert "チャット（Slack / Teams）にご参加でない" in plain and "This e-mail comes" not in plain
    attached = [p for p in msg.iter_attachments()]
    assert [(p.get_filename(), p.get_content_type()) for p in attached] == [
        ("event-7.ics", "text/calendar")]
    assert b"BEGIN:VCALENDAR" in attached[0].get_payload(decode=True)


def test_an_english_contact_gets_english_and_the_list_gets_both(database):
    cid = seed_contact(database, "jane@member.example.com", lang="en", name="Jane")
    with SmtpServer() as smtp:
        notifier = EmailNotifier(settings_for(smtp.port), database, now_tokyo)
        direct = Target("email", "jane@member.example.com")
        assert asyncio.run(notifier.language(direct)) == "en"
        assert asyncio.run(notifier.send_direct(direct, announcement("en"),
                                                f"aiga:1:open:contact:{cid}")).outcome == "sent"
        channel = Target("email", LIST, direct=False)
        assert asyncio.run(notifier.send_channel(
            channel, [Text("【お知らせ / Notice】\n年末年始の休業について")],
            "aiga:broadcast:1:send:channel:email:" + LIST)).outcome == "sent"
        jane, = smtp.inbox.to("jane@member.example.com")
        listed, = smtp.inbox.to(LIST)
    text = jane.get_body(("plain",)).get_content()
    assert jane["Subject"] == "[AIGA] December All-Hands"
    assert "This e-mail comes from" in text and "ご参加でない" not in text
    assert listed["Subject"] == "[AIGA] 【お知らせ / Notice】 年末年始の休業について"
    both = listed.get_body(("plain",)).get_content()
    assert "メーリングリスト" in both and "mailing list" in both


def test_a_refused_recipient_is_gone_with_the_servers_reason(database):
    cid = seed_contact(database, "nobody@member.example.jp")
    with SmtpServer() as smtp:
        smtp.inbox.refuse["nobody@member.example.jp"] = "550 5.1.1 <nobody@member.example.jp>: " \
                                                        "user unknown"
        notifier = EmailNotifier(settings_for(smtp.port), database, now_tokyo)
        result = asyncio.run(notifier.send_direct(Target("email", "nobody@member.example.jp"),
                                                  [Text("x")], f"aiga:1:d7:contact:{cid}"))
        assert smtp.inbox.messages == []
    assert result.outcome is Outcome.GONE
    assert result.detail.startswith("bounced/refused: 550 5.1.1") and "user unknown" in result.detail
    # a refusal means the server has nothing: a later check says "not sent"
    assert asyncio.run(notifier.was_sent(Target("email", "x@y.jp"), f"aiga:1:d7:contact:{cid}",
                                         now_tokyo())) is False


def test_421_and_a_refused_connection_are_retried(database):
    cid = seed_contact(database, "busy@member.example.jp")
    key = f"aiga:1:d3:contact:{cid}"
    target = Target("email", "busy@member.example.jp")
    port = free_port()
    notifier = EmailNotifier(settings_for(port), database, now_tokyo)
    nobody_home = asyncio.run(notifier.send_direct(target, [Text("x")], key))
    assert nobody_home.outcome is Outcome.RETRY and "connection refused" in nobody_home.detail
    assert asyncio.run(notifier.was_sent(target, key, now_tokyo())) is False
    with SmtpServer(port) as smtp:
        smtp.inbox.data_answers.append("421 4.3.2 Service not available, try later")
        busy = asyncio.run(notifier.send_direct(target, [Text("x")], key))
        assert busy.outcome is Outcome.RETRY and busy.detail.startswith("smtp 421 4.3.2")
        assert asyncio.run(notifier.was_sent(target, key, now_tokyo())) is False
        assert asyncio.run(notifier.send_direct(target, [Text("x")], key)).outcome == "sent"
        assert len(smtp.inbox.messages) == 1
        # the same key again (a confused retry): accepted before, never mailed twice
        assert asyncio.run(notifier.send_direct(target, [Text("x")], key)).outcome == "sent"
        assert len(smtp.inbox.messages) == 1
    assert asyncio.run(notifier.was_sent(target, key, now_tokyo())) is True


def test_a_send_left_without_an_answer_is_resent_once_with_the_same_message_id(database):
    """The documented rule: the body may reach the server at most twice per delivery."""
    cid = seed_contact(database, "twice@member.example.jp")
    key = f"aiga:1:open:contact:{cid}"
    target = Target("email", "twice@member.example.jp")
    with SmtpServer() as smtp:
        notifier = EmailNotifier(settings_for(smtp.port), database, now_tokyo)
        crashed = {"n": 0}
        real_mark = notifier._mark

        def crash_before_recording_sent(k, a, m, state, detail):  # killed after the 250
            if state == email_log.SENT:
                crashed["n"] += 1
                raise RuntimeError("worker killed")
            real_mark(k, a, m, state, detail)

        notifier._mark = crash_before_recording_sent  # type: ignore[method-assign]
        with pytest.raises(RuntimeError):
            asyncio.run(notifier.send_direct(target, [Text("x")], key))
        assert len(smtp.inbox.messages) == 1  # the server has it; our record does not say so
        assert asyncio.run(notifier.was_sent(target, key, now_tokyo())) is False  # resend once
        with pytest.raises(RuntimeError):
            asyncio.run(notifier.send_direct(target, [Text("x")], key))
        assert asyncio.run(notifier.was_sent(target, key, now_tokyo())) is None  # uncertain
        third = asyncio.run(notifier.send_direct(target, [Text("x")], key))
        assert third.outcome is Outcome.GONE and third.detail.startswith("uncertain")
        first, second = smtp.inbox.parsed()
    assert len(smtp.inbox.messages) == 2 and crashed["n"] == 2
    assert first["Message-ID"] == second["Message-ID"] == message_id(key, SENDER)


def test_a_removed_contact_is_not_mailed(database):
    cid = seed_contact(database, "left@member.example.jp")
    with database.transaction() as s:
        row = contacts.contact_by_id(s, cid)
        contacts.remove_contact(s, s.get(contacts.Organisation, row.org_id), row.email)
    with SmtpServer() as smtp:
        notifier = EmailNotifier(settings_for(smtp.port), database, now_tokyo)
        result = asyncio.run(notifier.send_direct(Target("email", "left@member.example.jp"),
                                                  [Text("x")], f"aiga:1:d7:contact:{cid}"))
        assert smtp.inbox.messages == []
    assert (result.outcome, result.detail) == (Outcome.GONE, "contact removed")
    assert contact_of("aiga:1:d7:contact:12") == 12 and contact_of("aiga:1:open:channel:x") is None


def test_the_password_is_used_for_login_and_never_logged(database, caplog):
    cid = seed_contact(database, "auth@member.example.jp")
    target = Target("email", "auth@member.example.jp")
    caplog.set_level(logging.DEBUG)
    with SmtpServer(auth=True) as smtp:
        good = EmailNotifier(settings_for(smtp.port, aiga_smtp_username=USER,
                                          aiga_smtp_password=PASSWORD), database, now_tokyo)
        assert asyncio.run(good.send_direct(target, [Text("x")],
                                            f"aiga:1:d1:contact:{cid}")).outcome == "sent"
        bad = EmailNotifier(settings_for(smtp.port, aiga_smtp_username=USER,
                                         aiga_smtp_password=PASSWORD + "-wrong"),
                            database, now_tokyo)
        refused = asyncio.run(bad.send_direct(target, [Text("x")], f"aiga:1:d0:contact:{cid}"))
        assert len(smtp.inbox.messages) == 1
    assert refused.outcome is Outcome.BLOCKED and refused.detail.startswith("smtp 535")
    plain_auth = base64.b64encode(f"\0{USER}\0{PASSWORD}".encode()).decode()
    seen = caplog.text + repr(refused) + repr(vars(good)) + str(good._password)
    for secret in (PASSWORD, plain_auth, base64.b64encode(PASSWORD.encode()).decode()):
        assert secret not in seen


def test_email_needs_a_host_and_a_sender(database):
    with pytest.raises(ValueError):
        EmailNotifier(EmailSettings(aiga_smtp_host=None, aiga_mail_from=SENDER), database,
                      now_tokyo)
    assert EmailSettings(aiga_smtp_host="h.example", aiga_mail_from=None).email_enabled is False
