"""Alembic environment: migrates the connection dunwell hands over, or the configured database.

`dunwell.connectors.storage.migrate` passes its connection in
`config.attributes["connection"]`; the `alembic` command line falls back to
`sqlalchemy.url` in alembic.ini, else to the dunwell settings.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from dunwell.connectors.storage.models import Base

config = context.config
target_metadata = Base.metadata


def _configure_and_run(connection: Connection) -> None:
    """Run the migrations on one connection; batch mode lets SQLite alter tables."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _configured_url() -> str:
    """alembic.ini's sqlalchemy.url, else DUNWELL_DATABASE_URL or the default database."""
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from dunwell.connectors.settings.config import load_settings

    return load_settings().database_url


def run_migrations_offline() -> None:
    """Print the SQL instead of running it (`alembic upgrade head --sql`)."""
    context.configure(url=_configured_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate the handed-over connection, or open one on the configured database."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
        return
    from dunwell.connectors.storage.engine import create_db_engine

    engine = create_db_engine(_configured_url())
    try:
        with engine.begin() as own_connection:
            _configure_and_run(own_connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
