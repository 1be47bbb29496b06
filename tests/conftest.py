"""Shared fixtures: a database URL per test, on SQLite and (with TEST_DATABASE_URL) PostgreSQL.

Each PostgreSQL test gets its own schema (via the search_path in the URL),
dropped afterwards, so that tests can run in parallel under pytest-xdist.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.pool import NullPool

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
DATABASES = [pytest.param("sqlite", id="sqlite")]
if TEST_DATABASE_URL:
    DATABASES.append(pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres))


def _postgres_schema_url(schema: str) -> str:
    """TEST_DATABASE_URL with a search_path that puts every table into `schema`."""
    url = make_url(TEST_DATABASE_URL)
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False
    )


@pytest.fixture(params=DATABASES)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database for this test: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'dunwell.db'}"
        return
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(TEST_DATABASE_URL, poolclass=NullPool)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _postgres_schema_url(schema)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def db_engine(db_url: str) -> Iterator[Engine]:
    """An engine on the test database, migrated to head, disposed after the test."""
    from dunwell.connectors.storage import open_db

    engine = open_db(db_url)
    try:
        yield engine
    finally:
        engine.dispose()
