"""Every conversation flow's table is the truth, and the diagram saved beside it matches it."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from handlers.flow import START, FlowTable, Transition

ROOT = Path(__file__).resolve().parent.parent


def discovered_flows() -> list[tuple[str, str, Path]]:
    """Every module-level FlowTable under handlers/: (module, attribute, its diagram file).

    The diagram lives beside the module that defines the table, named after the table
    (handlers/navi/flow.py's table "navi" → handlers/navi/navi.mmd).
    """
    found = []
    for path in sorted((ROOT / "handlers").rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for name, value in vars(importlib.import_module(module)).items():
            if isinstance(value, FlowTable):
                found.append((module, name, path.parent / f"{value.name}.mmd"))
    unique = {(m, a): d for m, a, d in found if _defined_in(m, a)}
    return [(m, a, d) for (m, a), d in unique.items()]


def _defined_in(module: str, attribute: str) -> bool:
    """True where the table is defined, not merely imported."""
    source = (ROOT / Path(*module.split("."))).with_suffix(".py").read_text(encoding="utf-8")
    return f"{attribute} = FlowTable(" in source or f"{attribute}: FlowTable = FlowTable(" in source


FLOWS = discovered_flows()


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
def test_the_saved_diagram_matches_the_table(module: str, attribute: str, diagram: Path) -> None:
    table: FlowTable = getattr(importlib.import_module(module), attribute)
    assert diagram.exists(), f"draw {diagram.name}: {module}.{attribute}.mermaid()"
    assert diagram.read_text(encoding="utf-8") == table.mermaid(), (
        f"{diagram.name} is out of date: regenerate it from {module}.{attribute}.mermaid()")
