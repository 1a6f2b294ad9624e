"""The Navi's typed conversation state, kept under turn.data["navi"] and saved with the turn.

The key and field names are the ones earlier releases wrote, so a conversation saved before
the state was typed still loads; a state that no longer validates (an unknown step, a wrong
type) reads as "no conversation", and the member simply starts or resumes again.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from handlers.context import Turn
from handlers.flow import load_state, save_state

KEY = "navi"
Step = Literal["confirm", "roles", "item", "note", "submit", "paused"]
STEPS_WITH_CHOICES = frozenset({"confirm", "roles", "item", "submit"})


class NaviState(BaseModel):
    """Where one member is in the assessment; answers themselves live in the answers table."""

    model_config = ConfigDict(extra="ignore")

    step: Step | None = None
    aid: int | None = None  # the assessment being answered
    round: int | None = None  # the round being confirmed (step "confirm")
    item: str | None = None  # the item shown now
    last: str | None = None  # the item answered last (a note attaches to it)
    note_item: str | None = None  # the item whose note is being typed (step "note")
    draft_notice: int | None = None  # the assessment whose "（案） = drafts" notice was shown


def read(turn: Turn) -> NaviState:
    return load_state(turn.data, KEY, NaviState)


def update(turn: Turn, **values: object) -> NaviState:
    """Change some fields (validated) and write the state back into the turn's data."""
    state = NaviState.model_validate({**read(turn).model_dump(), **values})
    save_state(turn.data, KEY, state)
    return state


def clear(turn: Turn) -> None:
    turn.data.pop(KEY, None)
