"""Migrations: upgrade to head on SQLite and PostgreSQL, twice without harm, concurrently."""

from __future__ import annotations

import threading
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from dunwell.connectors.storage import MIGRATIONS_DIR, create_db_engine, migrate, open_db
from dunwell.connectors.storage.models import TRIGRAM_INDEXES, Base

TABLES = {
    "customers", "invoices", "statement_imports", "bank_transactions", "matches",
    "discrepancies", "aliases", "outbox", "customer_state", "invoice_events", "runs",
    "quarantine", "run_locks",
}


def _head() -> list[str]:
    """The newest revision among the migration scripts."""
    from alembic.script import ScriptDirectory

    from dunwell.connectors.storage.engine import alembic_config

    return list(ScriptDirectory.from_config(alembic_config()).get_heads())


def _revision(url: str) -> list[str]:
    engine = create_db_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT version_num FROM alembic_version"))
            return [row[0] for row in rows]
    finally:
        engine.dispose()


def test_open_db_creates_every_table(db_url: str) -> None:
    engine = open_db(db_url)
    try:
        assert TABLES <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_migrating_twice_is_a_no_op(db_url: str) -> None:
    migrate(db_url)
    first = _revision(db_url)
    migrate(db_url, MIGRATIONS_DIR)
    assert _revision(db_url) == first == _head()


def test_two_concurrent_migrations_both_succeed(db_url: str) -> None:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            migrate(db_url)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _revision(db_url) == _head()


def test_sqlite_folder_is_created(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'deep' / 'er' / 'dunwell.db'}"
    open_db(url).dispose()
    assert (tmp_path / "deep" / "er" / "dunwell.db").is_file()


def test_migrations_create_exactly_what_the_models_describe(db_engine) -> None:

    def modelled(item, name, kind, reflected, compare_to) -> bool:  # noqa: ANN001
        return not (kind == "index" and name in TRIGRAM_INDEXES)

    with db_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "include_object": modelled})
        assert compare_metadata(context, Base.metadata) == []


def test_the_review_search_has_its_trigram_indexes_on_postgresql_only(db_engine) -> None:
    names = {i["name"] for table in ("bank_transactions", "matches")
             for i in inspect(db_engine).get_indexes(table)}
    expected = set(TRIGRAM_INDEXES) if db_engine.dialect.name == "postgresql" else set()
    assert names & set(TRIGRAM_INDEXES) == expected


def test_a_new_sqlite_database_gets_large_pages_and_an_old_one_keeps_its_own(
        tmp_path: Path) -> None:
    import sqlite3

    from dunwell.connectors.storage.engine import SQLITE_PAGE_BYTES

    old = tmp_path / "old.db"
    with sqlite3.connect(old) as made_before:  # as an earlier version made it: 4 KiB, WAL
        made_before.execute("PRAGMA page_size=4096")
        made_before.execute("PRAGMA journal_mode=WAL")
        made_before.execute("CREATE TABLE kept (x)")
        made_before.execute("INSERT INTO kept VALUES (1)")
    made_before.close()
    for path, size in ((tmp_path / "new.db", SQLITE_PAGE_BYTES), (old, 4096)):
        engine = open_db(f"sqlite:///{path}")
        try:
            with engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA page_size").scalar() == size
                assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert TABLES <= set(inspect(connection).get_table_names())
        finally:
            engine.dispose()
    assert SQLITE_PAGE_BYTES > 4096
    with sqlite3.connect(old) as after:
        assert after.execute("SELECT x FROM kept").fetchall() == [(1,)]
    after.close()
