"""The contract between the deliverer core and each kind of delivery ("subject").

A slot or delivery row belongs to a subject by its `subject` column: empty for a round (the
issue-6 rows), "event:<id>", "broadcast:<id>" — the noun before the colon picks the module. A
new kind (member surveys, say) is one module implementing `Subject` under a new noun, added to
`subjects()` in bot/worker/core.py; the core's claim, send, record, retry and lock stay as they
are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.notify import Notifier, Target
from handlers.rounds.reminders import bilingual
from handlers.types import File, Lang, Reply
from store import contacts as cstore
from store import reminders as rstore
from store.models import Organisation, User
from store.reminders import Delivery, ReminderSlot

ROUND = "round"  # the noun of rows whose `subject` is empty (round_id set)
EMAIL = "email"  # the e-mail notifier's platform (bot/email_notify.py)
# session.info key under which the core hands its Audience to the transaction that expands due
# slots, so `add_recipients(orgs=…)` knows the platforms without every subject passing them
AUDIENCE_INFO = "aiga.worker.audience"

# (delivery status, why): a claimed delivery that is no longer wanted
Skip = tuple[str, str]


def noun_of(subject: str | None) -> str:
    """"event:7" → "event"; a round's empty subject → "round"."""
    return subject.partition(":")[0] if subject else ROUND


def subject_id(subject: str) -> int:
    """"event:7" → 7."""
    return int(subject.partition(":")[2])


@dataclass
class TickReport:
    """What one tick did (logged, printed by `aiga-bot worker --once`, asserted by tests)."""

    locked: bool = True
    planned: int = 0
    expanded: int = 0
    sent: int = 0
    retried: int = 0
    gone: int = 0
    failed: int = 0
    skipped: int = 0
    missed: int = 0
    confirmed: int = 0  # left "sending" by a killed worker, found posted
    resent: int = 0  # left "sending", not found: sent again
    uncertain: int = 0
    notes: list[str] = field(default_factory=list)

    def busy(self) -> bool:
        return any((self.planned, self.expanded, self.sent, self.retried, self.gone,
                    self.failed, self.skipped, self.missed, self.confirmed, self.resent))

    def summary(self) -> str:
        parts = [f"{name}={value}" for name, value in vars(self).items()
                 if isinstance(value, int) and not isinstance(value, bool) and value]
        return " ".join(parts) or "nothing due"


@dataclass(frozen=True)
class Job:
    """A claimed delivery: everything the async part needs, no ORM rows."""

    delivery_id: int
    key: str
    kind: str  # the slot's kind: "announce" | "reminder" | "summary" | "event_…" | "broadcast…"
    round_id: int | None
    org_id: int | None
    target: Target
    locale: str | None  # the user's explicit choice, if any
    attempts: int
    first_claimed_at: datetime
    subject: str = ""  # "event:7" / "broadcast:3" (empty for a round)
    slot: str = ""


@dataclass(frozen=True)
class Audience:
    """Who may receive anything: the platforms with a notifier, the configured channels (already
    limited to those platforms) and the secretariat as the settings name it (AIGA_ADMINS)."""

    notifiers: Mapping[str, Notifier]
    announce: Sequence[Target] = ()
    secretariat: Sequence[Target] = ()
    admins: frozenset[str] = frozenset()

    @property
    def platforms(self) -> list[str]:
        return list(self.notifiers)

    @property
    def chat_platforms(self) -> list[str]:
        """Where people chat with the bot (every platform but e-mail)."""
        return [p for p in self.notifiers if p != EMAIL]


