"""Statement imports: every (account, transaction_id) is stored exactly once."""

from __future__ import annotations

import dataclasses
import time
import uuid
from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select
from storage_samples import txn

from dunwell.connectors.storage import load_transactions, record_statement_import, transaction
from dunwell.connectors.storage.models import BankTransaction, StatementImport
from dunwell.connectors.storage.statements import fingerprint
from dunwell.frames import TRANSACTION_COLUMNS


def _import(engine: Engine, name: str, transactions, file_hash: str = "h" * 64):
    with transaction(engine) as session:
        return record_statement_import(session, name, file_hash, "mt940", transactions)


def test_importing_the_same_file_twice_adds_nothing_the_second_time(db_engine: Engine) -> None:
    rows = [txn("T1"), txn("T2", "-12.50"), txn("T3", "0.01")]
    first = _import(db_engine, "stmt.sta", rows)
    second = _import(db_engine, "stmt.sta", rows)
    assert (first.new, first.known, first.rejected) == (3, 0, 0)
    assert first.new_transaction_ids == ["T1", "T2", "T3"]
    assert (second.new, second.known, second.rejected) == (0, 3, 0)
    assert second.new_transaction_ids == []
    with transaction(db_engine) as session:
        assert session.scalar(select(func.count()).select_from(BankTransaction)) == 3
        imports = session.execute(select(StatementImport).order_by(StatementImport.id)).scalars()
        assert [(i.new_count, i.known_count) for i in imports] == [(3, 0), (0, 3)]


def test_overlapping_statements_add_each_transaction_once(db_engine: Engine) -> None:
    _import(db_engine, "oct.sta", [txn("T1"), txn("T2"), txn("T3")])
    outcome = _import(db_engine, "nov.sta", [txn("T3"), txn("T4"), txn("T5")], "n" * 64)
    assert (outcome.new, outcome.known) == (2, 1)
    assert outcome.new_transaction_ids == ["T4", "T5"]


def test_same_transaction_id_on_another_account_is_another_transaction(db_engine: Engine) -> None:
    _import(db_engine, "a.sta", [txn("T1", account="ACC-A")])
    outcome = _import(db_engine, "b.sta", [txn("T1", account="ACC-B")])
    assert outcome.new == 1


def test_reused_identity_with_other_content_is_rejected(db_engine: Engine) -> None:
    _import(db_engine, "a.sta", [txn("T1", "100.00")])
    outcome = _import(db_engine, "b.sta", [txn("T1", "999.00"), txn("T1", "100.0")])
    assert (outcome.new, outcome.known, outcome.rejected) == (0, 1, 1)


def test_rows_without_transaction_id_are_rejected(db_engine: Engine) -> None:
    outcome = _import(db_engine, "a.sta", [txn(""), txn("T2")])
    assert (outcome.new, outcome.rejected) == (1, 1)


def test_frames_round_trip_through_the_database(db_engine: Engine) -> None:
    _import(db_engine, "a.sta", [txn("T1", "1234.56"), txn("T2", "-0.07", counterparty_name=None)])
    with transaction(db_engine) as session:
        frame = load_transactions(session)
    assert list(frame.columns[: len(TRANSACTION_COLUMNS)]) == list(TRANSACTION_COLUMNS)
    assert frame["amount_minor"].tolist() == [123456, -7]
    assert frame["counterparty_iban"].tolist() == ["DE89370400440532013000"] * 2
    assert frame["counterparty_name"].tolist() == ["Acme GmbH", ""]
    assert frame["booking_date"].dt.strftime("%Y-%m-%d").tolist() == ["2026-11-20"] * 2
    again = _import(db_engine, "a.csv", frame, "c" * 64)
    assert (again.new, again.known, again.rejected) == (0, 2, 0)


def test_transactions_can_be_loaded_by_import(db_engine: Engine) -> None:
    first = _import(db_engine, "a.sta", [txn("T1")])
    _import(db_engine, "b.sta", [txn("T2")])
    with transaction(db_engine) as session:
        frame = load_transactions(session, import_ids=[first.import_id])
        by_id = load_transactions(session, transaction_ids=["T2"])
    assert frame["transaction_id"].tolist() == ["T1"]
    assert by_id["transaction_id"].tolist() == ["T2"]


