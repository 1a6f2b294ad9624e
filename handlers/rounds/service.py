"""The round service: open, extend and close a round, shared by the chat commands and the CLI.

Every refusal is a `RoundError` carrying a polite sentence in both languages (from
handlers/rounds/texts.py), raised before anything is written. Reminder slots are (re)planned
here whenever a round's dates change; the worker re-checks them on every tick, so a change of
the schedule settings takes effect too.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.dates import TOKYO, fmt_date, fmt_datetime
from handlers.rounds.reminders import ReminderPolicy, plan
from handlers.rounds.texts import error_pair, say
from handlers.text import normalise
from rubrics.loader import RubricError, RubricRegistry
from store import reminders as rstore
from store import rounds as queries
from store.errors import UserError
from store.models import Round

DEADLINE_TIME = time(23, 59)
NAME_MAX = 200


class RoundError(UserError):
    """A round request that cannot be carried out (ja / en)."""

    @classmethod
    def of(cls, key: str, **values: object) -> RoundError:
        """The refusal `key` of the rounds catalogue, in both languages."""
        return cls(*error_pair(key, **values))


def parse_day(value: str, what: str = "date") -> date:
    """"2026-12-01" (also 2026/12/01 and full-width digits) → a date; else a RoundError.

    `what` names the input in the refusal: "date", "opens" or "deadline"."""
    folded = normalise(value).replace("/", "-")
    try:
        return date.fromisoformat(folded)
    except ValueError:
        key = f"what_{what}"
        raise RoundError.of("bad_date", value=value, what_ja=say("ja", key),
                            what_en=say("en", key)) from None


def opens_at(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), TOKYO)


def deadline_at(day: date) -> datetime:
    """A deadline date means the end of that day in Tokyo."""
    return datetime.combine(day, DEADLINE_TIME, TOKYO)


def open_round(session: Session, rubrics: RubricRegistry, *, rubric_version: str, opens: date,
               deadline: date, now: datetime, name: str | None = None,
               policy: ReminderPolicy | None = None, allow_drafts: bool = True) -> Round:
    """Create a round and plan its announcement, reminders and summary.

    The commands pass the admin's `allow_drafts` (see `refuse_drafts`); it is checked after
    every other refusal, so a date mistake is named first, and before anything is written."""
    version = rubric_version.strip().removeprefix("ver").removeprefix("v")
    try:
        rubric = rubrics.get(version)
    except RubricError:
        raise RoundError.of("no_rubric", version=version,
                            have=", ".join(rubrics.versions())) from None
    start, end = opens_at(opens), deadline_at(deadline)
    _check_deadline(end, now)
    if deadline < opens:
        raise RoundError.of("deadline_before_opens", deadline=deadline, opens=opens)
    name = (name or "").strip() or say("ja", "default_name", version=version, year=opens.year,
                                       month=opens.month)
    if len(name) > NAME_MAX:
        raise RoundError.of("name_too_long", n=NAME_MAX)
    if session.scalar(select(Round.id).where(Round.name == name)) is not None:
        raise RoundError.of("name_taken", name=name)
    if (other := queries.overlapping(session, start, end)) is not None:
        raise _overlap_error(other)
    refuse_drafts(rubrics, rubric.version, allow_drafts)
    rnd = Round(name=name, rubric_version=rubric.version, opens_at=start, deadline_at=end,
                status="open", is_sample=False, created_at=now)
    session.add(rnd)
    session.flush()
    plan_round(session, rnd, policy or ReminderPolicy(), now)
    return rnd


def refuse_drafts(rubrics: RubricRegistry, rubric_version: str, allow_drafts: bool) -> int:
    """The commands' rule (CLI and chat): a version whose texts are still drafts is opened only
    when the admin says so, as members would read our wording as AIGA's criteria. Returns the
    number of draft texts (0 when none, or when the version is unknown: open_round says so)."""
    version = rubric_version.strip().removeprefix("ver").removeprefix("v")
    try:
        drafts = rubrics.get(version).draft_count()
    except RubricError:
        return 0
    if drafts and not allow_drafts:
        raise RoundError.of("has_drafts", version=version, n=drafts)
    return drafts


def extend_round(session: Session, rnd: Round, deadline: date, now: datetime,
                 policy: ReminderPolicy | None = None) -> Round:
    """A later deadline; pending reminders move with it, nothing sent is sent again."""
    if rnd.status == "closed":
        raise RoundError.of("closed", name=rnd.name)
    end = deadline_at(deadline)
    _check_deadline(end, now)
    if end <= rnd.deadline_at:
        raise RoundError.of("deadline_not_later", current_ja=fmt_date(rnd.deadline_at, "ja"),
                            current_en=fmt_date(rnd.deadline_at, "en"))
    if (other := queries.overlapping(session, rnd.opens_at, end, exclude=rnd.id)) is not None:
        raise _overlap_error(other)
    rnd.deadline_at = end
    session.flush()
    plan_round(session, rnd, policy or ReminderPolicy(), now)
    return rnd


def close_round(session: Session, rnd: Round, now: datetime) -> Round:
    if rnd.status == "closed":
        raise RoundError.of("already_closed", name=rnd.name)
    rnd.status = "closed"
    rstore.cancel_pending(session, rnd.id, now, "round closed")
    session.flush()
    return rnd


def plan_round(session: Session, rnd: Round, policy: ReminderPolicy, now: datetime) -> int:
    """Bring the round's pending slots in line with its dates and the policy (idempotent)."""
    if rnd.status == "closed":
        return rstore.cancel_pending(session, rnd.id, now, "round closed")
    wanted = [(s.name, s.kind, s.due_at) for s in plan(rnd.opens_at, rnd.deadline_at, policy)]
    return rstore.sync_slots(session, rnd.id, wanted, now)


def find_round(session: Session, ref: str) -> Round:
    """The round `ref` names (store/rounds.py `round_by_ref` has the rule), else a RoundError."""
    rnd = queries.round_by_ref(session, ref)
    if rnd is None:
        raise RoundError.of("round_not_found", ref=ref)
    return rnd


def _check_deadline(end: datetime, now: datetime) -> None:
    if end <= now:
        raise RoundError.of("deadline_past", end_ja=fmt_datetime(end, "ja"),
                            end_en=fmt_datetime(end, "en"))


def _overlap_error(other: Round) -> RoundError:
    return RoundError.of("overlap", id=other.id, name=other.name,
                         deadline_ja=fmt_date(other.deadline_at, "ja"),
                         deadline_en=fmt_date(other.deadline_at, "en"))


def phase(rnd: Round, now: datetime, lang: str) -> str:
    """What a round is doing now, derived from its dates (status only says closed or not)."""
    if rnd.status == "closed":
        return say(lang, "phase_closed")
    if now < rnd.opens_at:
        return say(lang, "phase_planned")
    if now <= rnd.deadline_at:
        return say(lang, "phase_open")
    return say(lang, "phase_past_deadline")
