"""Reopening a submitted assessment: only the secretariat, only with a reason, always audited.

A submitted assessment is the company's answer of record, so members cannot change it; when a
company asks to correct it, the secretariat reopens it (the Navi then lets the company answer
and submit again). The reason and who reopened it are kept in the audit log.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.rounds.service import RoundError
from handlers.rounds.texts import TEXTS
from store import audit
from store.models import Assessment, Round
from store.orgs import find_org

MAX_REASON = 500


def reopen_assessment(session: Session, rnd: Round, company: str, reason: str, *,
                      actor: str, now: datetime) -> Assessment:
    """Set a submitted assessment back to in progress; a RoundError says why it cannot be."""
    reason = " ".join(reason.split())
    if not reason:
        raise RoundError(*TEXTS.pair("reopen_reason"))
    if len(reason) > MAX_REASON:
        raise RoundError(*TEXTS.pair("reopen_reason_long", n=MAX_REASON))
    if rnd.status == "closed":
        raise RoundError(*TEXTS.pair("reopen_closed", id=rnd.id, name=rnd.name))
    org = find_org(session, company)
    assessment = session.scalar(select(Assessment).where(Assessment.round_id == rnd.id,
                                                         Assessment.org_id == org.id))
    if assessment is None or assessment.status != "submitted":
        raise RoundError(*TEXTS.pair("reopen_not_submitted", org=org.name, name=rnd.name))
    submitted_at = assessment.submitted_at
    assessment.status, assessment.submitted_at, assessment.submitted_by = "in_progress", None, None
    audit.record(session, actor=actor, action="assessment.reopen",
                 target=f"round:{rnd.id}/org:{org.id}", now=now,
                 detail={"company": org.name, "reason": reason,
                         "was_submitted_at": submitted_at.isoformat() if submitted_at else None})
    return assessment
