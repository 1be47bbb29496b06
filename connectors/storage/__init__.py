"""Storage: dunwell's state in SQLite or PostgreSQL, through SQLAlchemy 2 and Alembic.

Repository functions take a `Session` and never commit: the caller wraps a
whole run in one transaction (`with transaction(engine) as session:`), so a
run that fails halfway leaves the database as it was.
"""

from dunwell.connectors.storage.engine import (
    MIGRATIONS_DIR,
    create_db_engine,
    migrate,
    open_db,
    transaction,
)

__all__ = ["MIGRATIONS_DIR", "create_db_engine", "migrate", "open_db", "transaction"]
