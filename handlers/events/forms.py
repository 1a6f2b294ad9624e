"""The "new event" and "edit event" forms: a Slack modal or a Teams Adaptive Card with inputs.

`event_form` defines the form (pre-filled when editing); `native_form` answers its buttons:
`event:form:open:new|edit:<id>` shows it, `event:form:submit:…` saves it. A refusal comes back
as a `FormError` on the field at fault, and nothing is written.
"""

from __future__ import annotations

import re
from datetime import datetime

from handlers.context import Turn
from handlers.dates import TOKYO
from handlers.events.reminders import EventPolicy
from handlers.events.service import create_event, edit_event
from handlers.events.texts import say
from handlers.events.values import (
    KINDS,
    EventError,
    check_title,
    kind_label,
    parse_end,
    parse_kind,
    parse_when,
    refusal,
    split_place,
)
from handlers.events.views import changed_replies, created_reply
from handlers.types import Choice, Form, FormError, FormField, Reply, Text
from store.events import Event

FORM_PLATFORMS = ("slack", "teams")  # the platforms with native forms


def event_form(turn: Turn, event: Event | None = None) -> Form:
    """The "new event" form, or the "edit" form pre-filled with the event's values."""
    lang = turn.lang
    start = event.starts_at.astimezone(TOKYO) if event else None
    end = event.ends_at.astimezone(TOKYO) if event else None
    fields: list[FormField] = []
    if event is None:
        fields.append(FormField("kind", say(lang, "f_kind"), "choice", True, "allhands", [
            Choice(kind_label(k, lang), k) for k in KINDS]))
    fields += [
        FormField("title", say(lang, "f_title"), "text", True, event.title_ja if event else ""),
        FormField("title_en", say(lang, "f_title_en"), "text", False,
                  (event.title_en or "") if event else ""),
        FormField("date", say(lang, "f_date"), "date", True,
                  f"{start:%Y-%m-%d}" if start else ""),
        FormField("start", say(lang, "f_start"), "time", True,
                  f"{start:%H:%M}" if start else "12:00"),
        FormField("end", say(lang, "f_end"), "time", True, f"{end:%H:%M}" if end else "13:00"),
        FormField("place", say(lang, "f_place"), "text", False,
                  (event.url or event.place or "") if event else ""),
        FormField("agenda", say(lang, "f_agenda"), "multiline", False,
                  "\n".join(event.agenda or []) if event else ""),
    ]
    if event is None:
        fields.append(FormField("organiser", say(lang, "f_organiser"), "text", False))
        return Form(key="event:form:new", title=say(lang, "form_new"), fields=fields,
                    submit_label=say(lang, "form_create"), submit_value="event:form:submit:new",
                    open_value="event:form:open:new", open_label=say(lang, "form_open"))
    return Form(key=f"event:form:edit:{event.id}", title=say(lang, "form_edit", id=event.id),
                fields=fields, submit_label=say(lang, "form_save"),
                submit_value=f"event:form:submit:edit:{event.id}",
                open_value=f"event:form:open:edit:{event.id}",
                open_label=say(lang, "form_open"))


def _form_event(turn: Turn, rest: list[str]) -> Event | None:
    if len(rest) == 2 and rest[0] == "edit" and rest[1].isdigit():
        return turn.session.get(Event, int(rest[1]))
    return None


def native_form(turn: Turn, what: str, rest: list[str], policy: EventPolicy) -> list[Reply]:
    """`event:form:open:new|edit:<id>` shows the form; `event:form:submit:…` saves it."""
    event = _form_event(turn, rest)
    if rest != ["new"] and event is None:
        return [Text(say(turn.lang, "stale_button"))]
    if what == "open":
        return [event_form(turn, event)]
    if turn.msg.form is None:
        return [FormError(say(turn.lang, "form_missing"))]
    values = {k: str(v) for k, v in turn.msg.form.items() if isinstance(v, str)}
    try:
        with turn.session.begin_nested():  # a refusal leaves nothing half-written
            if event is None:
                return [created_reply(turn, save_new(turn, values, policy), policy=policy)]
            changed = save_edit(turn, event, values, policy)
    except EventError as exc:
        return [FormError(exc.text(turn.lang), field=exc.field)]
    if not changed:
        return [Text(say(turn.lang, "unchanged", id=event.id))]
    return changed_replies(turn, event)


def _hhmm(value: str) -> str:
    """A time picker's "12:00:00" → "12:00"; typed text (「12時半」) as it is."""
    return value[:5] if re.fullmatch(r"\d{2}:\d{2}:\d{2}(\.\d+)?", value) else value[:20]


def form_times(values: dict[str, str], now: datetime | None = None
               ) -> tuple[datetime, datetime]:
    """The form's date, start and end times → (start, end), each refusal on its field."""
    day, start_time = values.get("date", "").strip(), values.get("start", "").strip()
    if not day:
        raise refusal("err_no_date", "date")
    if not start_time:
        raise refusal("err_no_start", "start")
    try:
        start = parse_when(f"{day[:40]} {_hhmm(start_time)}", "start", now=now)
    except EventError as exc:
        raise EventError(exc.ja, exc.en, "date") from None
    end_time = _hhmm(values.get("end", "").strip())
    if not end_time:
        raise refusal("err_no_end", "end")
    try:
        end = parse_end(end_time, start, now=now)
    except EventError as exc:
        raise EventError(exc.ja, exc.en, "end") from None
    if end <= start:
        raise refusal("err_form_end", "end")
    return start, end


def _agenda(values: dict[str, str]) -> list[str] | None:
    lines = [line.strip() for line in values.get("agenda", "").splitlines() if line.strip()]
    return lines or None


def save_new(turn: Turn, values: dict[str, str], policy: EventPolicy) -> Event:
    kind = parse_kind(values.get("kind", ""))
    title = check_title(values.get("title", ""))
    start, end = form_times(values, turn.now)
    place, url = split_place(values.get("place", ""))
    return create_event(
        turn.session, kind=kind, title=title, title_en=values.get("title_en") or None,
        start=start, end=end, now=turn.now, place=place or None, url=url or None,
        organiser=values.get("organiser", "").strip() or None, policy=policy,
        agenda=_agenda(values))


def save_edit(turn: Turn, event: Event, values: dict[str, str], policy: EventPolicy) -> bool:
    """Apply what the form changed (only that); False when nothing changed."""
    start, end = form_times(values, turn.now)
    place, url = split_place(values.get("place", ""))
    given = {"start": start, "end": end, "title": check_title(values.get("title", "")),
             "title_en": values.get("title_en", "").strip(), "place": place, "url": url,
             "agenda": _agenda(values) or []}
    current = {"start": event.starts_at, "end": event.ends_at, "title": event.title_ja,
               "title_en": event.title_en or "", "place": event.place or "",
               "url": event.url or "", "agenda": list(event.agenda or [])}
    changes = {k: v for k, v in given.items() if v != current[k]}
    if not changes:
        return False
    if "start" in changes and "end" not in changes:
        changes["end"] = end  # keep the end the form shows, not the old duration
    edit_event(turn.session, event, turn.now, policy=policy, **changes)
    return True
