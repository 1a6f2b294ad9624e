"""Every conversation flow's table is the truth, and the diagram saved beside it matches it."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from handlers.flow import START, FlowTable, Transition

ROOT = Path(__file__).resolve().parent.parent
# (module that defines the table, attribute, diagram file beside it); each flow adds its line
FLOWS: list[tuple[str, str, str]] = []


def _noop() -> None:
    """Stands in for a handler."""


def test_a_table_routes_by_state_and_input_and_draws_itself() -> None:
    table = FlowTable("demo", [Transition(START, "start", "asking", _noop),
                               Transition("asking", "answer", "asking", _noop),
                               Transition("asking", "done", START, _noop)])
    assert table.route(None, "start").target == "asking"
    assert table.route("asking", "start") is None
    assert table.inputs("asking") == ["answer", "done"]
    assert table.states() == ["asking"]
    assert "asking --> [*]: done / _noop" in table.mermaid()


def test_two_transitions_for_the_same_state_and_input_are_refused() -> None:
    with pytest.raises(ValueError, match="two transitions"):
        FlowTable("x", [Transition("a", "go", "b", _noop), Transition("a", "go", "c", _noop)])


@pytest.mark.parametrize(("module", "attribute", "diagram"), FLOWS)
def test_the_saved_diagram_matches_the_table(module: str, attribute: str, diagram: str) -> None:
    table: FlowTable = getattr(importlib.import_module(module), attribute)
    path = ROOT / diagram
    assert path.read_text(encoding="utf-8") == table.mermaid(), (
        f"{diagram} is out of date: regenerate it from {module}.{attribute}.mermaid()")
