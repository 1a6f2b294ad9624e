"""The buttons of the secretariat's previews (action values "preview:…"), admins only:

  preview:bc:send|test|drop:<token>        a broadcast preview (handlers/events/broadcast_preview.py)
  preview:event:test:<event>:<slot>        a test copy of an event's notice (events/event_preview.py)
  preview:round:test:<round>:<slot>        a test copy of a round's notice (rounds/preview.py)
  preview:open:skip|send|drop:<token>      a round opened on a past day (rounds/commands.py)

A value that is malformed, from an older preview or already used is answered as a stale button
and changes nothing; a member who sends one gets the admin-only refusal.
"""

from __future__ import annotations

from handlers.context import Turn
from handlers.events.broadcast_preview import on_broadcast_button
from handlers.events.event_preview import event_test_copy
from handlers.events.texts import say
from handlers.rounds.commands import on_open_button
from handlers.rounds.preview import round_test_copy
from handlers.types import Reply, Text
from rubrics.loader import RubricRegistry
from store.errors import UserError

MAX_VALUE = 200


def handle_preview_action(turn: Turn, value: str, rubrics: RubricRegistry) -> list[Reply]:
    if not turn.is_admin:
        return [Text(say(turn.lang, "admin_only"))]
    parts = value.split(":") if len(value) <= MAX_VALUE else []
    try:
        with turn.session.begin_nested():  # a refusal leaves nothing half-written
            if len(parts) == 4 and parts[1] == "bc" and parts[2] in ("send", "test", "drop"):
                return on_broadcast_button(turn, parts[2], parts[3])
            if len(parts) == 4 and parts[1] == "open" and parts[2] in ("skip", "send", "drop"):
                return on_open_button(turn, parts[2], parts[3], rubrics)
            if len(parts) == 5 and parts[2] == "test" and parts[1] == "event":
                return event_test_copy(turn, parts[3], parts[4])
            if len(parts) == 5 and parts[2] == "test" and parts[1] == "round":
                return round_test_copy(turn, parts[3], parts[4], rubrics)
    except UserError as exc:
        return [Text(exc.text(turn.lang))]
    return [Text(say(turn.lang, "stale_button"))]