class Subject(Protocol):
    """One kind of delivery: what is due (plan), to whom (expand), whether a claimed delivery is
    still wanted (skip) and what it says (compose). Every method but `after_sent` runs in a
    worker thread inside the core's transaction."""

    noun: str

    def plan(self, session: Session, now: datetime) -> int:
        """Bring pending slots in line with the subject's data; how many rows changed."""
        ...

    def expand(self, session: Session, due: list[ReminderSlot], now: datetime,
               report: TickReport) -> None:
        """Due slots (time order) → one delivery per recipient, or a final slot status."""
        ...

    def kind(self, session: Session, row: Delivery) -> str:
        """The kind of message a delivery row is (from its slot)."""
        ...

    def skip(self, session: Session, row: Delivery, kind: str, now: datetime) -> Skip | None:
        """Why a just-claimed delivery must not be sent any more (None: send it)."""
        ...

    def compose(self, session: Session, job: Job, langs: list[Lang],
                now: datetime) -> list[Reply]:
        """The message, in `langs` (one language for a DM, both for a channel)."""
        ...

    def slot_done(self, session: Session, slot: ReminderSlot, now: datetime) -> None:
        """Every delivery of `slot` is final (a broadcast then reports to its sender)."""
        ...

    async def after_sent(self, notifier: Notifier, job: Job, now: datetime) -> None:
        """After a recorded send (best effort; an event change rewrites the original)."""
        ...


def add_recipients(session: Session, slot: ReminderSlot, channels: Sequence[Target],
                   users: Sequence[User], now: datetime, *,
                   orgs: Sequence[Organisation] = ()) -> int:
    """One delivery row per channel, then per user, then per e-mail contact, keyed on the
    slot's round or subject; existing keys are left as they are. Returns how many rows were
    added.

    `orgs` are the companies the slot targets. A company among them with no linked user on a
    chat platform the worker delivers on gets the message by e-mail at each of its contacts
    (recipient "contact:<id>": once per contact per slot, like every other key) — only when the
    worker has an e-mail notifier, which the core says by putting its `Audience` in
    `session.info[AUDIENCE_INFO]` (without it, `orgs` adds nothing)."""
    added = 0
    rows = [(t.recipient, t.platform, t.address, None, None) for t in channels]
    rows += [(f"user:{u.id}", u.platform, u.platform_user_id, u.id, u.org_id) for u in users]
    rows += [(f"contact:{c.id}", EMAIL, c.email, None, c.org_id)
             for c in email_contacts(session, orgs)]
    for recipient, platform, address, user_id, org_id in rows:
        added += rstore.add_delivery(
            session, round_id=slot.round_id, subject=slot.subject, slot=slot.name,
            recipient=recipient, platform=platform, address=address,
            user_id=user_id, org_id=org_id, now=now)
    return added


def email_contacts(session: Session, orgs: Sequence[Organisation]) -> list[cstore.Contact]:
    """The e-mail contacts of those `orgs` nobody can be told in the chat (no linked user on
    a chat platform the worker delivers on); none when the worker cannot send e-mail."""
    audience = session.info.get(AUDIENCE_INFO)
    if not orgs or not isinstance(audience, Audience) or EMAIL not in audience.notifiers:
        return []
    wanted = list({o.id: o for o in orgs if o.removed_at is None})
    chat = audience.chat_platforms
    reached: set[int | None] = set()
    if chat and wanted:
        reached = set(session.scalars(select(User.org_id).where(
            User.org_id.in_(wanted), User.platform.in_(chat))))
    return cstore.contacts_for(session, [i for i in wanted if i not in reached])


def is_direct(recipient: str) -> bool:
    """A delivery to one person (a chat user's DM, a company contact's mailbox), written in
    that person's language; anything else is a channel, written in both."""
    return recipient.startswith(("user:", "contact:"))


def user_gone(row: Delivery) -> bool:
    """A delivery to a user whose row was deleted since (user_id set NULL)."""
    return row.recipient.startswith("user:") and row.user_id is None


def no_longer_admin(session: Session, row: Delivery, audience: Audience) -> bool:
    """A secretariat message (summary, proposal, forwarded question) queued or retried for a
    user removed from AIGA_ADMINS since: the settings decide, at the moment of sending."""
    if row.user_id is None:
        return False  # a secretariat channel
    user = session.get(User, row.user_id)
    return user is None or user.key not in audience.admins


def in_languages(by_lang: list[list[Reply]]) -> list[Reply]:
    """One language as is; two (a channel) as one bilingual message, files attached once
    (taken from the first language)."""
    if len(by_lang) == 1:
        return by_lang[0]
    files = [r for r in by_lang[0] if isinstance(r, File)]
    ja = [r for r in by_lang[0] if not isinstance(r, File)]
    return bilingual(ja, by_lang[1]) + files
