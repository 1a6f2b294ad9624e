"""Round notices: the announcement ("open"), the reminders ("d14" … "d0") and the secretariat's
deadline summary ("summary") of an assessment round.

When they are due is planned by handlers/rounds/reminders.py `plan()` (AIGA_REMINDER_DAYS,
AIGA_REMINDER_HOUR, AIGA_REMINDER_CLOSED_DAYS); what they say is in the same module's
`*_replies` functions. Here: who gets them and when one is no longer wanted —

* announcement: the announcement channels and every user linked to a participating company;
  a company with no linked chat user gets it (and its reminders) by e-mail at its contacts
  (`companies_for` → `add_recipients(orgs=…)`, bot/worker/base.py);
* reminder: users of companies that have not submitted, minus those who muted the round; of
  several reminders overdue at once (the worker was down) only the latest goes, and none after
  the deadline;
* summary: the secretariat channels and the admins the settings name today (AIGA_ADMINS), never
  someone the settings no longer list, whatever `users.is_admin` still says.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.notify import Notifier, Target
from bot.worker.base import (
    ROUND,
    Audience,
    Job,
    Skip,
    TickReport,
    add_recipients,
    in_languages,
    no_longer_admin,
    user_gone,
)
from handlers.rounds import reminders as texts
from handlers.rounds.participation import (
    mute_lines,
    participation,
    problem_lines,
    progress_of,
    unreachable_lines,
)
from handlers.rounds.reminders import ReminderPolicy, SummaryFacts
from handlers.rounds.service import plan_round
from handlers.types import Lang, Reply
from rubrics.loader import RubricRegistry
from store import recipients, rounds
from store import reminders as rstore
from store.assignments import open_assignees
from store.models import Assessment, Organisation, Round, User
from store.queries import get_or_create_user
from store.reminders import Delivery, ReminderSlot

# slot kinds of a round (reminder_slots.kind)
ANNOUNCE, REMINDER, SUMMARY = "announce", "reminder", "summary"
# Round and assessment states the worker tests. store/ names no constant for them yet; these
# are the values handlers/rounds and store/rounds.py write.
ROUND_CLOSED = "closed"
SUBMITTED = "submitted"


class RoundNotices:
    """The `Subject` of rounds (rows with round_id set and no subject)."""

    noun = ROUND

    def __init__(self, audience: Audience, policy: ReminderPolicy,
                 rubrics: RubricRegistry) -> None:
        self.audience = audience
        self.policy = policy
        self.rubrics = rubrics

    def plan(self, session: Session, now: datetime) -> int:
        return sum(plan_round(session, rnd, self.policy, now)
                   for rnd in rounds.live_rounds(session))

    def expand(self, session: Session, due: list[ReminderSlot], now: datetime,
               report: TickReport) -> None:
        newest_reminder: dict[int, ReminderSlot] = {}
        for slot in due:
            if slot.kind == REMINDER:
                newest_reminder[slot.round_id] = slot  # due is in time order
        for slot in due:
            rnd = session.get(Round, slot.round_id)
            if rnd is None or rnd.status == ROUND_CLOSED:
                slot.status, slot.note = rstore.CANCELLED, "round closed"
            elif slot.kind == REMINDER and newest_reminder[slot.round_id] is not slot:
                later = newest_reminder[slot.round_id].name
                slot.status, slot.note = rstore.SUPERSEDED, f"overdue; {later} sent instead"
                report.missed += 1
            elif slot.kind != SUMMARY and now > rnd.deadline_at:
                slot.status, slot.note = rstore.MISSED, "worker not running before deadline"
                report.missed += 1
            else:
                report.expanded += self._recipients(session, rnd, slot, now)
                slot.status = rstore.SENDING
            slot.updated_at = now

    def _recipients(self, session: Session, rnd: Round, slot: ReminderSlot,
                    now: datetime) -> int:
        """One delivery row per recipient of the slot (existing keys are left as they are)."""
        channels, users = self.recipients_for(session, rnd, slot, now, create=True)
        if slot.kind == SUMMARY and not users and not channels:
            slot.note = "no secretariat recipient (set AIGA_ADMINS or a channel)"
        return add_recipients(session, slot, channels, users, now,
                              orgs=self.companies_for(session, rnd, slot))

    def recipients_for(self, session: Session, rnd: Round, slot: ReminderSlot, now: datetime,
                       *, create: bool = False) -> tuple[list[Target], list[User]]:
        """Who the slot goes to if it were sent now (the preview asks with create=False and
        writes nothing)."""
        platforms = self.audience.platforms
        channels = list(self.audience.announce if slot.kind == ANNOUNCE else
                        self.audience.secretariat if slot.kind == SUMMARY else [])
        if slot.kind == SUMMARY:
            for key in sorted(self.audience.admins) if create else ():
                platform, _, user_id = key.partition(":")  # AIGA_ADMINS who never wrote
                if platform in platforms:
                    get_or_create_user(session, platform, user_id, now)
            return channels, recipients.admin_users(session, self.audience.admins, platforms)
        orgs = self.companies_for(session, rnd, slot)
        muted = {m.user_id for m in rstore.mutes_for(session, rnd.id)}
        users = [u for u in rounds.linked_users(session, [o.id for o in orgs], platforms)
                 if slot.kind != REMINDER or u.id not in muted]
        if slot.kind == REMINDER:  # the assignees of open items too, once each (issue 18)
            users += [u for u in open_assignees(session, rnd.id, [o.id for o in orgs], platforms)
                      if u.id not in muted and u not in users]
        return channels, users

    def companies_for(self, session: Session, rnd: Round,
                      slot: ReminderSlot) -> list[Organisation]:
        """The companies a slot is for: every participant for the announcement, those that
        have not submitted for a reminder, none for the summary (it goes to the secretariat).
        Their chat users get it by DM; a company with none, by e-mail to its contacts."""
        if slot.kind == SUMMARY:
            return []
        orgs = rounds.participants(session, rnd)
        if slot.kind == REMINDER:
            by_org = rounds.assessments_by_org(session, rnd.id)
            orgs = [o for o in orgs if not _submitted(by_org.get(o.id))]
        return orgs

    def kind(self, session: Session, row: Delivery) -> str:
        if row.slot == texts.ANNOUNCE:
            return ANNOUNCE
        return SUMMARY if row.slot == texts.SUMMARY else REMINDER

    def skip(self, session: Session, row: Delivery, kind: str, now: datetime) -> Skip | None:
        """Submitted, muted, past the deadline, round closed — or, for the summary, a
        recipient no longer in AIGA_ADMINS."""
        rnd = session.get(Round, row.round_id)
        if rnd is None or rnd.status == ROUND_CLOSED:
            return rstore.SKIPPED, "round closed"
        if user_gone(row):
            return rstore.GONE, "user deleted"
        if kind == SUMMARY:
            return self._no_longer_admin(session, row)
        if now > rnd.deadline_at:
            return rstore.MISSED, "deadline passed before it could be sent"
        if kind == REMINDER:
            assessment = rounds.assessments_by_org(session, rnd.id).get(row.org_id or -1)
            if _submitted(assessment):
                return rstore.SKIPPED, "submitted"
            if row.user_id is not None and rstore.is_muted(session, rnd.id, row.user_id):
                return rstore.SKIPPED, "muted"
        return None

    def _no_longer_admin(self, session: Session, row: Delivery) -> Skip | None:
        """A summary queued (or retried) for someone removed from AIGA_ADMINS meanwhile."""
        if no_longer_admin(session, row, self.audience):
            return rstore.SKIPPED, "no longer an admin"
        return None

    def compose(self, session: Session, job: Job, langs: list[Lang],
                now: datetime) -> list[Reply]:
        rnd = session.get(Round, job.round_id)
        assert rnd is not None
        by_lang: list[list[Reply]] = []
        for lang in langs:
            if job.kind == ANNOUNCE:
                rubric = self.rubrics.get(rnd.rubric_version)
                by_lang.append(texts.announce_replies(
                    lang, round_name=rnd.name, rubric_name=rubric.name.get(lang),
                    deadline_at=rnd.deadline_at, items=len(rubric.items)))
            elif job.kind == REMINDER:
                org = session.get(Organisation, job.org_id)
                assert org is not None
                progress = progress_of(session, rnd, org.id, org.name, self.rubrics)
                by_lang.append(texts.reminder_replies(
                    lang, round_id=rnd.id, round_name=rnd.name, deadline_at=rnd.deadline_at,
                    now=now, progress=progress))
            else:
                by_lang.append(texts.summary_replies(
                    lang, self._summary_facts(session, rnd, now, lang)))
        return in_languages(by_lang)

    def _summary_facts(self, session: Session, rnd: Round, now: datetime,
                       lang: Lang) -> SummaryFacts:
        rows = participation(session, rnd, self.rubrics)
        failures, missed = problem_lines(session, rnd, lang)
        unreachable = unreachable_lines(session, rnd, tuple(self.audience.platforms))
        return SummaryFacts(round_name=rnd.name, deadline_at=rnd.deadline_at, as_of=now,
                            companies=len(rows),
                            unfinished=[p for p in rows if p.state != SUBMITTED],
                            muted=mute_lines(session, rnd), failures=failures, missed=missed,
                            unreachable=unreachable)

    def slot_done(self, session: Session, slot: ReminderSlot, now: datetime) -> None:
        return None

    async def after_sent(self, notifier: Notifier, job: Job, now: datetime) -> None:
        return None


def _submitted(assessment: Assessment | None) -> bool:
    return assessment is not None and assessment.status == SUBMITTED
