"""Preview and test-send: what a round's slots will send, to whom, in which words — computed by
the same code the worker sends with (`RoundNotices.recipients_for` and `compose`), written
nowhere; and one copy of a slot to an admin only.

A test-send is recorded as a delivery of its own (subject "test:round:<id>", recipient
"user:<id>@<time>"), already final, so the worker never claims it, the real slot's keys stay
untouched and the delivery report can tell the two apart; its text starts with a TEST line
in both languages and its message key starts with "aiga:test:".
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from bot.notify import Outcome, SendResult, Target
from bot.worker.base import Job
from bot.worker.core import Deliverer
from bot.worker.rounds import ANNOUNCE, REMINDER, SUMMARY, RoundNotices
from handlers.rounds.past_slots import past_slots, skip_past_slots
from handlers.test_copy import TEST_BANNER
from handlers.types import Lang, Reply, Text, plain_text
from store import reminders as rstore
from store.models import Organisation, Round, User
from store.reminders import Delivery, ReminderSlot

KINDS = {"open": ANNOUNCE, "summary": SUMMARY}


@dataclass
class Recipient:
    label: str  # "会員企業A / slack:U123" or "channel slack:C0123"
    lang: str
    text: str


@dataclass
class SlotPreview:
    name: str
    kind: str
    due_at: datetime
    status: str
    recipients: list[Recipient] = field(default_factory=list)


def _notices(deliverer: Deliverer) -> RoundNotices:
    subject = deliverer.subjects["round"]
    assert isinstance(subject, RoundNotices)
    return subject


def _job(rnd: Round, slot: ReminderSlot, target: Target, user: User | None, key: str,
         now: datetime) -> Job:
    return Job(0, key, slot.kind, rnd.id, user.org_id if user else None, target,
               user.locale if user else None, 1, now, slot=slot.name)


def preview_round(deliverer: Deliverer, session: Session, rnd: Round, now: datetime,
                  *, slot_name: str | None = None, texts: bool = True) -> list[SlotPreview]:
    """Every slot of the round (or one), its time and status, and for a pending one each
    recipient with the exact text they would get (a DM in the person's language — Japanese
    until they chose, as the worker does without a platform hint — a channel in both)."""
    notices, out = _notices(deliverer), []
    for slot in sorted(rstore.slots_for(session, rnd.id).values(), key=lambda s: s.due_at):
        if slot_name and slot.name != slot_name:
            continue
        shown = SlotPreview(slot.name, slot.kind, slot.due_at, slot.status)
        out.append(shown)
        if slot.status != rstore.PENDING and not slot_name:
            continue
        channels, users = notices.recipients_for(session, rnd, slot, now)
        for target in channels:
            text = _text(notices, session, rnd, slot, target, None, ["ja", "en"], now, texts)
            shown.recipients.append(Recipient(f"channel {target.platform}:{target.address}",
                                              "ja+en", text))
        for user in users:
            lang: Lang = user.locale if user.locale in ("ja", "en") else "ja"  # type: ignore
            org = session.get(Organisation, user.org_id) if user.org_id else None
            target = Target(user.platform, user.platform_user_id)
            text = _text(notices, session, rnd, slot, target, user, [lang], now, texts)
            shown.recipients.append(Recipient(
                f"{org.name if org else '-'} / {user.key}", lang, text))
    return out


def _text(notices: RoundNotices, session: Session, rnd: Round, slot: ReminderSlot,
          target: Target, user: User | None, langs: list[Lang], now: datetime,
          texts: bool) -> str:
    if not texts:
        return ""
    job = _job(rnd, slot, target, user, "preview", now)
    return plain_text(notices.compose(session, job, langs, now))


def render(previews: list[SlotPreview], lang: str = "ja") -> str:
    """The preview as the CLI prints it, headings in `lang` (each text in its reader's own)."""
    from bot.commands.round_texts import say
    from handlers.dates import fmt_datetime

    lines = []
    for slot in previews:
        count = say(lang, "preview_count", n=len(slot.recipients))
        lines.append(f"== {slot.name} ({slot.kind}) {fmt_datetime(slot.due_at, lang)} "
                     f"[{slot.status}] — {count}")
        for r in slot.recipients:
            lines.append(f"-- {r.label} [{r.lang}]")
            lines.extend("   " + line for line in r.text.splitlines())
    return "\n".join(lines) or say(lang, "preview_none")


def find_slot(session: Session, rnd: Round, name: str) -> ReminderSlot:
    from store.errors import UserError

    slot = rstore.slots_for(session, rnd.id).get((name or "").strip())
    if slot is None:
        names = ", ".join(sorted(rstore.slots_for(session, rnd.id))) or "-"
        raise UserError(f"その配信枠はありません（{names}）。",
                        f"No such slot (slots: {names}).", field="slot")
    return slot


async def send_test_copy(deliverer: Deliverer, rnd_id: int, slot_name: str, user_key: str,
                         now: datetime) -> SendResult:
    """One copy of a round's slot (the summary too, before the deadline) to one admin,
    recorded as a test delivery. A reminder shows what the first company reminded gets."""

    def compose(session: Session, target: Target, user: User, langs: list[Lang]):
        rnd = session.get(Round, rnd_id)
        assert rnd is not None
        slot = find_slot(session, rnd, slot_name)
        job = _job(rnd, slot, target, user, "test", now)
        if slot.kind == REMINDER and user.org_id is None:  # the admin has no company: an example
            _, people = _notices(deliverer).recipients_for(session, rnd, slot, now)
            job = dataclasses.replace(job, org_id=people[0].org_id if people else None)
            if job.org_id is None:
                raise _no_example()
        return slot.name, _notices(deliverer).compose(session, job, langs, now)

    return await _post_test(deliverer, f"round:{rnd_id}", user_key, now, compose)


async def send_event_test_copy(deliverer: Deliverer, event_id: int, slot_name: str,
                               user_key: str, now: datetime) -> SendResult:
    """One copy of an event's slot (announcement, reminder, …) to one admin, recorded apart."""
    from bot.worker.events import EventNotices

    def compose(session: Session, target: Target, user: User, langs: list[Lang]):
        slot = find_subject_slot(session, f"event:{event_id}", slot_name)
        notices = deliverer.subjects["event"]
        assert isinstance(notices, EventNotices)
        job = Job(0, "test", slot.kind, None, user.org_id, target, user.locale, 1, now,
                  subject=slot.subject, slot=slot.name)
        return slot.name, notices.compose(session, job, langs, now)

    return await _post_test(deliverer, f"event:{event_id}", user_key, now, compose)


def find_subject_slot(session: Session, subject: str, name: str) -> ReminderSlot:
    from store.errors import UserError

    slots = rstore.subject_slots(session, subject)
    slot = slots.get((name or "").strip())
    if slot is None:
        names = ", ".join(sorted(slots)) or "-"
        raise UserError(f"その配信枠はありません（{names}）。",
                        f"No such slot (slots: {names}).", field="slot")
    return slot


def _no_example():
    from store.errors import UserError

    return UserError("リマインドを受け取る会社がないため、例を作れません。",
                     "No company would get this reminder, so there is no example to send.",
                     field="slot")


async def _post_test(deliverer: Deliverer, what: str, user_key: str, now: datetime,
                     compose) -> SendResult:
    """Refused for someone not in AIGA_ADMINS; the banner, then the text as composed, in the
    admin's language; recorded as delivery "test:<what>" with a recipient of its own."""
    from store.errors import UserError
    from store.queries import get_or_create_user

    if user_key not in deliverer.audience.admins:
        raise UserError("テスト送信は AIGA_ADMINS の管理者にだけ送れます。",
                        "A test copy goes only to an admin named in AIGA_ADMINS.",
                        field="to_me")
    platform, _, address = user_key.partition(":")
    notifier = deliverer.notifiers.get(platform)
    if notifier is None:
        raise UserError(f"{platform} の配信設定がありません。",
                        f"No notifier is configured for {platform}.", field="to_me")
    stamp = now.strftime("%Y%m%d%H%M%S")
    with deliverer.db.transaction() as session:
        user = get_or_create_user(session, platform, address, now)
        target = Target(platform, address)
        lang: Lang = user.locale if user.locale in ("ja", "en") else "ja"  # type: ignore
        slot_name, body = compose(session, target, user, [lang])
        replies: list[Reply] = [Text(TEST_BANNER), *body]
        user_id, org_id = user.id, user.org_id
    key = f"aiga:test:{what}:{slot_name}:{user_key}@{stamp}"
    result = await notifier.send_direct(target, replies, key)
    status = {Outcome.SENT: rstore.SENT, Outcome.GONE: rstore.GONE}.get(result.outcome,
                                                                       rstore.FAILED)
    with deliverer.db.transaction() as session:
        session.add(Delivery(subject=f"test:{what}", round_id=None, slot=slot_name,
                             recipient=f"user:{user_id}@{stamp}", platform=platform,
                             address=address, user_id=user_id, org_id=org_id, status=status,
                             attempts=1, sent_at=now if status == rstore.SENT else None,
                             detail=result.detail or "test copy", created_at=now,
                             updated_at=now))
    return result


__all__ = [
    "KINDS",
    "REMINDER",
    "TEST_BANNER",
    "Recipient",
    "SlotPreview",
    "find_slot",
    "past_slots",
    "preview_round",
    "render",
    "send_event_test_copy",
    "send_test_copy",
    "skip_past_slots",
]
