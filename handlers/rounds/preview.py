"""A round's deliveries in chat, before they go (admins): `round preview 3 [d7]` (ラウンド確認)
lists each slot — the announcement, the reminders, the secretariat's summary — with its send
time, status and recipients by company and person; with a slot named, also the exact text the
first recipient gets; a button sends a test copy of a slot to the admin who asked (as a reply in
their own chat, marked TEST — the summary can be tried before the deadline).

Who and what mirror bot/worker/rounds.py `RoundNotices.recipients_for` / `compose` (the CLI's
`aiga-bot round preview` runs those very functions; a test compares this with what the worker
sends). Platforms: Slack and Teams; channels: those this process was told of; the summary's
readers: the admins (AIGA_ADMINS, mirrored on `users.is_admin`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.config import current
from handlers.context import Turn
from handlers.dates import fmt_datetime
from handlers.rounds import reminders as texts
from handlers.rounds.participation import (
    mute_lines,
    participation,
    problem_lines,
    progress_of,
    unreachable_lines,
)
from handlers.rounds.reminders import SummaryFacts, bilingual
from handlers.rounds.texts import say
from handlers.test_copy import test_copy
from handlers.types import Choice, Fields, Lang, Question, Reply, Text, plain_text
from rubrics.loader import RubricRegistry
from store import reminders as rstore
from store import rounds as queries
from store.errors import UserError
from store.models import Organisation, Round, User

ANNOUNCE, REMINDER, SUMMARY = "announce", "reminder", "summary"  # reminder_slots.kind
PLATFORMS = ("slack", "teams")
SHOWN_PEOPLE = 40


def slot_recipients(session: Session, rnd: Round, slot: rstore.ReminderSlot,
                    ) -> tuple[list[str], list[User]]:
    """(channels, people) the slot would go to if it were sent now."""
    channels = list(current().announce_channels or ()) if slot.kind == ANNOUNCE else []
    if slot.kind == SUMMARY:
        return [], list(session.scalars(select(User).where(
            User.is_admin.is_(True), User.platform.in_(PLATFORMS)).order_by(User.id)))
    orgs = queries.participants(session, rnd)
    if slot.kind == REMINDER:
        by_org = queries.assessments_by_org(session, rnd.id)
        orgs = [o for o in orgs if not (o.id in by_org and by_org[o.id].status == "submitted")]
    muted = {m.user_id for m in rstore.mutes_for(session, rnd.id)}
    return channels, [u for u in queries.linked_users(session, [o.id for o in orgs], PLATFORMS)
                      if slot.kind != REMINDER or u.id not in muted]


def compose_notice(session: Session, rnd: Round, kind: str, org_id: int | None,
                   langs: list[Lang], now: datetime, rubrics: RubricRegistry) -> list[Reply]:
    """What the worker sends for this kind of slot, in `langs` (both for a channel)."""
    by_lang: list[list[Reply]] = []
    for lang in langs:
        if kind == ANNOUNCE:
            rubric = rubrics.get(rnd.rubric_version)
            by_lang.append(texts.announce_replies(
                lang, round_name=rnd.name, rubric_name=rubric.name.get(lang),
                deadline_at=rnd.deadline_at, items=len(rubric.items)))
        elif kind == REMINDER:
            org = session.get(Organisation, org_id or -1)
            if org is None:
                raise UserError("リマインドを受け取る会社がないため、例を作れません。",
                                "No company would get this reminder: no example to show.")
            by_lang.append(texts.reminder_replies(
                lang, round_id=rnd.id, round_name=rnd.name, deadline_at=rnd.deadline_at,
                now=now, progress=progress_of(session, rnd, org.id, org.name, rubrics)))
        else:
            rows = participation(session, rnd, rubrics)
            failures, missed = problem_lines(session, rnd, lang)
            by_lang.append(texts.summary_replies(lang, SummaryFacts(
                round_name=rnd.name, deadline_at=rnd.deadline_at, as_of=now,
                companies=len(rows), unfinished=[p for p in rows if p.state != "submitted"],
                muted=mute_lines(session, rnd), failures=failures, missed=missed,
                unreachable=unreachable_lines(session, rnd, PLATFORMS))))
    return by_lang[0] if len(by_lang) == 1 else bilingual(by_lang[0], by_lang[1])


def _label(slot: rstore.ReminderSlot, lang: str) -> str:
    if slot.name in ("open", "summary"):
        return say(lang, f"slot_{slot.name}")
    return say(lang, "slot_reminder", days=slot.name[1:])


def round_preview_replies(turn: Turn, rnd: Round, slot_name: str | None,
                          rubrics: RubricRegistry) -> list[Reply]:
    lang, s = turn.lang, turn.session
    slots = sorted(rstore.slots_for(s, rnd.id).values(), key=lambda x: x.due_at)
    if slot_name is not None:
        slots = [x for x in slots if x.name == slot_name.strip().lower()]
        if not slots:
            names = ", ".join(sorted(rstore.slots_for(s, rnd.id))) or "-"
            return [Text(say(lang, "pv_no_slot", names=names))]
    rows, buttons, detail = [], [], []
    for slot in slots:
        channels, people = slot_recipients(s, rnd, slot)
        orgs = {u.org_id for u in people}
        rows.append((_label(slot, lang), say(
            lang, "pv_slot_row", name=slot.name, when=fmt_datetime(slot.due_at, lang),
            status=slot.status, channels=len(channels), people=len(people), orgs=len(orgs))))
        if slot.status == rstore.PENDING and (people or slot.kind != REMINDER):
            buttons.append(Choice(f"{say(lang, 'pv_test')}: {slot.name}",
                                  f"preview:round:test:{rnd.id}:{slot.name}"))
        if slot_name is not None:
            detail += [f"  channel {c}" for c in channels]
            for user in people[:SHOWN_PEOPLE]:
                org = s.get(Organisation, user.org_id) if user.org_id else None
                detail.append(f"  {org.name if org else '-'} / {user.key}")
            if len(people) > SHOWN_PEOPLE:
                detail.append(f"  … +{len(people) - SHOWN_PEOPLE}")
            first = people[0] if people else None
            if first is not None or slot.kind != REMINDER:
                reader: Lang = (first.locale if first is not None and first.locale in ("ja", "en")
                                else "ja")  # type: ignore[assignment]
                langs: list[Lang] = ["ja", "en"] if slot.kind == ANNOUNCE and channels else [reader]
                detail += [say(lang, "pv_text_of", who=first.key if first else "channel"),
                           plain_text(compose_notice(s, rnd, slot.kind,
                                                     first.org_id if first else None, langs,
                                                     turn.now, rubrics))]
    replies: list[Reply] = [Fields(title=say(lang, "pv_title", id=rnd.id, name=rnd.name),
                                   fields=rows)]
    if detail:
        replies.append(Text("\n".join(detail)))
    if buttons:
        replies.append(Question(title=say(lang, "pv_test_q"), choices=buttons[:8],
                                key=f"preview:round:{rnd.id}"))
    return replies


def round_test_copy(turn: Turn, round_id: str, slot_name: str,
                    rubrics: RubricRegistry) -> list[Reply]:
    """The slot's text for its first recipient (the admin's language), marked TEST."""
    rnd = (turn.session.get(Round, int(round_id))
           if round_id.isascii() and round_id.isdigit() and len(round_id) <= 9 else None)
    slot = rstore.slots_for(turn.session, rnd.id).get(slot_name) if rnd is not None else None
    if rnd is None or slot is None:
        return [Text(say(turn.lang, "stale_button"))]
    _, people = slot_recipients(turn.session, rnd, slot)
    org_id = people[0].org_id if people else None
    return test_copy(compose_notice(turn.session, rnd, slot.kind, org_id, [turn.lang],
                                    turn.now, rubrics))
