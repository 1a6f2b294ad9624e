"""Read a YAML data file into a pydantic model, with errors that name the place.

The secretariat edits these files by hand (rubrics, the FAQ); a mistake must come back as
"file: item 5 (id): field 'levels.2.en': message", not as a pydantic dump.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)
# Given the list key's row (a dict from the file, or {}) and its index, say which row it is.
Namer = Callable[[dict, int], str]


def describe(error: ValidationError, raw: dict, list_key: str, name_row: Namer) -> str:
    """One 'row: field X: message' per pydantic error; rows of `list_key` named by `name_row`."""
    parts = []
    for err in error.errors():
        loc = list(err["loc"])
        where = ""
        if len(loc) >= 2 and loc[0] == list_key and isinstance(loc[1], int):
            rows = raw.get(list_key) or []
            row = rows[loc[1]] if loc[1] < len(rows) and isinstance(rows[loc[1]], dict) else {}
            where = f"{name_row(row, loc[1])}: "
            loc = loc[2:]
        field = ".".join(str(x) for x in loc)
        msg = err["msg"].removeprefix("Value error, ")
        parts.append(f"{where}field '{field}': {msg}" if field else f"{where}{msg}")
    return "; ".join(parts)


def load_model(path: Path | str, model: type[M], error: type[Exception], list_key: str,
               name_row: Namer) -> M:
    """Parse and validate `path`; raise `error` naming the file, the row and the field."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise error(f"{path.name}: cannot read: {exc}") from exc
    if not isinstance(raw, dict):
        raise error(f"{path.name}: the top level must be a mapping")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise error(f"{path.name}: {describe(exc, raw, list_key, name_row)}") from exc
