"""FAQ notices (subject "faq:<question id>"): a forwarded question to the secretariat, and the
secretariat's answer to the member who asked.

1. a member forwards a question (「どれでもない」, 「事務局に転送する」): handlers/faq/dialogue.py
   stores it with the slot "forward" (kind "faq_forward"), due at once;
2. `expand()` below sends it to the secretariat channels (AIGA_SECRETARIAT_CHANNELS), or, when
   none is set, to each admin named in AIGA_ADMINS by DM: the company, the person, the question
   and two buttons (answer — a form —, mark done); handlers/faq/notices.py words it;
3. an admin answers (「回答 12 …」 or the form): handlers/faq/loop.py stores the answer and the
   slot "answer" (kind "faq_answer"); it goes to the asker's DM in the language they asked in.
The core (bot/worker/core.py) claims, sends and records each delivery once, so a restart or a
second worker never repeats a notice. A console member has no DM: their answer waits in the
inbox the router shows at their next turn (no slot is queued for them).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.notify import Notifier
from bot.worker.base import (
    Audience,
    Job,
    Skip,
    TickReport,
    add_recipients,
    in_languages,
    no_longer_admin,
    subject_id,
    user_gone,
)
from handlers.faq import notices
from handlers.types import Lang, Reply
from store import recipients
from store import reminders as rstore
from store.faq import OPEN, ForwardedQuestion
from store.models import User
from store.queries import get_or_create_user
from store.reminders import Delivery, ReminderSlot


class FaqNotices:
    """The `Subject` of forwarded FAQ questions."""

    noun = "faq"

    def __init__(self, audience: Audience) -> None:
        self.audience = audience

    def plan(self, session: Session, now: datetime) -> int:
        return 0  # the slots are written when a question is forwarded or answered

    def expand(self, session: Session, due: list[ReminderSlot], now: datetime,
               report: TickReport) -> None:
        platforms = self.audience.platforms
        for slot in due:
            row = session.get(ForwardedQuestion, subject_id(slot.subject))
            slot.updated_at = now
            if row is None:
                slot.status, slot.note = rstore.CANCELLED, "question deleted"
                continue
            if slot.kind == notices.KIND_FORWARD:
                if row.status != OPEN:
                    slot.status, slot.note = rstore.CANCELLED, "handled before it was sent"
                    continue
                channels = list(self.audience.secretariat)
                people = [] if channels else self._admins(session, now)
            else:
                channels, people = [], recipients.user_on(session, row.user_id, platforms)
            report.expanded += add_recipients(session, slot, channels, people, now)
            if not channels and not people:
                slot.note = "no recipient (set AIGA_SECRETARIAT_CHANNELS or AIGA_ADMINS)"
            slot.status = rstore.SENDING

    def _admins(self, session: Session, now: datetime) -> list[User]:
        """The admins the settings name, on a platform we can deliver to (a user row is made
        for an admin who never wrote to the bot, as for the round summary)."""
        platforms = self.audience.platforms
        for key in sorted(self.audience.admins):
            platform, _, user_id = key.partition(":")
            if platform in platforms:
                get_or_create_user(session, platform, user_id, now)
        return recipients.admin_users(session, self.audience.admins, platforms)

    def kind(self, session: Session, row: Delivery) -> str:
        return notices.KIND_FORWARD if row.slot == notices.FORWARD else notices.KIND_ANSWER

    def skip(self, session: Session, row: Delivery, kind: str, now: datetime) -> Skip | None:
        question = session.get(ForwardedQuestion, subject_id(row.subject or ""))
        if question is None:
            return rstore.SKIPPED, "question deleted"
        if user_gone(row):
            return rstore.GONE, "user deleted"
        if kind == notices.KIND_FORWARD and no_longer_admin(session, row, self.audience):
            return rstore.SKIPPED, "no longer an admin"
        return None

    def compose(self, session: Session, job: Job, langs: list[Lang],
                now: datetime) -> list[Reply]:
        row = session.get(ForwardedQuestion, subject_id(job.subject))
        assert row is not None
        if job.kind == notices.KIND_FORWARD:
            return in_languages([notices.admin_notice(session, row, lang) for lang in langs])
        # the member's answer: in the language they asked in
        lang: Lang = "en" if row.lang == "en" else "ja"
        return notices.member_answer(row, lang)

    def slot_done(self, session: Session, slot: ReminderSlot, now: datetime) -> None:
        return None

    async def after_sent(self, notifier: Notifier, job: Job, now: datetime) -> None:
        return None
