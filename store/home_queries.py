"""The App Home's reads: everything the tab shows in two statements (issue 19).

The Home is republished after a member's turns, so under load its reads ran once per answer:
the user, the company (a lazy load), the open round, the company's assessment in it and its
answers as objects, the last submitted assessment, its round (another lazy load) and its answers
— eight statements and a few hundred ORM objects to draw one page. Here one statement reads the
member, the company, the open round, the company's assessment in it and the last submitted one
(plain columns, no objects), and one more reads the levels of both assessments.

The rules are the ones of their owners, written as joins: the open round is
`store.rounds.current_round`'s (status open, already opened, newest first) and the last result
is `store.queries.latest_submitted`'s; tests/test_slack_home.py checks that they agree. The
statements are built once with bound parameters, as store/queries.py does for every answer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Row, and_, bindparam, null, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import FromClause, Select

from store.models import Answer, Assessment, Organisation, Round, User
from store.rounds import NEWEST_FIRST

_org = Organisation.__table__
_round = Round.__table__.alias("open_round")
_current = Assessment.__table__.alias("this_assessment")
_last = Assessment.__table__.alias("last_submitted")
_last_round = Round.__table__.alias("last_round")

# subqueries on the plain tables: the outer statement names only aliases, so the one thing they
# correlate with is the company
_OPEN_ROUND = (select(Round.id).where(Round.status == "open", Round.opens_at <= bindparam("now"))
               .order_by(*NEWEST_FIRST).limit(1).scalar_subquery())
_LAST_SUBMITTED = (select(Assessment.id)
                   .where(Assessment.org_id == _org.c.id, Assessment.status == "submitted")
                   .order_by(Assessment.submitted_at.desc()).limit(1).scalar_subquery())

_COLUMNS = (
    _org.c.id.label("org_id"), _org.c.name.label("org_name"),
    _round.c.name.label("round_name"), _round.c.deadline_at.label("deadline_at"),
    _round.c.rubric_version.label("round_version"),
    _current.c.id.label("assessment_id"), _current.c.status.label("status"),
    _current.c.roles.label("roles"), _current.c.rubric_version.label("version"),
    _last.c.id.label("last_id"), _last.c.roles.label("last_roles"),
    _last.c.rubric_version.label("last_version"), _last.c.score.label("last_score"),
    _last.c.submitted_at.label("last_submitted_at"), _last_round.c.name.label("last_round_name"),
)


def _joined(base: FromClause) -> FromClause:
    """`base` (which holds the company) with the open round, this round's assessment and the
    last submitted one, each absent (NULL) when there is none."""
    return (base.outerjoin(_round, _round.c.id == _OPEN_ROUND)
            .outerjoin(_current, and_(_current.c.org_id == _org.c.id,
                                      _current.c.round_id == _round.c.id))
            .outerjoin(_last, _last.c.id == _LAST_SUBMITTED)
            .outerjoin(_last_round, _last_round.c.id == _last.c.round_id))


_users = User.__table__
_BY_USER: Select = (select(_users.c.locale.label("locale"), *_COLUMNS)
                    .select_from(_joined(_users.outerjoin(_org, _org.c.id == _users.c.org_id)))
                    .where(_users.c.platform == bindparam("platform"),
                           _users.c.platform_user_id == bindparam("platform_user_id")))
_BY_ORG: Select = (select(null().label("locale"), *_COLUMNS).select_from(_joined(_org))
                   .where(_org.c.id == bindparam("org_id")))
_answers = Answer.__table__
_LEVELS: Select = (select(_answers.c.assessment_id, _answers.c.item_id, _answers.c.level)
                   .where(_answers.c.assessment_id.in_(bindparam("ids", expanding=True))))


def home_row(session: Session, platform: str, platform_user_id: str,
             now: datetime) -> Row | None:
    """The member's row: `locale`, and the company's columns below (all None without a
    company); None when the member is not known yet.

    Columns: org_id, org_name; round_name, deadline_at, round_version (the open round);
    assessment_id, status, roles, version (the company's assessment in it); last_id,
    last_roles, last_version, last_score, last_submitted_at, last_round_name (the last
    submitted assessment)."""
    return session.connection().execute(_BY_USER, {
        "platform": platform, "platform_user_id": platform_user_id, "now": now}).first()


def org_row(session: Session, org_id: int, now: datetime) -> Row | None:
    """The same row for a company found another way (a member's e-mail domain)."""
    return session.connection().execute(_BY_ORG, {"org_id": org_id, "now": now}).first()


def levels(session: Session, assessment_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Each assessment's answered levels by item id, in one statement."""
    ids = sorted(set(assessment_ids))
    found: dict[int, dict[str, int]] = defaultdict(dict)
    if ids:
        for assessment_id, item_id, level in session.connection().execute(_LEVELS,
                                                                          {"ids": ids}):
            found[assessment_id][item_id] = level
    return found
