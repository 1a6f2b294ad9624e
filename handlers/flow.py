"""Conversations as tables: each flow's state is a typed model and its steps a transition table.

In the spirit of python-telegram-bot's ConversationHandler: a flow lists, for every state, the
inputs it accepts, the state each one leads to, and the function that handles it. The router
and the flow dispatch through the table, so the table is the truth; `mermaid()` draws it, and a
test keeps the diagram saved beside each flow (`<flow>.mmd`) in step with the table.

State is a pydantic model kept under one key of the turn's conversation data; a state saved by
an older release that no longer validates starts the flow afresh instead of failing the turn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)

START = "[*]"  # Mermaid's start/end marker: a transition from or to "no conversation"
# words Mermaid reads as syntax in a state diagram: such a state is drawn with a trailing "_"
_MERMAID_WORDS = {"end", "state", "note", "direction", "class", "classdef", "click", "style"}


@dataclass(frozen=True)
class Transition:
    """In `source`, input `on` is handled by `handler` and normally leads to `target`."""

    source: str
    on: str
    target: str
    handler: Callable[..., Any]


class FlowTable:
    """The transitions of one conversation flow, looked up by (state, input)."""

    def __init__(self, name: str, transitions: list[Transition]) -> None:
        self.name = name
        self.transitions = transitions
        self._index: dict[tuple[str, str], Transition] = {}
        for t in transitions:
            key = (t.source, t.on)
            if key in self._index:
                raise ValueError(f"{name}: two transitions for {key}")
            self._index[key] = t

    def route(self, state: str | None, on: str) -> Transition | None:
        """The transition for this input in this state (`None` state is START), else None."""
        return self._index.get((state or START, on))

    def accepts(self, state: str | None, on: str) -> bool:
        return self.route(state, on) is not None

    def inputs(self, state: str | None) -> list[str]:
        """What the flow accepts in a state (for help and re-prompts)."""
        return [on for (source, on) in self._index if source == (state or START)]

    def states(self) -> list[str]:
        seen: dict[str, None] = {}
        for t in self.transitions:
            seen.setdefault(t.source)
            seen.setdefault(t.target)
        return [s for s in seen if s != START]

    def mermaid(self) -> str:
        """A Mermaid state diagram of the table (edge label: input / handler)."""
        lines = ["stateDiagram-v2", f"    %% {self.name}: generated from the transition table"]
        for t in self.transitions:
            lines.append(f"    {_node(t.source)} --> {_node(t.target)}: {t.on} / "
                         f"{t.handler.__name__}")
        return "\n".join(lines) + "\n"


def _node(state: str) -> str:
    return f"{state}_" if state.lower() in _MERMAID_WORDS else state


def load_state(data: dict, key: str, model: type[M]) -> M:
    """The flow's typed state from the conversation data; invalid or missing → a fresh one."""
    try:
        return model.model_validate(data.get(key) or {})
    except ValidationError:
        return model()


def save_state(data: dict, key: str, state: BaseModel) -> None:
    """Write the state back (only what differs from the defaults, so the JSON stays small)."""
    dumped = state.model_dump(mode="json", exclude_defaults=True)
    if dumped:
        data[key] = dumped
    else:
        data.pop(key, None)
