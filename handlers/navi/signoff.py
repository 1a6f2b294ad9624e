"""Sign-off: a company's approver sees the summary once every item is answered, and either
approves it — which submits it — or sends items back, with a comment, to their assignees.

Without an approver, submitting works as before (`gate` answers None). With one, the submit
question is replaced by the request: only an approved assessment is submitted. A request is
numbered; any answer given after it makes it out of date, so an approval always covers exactly
the answers the approver saw. A send-back keeps the answers but the items count as open until
each was answered again; then the next request goes out by itself.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from handlers.context import Turn
from handlers.dates import fmt_date, fmt_datetime
from handlers.navi import order, team_notices
from handlers.navi.assign import pick_items
from handlers.navi.mentions import name_of
from handlers.navi.scoring import score
from handlers.navi.team_texts import say
from handlers.results.view import result_replies
from handlers.types import Answered, Reply, Text
from rubrics.loader import Item, Rubric, RubricRegistry
from store import assignments as team
from store import queries
from store.models import Answer, Assessment, User


def returned_open(session: Session, assessment: Assessment) -> list[str]:
    """Items sent back and not answered again since."""
    row = team.signoff_of(session, assessment.id)
    if row is None or row.status != team.SENT_BACK:
        return []
    redone = team.changed_since(session, assessment.id, row.event_mark, row.returned_items)
    return [i for i in row.returned_items or [] if i not in redone]


def open_items(session: Session, assessment: Assessment, items: list[Item],
               answers: dict[str, Answer]) -> list[Item]:
    """Unanswered items and items sent back that are not revised yet, in asking order."""
    back = set(returned_open(session, assessment))
    return [i for i in items if i.id not in answers or i.id in back]


def gate(turn: Turn, assessment: Assessment, rubric: Rubric, items: list[Item],
         answers: dict[str, Answer]) -> list[Reply] | None:
    """Called by the submit step once nothing is missing: None to submit as before, else what
    to say instead (revise what was sent back, the request sent, still waiting)."""
    session = turn.session
    approver = team.approver_of(session, assessment.org_id)
    if approver is None:
        return None
    lang = turn.lang
    back = returned_open(session, assessment)
    row = team.signoff_of(session, assessment.id)
    if back and row is not None:
        numbers = team_notices.numbers_text([i.number for i in items if i.id in back])
        return [Text(say(lang, "returned_open", numbers=numbers, comment=row.comment or ""))]
    current = (row is not None and row.status == team.REQUESTED
               and row.approver_id == approver.id
               and not team.changed_since(session, assessment.id, row.event_mark))
    if current and row is not None:
        replies: list[Reply] = [Text(say(lang, "signoff_waiting", name=name_of(approver, lang),
                                         when=fmt_datetime(row.requested_at, lang)))]
    else:
        row = team.request_signoff(session, assessment.id, approver, turn.user, turn.now)
        team_notices.queue(session, assessment, team_notices.SIGNOFF, row.request_no,
                           approver, turn.now)
        replies = [Text(say(lang, "signoff_sent", name=name_of(approver, lang)))]
    if approver.id == turn.user.id:
        replies += team_notices.summary(session, assessment, lang, _rubrics_of(rubric))
    return replies


class _One:
    """A registry of one rubric, for the summary (it only calls `get`)."""

    def __init__(self, rubric: Rubric) -> None:
        self.rubric = rubric

    def get(self, _version: str) -> Rubric:
        return self.rubric


def _rubrics_of(rubric: Rubric) -> RubricRegistry:
    return _One(rubric)  # type: ignore[return-value]


# ----- the approver's decisions -----------------------------------------------------------


def check(turn: Turn, assessment: Assessment | None, request: str) -> list[Reply] | None:
    """Why this person cannot decide on this request now (None: they can)."""
    lang = turn.lang
    if assessment is None or assessment.org_id != turn.user.org_id:
        return [Text(say(lang, "no_request"))]  # another company's id reveals nothing
    if assessment.status != "in_progress":
        return [Text(say(lang, "locked", org=assessment.organisation.name))]
    approver = team.approver_of(turn.session, assessment.org_id)
    if approver is None or approver.id != turn.user.id:
        return [Text(say(lang, "only_approver", name=name_of(approver, lang)))]
    row = team.signoff_of(turn.session, assessment.id)
    if row is None or row.status != team.REQUESTED:
        return [Text(say(lang, "no_request"))]
    if str(row.request_no) != request or team.changed_since(turn.session, assessment.id,
                                                             row.event_mark):
        return [Text(say(lang, "request_stale"))]
    return None


def approve(turn: Turn, assessment: Assessment | None, request: str,
            rubrics: RubricRegistry) -> list[Reply]:
    """Approve the request on screen: the assessment is submitted at once."""
    if (refusal := check(turn, assessment, request)) is not None:
        return refusal
    assert assessment is not None
    rubric = rubrics.get(assessment.rubric_version)
    items = order.walk(rubric, assessment.roles)
    answers = queries.answers_by_item(turn.session, assessment.id)
    if any(i.id not in answers for i in items):
        return [Text(say(turn.lang, "request_stale"))]
    row = team.signoff_of(turn.session, assessment.id)
    assert row is not None
    row.status, row.decided_at, row.decided_by = team.APPROVED, turn.now, turn.user.id
    levels = {item_id: a.level for item_id, a in answers.items()}
    assessment.status, assessment.submitted_at = "submitted", turn.now
    assessment.submitted_by = turn.user.id
    assessment.score = score(rubric, assessment.roles, levels).overall
    team.record(turn.session, assessment.id, turn.user, "approve", turn.now,
                request=row.request_no)
    team.record(turn.session, assessment.id, turn.user, "submit", turn.now)
    done = Answered(f"team:signoff:{assessment.id}:{request}", say(turn.lang, "approve"))
    return [done, Text(say(turn.lang, "approved", org=assessment.organisation.name)),
            *result_replies(turn, assessment, rubric, rubrics)]


def send_back(turn: Turn, assessment: Assessment | None, request: str, unit: str,
              numbers: tuple[int, ...], comment: str,
              rubrics: RubricRegistry) -> list[Reply]:
    """Send items (or whole areas) back with a comment; their holders are told."""
    if (refusal := check(turn, assessment, request)) is not None:
        return refusal
    assert assessment is not None
    lang = turn.lang
    comment = " ".join(comment.split())
    if not comment or len(comment) > team.COMMENT_MAX:
        return [Text(say(lang, "comment_needed", max=team.COMMENT_MAX))]
    rubric = rubrics.get(assessment.rubric_version)
    picked, problem = pick_items(lang, rubric, assessment, unit, numbers)
    if problem:
        return [Text(problem)]
    row = team.signoff_of(turn.session, assessment.id)
    assert row is not None
    ids = [i.id for i in picked]
    row.status, row.decided_at, row.decided_by = team.SENT_BACK, turn.now, turn.user.id
    row.comment, row.returned_items = comment, ids
    row.event_mark = team.last_event_id(turn.session, assessment.id)
    team.record(turn.session, assessment.id, turn.user, "send_back", turn.now, items=ids,
                comment=comment)
    people = holders(turn.session, assessment, ids)
    for person in people:
        team_notices.queue(turn.session, assessment, team_notices.SEND_BACK, row.request_no,
                           person, turn.now)
    names = "、".join(name_of(p, lang) for p in people) if lang == "ja" else ", ".join(
        name_of(p, lang) for p in people)
    numbers_shown = team_notices.numbers_text([i.number for i in picked])
    return [Answered(f"team:signoff:{assessment.id}:{request}", say(lang, "send_back")),
            Text(say(lang, "sent_back", numbers=numbers_shown, names=names or "—"))]


def holders(session: Session, assessment: Assessment, item_ids: list[str]) -> list[User]:
    """Who fixes returned items: each item's assignee, else whoever answered it last."""
    held = team.assignments(session, assessment.id)
    answers = queries.answers_by_item(session, assessment.id)
    ids: list[int] = []
    for item_id in item_ids:
        who = held[item_id].assignee_id if item_id in held else (
            answers[item_id].answered_by if item_id in answers else None)
        if who is not None and who not in ids:
            ids.append(who)
    return [u for u in (session.get(User, i) for i in ids) if u is not None]


def waiting_line(session: Session, assessment: Assessment, lang: str) -> tuple[str, str] | None:
    """A status row: who approves, and whether a request is waiting."""
    approver = team.approver_of(session, assessment.org_id)
    if approver is None:
        return None
    row = team.signoff_of(session, assessment.id)
    value = name_of(approver, lang)
    if row is not None and row.status == team.REQUESTED:
        value += " ・ " + say(lang, "signoff_waiting", name=name_of(approver, lang),
                              when=fmt_date(row.requested_at, lang))
    return say(lang, "approver_is", name="").rstrip(": ").rstrip(), value
