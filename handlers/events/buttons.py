"""Every "event:" button, for the router's `handle_event_action`:
  "event:rsvp:<id>:yes|no"                     参加 / 不参加 (members)
  "event:approve:<id>", "event:decline:<id>"   a member's Stand-Up (admins)
  "event:form:kind:<kind>|save|cancel"         the guided dialogue (admins; guided.py)
  "event:form:open|submit:new|edit:<id>"       the native form (admins; forms.py)

Typed commands are handlers/events/commands.py, answers while the guided dialogue runs
handlers/events/guided.py, and 「次のAll-Handsはいつ？」 handlers/events/views.py; the router
imports each from there.
"""

from __future__ import annotations

from handlers.context import Turn
from handlers.events.commands import decide
from handlers.events.forms import native_form
from handlers.events.guided import step
from handlers.events.reminders import EventPolicy
from handlers.events.texts import say
from handlers.events.values import KINDS, EventError
from handlers.events.views import rsvp
from handlers.types import Reply, Text
from store.events import Event


def _stale(turn: Turn) -> list[Reply]:
    return [Text(say(turn.lang, "stale_button"))]


def handle_event_action(turn: Turn, value: str, policy: EventPolicy | None = None
                        ) -> list[Reply]:
    parts = value.split(":")
    policy = policy or EventPolicy()
    if len(parts) >= 3 and parts[1] == "form":
        return _form_action(turn, parts[2:], policy)
    event = (turn.session.get(Event, int(parts[2]))
             if len(parts) >= 3 and parts[2].isdigit() else None)
    if event is None:
        return _stale(turn)
    if parts[1] in ("approve", "decline"):
        if not turn.is_admin:
            return [Text(say(turn.lang, "admin_only"))]
        try:
            with turn.session.begin_nested():
                return decide(turn, event, parts[1] == "approve", policy)
        except EventError as exc:
            return [Text(exc.text(turn.lang))]
    if parts[1] == "rsvp" and len(parts) == 4 and parts[3] in ("yes", "no"):
        return rsvp(turn, event, parts[3])
    return _stale(turn)


def _form_action(turn: Turn, parts: list[str], policy: EventPolicy) -> list[Reply]:
    """The guided dialogue's buttons and the native form's, for admins only."""
    if not turn.is_admin:
        return [Text(say(turn.lang, "admin_only"))]
    if parts[0] in ("open", "submit"):
        return native_form(turn, parts[0], parts[1:], policy)
    replies = None
    if parts[0] == "kind" and len(parts) == 2 and parts[1] in KINDS:
        replies = step(turn, "choose_kind", parts[1], policy)
    elif parts == ["save"] or parts == ["cancel"]:
        replies = step(turn, parts[0], "", policy)
    return replies if replies is not None else _stale(turn)
