"""Build companies, rounds and submitted assessments straight in the database.

Much faster than talking through the whole Navi for every arithmetic test; the conversation
itself is covered by the router tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from handlers.context import Turn
from handlers.dates import TOKYO
from handlers.types import Incoming
from rubrics.loader import RubricRegistry
from store import queries
from store.models import Answer, Assessment, Organisation, Round, User

FIXTURES = Path(__file__).parent.parent / "fixtures"
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=TOKYO)  # a Friday morning in Tokyo
BOTH = ("developer", "user")


def mini_rubrics() -> RubricRegistry:
    """The 7-item rubric 0.9."""
    return RubricRegistry(FIXTURES / "rubrics")


def progress_rubrics() -> RubricRegistry:
    """Rubric 0.9 and 1.0 (1.0 adds item `bias`, renumbers `monitoring`)."""
    return RubricRegistry(FIXTURES / "rubrics_progress")


def org(session: Session, name: str, *, membership_class: str = "regular") -> Organisation:
    company = Organisation(name=name, membership_class=membership_class, created_at=NOW)
    session.add(company)
    session.flush()
    return company


def round_(session: Session, name: str, *, version: str = "0.9", opens: datetime | None = None,
           deadline: datetime | None = None, status: str = "open") -> Round:
    """A round; by default opened a month ago with its deadline a month ahead (still open)."""
    rnd = Round(name=name, rubric_version=version, opens_at=opens or NOW - timedelta(days=30),
                deadline_at=deadline or NOW + timedelta(days=30), status=status,
                created_at=NOW)
    session.add(rnd)
    session.flush()
    return rnd


def assessment(session: Session, company: Organisation, rnd: Round, levels: Mapping[str, int],
               *, roles: tuple[str, ...] = BOTH, submitted: bool = True,
               at: datetime | None = None, notes: Mapping[str, str] | None = None) -> Assessment:
    """An assessment with the given levels (submitted unless told otherwise)."""
    when = at or rnd.opens_at + timedelta(days=1)
    row = Assessment(org_id=company.id, round_id=rnd.id, rubric_version=rnd.rubric_version,
                     roles=list(roles), status="submitted" if submitted else "in_progress",
                     started_at=when, submitted_at=when if submitted else None)
    session.add(row)
    session.flush()
    for item_id, level in levels.items():
        session.add(Answer(assessment_id=row.id, item_id=item_id, level=level,
                           note=(notes or {}).get(item_id), answered_at=when))
    session.flush()
    return row


def uniform(rubric_items: list[str], level: int) -> dict[str, int]:
    return dict.fromkeys(rubric_items, level)


def user(session: Session, key: str, company: Organisation | None, *,
         admin: bool = False) -> User:
    platform, _, user_id = key.partition(":")
    person = queries.get_or_create_user(session, platform, user_id, NOW)
    person.org_id = company.id if company else None
    person.organisation = company
    person.is_admin = admin
    session.flush()
    return person


def turn(session: Session, person: User, *, lang: str = "ja", now: datetime = NOW) -> Turn:
    """A Turn as the router builds it, for calling handler functions directly."""
    conv = queries.get_or_create_state(session, person, now)
    msg = Incoming(platform=person.platform, user_id=person.platform_user_id, text="")
    return Turn(msg=msg, session=session, user=person, conv=conv,
                lang=lang, now=now, data={})  # type: ignore[arg-type]


def report_scenario(session: Session) -> tuple[Round, Round]:
    """Previous round (0.9): A all 2, B all 4. This round (1.0, adds `bias`): A, B, C
    submitted with different roles, D and an expert member G in progress, E not started,
    expert F not taking part (not counted)."""
    v09_items = [i.id for i in progress_rubrics().get("0.9").items]
    before = round_(session, "2025年度下期", version="0.9", status="closed",
                    opens=NOW - timedelta(days=200), deadline=NOW - timedelta(days=170))
    rnd = round_(session, "2026年度上期", version="1.0")
    a, b, c, d, _e = (org(session, name) for name in ("A社", "B社", "C社", "D社", "E社"))
    org(session, "F先生", membership_class="expert")
    g = org(session, "G先生", membership_class="expert")
    assessment(session, a, before, uniform(v09_items, 2))
    assessment(session, b, before, uniform(v09_items, 4))
    assessment(session, a, rnd, {"policy": 1, "usage": 2, "cases": 3, "owner": 4,
                                 "data-ip": 1, "use-ip": 2, "bias": 1, "monitoring": 3},
               notes={"policy": '=HYPERLINK("http://x")', "owner": "CAIO を任命済み"})
    assessment(session, b, rnd, {"policy": 3, "cases": 3, "owner": 3, "data-ip": 2,
                                 "bias": 2, "monitoring": 4}, roles=("developer",))
    assessment(session, c, rnd, {"policy": 2, "usage": 3, "cases": 2, "owner": 2,
                                 "use-ip": 1, "bias": 4, "monitoring": 1}, roles=("user",))
    assessment(session, d, rnd, {"policy": 3}, submitted=False)
    assessment(session, g, rnd, {"policy": 4, "cases": 4}, submitted=False)
    return before, rnd
