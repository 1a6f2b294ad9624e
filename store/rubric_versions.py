"""Rubric versions the secretariat imported from a workbook, kept in the database (issue 15).

A new Navi version then needs no release: `aiga-bot rubric import` stores the validated rubric
as JSON, and `StoredRubrics` hands it to the rubric registry (rubrics/loader.py), which
validates it again when it loads it. A stored version is never changed or overwritten: rounds
and assessments are pinned to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Engine, String, create_engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.pool import NullPool

from store.db import Database
from store.errors import UserError
from store.models import Base
from store.types import UTCDateTime


class StoredRubricVersion(Base):
    """One imported version: the validated rubric as JSON, and where it came from."""

    __tablename__ = "rubric_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(40), unique=True)
    name_ja: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    imported_by: Mapped[str] = mapped_column(String(200), default="")
    source_file: Mapped[str] = mapped_column(String(255), default="")


@dataclass(frozen=True)
class VersionSummary:
    version: str
    imported_at: datetime
    imported_by: str
    source_file: str


def version_exists(session: Session, version: str) -> bool:
    stmt = select(func.count()).select_from(StoredRubricVersion).where(
        StoredRubricVersion.version == version)
    return bool(session.scalar(stmt))


def store_version(session: Session, content: Mapping[str, Any], *, now: datetime,
                  imported_by: str = "", source_file: str = "") -> StoredRubricVersion:
    """Keep a validated rubric (its `model_dump(mode="json")`); refuse one already stored,
    also when another import of the same version commits first."""
    version = str(content["version"])
    if version_exists(session, version):
        raise _exists(version)
    row = StoredRubricVersion(
        version=version, name_ja=str(content["name"]["ja"])[:200],
        name_en=str(content["name"]["en"])[:200], content=dict(content), imported_at=now,
        imported_by=imported_by[:200], source_file=source_file[:255])
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        raise _exists(version) from None
    return row


def _exists(version: str) -> UserError:
    return UserError(f"版 {version} はすでに保存されています。別の版番号で取り込んでください。",
                     f"version {version} is already stored: import under a new version number",
                     field="version")


def stored_summaries(session: Session) -> list[VersionSummary]:
    rows = session.execute(select(StoredRubricVersion.version, StoredRubricVersion.imported_at,
                                  StoredRubricVersion.imported_by,
                                  StoredRubricVersion.source_file))
    return [VersionSummary(*row) for row in rows]


class StoredRubrics:
    """The `RubricSource` over the database, for `rubrics.registry_with_stored`.

    The registry is asked from inside a turn's transaction. On SQLite that transaction already
    holds the write lock (BEGIN IMMEDIATE, store/db.py), so reading through the same engine
    would wait for it; these reads use their own engine with SQLite's ordinary deferred
    transactions, which WAL lets read beside a writer. PostgreSQL reads through the bot's pool.
    """

    def __init__(self, database: Database) -> None:
        engine = database.engine
        self._engine: Engine = engine
        if engine.dialect.name == "sqlite":
            self._engine = create_engine(engine.url, poolclass=NullPool,
                                         connect_args={"timeout": 30})

    def versions(self) -> list[str]:
        with self._engine.connect() as conn:
            return list(conn.scalars(select(StoredRubricVersion.version)))

    def load(self, version: str) -> Mapping[str, Any] | None:
        with self._engine.connect() as conn:
            return conn.scalar(select(StoredRubricVersion.content)
                               .where(StoredRubricVersion.version == version))
