"""Last round's answers as a starting point: the Navi offers each one, item by item.

Which round counts as the previous one is decided in one place (store/rounds.py
`previous_round`); this module only turns that round's answer into a line and a button.
"""

from __future__ import annotations

import threading
from collections.abc import Container
from dataclasses import dataclass

from cachetools import TTLCache

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
    return _offer(turn, assessment, item, previous_answers(turn, assessment))


@dataclass(frozen=True)
class PreviousAnswers:
    """The company's previous submitted round: its name and each item's (level, note)."""

    round_name: str
    answers: dict[str, tuple[int, str | None]]


def previous_answers(turn: Turn, assessment: Assessment) -> PreviousAnswers | None:
    previous = queries.previous_submitted(turn.session, assessment)
    if previous is None:
        return None
    return PreviousAnswers(previous.round.name,
                           {a.item_id: (a.level, a.note) for a in previous.answers})


def _offer(turn: Turn, assessment: Assessment, item: Item,
           previous: PreviousAnswers | None) -> tuple[str, Choice] | None:
    if previous is None or item.id not in previous.answers:
        return None
    level_number, note = previous.answers[item.id]
    if level_number not in item.levels:
        return None
    lang = turn.lang
    level = say(lang, "carry_level", n=level_number)
    line = say(lang, "carry_line", round=previous.round_name, level=level)
    if note:
        line += say(lang, "carry_note", note=note)
    choice = Choice(say(lang, "carry_choice", level=level),
                    f"navi:level:{assessment.id}:{item.id}:{level_number}", style="primary")
    return line, choice


class CarryOver:
    """`carry_over_offer` with the previous round's answers kept per assessment for a minute.

    Every answer shows the next item's offer, and finding the previous round is the costliest
    query of an answer (issue 19); a submitted round changes only by the secretariat's hand, so
    an offer at most TTL seconds behind is harmless (it is an offer: the member confirms it).
    One per NaviSteps, i.e. per router: never shared across databases."""

    TTL = 60.0
    SIZE = 2048

    def __init__(self) -> None:
        self._known: TTLCache = TTLCache(maxsize=self.SIZE, ttl=self.TTL)
        self._lock = threading.Lock()  # turns run in the thread pool

    def offer(self, turn: Turn, assessment: Assessment, item: Item,
              answered: Container[str]) -> tuple[str, Choice] | None:
        if item.id in answered:
            return None
        with self._lock:
            found = self._known.get(assessment.id, _MISSING)
        if found is _MISSING:
            found = previous_answers(turn, assessment)
            with self._lock:
                self._known[assessment.id] = found
        return _offer(turn, assessment, item, found)


_MISSING = object()
