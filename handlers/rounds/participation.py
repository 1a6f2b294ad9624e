"""Who takes part in a round and how far each company is; who muted, failed or cannot be told.

The secretariat's status (chat and CLI) and the worker's reminders and summary read these, so a
company's progress is counted one way everywhere.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from handlers.dates import fmt_datetime
from handlers.rounds.reminders import Progress
from handlers.rounds.texts import say
from rubrics.loader import RubricRegistry
from store import reminders as rstore
from store import rounds as queries
from store.models import Assessment, Organisation, Round, User

DELIVERABLE = ("slack", "teams")  # platforms the worker can message first (not the console)
STATES = ("submitted", "in_progress", "not_started")


def participation(session: Session, rnd: Round, rubrics: RubricRegistry) -> list[Progress]:
    """Every participating company: submitted / in progress (x/y) / not started."""
    orgs = queries.participants(session, rnd)
    by_org = queries.assessments_by_org(session, rnd.id)
    answered = queries.answered_items(session, [a.id for a in by_org.values()])
    return [_progress(rubrics, rnd, org.name, by_org.get(org.id), answered) for org in orgs]


def progress_of(session: Session, rnd: Round, org_id: int, org_name: str,
                rubrics: RubricRegistry) -> Progress:
    by_org = queries.assessments_by_org(session, rnd.id)
    assessment = by_org.get(org_id)
    answered = queries.answered_items(session, [assessment.id] if assessment else [])
    return _progress(rubrics, rnd, org_name, assessment, answered)


def _progress(rubrics: RubricRegistry, rnd: Round, org_name: str, assessment: Assessment | None,
              answered: dict[int, set[str]]) -> Progress:
    if assessment is None:
        return Progress(org_name, "not_started", 0, len(rubrics.get(rnd.rubric_version).items))
    rubric = rubrics.get(assessment.rubric_version)
    items = rubric.applicable(assessment.roles) if assessment.roles else rubric.items
    done = sum(1 for i in items if i.id in answered.get(assessment.id, set()))
    state = "submitted" if assessment.status == "submitted" else "in_progress"
    return Progress(org_name, state, done, len(items))


def counts(rows: list[Progress]) -> dict[str, int]:
    return {state: sum(1 for r in rows if r.state == state) for state in STATES}


def mute_lines(session: Session, rnd: Round) -> list[str]:
    lines = []
    for row in rstore.mutes_for(session, rnd.id):
        user = session.get(User, row.user_id)
        if user is not None:
            org = user.organisation.name if user.organisation else "-"
            lines.append(f"{org}: {user.display_name or user.key}")
    return lines


def unreachable_lines(session: Session, rnd: Round,
                      platforms: tuple[str, ...] = DELIVERABLE) -> list[str]:
    """Participating companies with no linked user the bot can message (nor, when the worker
    sends e-mail, a contact): nobody gets their announcement or reminders, so the secretariat
    has to link someone or chase them by hand."""
    orgs = queries.participants(session, rnd)
    reached = {u.org_id for u in queries.linked_users(session, [o.id for o in orgs], platforms)}
    if "email" in platforms:  # the worker mails the contacts of companies with no one in chat
        from store.contacts import contacts_for

        reached |= {c.org_id for c in contacts_for(session, [o.id for o in orgs])}
    return [o.name for o in orgs if o.id not in reached]


def problem_lines(session: Session, rnd: Round, lang: str = "ja") -> tuple[list[str], list[str]]:
    """(deliveries that failed or cannot be confirmed, reminders that were never sent)."""
    failures = []
    for d in rstore.deliveries_for(session, rnd.id, (rstore.GONE, rstore.FAILED,
                                                     rstore.UNCERTAIN)):
        org = _org_name(session, d.org_id)
        failures.append(f"{org}: {d.platform}:{d.address} [{d.slot}] {d.status}"
                        + (f" ({d.detail})" if d.detail else ""))
    missed = [f"{s.name} {fmt_datetime(s.due_at, lang)} ({s.status})"
              for s in rstore.slots_for(session, rnd.id).values()
              if s.status in (rstore.MISSED, rstore.SUPERSEDED)]
    late = rstore.deliveries_for(session, rnd.id, (rstore.MISSED,))
    if late:
        missed.append(say(lang, "late_not_sent", n=len(late)))
    return failures, missed


def _org_name(session: Session, org_id: int | None) -> str:
    org = session.get(Organisation, org_id) if org_id else None
    return org.name if org else "-"
