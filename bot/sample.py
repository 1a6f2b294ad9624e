"""Sample data so a newcomer can try the bot at once; never added to a database in real use."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy.orm import Session

from handlers.dates import TOKYO
from store import queries
from store.models import Organisation, OrgDomain, Round

SAMPLE_ORG = "サンプル株式会社（試用データ）"
SAMPLE_ROUND = "試用ラウンド（サンプル）"
SAMPLE_DOMAIN = "example.invalid"


def ensure_sample_data(session: Session, now: datetime, rubric_version: str) -> bool:
    """Create the sample company and an open round, only in an empty database.

    Returns True when created. A database that holds any company or round is real (or already
    seeded), so nothing is added there.
    """
    if queries.count_rows(session, Organisation) or queries.count_rows(session, Round):
        return False
    org = Organisation(name=SAMPLE_ORG, membership_class="regular", is_sample=True,
                       created_at=now)
    org.domains.append(OrgDomain(domain=SAMPLE_DOMAIN))
    today = now.astimezone(TOKYO).date()
    deadline = datetime.combine(today + timedelta(days=30), time(23, 59), TOKYO)
    opens = datetime.combine(today, time(0, 0), TOKYO)
    session.add_all([
        org,
        Round(name=SAMPLE_ROUND, rubric_version=rubric_version, opens_at=opens,
              deadline_at=deadline, status="open", is_sample=True, created_at=now),
    ])
    return True
