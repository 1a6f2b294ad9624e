"""What chat shows about events: a new event's confirmation, an event's details with its RSVPs,
the list members ask for (「次のAll-Handsはいつ？」), and an RSVP button's answer.

Each reads the database within the turn; the delivered messages themselves are
handlers/events/messages.py.
"""

from __future__ import annotations

from handlers.context import Turn
from handlers.dates import fmt_datetime
from handlers.events import messages as msgs
from handlers.events.service import announcement_due
from handlers.events.texts import say
from handlers.events.values import EventError, kind_label, parse_kind, status_label
from handlers.types import Fields, Reply, Text
from store import events as store
from store.events import Event
from store.models import User


def created_reply(turn: Turn, event: Event) -> Reply:
    due = announcement_due(turn.session, event)
    return Text(say(turn.lang, "created", id=event.id, title_ja=msgs.title(event, "ja"),
                    title_en=msgs.title(event, "en"), when_ja=msgs.when_line(event, "ja"),
                    when_en=msgs.when_line(event, "en"),
                    due=fmt_datetime(due, turn.lang) if due else "-"))


def changed_replies(turn: Turn, event: Event) -> list[Reply]:
    return [Text(say(turn.lang, "changed", id=event.id)), *event_detail(turn, event)]


def upcoming_replies(turn: Turn, kind_hint: str) -> list[Reply]:
    """「次のAll-Handsはいつ？」 → the next events of that kind; "upcoming events" → all."""
    kind = None
    if kind_hint:
        try:
            kind = parse_kind(kind_hint)
        except EventError:
            kind = None
    events = store.upcoming(turn.session, turn.now, kind)
    if kind and not events:
        return [Text(say(turn.lang, "no_kind_yet", kind_ja=kind_label(kind, "ja"),
                         kind_en=kind_label(kind, "en")))]
    counts = ({e.id: store.rsvp_counts(turn.session, e.id) for e in events}
              if turn.is_admin else None)
    return [msgs.upcoming_fields(events, turn.lang, counts=counts, with_status=turn.is_admin)]


def event_detail(turn: Turn, event: Event) -> list[Reply]:
    """The event with its state and who answered what (for admins)."""
    rows = [(say(turn.lang, "label_status"), status_label(event.status, turn.lang))]
    counts = store.rsvp_counts(turn.session, event.id)
    names: dict[str, list[str]] = {"yes": [], "no": []}
    for row in store.rsvps(turn.session, event.id):
        user = turn.session.get(User, row.user_id)
        if user is not None:
            org = user.organisation.name if user.organisation else "-"
            names[row.answer].append(f"{user.display_name or user.key}（{org}）")
    rows.append((say(turn.lang, "label_yes_n", n=counts["yes"]), "、".join(names["yes"]) or "-"))
    rows.append((say(turn.lang, "label_no_n", n=counts["no"]), "、".join(names["no"]) or "-"))
    return [Fields(title=f"#{event.id} {msgs.title(event, turn.lang)}",
                   fields=rows, footer=msgs.detail_body(event, turn.lang))]


def rsvp(turn: Turn, event: Event, answer: str) -> list[Reply]:
    """Record or change the user's 参加 / 不参加 and say the new counts."""
    lang = turn.lang
    names = {"title_ja": msgs.title(event, "ja"), "title_en": msgs.title(event, "en")}
    if event.status not in store.LIVE or event.ends_at <= turn.now:
        return [Text(say(lang, "rsvp_closed", status_en=status_label(event.status, "en"),
                         status_ja=status_label(event.status, "ja"), **names))]
    before = store.set_rsvp(turn.session, event.id, turn.user.id, answer, turn.now)
    counts = store.rsvp_counts(turn.session, event.id)
    changed = before is not None and before != answer
    return [Text(say(lang, "rsvp_changed" if changed else "rsvp_recorded",
                     said=say(lang, "rsvp_yes" if answer == "yes" else "rsvp_no"),
                     when_ja=msgs.when_line(event, "ja"), when_en=msgs.when_line(event, "en"),
                     yes=counts["yes"], no=counts["no"], **names))]
