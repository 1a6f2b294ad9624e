"""Team messages of an assessment (issue 18), the worker's subject "navi": an assignment to the
assignee, the summary to the approver, a send-back to the assignees.

handlers/navi/team_notices.py queues each as a delivery row at once (subject
"navi:<assessment id>", no slot row: nothing to plan or expand), so the core claims, sends and
records each exactly once like any other; this class says whether a claimed row is still wanted
and what it says as of sending.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.notify import Notifier
from bot.worker.base import Job, Skip, TickReport, user_gone
from handlers.navi import team_notices
from handlers.types import Lang, Reply
from rubrics.loader import RubricRegistry
from store import assignments as team
from store import reminders as rstore
from store.models import Assessment, User
from store.reminders import Delivery, ReminderSlot

KINDS = {team_notices.ASSIGN: "navi_assign", team_notices.SIGNOFF: "navi_signoff",
         team_notices.SEND_BACK: "navi_send_back"}


class NaviNotices:
    """The `Subject` of an assessment's team messages (queued by handlers, never planned)."""

    noun = team_notices.SUBJECT.rstrip(":")

    def __init__(self, rubrics: RubricRegistry) -> None:
        self.rubrics = rubrics

    def plan(self, session: Session, now: datetime) -> int:
        return 0

    def expand(self, session: Session, due: list[ReminderSlot], now: datetime,
               report: TickReport) -> None:
        for slot in due:  # none are written; a stray one must not stay due for ever
            slot.status, slot.note, slot.updated_at = rstore.CANCELLED, "not a slot subject", now

    def kind(self, session: Session, row: Delivery) -> str:
        return KINDS.get(row.slot.partition(":")[0], "navi_assign")

    def skip(self, session: Session, row: Delivery, kind: str, now: datetime) -> Skip | None:
        """Not after submission, not to a deleted user, not an out-of-date sign-off request,
        not to someone no longer in the company."""
        assessment = self._assessment(session, row.subject)
        if assessment is None:
            return rstore.SKIPPED, "assessment deleted"
        if user_gone(row):
            return rstore.GONE, "user deleted"
        if assessment.status != "in_progress":
            return rstore.SKIPPED, "submitted"
        person = session.get(User, row.user_id or 0)
        if person is None or person.org_id != assessment.org_id:
            return rstore.SKIPPED, "no longer with the company"
        if kind == "navi_signoff":
            request = team.signoff_of(session, assessment.id)
            if request is None or f"{team_notices.SIGNOFF}:{request.request_no}" != row.slot \
                    or request.status != team.REQUESTED:
                return rstore.SKIPPED, "sign-off request superseded"
        return None

    def compose(self, session: Session, job: Job, langs: list[Lang],
                now: datetime) -> list[Reply]:
        assessment = self._assessment(session, job.subject)
        row = session.get(Delivery, job.delivery_id)
        person = session.get(User, row.user_id) if row is not None and row.user_id else None
        assert assessment is not None and person is not None
        return team_notices.compose(session, assessment, job.slot, person, langs[0],
                                    self.rubrics)

    def slot_done(self, session: Session, slot: ReminderSlot, now: datetime) -> None:
        return None

    async def after_sent(self, notifier: Notifier, job: Job, now: datetime) -> None:
        return None

    @staticmethod
    def _assessment(session: Session, subject: str | None) -> Assessment | None:
        aid = team_notices.assessment_id_of(subject or "")
        return session.get(Assessment, aid) if aid is not None else None
