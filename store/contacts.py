"""Company e-mail contacts: who the worker e-mails when a company has nobody in the chat.

A contact belongs to one member company (`org_id`), has a validated address (lower case, one
per company), an optional name and a language (ja / en) the e-mails are written in. Removing a
contact deletes the row; a delivery already queued for it then ends "gone: contact removed"
(bot/email_notify.py), never sent. The CLI (`aiga-bot org contact …`) and the register CSV
(`contact_emails` column) share these functions, so a rule is written once; every refusal is a
`UserError` in both languages, raised before anything changes.

The address rule is deliberately narrower than RFC 5322: ASCII only, no quoted local parts, no
spaces or control characters — so an address can never carry a header ("a@b.c\\r\\nBcc: x") or a
second recipient ("a@b.c, x@y.z") into a message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from store.errors import UserError
from store.models import Base, Organisation
from store.types import UTCDateTime

EMAIL_MAX = 254
NAME_MAX = 200
LANGS = ("ja", "en")
MAX_PER_ORG = 50
_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_DOMAIN = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
_ADDRESS = re.compile(rf"^(?=.{{3,{EMAIL_MAX}}}$)(?=[^@]{{1,64}}@){_LOCAL}@{_DOMAIN}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


class ContactError(UserError):
    """A contact request that cannot be carried out (ja / en)."""


class Contact(Base):
    """One e-mail address of a member company."""

    __tablename__ = "org_contacts"
    __table_args__ = (UniqueConstraint("org_id", "email", name="uq_org_contacts_org_email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"),
                                        index=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX))
    name: Mapped[str | None] = mapped_column(String(NAME_MAX))
    lang: Mapped[str] = mapped_column(String(5), default="ja")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


# ----- checking ----------------------------------------------------------------------------


def checked_email(text: str) -> str:
    """The address as stored (trimmed, lower case), or ContactError naming what was typed."""
    value = text.strip() if isinstance(text, str) else ""
    if not _ADDRESS.match(value) or value.count("@") != 1:
        shown = _CONTROL.sub("?", value)[:80]
        raise ContactError(f"「{shown}」はメールアドレスの形式ではありません（例: taro@example.co.jp）。",
                           f"'{shown}' is not an e-mail address (e.g. taro@example.com).",
                           "email")
    return value.lower()


def checked_contact_name(text: str | None) -> str | None:
    """A display name: one line, at most NAME_MAX characters; blank = none."""
    value = " ".join((text or "").split())
    if len(value) > NAME_MAX:
        raise ContactError(f"名前は{NAME_MAX}字以内にしてください。",
                           f"Keep the name within {NAME_MAX} characters.", "name")
    if _CONTROL.search(value):
        raise ContactError("名前に制御文字は使えません。",
                           "A name cannot contain control characters.", "name")
    return value or None


def checked_lang(text: str | None) -> str:
    value = (text or "ja").strip().lower()
    if value in ("日本語", "japanese"):
        value = "ja"
    if value in ("英語", "english"):
        value = "en"
    if value not in LANGS:
        raise ContactError("言語は ja か en で指定してください。",
                           "The language must be ja or en.", "lang")
    return value


def split_emails(cell: str) -> tuple[str, ...]:
    """A register cell "a@x.jp; b@y.jp" → checked addresses, duplicates dropped, in order."""
    parts = [p for p in re.split(r"[;；,、，\s]+", cell or "") if p]
    return tuple(dict.fromkeys(checked_email(p) for p in parts))


# ----- reading and writing -----------------------------------------------------------------


def contacts_of(session: Session, org_id: int) -> list[Contact]:
    return list(session.scalars(select(Contact).where(Contact.org_id == org_id)
                                .order_by(Contact.id)))


def contacts_for(session: Session, org_ids: Iterable[int]) -> list[Contact]:
    """Contacts of several companies, in a stable order (by company, then as added)."""
    ids = list(org_ids)
    if not ids:
        return []
    return list(session.scalars(select(Contact).where(Contact.org_id.in_(ids))
                                .order_by(Contact.org_id, Contact.id)))


def add_contact(session: Session, org: Organisation, email: str, now: datetime, *,
                name: str | None = None, lang: str | None = None) -> Contact:
    """Add a contact to a company; the same address twice in one company is refused."""
    address = checked_email(email)
    display, language = checked_contact_name(name), checked_lang(lang)
    existing = contacts_of(session, org.id)
    if any(c.email == address for c in existing):
        raise ContactError(f"{address} は「{org.name}」に登録済みです。",
                           f"{address} is already a contact of '{org.name}'.", "email")
    if len(existing) >= MAX_PER_ORG:
        raise ContactError(f"1社あたりの連絡先は{MAX_PER_ORG}件までです。",
                           f"A company has at most {MAX_PER_ORG} contacts.", "email")
    contact = Contact(org_id=org.id, email=address, name=display, lang=language,
                      created_at=now)
    session.add(contact)
    session.flush()
    return contact


def remove_contact(session: Session, org: Organisation, email: str) -> Contact:
    """Delete one company's contact (another company's same address is untouched)."""
    address = checked_email(email)
    found = next((c for c in contacts_of(session, org.id) if c.email == address), None)
    if found is None:
        raise ContactError(f"{address} は「{org.name}」の連絡先にありません。",
                           f"{address} is not a contact of '{org.name}'.", "email")
    session.delete(found)
    session.flush()
    return found


def set_contacts(session: Session, org: Organisation, emails: Iterable[str],
                 now: datetime) -> tuple[list[str], list[str]]:
    """Make the company's contacts exactly `emails` (the register CSV): new addresses are
    added in Japanese, missing ones deleted, kept ones keep their name and language.
    Returns (added, removed)."""
    wanted = list(dict.fromkeys(checked_email(e) for e in emails))
    current = {c.email: c for c in contacts_of(session, org.id)}
    removed = [a for a in current if a not in wanted]
    for address in removed:
        session.delete(current[address])
    session.flush()
    added = [a for a in wanted if a not in current]
    for address in added:
        add_contact(session, org, address, now)
    return added, removed


def contact_by_id(session: Session, contact_id: int) -> Contact | None:
    return session.get(Contact, contact_id)


def language_of(session: Session, address: str) -> str | None:
    """The language of the first contact with this address (the notifier knows only it)."""
    return session.scalar(select(Contact.lang).where(Contact.email == address.lower())
                          .order_by(Contact.id).limit(1))


def member_companies(session: Session) -> list[Organisation]:
    """Current member companies (not sample data, not removed): whom an event is announced
    to."""
    return list(session.scalars(select(Organisation).where(
        Organisation.is_sample.is_(False), Organisation.removed_at.is_(None))
        .order_by(Organisation.name)))
