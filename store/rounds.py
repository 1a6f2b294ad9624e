"""Queries about rounds and who takes part in them (the CLI, chat and the worker share them)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Answer, Assessment, Organisation, Round, User

# Expert members (有識者会員) are individuals, not companies: they do not take the Navi.
PARTICIPATING_CLASSES = ("regular", "smb")


def all_rounds(session: Session) -> list[Round]:
    return list(session.scalars(select(Round).order_by(Round.opens_at.desc(), Round.id.desc())))


def live_rounds(session: Session) -> list[Round]:
    """Rounds that are not closed: the worker plans and delivers for these."""
    return list(session.scalars(select(Round).where(Round.status != "closed")
                                .order_by(Round.opens_at, Round.id)))


def round_by_ref(session: Session, ref: str) -> Round | None:
    """A round by its number ("3", "#3") or its exact name."""
    ref = ref.strip()
    number = ref.removeprefix("#")
    if number.isdigit():
        found = session.get(Round, int(number))
        if found is not None:
            return found
    return session.scalar(select(Round).where(Round.name == ref))


def overlapping(session: Session, opens_at: datetime, deadline_at: datetime,
                exclude: int | None = None) -> Round | None:
    """A round still running (not closed) whose period overlaps [opens_at, deadline_at]."""
    query = select(Round).where(Round.status != "closed", Round.opens_at <= deadline_at,
                                Round.deadline_at >= opens_at)
    if exclude is not None:
        query = query.where(Round.id != exclude)
    return session.scalar(query.order_by(Round.opens_at).limit(1))


def participants(session: Session, rnd: Round) -> list[Organisation]:
    """The member companies expected to answer this round (sample companies only in a sample
    round, so trial data never shows up in real figures)."""
    return list(session.scalars(
        select(Organisation)
        .where(Organisation.membership_class.in_(PARTICIPATING_CLASSES),
               Organisation.is_sample == rnd.is_sample)
        .order_by(Organisation.name)))


def assessments_by_org(session: Session, round_id: int) -> dict[int, Assessment]:
    rows = session.scalars(select(Assessment).where(Assessment.round_id == round_id))
    return {a.org_id: a for a in rows}


def answered_items(session: Session, assessment_ids: Iterable[int]) -> dict[int, set[str]]:
    ids = list(assessment_ids)
    found: dict[int, set[str]] = defaultdict(set)
    if not ids:
        return found
    rows = session.execute(select(Answer.assessment_id, Answer.item_id)
                           .where(Answer.assessment_id.in_(ids)))
    for assessment_id, item_id in rows:
        found[assessment_id].add(item_id)
    return found


def linked_users(session: Session, org_ids: Iterable[int],
                 platforms: Iterable[str]) -> list[User]:
    """Users linked to these companies on platforms we can deliver to, in a stable order."""
    ids, kinds = list(org_ids), list(platforms)
    if not ids or not kinds:
        return []
    return list(session.scalars(select(User).where(User.org_id.in_(ids),
                                                   User.platform.in_(kinds))
                                .order_by(User.org_id, User.id)))


def secretariat_users(session: Session, admin_keys: Iterable[str],
                      platforms: Iterable[str]) -> list[User]:
    """Admins flagged in the database or named in AIGA_ADMINS, on deliverable platforms."""
    keys = set(admin_keys)
    kinds = list(platforms)
    rows = session.scalars(select(User).where(User.platform.in_(kinds)).order_by(User.id))
    return [u for u in rows if u.is_admin or u.key in keys]


def previous_submitted(session: Session, assessment: Assessment) -> Assessment | None:
    """The company's latest submitted assessment from a round that opened before this one's."""
    current = session.get(Round, assessment.round_id)
    if current is None:
        return None
    return session.scalar(
        select(Assessment).join(Round, Round.id == Assessment.round_id)
        .where(Assessment.org_id == assessment.org_id, Assessment.status == "submitted",
               Assessment.round_id != assessment.round_id, Round.opens_at < current.opens_at)
        .order_by(Round.opens_at.desc(), Assessment.submitted_at.desc())
        .limit(1))
