"""Shared fixtures: every database test runs on SQLite, and on PostgreSQL when
TEST_DATABASE_URL is set (CI sets it), each test in its own fresh, migrated database."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

from rubrics import use_stored
from store.db import Database, normalise_url
from store.migrate import upgrade

PG_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """Migrate once; each test copies the file (much faster than migrating per test)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    db = Database(f"sqlite:///{path}")
    upgrade(db.engine)
    db.dispose()
    return path


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path, sqlite_template) -> Iterator[str]:
    """A URL to an empty, fully migrated database that only this test uses."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    base = normalise_url(PG_URL)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    url = f"{base}{sep}options={quote(f'-csearch_path={schema}')}"
    migrated = Database(url)
    upgrade(migrated.engine)
    migrated.dispose()
    try:
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def database(database_url) -> Iterator[Database]:
    db = Database(database_url)
    yield db
    db.dispose()


@pytest.fixture(autouse=True)
def _charts_in_tmp(tmp_path, monkeypatch) -> Iterator[None]:
    """Charts and calendar files drawn during a test go to its own temporary folder."""
    from handlers import config

    monkeypatch.setenv("AIGA_CHART_DIR", str(tmp_path / "charts"))  # for child processes
    before = config.current()
    config.configure(config.HandlerConfig(chart_dir=tmp_path / "charts",
                                          ics_dir=tmp_path / "ics"))
    yield
    config.configure(before)
    use_stored(None)  # a test that started an entry point leaves no stored rubric source


@pytest.fixture
def artifacts_dir() -> Path:
    """Where tests leave files a person may want to look at (charts, screenshots)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
