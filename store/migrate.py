"""Run Alembic migrations from code (the CLI's `db upgrade`, tests, readiness checks)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

INI = Path(__file__).parent / "alembic.ini"


def _config() -> Config:
    return Config(str(INI))


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` inside one connection."""
    cfg = _config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def is_current(engine: Engine) -> bool:
    """True when the database is at the newest migration (used by readiness checks)."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision() == head
