"""Fixtures for the storage tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from dunwell.connectors.storage import transaction


@pytest.fixture
def session(db_engine: Engine) -> Iterator[Session]:
    """A session in one transaction, committed at the end of the test."""
    with transaction(db_engine) as session:
        yield session
