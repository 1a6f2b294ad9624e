"""Shape rules: handlers stay platform-neutral; models and migrations agree."""

from __future__ import annotations

import ast
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from store.models import Base
from store.registry import import_all_models

ROOT = Path(__file__).resolve().parent.parent
PLATFORM_SDKS = ("slack_bolt", "slack_sdk", "botbuilder", "botframework", "microsoft_agents",
                 "aiohttp")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_handlers_never_import_a_platform_sdk():
    offenders = {
        str(path.relative_to(ROOT)): sorted(m for m in imported_modules(path)
                                            if m.split(".")[0] in PLATFORM_SDKS)
        for path in (ROOT / "handlers").rglob("*.py")
    }
    offenders = {k: v for k, v in offenders.items() if v}
    assert offenders == {}
    assert len(list((ROOT / "handlers").rglob("*.py"))) > 5  # the scan really looked


# which top-level packages each layer may import from this project (the layers point downwards)
LAYERS = {"handlers": {"handlers", "store", "rubrics"}, "store": {"store"},
          "rubrics": {"rubrics"}}
PROJECT = {"bot", "handlers", "store", "rubrics", "tests", "bench", "scripts"}


def test_each_layer_imports_only_the_layers_below_it_and_no_platform_sdk():
    offenders: dict[str, list[str]] = {}
    for layer, allowed in LAYERS.items():
        for path in (ROOT / layer).rglob("*.py"):
            if "migrations" in path.parts and layer == "store":
                continue
            wrong = sorted(m for m in imported_modules(path)
                           if (m.split(".")[0] in PROJECT and m.split(".")[0] not in allowed)
                           or m.split(".")[0] in PLATFORM_SDKS)
            if wrong:
                offenders[str(path.relative_to(ROOT))] = wrong
    assert offenders == {}


def test_modules_stay_small_enough_to_read_in_one_sitting():
    """A file over ~400 lines is a sign to split by responsibility (data and migrations aside)."""
    big = {}
    for layer in ("bot", "handlers", "store", "rubrics"):
        for path in (ROOT / layer).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > 420:
                big[str(path.relative_to(ROOT))] = lines
    assert big == {}


def test_the_scan_would_catch_an_sdk_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from slack_sdk.models.blocks import Block\nimport botbuilder.core\n")
    assert {"slack_sdk.models.blocks", "botbuilder.core"} <= imported_modules(bad)


def test_migrations_match_the_models(database):
    """Every table and column in the models exists after `db upgrade`, and nothing else."""
    import_all_models()
    with database.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
