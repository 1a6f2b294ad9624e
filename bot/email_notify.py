"""E-mail implementation of `bot.notify.Notifier` (platform "email") over SMTP with aiosmtplib.

Two kinds of recipient: a member company's contact (a "direct" target, recipient
"contact:<id>", written in the contact's language, else Japanese) for companies with nobody in
the chat, and the association's mailing list AIGA_MAILING_LIST (a "channel", both languages).
The message is rendered by bot/email_render.py (plain text + HTML, files attached).

How SMTP answers become outcomes:
* 250 to the message → SENT;
* a 4xx answer (421 service unavailable, 450 mailbox busy, 451, 452), a refused or dropped
  connection, a timeout → RETRY, with the core's backoff;
* a 5xx answer about the recipient or the message (550 no such user, 554 rejected) → GONE with
  the reason, "bounced/refused: 550 5.1.1 …", shown in the delivery report and the summary;
* the server refusing us (535 authentication failed, a 5xx to our sender address, no STARTTLS)
  → BLOCKED: e-mail pauses, everything stays pending until someone fixes the settings.
The password is given to aiosmtplib and nowhere else: never logged, never in a detail.

What "exactly once" means for SMTP. The server cannot be asked afterwards whether it has a
message, so this notifier keeps its own record per delivery key (store/email_log.py), claimed
before sending and recorded after: "claimed" before connecting, "data" just before the message
body goes, "sent" on the server's 250, "refused" on an error answer. `was_sent` reads it —
"sent" → True (a restarted worker records it, never resends); "claimed" / "refused" → False
(the server never accepted it: sending is safe). The only window where a message may be
accepted without us knowing is between the body going out and the 250 being recorded (a worker
killed there, a connection lost while waiting for the answer). The rule for that window:
**resend once**. The first time `was_sent` finds "data" it answers False and the message is
sent again, with the same Message-ID (bot/email_render.py `message_id`), so a reader or a mail
client can recognise the copy; if that second attempt is also left without an answer, the
delivery is not sent a third time — `was_sent` answers None (the worker reports it
"uncertain") and a retry ends "gone: uncertain …". So a contact gets each message at least
once when the server works, and at most twice in the worst case, never more.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from datetime import datetime

import aiosmtplib

from bot import email_render
from bot.notify import SendResult, Target
from bot.settings_delivery import EmailSettings
from handlers.types import Lang, Reply
from store import contacts as cstore
from store import email_log
from store.db import Database

log = logging.getLogger(__name__)

MAX_DATA_SENDS = 2  # the body goes to the server at most twice per delivery (see above)
_NEWLINES = re.compile(r"[\r\n\t]+")


class EmailNotifier:
    platform = "email"

    def __init__(self, settings: EmailSettings, database: Database,
                 clock: Callable[[], datetime]) -> None:
        if not settings.email_enabled:
            raise ValueError("e-mail needs AIGA_SMTP_HOST and AIGA_MAIL_FROM")
        self.host = settings.aiga_smtp_host or ""
        self.port = settings.aiga_smtp_port
        self.tls = settings.aiga_smtp_tls
        self.username = settings.aiga_smtp_username
        self._password = settings.aiga_smtp_password  # a SecretStr: shows as ********
        self.timeout = settings.aiga_smtp_timeout
        self.sender = settings.aiga_mail_from or ""
        self.mailing_list = settings.aiga_mailing_list
        self.db = database
        self.clock = clock

    # ----- the Notifier protocol -----------------------------------------------------------

    async def send_direct(self, target: Target, replies: list[Reply], key: str) -> SendResult:
        """A company contact; a contact deleted since the delivery was queued is not mailed."""
        contact_id = contact_of(key)
        name, lang = None, "ja"
        if contact_id is not None:
            found = await asyncio.to_thread(self._contact, contact_id)
            if found is None or found[0] != target.address:
                return SendResult.gone("contact removed")
            _address, name, lang = found
        return await self._send(target.address, name, [lang], replies, key, to_list=False)

    async def send_channel(self, target: Target, replies: list[Reply], key: str) -> SendResult:
        """The mailing list: one message in both languages."""
        return await self._send(target.address, None, ["ja", "en"], replies, key, to_list=True)

    async def was_sent(self, target: Target, key: str, since: datetime) -> bool | None:
        row = await asyncio.to_thread(self._record_of, key)
        if row is None:
            return False
        state, data_sends = row
        if state == email_log.SENT:
            return True
        if state == email_log.DATA:  # the server may have it: one resend, then uncertain
            return False if data_sends < MAX_DATA_SENDS else None
        return False  # claimed or refused: the server never accepted it

    async def update_message(self, target: Target, key: str, replies: list[Reply],
                             since: datetime) -> bool:
        return False  # a sent e-mail cannot be rewritten; the change goes as a new one

    async def language(self, target: Target) -> Lang | None:
        lang = await asyncio.to_thread(self._language, target.address)
        return lang if lang in ("ja", "en") else None  # type: ignore[return-value]

    async def close(self) -> None:
        """Nothing to close: one SMTP connection per message."""

    # ----- sending ---------------------------------------------------------------------------

    async def _send(self, address: str, name: str | None, langs: list[str],
                    replies: list[Reply], key: str, *, to_list: bool) -> SendResult:
        record = await asyncio.to_thread(self._record_of, key)
        if record is not None and record[0] == email_log.SENT:
            return SendResult.sent()  # accepted before: never twice
        if record is not None and record[0] == email_log.DATA and record[1] >= MAX_DATA_SENDS:
            return SendResult.gone("uncertain: sent twice without an answer; not sent again")
        msg = email_render.build(replies, sender=self.sender, to=address, to_name=name,
                                 langs=langs, key=key, now=self.clock(), to_list=to_list)
        mid = str(msg["Message-ID"])
        await asyncio.to_thread(self._mark, key, address, mid, email_log.CLAIMED, None)
        phase = "connect"
        smtp = aiosmtplib.SMTP(
            hostname=self.host, port=self.port, timeout=self.timeout,
            use_tls=self.tls == "tls", start_tls=self.tls == "starttls",
            username=self.username if self.username and self._password else None,
            password=(self._password.get_secret_value()
                      if self.username and self._password else None))
        try:
            await smtp.connect()
            phase = "envelope"
            await smtp.mail(self.sender)
            await smtp.rcpt(address)
            await asyncio.to_thread(self._mark, key, address, mid, email_log.DATA, None)
            phase = "data"
            await smtp.data(msg.as_bytes())
        except aiosmtplib.SMTPResponseException as exc:  # the server answered: not accepted
            result = _answered(exc, phase)
            await asyncio.to_thread(self._mark, key, address, mid, email_log.REFUSED,
                                    result.detail)
            return result
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            detail = _unanswered(exc, phase)
            if phase != "data":  # nothing reached the server as a message: safe to resend
                await asyncio.to_thread(self._mark, key, address, mid, email_log.REFUSED,
                                        detail)
            if isinstance(exc, aiosmtplib.SMTPNotSupported):
                return SendResult.blocked(detail)
            return SendResult.retry(detail)
        finally:
            await _quit(smtp)
        await asyncio.to_thread(self._mark, key, address, mid, email_log.SENT, None)
        return SendResult.sent()

    # ----- database --------------------------------------------------------------------------

    def _mark(self, key: str, address: str, mid: str, state: str, detail: str | None) -> None:
        with self.db.transaction() as session:
            email_log.mark(session, key, address, mid, state, self.clock(), detail)

    def _record_of(self, key: str) -> tuple[str, int] | None:
        with self.db.transaction() as session:
            row = email_log.find(session, key)
            return (row.state, row.data_sends or 0) if row is not None else None

    def _contact(self, contact_id: int) -> tuple[str, str | None, str] | None:
        with self.db.transaction() as session:
            row = cstore.contact_by_id(session, contact_id)
            return (row.email, row.name, row.lang) if row is not None else None

    def _language(self, address: str) -> str | None:
        with self.db.transaction() as session:
            return cstore.language_of(session, address)


def contact_of(key: str) -> int | None:
    """"aiga:3:open:contact:12" → 12 (None for the mailing list or a test copy)."""
    _head, sep, tail = key.rpartition(":contact:")
    return int(tail) if sep and tail.isdigit() and len(tail) <= 12 else None


def _answered(exc: aiosmtplib.SMTPResponseException, phase: str) -> SendResult:
    """An SMTP error answer → retry (4xx), gone (5xx about this message) or blocked."""
    code = exc.code
    text = _NEWLINES.sub(" ", str(exc.message or ""))[:200].strip()
    if 400 <= code < 500:
        return SendResult.retry(f"smtp {code} {text}".strip())
    refuses_us = isinstance(exc, aiosmtplib.SMTPAuthenticationError | aiosmtplib.SMTPSenderRefused)
    if refuses_us or (phase == "connect" and code >= 500):
        return SendResult.blocked(f"smtp {code} {text}".strip())
    return SendResult.gone(f"bounced/refused: {code} {text}".strip())


def _unanswered(exc: BaseException, phase: str) -> str:
    """A short reason for a connection that failed or went silent (no server text in it)."""
    if isinstance(exc, ConnectionRefusedError) or isinstance(exc.__cause__,
                                                             ConnectionRefusedError):
        what = "connection refused"
    elif isinstance(exc, TimeoutError):
        what = "timed out"
    elif isinstance(exc, aiosmtplib.SMTPNotSupported):
        what = "STARTTLS or login not supported by the server"
    else:
        what = type(exc).__name__
    return f"smtp {what}" + (" (no answer to the message)" if phase == "data" else "")


async def _quit(smtp: aiosmtplib.SMTP) -> None:
    """Say goodbye if still connected; a broken connection is simply dropped."""
    if not smtp.is_connected:
        return
    try:
        await asyncio.wait_for(smtp.quit(), 5)
    except Exception:
        smtp.close()
