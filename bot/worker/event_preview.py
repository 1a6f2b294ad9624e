"""Preview of an event's deliveries: each planned slot (announcement, the 1-day and 1-hour
reminders, a change or cancellation notice), its send time, its recipients by company and
person, and the exact text — composed by the worker's own `EventNotices.compose`, with the
recipients `EventNotices.expand` would choose (the announcement channels; reminders also to
everyone who answered 参加). Nothing is written or sent; `--to-me` is
bot/worker/preview.py `send_event_test_copy`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.notify import Target
from bot.worker.base import Job
from bot.worker.core import Deliverer
from bot.worker.events import PROPOSAL, REMINDER, EventNotices
from bot.worker.preview import Recipient, SlotPreview
from handlers.types import Lang, plain_text
from store import recipients
from store import reminders as rstore
from store.events import Event
from store.models import Organisation, User


def preview_event(deliverer: Deliverer, session: Session, event: Event, now: datetime, *,
                  slot_name: str | None = None, texts: bool = True) -> list[SlotPreview]:
    """Every slot of the event (or one); for a pending one, each recipient and their text."""
    notices = deliverer.subjects["event"]
    assert isinstance(notices, EventNotices)
    audience, out = deliverer.audience, []
    for slot in sorted(rstore.subject_slots(session, event.subject).values(),
                       key=lambda s: s.due_at):
        if slot_name and slot.name != slot_name:
            continue
        shown = SlotPreview(slot.name, slot.kind, slot.due_at, slot.status)
        out.append(shown)
        if slot.status != rstore.PENDING and not slot_name:
            continue
        if slot.kind == PROPOSAL:
            channels = list(audience.secretariat)
            people = recipients.admin_users(session, audience.admins, audience.platforms)
        else:
            channels = list(audience.announce)
            people = (recipients.attending_users(session, event.id, audience.platforms)
                      if slot.kind == REMINDER else [])

        def text(target: Target, user: User | None, langs: list[Lang],
                 slot: rstore.ReminderSlot = slot) -> str:
            if not texts:
                return ""
            job = Job(0, "preview", slot.kind, None, user.org_id if user else None, target,
                      user.locale if user else None, 1, now, subject=slot.subject,
                      slot=slot.name)
            return plain_text(notices.compose(session, job, langs, now))

        for target in channels:
            shown.recipients.append(Recipient(f"channel {target.platform}:{target.address}",
                                              "ja+en", text(target, None, ["ja", "en"])))
        for user in people:
            lang: Lang = user.locale if user.locale in ("ja", "en") else "ja"  # type: ignore
            org = session.get(Organisation, user.org_id) if user.org_id else None
            target = Target(user.platform, user.platform_user_id)
            shown.recipients.append(Recipient(f"{org.name if org else '-'} / {user.key}", lang,
                                              text(target, user, [lang])))
    return out
