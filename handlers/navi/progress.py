"""Where a company stands in the current round: one rule for every surface (status, Home, pause)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.navi import order
from rubrics.loader import Item, Rubric, RubricRegistry
from store import queries
from store.models import Assessment, Organisation, Round
from store.rounds import current_round


@dataclass
class CompanyProgress:
    round: Round | None = None
    assessment: Assessment | None = None
    answered: int = 0
    applicable: int = 0  # before roles are chosen: every item of the rubric
    missing: list[Item] = field(default_factory=list)

    @property
    def state_key(self) -> str:
        """A messages.py key: status_not_started | status_in_progress | status_submitted."""
        if self.assessment is None:
            return "status_not_started"
        return "status_submitted" if self.assessment.status == "submitted" else (
            "status_in_progress")

    @property
    def text(self) -> str:
        return f"{self.answered}/{self.applicable}"


def assessment_progress(session: Session, rubrics: RubricRegistry,
                        assessment: Assessment) -> CompanyProgress:
    rubric = rubrics.get(assessment.rubric_version)
    items = order.walk(rubric, assessment.roles or None)  # missing items in the asking order
    answers = queries.answers_by_item(session, assessment.id)
    missing = [i for i in items if i.id not in answers]
    return CompanyProgress(round=assessment.round, assessment=assessment,
                           answered=len(items) - len(missing), applicable=len(items),
                           missing=missing)


def company_progress(session: Session, rubrics: RubricRegistry, org: Organisation,
                     now: datetime) -> CompanyProgress:
    """The company's assessment in the round open now (empty progress when there is none)."""
    rnd = current_round(session, now)
    if rnd is None:
        return CompanyProgress()
    assessment = queries.assessment_for(session, org.id, rnd.id)
    if assessment is None:
        return CompanyProgress(round=rnd, applicable=len(rubrics.get(rnd.rubric_version).items))
    return assessment_progress(session, rubrics, assessment)


def answered_count(rubric: Rubric, roles: Sequence[str] | None,
                   answered: Collection[str]) -> tuple[int, int]:
    """(answered, applicable) as `assessment_progress` counts them, for a page drawn often
    (the App Home) from item ids alone: before roles are chosen every item counts, and answers
    to items that do not apply are not counted. The rubric keeps its applicable items."""
    ids = {i.id for i in (rubric.applicable(roles) if roles else rubric.items)}
    return len(ids.intersection(answered)), len(ids)


def next_planned(session: Session, now: datetime) -> Round | None:
    """The round that opens next (a round row with opens_at still ahead), if one is set."""
    return session.scalar(select(Round).where(Round.status != "closed", Round.opens_at > now)
                          .order_by(Round.opens_at, Round.id).limit(1))
