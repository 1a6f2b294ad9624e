"""Team messages of an assessment (issue 18): an assignment to the assignee, the summary to the
approver, a send-back to the assignees. handlers/navi/team_notices.py queues them as delivery
rows (subject "round:navi:<assessment id>", no slot row); RoundNotices hands rows with a subject
to this class, so the core claims, sends and records each exactly once like any other.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.worker.base import Job, Skip, user_gone
from handlers.navi import team_notices
from handlers.types import Lang, Reply
from rubrics.loader import RubricRegistry
from store import assignments as team
from store import reminders as rstore
from store.models import Assessment, User
from store.reminders import Delivery

KINDS = {team_notices.ASSIGN: "navi_assign", team_notices.SIGNOFF: "navi_signoff",
         team_notices.SEND_BACK: "navi_send_back"}


def is_team_notice(subject: str | None) -> bool:
    return bool(subject) and subject.startswith(team_notices.SUBJECT)  # type: ignore[union-attr]


class NaviNotices:
    """kind / skip / compose for the team messages (no plan, no expand: queued by handlers)."""

    def __init__(self, rubrics: RubricRegistry) -> None:
        self.rubrics = rubrics

    def kind(self, row: Delivery) -> str:
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

    @staticmethod
    def _assessment(session: Session, subject: str | None) -> Assessment | None:
        aid = team_notices.assessment_id_of(subject or "")
        return session.get(Assessment, aid) if aid is not None else None
