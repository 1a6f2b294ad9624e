"""Run Alembic migrations from code (the CLI's `db upgrade`, tests, readiness checks).

`schema_status` is the one schema check: the CLI runs it before every command that needs the
database, `aiga-bot serve` and the worker before they start, and /readyz on every probe.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from store.errors import UserError

INI = Path(__file__).parent / "alembic.ini"
UPGRADE = "aiga-bot db upgrade"


def _config() -> Config:
    return Config(str(INI))


@cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())


def head_revision() -> str | None:
    """The newest migration this code knows."""
    return _scripts().get_current_head()


@dataclass(frozen=True)
class SchemaStatus:
    """Where a database's schema stands against this code's newest migration."""

    revision: str | None  # None: no schema at all (an empty database)
    head: str | None

    @property
    def current(self) -> bool:
        return self.revision == self.head

    @property
    def known(self) -> bool:
        """False when the database was migrated by newer code than this."""
        return self.revision is None or self.revision in {s.revision for s in
                                                          _scripts().walk_revisions()}


class SchemaError(UserError):
    """The schema does not match this code; the message names the command that fixes it."""


def schema_status(engine: Engine) -> SchemaStatus:
    """Read the database's revision (connects: may raise SQLAlchemy's OperationalError)."""
    with engine.connect() as connection:
        revision = MigrationContext.configure(connection).get_current_revision()
    return SchemaStatus(revision, head_revision())


def require_current(status: SchemaStatus) -> None:
    """SchemaError with the fix unless the schema is at this code's newest migration."""
    if status.current:
        return
    if status.revision is None:
        raise SchemaError(f"データベースにスキーマがありません。`{UPGRADE}` を実行してください。",
                          f"the database has no schema yet: run `{UPGRADE}`")
    if not status.known:
        raise SchemaError(
            f"データベースのスキーマ（{status.revision}）はこのコードより新しい版です。"
            "新しい版のボットを使うか、DATABASE_URL を確認してください。",
            f"the database schema (revision {status.revision}) is newer than this code: run "
            "the newer release of the bot, or check DATABASE_URL")
    raise SchemaError(
        f"データベースのスキーマが古い版（{status.revision}）です。`{UPGRADE}` を実行してください。",
        f"the database schema is not up to date (revision {status.revision}, this code needs "
        f"{status.head}): run `{UPGRADE}`")


def upgrade(engine: Engine, revision: str = "head") -> SchemaStatus:
    """Bring the schema to `revision` inside one connection; returns where it stood before."""
    cfg = _config()
    with engine.begin() as connection:
        before = MigrationContext.configure(connection).get_current_revision()
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)
    return SchemaStatus(before, head_revision())


def is_current(engine: Engine) -> bool:
    """True when the database is at the newest migration (used by readiness checks)."""
    return schema_status(engine).current
