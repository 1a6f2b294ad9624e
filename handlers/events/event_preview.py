"""An event's deliveries in chat, before they go (admins): `event preview 5` (イベント確認 5)
lists each planned slot — the announcement, the 1-day and 1-hour reminders, a change or
cancellation notice — with its send time, how many channels and people get it, and the exact
text; a button sends one test copy of a slot to the admin who asked, as a reply in their own
chat, and to no one else.

The words come from the same functions the worker composes with (handlers/events/messages.py,
`compose_notice` mirrors bot/worker/events.py `EventNotices.compose`; a test compares them).
Recipients: the announcement channels this process was told of, and for a reminder everyone
who answered 参加 on a platform the worker sends to.
"""

from __future__ import annotations

from datetime import datetime

from handlers.config import current
from handlers.context import Turn
from handlers.dates import fmt_datetime
from handlers.events import messages as em
from handlers.events.texts import say
from handlers.events.values import refusal
from handlers.rounds.reminders import bilingual
from handlers.test_copy import test_copy
from handlers.types import Choice, Fields, File, Lang, Question, Reply, Text, plain_text
from store import recipients
from store import reminders as rstore
from store.events import Event

ANNOUNCE, REMINDER = "event_announce", "event_reminder"  # reminder_slots.kind
CHANGE, CANCEL = "event_change", "event_cancel"
DM_PLATFORMS = ("slack", "teams")
SHOWN_TEXTS = 3  # exact texts shown inline; the rest by their test-copy button


def compose_notice(event: Event, kind: str, slot: str, langs: list[Lang],
                   now: datetime) -> list[Reply]:
    """What the worker sends for this slot, in `langs` (both for a channel), with its .ics."""
    from handlers.events.ics import ics_file

    by_lang: list[list[Reply]] = []
    for lang in langs:
        ics = ics_file(event, now) if lang == langs[0] else None
        if kind == ANNOUNCE:
            by_lang.append(em.announce_replies(event, lang, ics))
        elif kind == REMINDER:
            by_lang.append(em.reminder_replies(event, lang, int(slot[1:] or 0)))
        elif kind == CHANGE:
            by_lang.append(em.change_replies(event, lang, ics))
        else:
            by_lang.append(em.cancel_replies(event, lang, ics))
    if len(by_lang) == 1:
        return by_lang[0]
    files = [r for r in by_lang[0] if isinstance(r, File)]
    return bilingual([r for r in by_lang[0] if not isinstance(r, File)], by_lang[1]) + files


def slot_label(kind: str, name: str, lang: str) -> str:
    if kind == ANNOUNCE:
        return say(lang, "pv_slot_announce")
    if kind == REMINDER and name[1:].isdigit():
        return say(lang, "pv_slot_reminder", before=_before(int(name[1:]), lang))
    return say(lang, "pv_slot_other", name=name)


def _before(minutes: int, lang: str) -> str:
    if minutes >= 1440 and minutes % 1440 == 0:
        return say(lang, "pv_days", n=minutes // 1440)
    if minutes >= 60 and minutes % 60 == 0:
        return say(lang, "pv_hours", n=minutes // 60)
    return say(lang, "pv_minutes", n=minutes)


def event_preview_replies(turn: Turn, event: Event) -> list[Reply]:
    """The plan of one event's notices, the exact texts, and a test-copy button per slot."""
    lang, channels = turn.lang, current().announce_channels
    slots = sorted(rstore.subject_slots(turn.session, event.subject).values(),
                   key=lambda s: s.due_at)
    slots = [s for s in slots if s.kind in (ANNOUNCE, REMINDER, CHANGE, CANCEL)]
    if not slots:
        return [Text(say(lang, "pv_event_none"))]
    rows, texts, buttons = [], [], []
    for slot in slots:
        people = (recipients.attending_users(turn.session, event.id, DM_PLATFORMS)
                  if slot.kind == REMINDER else [])
        label = slot_label(slot.kind, slot.name, lang)
        rows.append((label, say(lang, "pv_event_slot", slot=slot.name,
                                when=fmt_datetime(slot.due_at, lang), status=slot.status,
                                channels="?" if channels is None else len(channels),
                                people=len(people))))
        if slot.status != rstore.PENDING:
            continue
        if len(texts) < SHOWN_TEXTS:
            body = compose_notice(event, slot.kind, slot.name, ["ja", "en"], turn.now)
            texts.append(Text("\n".join([say(lang, "pv_text_for",
                                             who=f"{label}: {say(lang, 'pv_channel_readers')}"),
                                         plain_text([r for r in body
                                                     if not isinstance(r, File)])])))
        buttons.append(Choice(say(lang, "pv_test_for", label=label),
                              f"preview:event:test:{event.id}:{slot.name}"))
    title = say(lang, "pv_event_title", id=event.id, title=em.title(event, lang))
    replies: list[Reply] = [Fields(title=title, fields=rows), *texts]
    if buttons:
        replies.append(Question(title=say(lang, "pv_test"), choices=buttons[:5],
                                key=f"preview:event:{event.id}"))
    return replies


def event_test_copy(turn: Turn, event_id: str, slot_name: str) -> list[Reply]:
    """One slot's text, marked TEST, as a reply to the admin who clicked (in their language;
    a channel notice is shown as the channel gets it, in both)."""
    event = (turn.session.get(Event, int(event_id))
             if event_id.isascii() and event_id.isdigit() and len(event_id) <= 9 else None)
    slot = (rstore.subject_slots(turn.session, event.subject).get(slot_name)
            if event is not None else None)
    if event is None or slot is None:
        raise refusal("err_no_event", ref=event_id)
    langs: list[Lang] = [turn.lang] if slot.kind == REMINDER else ["ja", "en"]
    return test_copy(compose_notice(event, slot.kind, slot.name, langs, turn.now))
