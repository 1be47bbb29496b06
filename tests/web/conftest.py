"""Fixtures for the workbench: a seeded database (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from tests.web.seed import seed


@pytest.fixture
def desk(db_engine: Engine) -> Engine:
    """A migrated database holding the seeded desk and one user per role."""
    seed(db_engine)
    return db_engine


@pytest.fixture
def app_client(desk: Engine) -> Iterator:
    """A TestClient on the workbench over the seeded desk."""
    from fastapi.testclient import TestClient

    from dunwell.web import create_app

    with TestClient(create_app(desk), follow_redirects=False) as client:
        yield client
