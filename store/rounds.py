"""Queries about rounds and who takes part in them (the CLI, chat and the worker share them).

The one owner of the rules about rounds that several features need: which round is open now
(`current_round`), which one a reference names (`round_by_ref`), which one counts as the
previous (`previous_round`), and which companies are expected to answer (`PARTICIPATING_CLASSES`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from store.models import Answer, Assessment, Organisation, Round, User

# Expert members (有識者会員) are individuals, not companies: they do not take the Navi.
PARTICIPATING_CLASSES = ("regular", "smb")


MAX_ID_DIGITS = 9  # ids are 32-bit integers; a longer "number" is not one

# Round order, newest first: by the moment a round opens, then by its number (creation order).
NEWEST_FIRST = (Round.opens_at.desc(), Round.id.desc())


def all_rounds(session: Session) -> list[Round]:
    return list(session.scalars(select(Round).order_by(*NEWEST_FIRST)))


def current_round(session: Session, now: datetime) -> Round | None:
    """The open round members answer now: status open, already opened, newest first."""
    return session.scalar(select(Round).where(Round.status == "open", Round.opens_at <= now)
                          .order_by(*NEWEST_FIRST).limit(1))


def latest_opened(session: Session, now: datetime) -> Round | None:
    """The newest round that has opened, whatever its status (the report's default)."""
    return session.scalar(select(Round).where(Round.opens_at <= now)
                          .order_by(*NEWEST_FIRST).limit(1))


def live_rounds(session: Session) -> list[Round]:
    """Rounds that are not closed: the worker plans and delivers for these."""
    return list(session.scalars(select(Round).where(Round.status != "closed")
                                .order_by(Round.opens_at, Round.id)))


def round_number(text: str) -> int | None:
    """"3" or "#3" (full-width digits too) → 3; anything else, or a number no round id can be
    (PostgreSQL would refuse it), → None."""
    number = text.strip().removeprefix("#")
    if not number.isdecimal() or len(number) > MAX_ID_DIGITS:
        return None
    return int(number)


def round_by_ref(session: Session, ref: str | int) -> Round | None:
    """A round by its number ("3", "#3") or its exact name; a name two rounds share names
    neither (the caller asks for the number rather than guess)."""
    ref = str(ref).strip()
    number = round_number(ref)
    if number is not None:
        found = session.get(Round, number)
        if found is not None:
            return found
    named = list(session.scalars(select(Round).where(Round.name == ref).limit(2)))
    return named[0] if len(named) == 1 else None


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


def previous_round(session: Session, rnd: Round, *,
                   submitted_by: int | None = None) -> Round | None:
    """The one rule for "the previous round" (round report, a company's progress, carry-over).

    Rounds are ordered by the moment they open; two that open at the same moment (opening days
    have no time of day, so two rounds opened for the same day) are ordered by their number,
    i.e. the order they were created. The previous round is the nearest one before `rnd` in
    that order, of the same kind: a trial (sample) round is never compared with a real one.
    With `submitted_by`, only rounds in which that company submitted count: its previous round.
    """
    earlier = or_(Round.opens_at < rnd.opens_at,
                  and_(Round.opens_at == rnd.opens_at, Round.id < rnd.id))
    query = select(Round).where(earlier, Round.id != rnd.id, Round.is_sample == rnd.is_sample)
    if submitted_by is not None:
        query = query.join(Assessment, Assessment.round_id == Round.id).where(
            Assessment.org_id == submitted_by, Assessment.status == "submitted")
    return session.scalar(query.order_by(*NEWEST_FIRST).limit(1))


def previous_submitted(session: Session, assessment: Assessment) -> Assessment | None:
    """The company's submitted assessment in its previous round (the rule: `previous_round`)."""
    current = session.get(Round, assessment.round_id)
    if current is None:
        return None
    before = previous_round(session, current, submitted_by=assessment.org_id)
    if before is None:
        return None
    return session.scalar(select(Assessment).where(Assessment.org_id == assessment.org_id,
                                                   Assessment.round_id == before.id))
