"""The mute button under a round reminder: any member who got one may stop (and restart) them.

Buttons: "round:mute:<id>" / "round:unmute:<id>"; the secretariat sees who muted in the round's
status, so a silent company is never a surprise.
"""

from __future__ import annotations

from handlers.context import Turn
from handlers.rounds.texts import say
from handlers.types import Choice, Question, Reply, Text
from store import reminders as rstore
from store import rounds as queries
from store.models import Round


def handle_round_action(turn: Turn, value: str) -> list[Reply]:
    """"round:mute:<id>" / "round:unmute:<id>" from a reminder; anything else is stale."""
    parts = value.split(":")
    rnd = None
    if len(parts) == 3 and parts[1] in ("mute", "unmute") and parts[2].isdecimal():
        number = queries.round_number(parts[2])
        rnd = turn.session.get(Round, number) if number is not None else None
    if rnd is None:
        return [Text(say(turn.lang, "stale_button"))]
    if parts[1] == "mute":
        rstore.mute(turn.session, rnd.id, turn.user.id, turn.now)
        return [Question(title=say(turn.lang, "muted", name=rnd.name),
                         actions=[Choice(say(turn.lang, "unmute_button"),
                                         f"round:unmute:{rnd.id}")],
                         key=f"round:muted:{rnd.id}")]
    rstore.unmute(turn.session, rnd.id, turn.user.id)
    return [Text(say(turn.lang, "unmuted", name=rnd.name))]
