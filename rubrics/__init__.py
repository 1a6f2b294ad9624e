"""Versioned AIガバナンスナビ rubrics: the packaged YAML seed and versions imported from a workbook."""

from rubrics.loader import (
    Area,
    Item,
    Level,
    Rubric,
    RubricError,
    RubricRegistry,
    RubricSource,
    load_rubric,
    registry,
    registry_with_stored,
    use_stored,
)

__all__ = ["Area", "Item", "Level", "Rubric", "RubricError", "RubricRegistry", "RubricSource",
           "load_rubric", "registry", "registry_with_stored", "use_stored"]