def test_jpy_and_bhd_amounts_keep_their_precision(db_engine: Engine) -> None:
    _import(db_engine, "a.sta", [txn("T1", "1500", currency="JPY"),
                                 txn("T2", "12.345", currency="BHD")])
    with transaction(db_engine) as session:
        frame = load_transactions(session)
        stored = session.scalars(select(BankTransaction.amount).order_by(BankTransaction.id)).all()
    assert frame["amount_minor"].tolist() == [1500, 12345]
    assert [Decimal(s) for s in stored] == [Decimal("1500"), Decimal("12.345")]


def _big_frame(n: int, offset: int = 0) -> pd.DataFrame:
    ids = [f"TX{i:07d}" for i in range(offset, offset + n)]
    return pd.DataFrame({
        "transaction_id": ids, "booking_date": pd.to_datetime(["2026-11-20"] * n),
        "amount_minor": pd.Series(range(offset + 1, offset + n + 1), dtype="int64"),
        "currency": ["EUR"] * n, "counterparty_name": ["Acme"] * n, "counterparty_iban": [""] * n,
        "remittance_info": ids, "account": ["ACC"] * n, "line": range(2, n + 2),
    })


@pytest.mark.slow
def test_a_hundred_thousand_transactions_import_quickly(db_engine: Engine) -> None:
    started = time.monotonic()
    first = _import(db_engine, "big.csv", _big_frame(100_000))
    second = _import(db_engine, "big2.csv", _big_frame(100_000, offset=50_000), "b" * 64)
    elapsed = time.monotonic() - started
    assert (first.new, second.new, second.known) == (100_000, 50_000, 50_000)
    assert elapsed < 120, f"took {elapsed:.1f}s"


def _expected(stored: dict[tuple[str, str], str], rows: list[dict]) -> tuple[int, int, int, list]:
    """The import rules, one row at a time: an identity's first row is stored unless known;
    every other row is known when its content is what is stored for it, else rejected."""
    new, known, rejected, ids = 0, 0, 0, []
    for row in rows:
        key = (row["account"] or "", row["transaction_id"])
        if not key[1]:
            rejected += 1
        elif key not in stored:
            stored[key] = fingerprint(row)
            new, ids = new + 1, [*ids, key[1]]
        elif stored[key] == fingerprint(row):
            known += 1
        else:
            rejected += 1
    return new, known, rejected, ids


_ROW = st.fixed_dictionaries({
    "transaction_id": st.sampled_from(["T1", "T2", "T3", ""]),
    "account": st.sampled_from(["ACC-A", "ACC-B", ""]),
    "amount": st.sampled_from(["10.00", "10.0", "-3.50"]),
    "remittance_info": st.sampled_from(["inv 1", "inv 2"]),
})


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=st.lists(st.lists(_ROW, max_size=8), min_size=1, max_size=3),
       as_frame=st.booleans())
def test_each_import_counts_rows_as_the_rules_say_one_row_at_a_time(
        db_engine: Engine, files: list[list[dict]], as_frame: bool) -> None:
    # each example on accounts of its own: the database is shared between examples
    prefix = uuid.uuid4().hex[:8]
    stored: dict[tuple[str, str], str] = {}
    for n, rows in enumerate(files):
        records = [txn(r["transaction_id"], r["amount"], account=f"{prefix}{r['account']}",
                       remittance_info=r["remittance_info"]) for r in rows]
        given_rows = [{**dataclasses.asdict(t), "transaction_id": str(t.transaction_id)}
                      for t in records]
        want = _expected(stored, given_rows)
        source = records
        if as_frame and records:
            source = pd.DataFrame([{
                "transaction_id": t.transaction_id, "booking_date": pd.Timestamp(t.booking_date),
                "amount_minor": int(t.amount * 100), "currency": t.currency,
                "counterparty_name": t.counterparty_name, "counterparty_iban": t.counterparty_iban,
                "remittance_info": t.remittance_info, "account": t.account, "line": i + 1}
                for i, t in enumerate(records)])
        outcome = _import(db_engine, f"{prefix}-{n}.sta", source, f"{n}" * 64)
        assert (outcome.new, outcome.known, outcome.rejected,
                outcome.new_transaction_ids) == want
