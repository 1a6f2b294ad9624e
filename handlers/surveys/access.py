"""Who may answer a survey now, and as whom: checked on every answering turn, not only at start.

A survey is answered for a company (any linked colleague, one answer set per company) or per
person. A user with no company — never linked, or whose company left the association and was
unlinked — a company outside the audience, a survey not yet sent, closed or past its deadline:
each gets its own polite refusal and nothing is saved.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from handlers.surveys.texts import refusal
from store import surveys as store
from store import targeting
from store.models import Organisation, User
from store.surveys import Survey


def respondent_key(survey: Survey, user: User) -> str:
    """"org:<id>" (per company) or "user:<id>" (per person): whose answer set it is."""
    if survey.mode == store.PERSON:
        return f"user:{user.id}"
    return f"org:{user.org_id}"


def member_company(user: User) -> Organisation:
    org = user.organisation
    if org is None or user.org_id is None:
        raise refusal("err_no_org")
    if getattr(org, "removed_at", None) is not None:
        raise refusal("err_company_left", org=org.name)
    return org


def in_audience(session: Session, survey: Survey, org: Organisation) -> bool:
    return any(o.id == org.id for o in targeting.companies(
        session, targeting.parse(survey.audience)))


def check_answerable(session: Session, survey: Survey, user: User, now: datetime) -> str:
    """The respondent key if `user` may answer `survey` now; else a polite SurveyError."""
    if survey.status == store.DRAFT:
        raise refusal("err_not_open", id=survey.id)
    if survey.status == store.CLOSED or now >= survey.deadline_at:
        raise refusal("err_deadline", id=survey.id, title=survey.title)
    org = member_company(user)
    if not in_audience(session, survey, org):
        raise refusal("err_not_audience", id=survey.id)
    return respondent_key(survey, user)


def surveys_for(session: Session, user: User, now: datetime) -> list[Survey]:
    """Open surveys the user's company is in the audience of."""
    org = user.organisation
    if org is None or getattr(org, "removed_at", None) is not None:
        return []
    return [s for s in store.open_surveys(session, now) if in_audience(session, s, org)]
