"""Last round's answers as a starting point: the Navi offers each one, item by item.

Which round counts as the previous one is decided in one place (store/rounds.py
`previous_round`); this module only turns that round's answer into a line and a button.
"""

from __future__ import annotations

from collections.abc import Container

from handlers.context import Turn
from handlers.rounds.texts import say
from handlers.types import Choice
from rubrics.loader import Item
from store import rounds as queries
from store.models import Assessment


def carry_over_offer(turn: Turn, assessment: Assessment, item: Item,
                     answered: Container[str]) -> tuple[str, Choice] | None:
    """For an unanswered item: the company's answer to the same item in its previous submitted
    round, as a line for the question body and a one-click "same as last time" choice.

    Items are matched by id, which stays the same across rubric versions; an item the new
    version dropped is never asked, one it added has no previous answer. The choice carries the
    same value as the level's own button, so NaviFlow records it like any other answer (who and
    when), and nothing is copied without the member confirming it item by item.
    """
    if item.id in answered:
        return None
    previous = queries.previous_submitted(turn.session, assessment)
    if previous is None:
        return None
    answer = next((a for a in previous.answers if a.item_id == item.id), None)
    if answer is None or answer.level not in item.levels:
        return None
    lang = turn.lang
    level = say(lang, "carry_level", n=answer.level)
    line = say(lang, "carry_line", round=previous.round.name, level=level)
    if answer.note:
        line += say(lang, "carry_note", note=answer.note)
    choice = Choice(say(lang, "carry_choice", level=level),
                    f"navi:level:{assessment.id}:{item.id}:{answer.level}", style="primary")
    return line, choice
