"""Versioned AIガバナンスナビ rubrics, kept as validated YAML data."""

from rubrics.loader import Area, Item, Level, Rubric, RubricError, load_rubric, registry

__all__ = ["Area", "Item", "Level", "Rubric", "RubricError", "load_rubric", "registry"]
