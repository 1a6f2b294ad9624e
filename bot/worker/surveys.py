"""Member surveys (subject "survey:<id>"): the announcement, one reminder, the members' summary.

1. `survey send` (handlers/surveys/service.py) opens a survey and plans its slots: "announce"
   now, "remind" at 10:00 Tokyo the day before the deadline (when still ahead), and later,
   when an admin publishes it, "summary";
2. `expand()` below turns a due slot into one delivery per recipient: the announcement to every
   announcement channel and every linked user of the audience's companies; the reminder only
   to the users whose company (per-company mode) or who themselves (per person) have not
   answered — read from the completions, which never link to an anonymous answer; the summary
   to the channels;
3. `skip()` re-checks at the moment of sending: a survey closed or past its deadline, a
   respondent who answered since, a user deleted or no longer in the audience;
   a company of the audience with no chat user is told by e-mail at its contacts
   (`add_recipients(orgs=…)`, when the worker has an e-mail notifier), reminded the same way;
4. `compose()`: handlers/surveys/messages.py. The core sends, paces and records exactly once.
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
    subject_id,
    user_gone,
)
from handlers.config import current
from handlers.surveys import messages
from handlers.surveys.access import respondent_key
from handlers.surveys.service import ANNOUNCE, KIND, REMIND, SUMMARY
from handlers.types import Lang, Reply
from store import reminders as rstore
from store import surveys as sstore
from store import targeting
from store.models import Organisation, User
from store.reminders import Delivery, ReminderSlot
from store.surveys import Survey


class SurveyNotices:
    """The `Subject` of member surveys."""

    noun = "survey"

    def __init__(self, audience: Audience) -> None:
        self.audience = audience

    def plan(self, session: Session, now: datetime) -> int:
        return 0  # planned by the service when a survey is sent, edited or published

    def expand(self, session: Session, due: list[ReminderSlot], now: datetime,
               report: TickReport) -> None:
        for slot in due:
            survey = session.get(Survey, subject_id(slot.subject))
            slot.updated_at = now
            if survey is None:
                slot.status, slot.note = rstore.CANCELLED, "subject deleted"
                continue
            if slot.name != SUMMARY and (survey.status != sstore.OPEN
                                         or now >= survey.deadline_at):
                slot.status, slot.note = rstore.MISSED, "survey not open any more"
                continue
            channels = list(self.audience.announce) if slot.name in (ANNOUNCE, SUMMARY) else []
            people = [] if slot.name == SUMMARY else self._people(session, survey, slot.name)
            orgs = [] if slot.name == SUMMARY else self._companies(session, survey, slot.name)
            report.expanded += add_recipients(session, slot, channels, people, now, orgs=orgs)
            if not channels and not people:
                slot.note = "no recipient (set AIGA_ANNOUNCE_CHANNELS / link users)"
            slot.status = rstore.SENDING

    def _people(self, session: Session, survey: Survey, slot: str) -> list[User]:
        users = targeting.users(session, targeting.parse(survey.audience),
                                self.audience.platforms)
        if slot != REMIND:
            return users
        done = sstore.completed_respondents(session, survey.id)
        return [u for u in users if respondent_key(survey, u) not in done]

    def _companies(self, session: Session, survey: Survey, slot: str) -> list[Organisation]:
        """The audience's companies (those with no chat user get an e-mail, base.py); for the
        reminder of a per-company survey, only those that have not answered."""
        companies = targeting.companies(session, targeting.parse(survey.audience))
        if slot != REMIND or survey.mode != sstore.COMPANY:
            return companies
        done = sstore.completed_respondents(session, survey.id)
        return [o for o in companies if f"org:{o.id}" not in done]

    def kind(self, session: Session, row: Delivery) -> str:
        slot = rstore.subject_slots(session, row.subject).get(row.slot)
        return slot.kind if slot is not None else KIND.get(row.slot, KIND[ANNOUNCE])

    def skip(self, session: Session, row: Delivery, kind: str, now: datetime) -> Skip | None:
        survey = session.get(Survey, subject_id(row.subject))
        if survey is None:
            return rstore.SKIPPED, "deleted"
        if user_gone(row):
            return rstore.GONE, "user deleted"
        if row.slot == SUMMARY:
            return None
        if survey.status != sstore.OPEN:
            return rstore.SKIPPED, "survey closed"
        if now >= survey.deadline_at:
            return rstore.MISSED, "after the deadline"
        if row.user_id is None and row.recipient.startswith("contact:"):
            return self._skip_company(session, survey, row)  # an e-mail to a company
        if row.user_id is None:
            return None  # a channel
        user = session.get(User, row.user_id)
        if user is None or user.org_id is None:
            return rstore.SKIPPED, "no member company"
        if not any(o.id == user.org_id for o in targeting.companies(
                session, targeting.parse(survey.audience))):
            return rstore.SKIPPED, "not in the audience"
        if row.slot == REMIND and sstore.is_complete(session, survey.id,
                                                      respondent_key(survey, user)):
            return rstore.SKIPPED, "answered"
        return None

    def _skip_company(self, session: Session, survey: Survey, row: Delivery) -> Skip | None:
        if row.org_id is None or not any(o.id == row.org_id for o in targeting.companies(
                session, targeting.parse(survey.audience))):
            return rstore.SKIPPED, "not in the audience"
        if (row.slot == REMIND and survey.mode == sstore.COMPANY
                and sstore.is_complete(session, survey.id, f"org:{row.org_id}")):
            return rstore.SKIPPED, "answered"
        return None

    def compose(self, session: Session, job: Job, langs: list[Lang],
                now: datetime) -> list[Reply]:
        survey = session.get(Survey, subject_id(job.subject))
        assert survey is not None
        if job.slot == SUMMARY:
            floor = current().benchmark_min_companies
            return in_languages([messages.members_summary(session, survey, lang, floor)
                                 for lang in langs])
        make = messages.reminder if job.slot == REMIND else messages.announcement
        return in_languages([make(survey, lang) for lang in langs])

    def slot_done(self, session: Session, slot: ReminderSlot, now: datetime) -> None:
        return None

    async def after_sent(self, notifier: Notifier, job: Job, now: datetime) -> None:
        return None
