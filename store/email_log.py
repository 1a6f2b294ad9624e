"""What the e-mail notifier handed to the SMTP server, by delivery key.

SMTP gives no way to read a mailbox back, so, as for Teams, the notifier keeps its own record
(bot/email_notify.py explains the rule it serves):

* "claimed" — written before connecting; nothing has reached the server yet;
* "data"    — written just before the message body is sent (the SMTP DATA command): from here
              on the server may have accepted the message even if we never hear its answer;
              `data_sends` counts how many times that happened;
* "sent"    — the server answered 250 to the body: accepted;
* "refused" — the server answered an error before accepting the body: nothing was accepted.

`message_id` is derived from the key, so every copy of one delivery carries the same
Message-ID header and a mail client (or a person) can tell a resend from a new message.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.models import Base
from store.types import UTCDateTime

CLAIMED, DATA, SENT, REFUSED = "claimed", "data", "sent", "refused"


class EmailSend(Base):
    """One delivery's e-mail as the SMTP server saw it."""

    __tablename__ = "email_sends"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    address: Mapped[str] = mapped_column(String(254))
    message_id: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(20))
    data_sends: Mapped[int] = mapped_column(Integer, default=0)
    detail: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


def find(session: Session, key: str) -> EmailSend | None:
    return session.scalar(select(EmailSend).where(EmailSend.key == key))


def mark(session: Session, key: str, address: str, message_id: str, state: str,
         now: datetime, detail: str | None = None) -> EmailSend:
    """Move a key's record to `state` (created on first use); DATA also counts the attempt."""
    row = find(session, key)
    if row is None:
        row = EmailSend(key=key, address=address, message_id=message_id, state=state,
                        data_sends=0, created_at=now, updated_at=now)
        session.add(row)
    row.state, row.updated_at, row.detail = state, now, (detail or None)
    row.address, row.message_id = address, message_id
    if state == DATA:
        row.data_sends = (row.data_sends or 0) + 1
    session.flush()
    return row
