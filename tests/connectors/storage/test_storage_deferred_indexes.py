"""A large insert into a small SQLite table makes its plain indexes after the rows
(`columns.indexes_deferred`): the schema is the same afterwards, the same after a
failure rolled back, and a large table keeps its indexes throughout."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from dunwell.connectors.storage import open_db, transaction
from dunwell.connectors.storage.columns import DEFER_INDEX_ROWS, indexes_deferred, insert_rows
from dunwell.connectors.storage.models import MatchRow

TABLE = MatchRow.__table__


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return open_db(f"sqlite:///{tmp_path / 'dunwell.db'}")


def _indexes(engine_or_session: object) -> list[tuple[str, str]]:
    sql = text("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :t "
               "ORDER BY name")
    if isinstance(engine_or_session, Engine):
        with engine_or_session.connect() as connection:
            return [tuple(r) for r in connection.execute(sql, {"t": TABLE.name})]
    return [tuple(r) for r in engine_or_session.execute(sql, {"t": TABLE.name})]  # type: ignore[attr-defined]


def _rows(run_id: str, count: int) -> dict[str, list[object]]:
    return {"run_id": [run_id] * count, "transaction_id": [f"T{i}" for i in range(count)],
            "invoice_id": [f"I{i % 7}" for i in range(count)], "applied_amount": [1.5] * count,
            "currency": ["EUR"] * count, "confidence": [90] * count,
            "decision": ["auto"] * count, "reasons": ["amount exact"] * count,
            "rank": [1] * count, "status": ["booked"] * count}


def _run(session: object, run_id: str) -> None:
    session.execute(text("INSERT INTO runs (id, kind, status, as_of, started_at, parameters) "  # type: ignore[attr-defined]
                         "VALUES (:id, 'reconcile', 'running', '2026-12-06', "
                         "'2026-12-06 08:00:00', '{}')"), {"id": run_id})


def test_a_large_insert_into_an_empty_table_ends_with_the_same_indexes(engine: Engine) -> None:
    before = _indexes(engine)
    plain = [name for name, sql in before if sql and "UNIQUE" not in sql.upper()]
    assert plain, "matches has plain indexes to defer"
    with transaction(engine) as session:
        _run(session, "r1")
        with indexes_deferred(session, TABLE, DEFER_INDEX_ROWS):
            during = [name for name, _ in _indexes(session)]
            insert_rows(session, TABLE, _rows("r1", 500))
        assert not set(plain) & set(during), "the plain indexes were made after the rows"
    assert _indexes(engine) == before
    with engine.connect() as connection:
        used = connection.execute(text("EXPLAIN QUERY PLAN SELECT * FROM matches "
                                       "WHERE invoice_id = 'I3'")).all()
        assert "ix_matches_invoice_id" in str(used)
        assert connection.execute(text("SELECT count(*) FROM matches "
                                       "WHERE invoice_id = 'I3'")).scalar() == 71


def test_a_failed_insert_rolls_back_to_the_same_schema(engine: Engine) -> None:
    before = _indexes(engine)
    with pytest.raises(RuntimeError), transaction(engine) as session:
        _run(session, "r1")
        with indexes_deferred(session, TABLE, DEFER_INDEX_ROWS):
            insert_rows(session, TABLE, _rows("r1", 10))
            raise RuntimeError("the run died here")
    assert _indexes(engine) == before
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM matches")).scalar() == 0


def test_small_inserts_and_large_tables_keep_their_indexes(engine: Engine) -> None:
    before = _indexes(engine)
    with transaction(engine) as session:
        _run(session, "r1")
        with indexes_deferred(session, TABLE, DEFER_INDEX_ROWS - 1):
            assert _indexes(session) == before
        insert_rows(session, TABLE, _rows("r1", DEFER_INDEX_ROWS + 1))
        with indexes_deferred(session, TABLE, DEFER_INDEX_ROWS):  # more stored than to come
            assert _indexes(session) == before
