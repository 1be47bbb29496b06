"""Reconciliation per currency on Dask gives exactly what the single-process run gives."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from dunwell.matching import MatchPolicy, reconcile
from dunwell.synth import generate
from dunwell.tasks.partition import match_partition, merge_partitions, split_by_currency

AS_OF = date(2026, 11, 20)


def options(matches: pd.DataFrame) -> list[tuple]:
    """Each payment's options (invoices, amounts, confidence, decision, reasons), rank aside.

    The engine orders options of equal confidence, first due date and invoice order by how
    it enumerated them, which depends on the frame it was given; the options are the same.
    """
    grouped = matches.groupby(["transaction_id", "rank"], sort=False).agg(
        invoices=("invoice_id", tuple), applied=("applied_minor", tuple),
        confidence=("confidence", "first"), decision=("decision", "first"),
        reasons=("reasons", "first"))
    return sorted(grouped.reset_index(level="rank", drop=True).reset_index()
                  .itertuples(index=False, name=None))


@pytest.mark.parametrize("seed", [3, 7, 11])
def test_currency_partitions_merged_equal_the_whole_statement_matched_at_once(seed: int) -> None:
    data = generate(seed, 120, 3000, AS_OF)
    policy = MatchPolicy()
    whole = reconcile(data.invoices, data.transactions, data.customers, policy)

    parts = split_by_currency(data.invoices, data.transactions)
    merged = merge_partitions(
        [match_partition.fn(p, data.customers, policy, None) for p in parts],
        data.invoices, data.transactions)

    assert len(parts) == data.transactions["currency"].nunique() > 1
    assert (merged.matches["decision"] == "auto").sum() > 100
    assert (merged.discrepancies["kind"] == "currency_mismatch").any()
    auto = merged.matches[merged.matches["decision"] == "auto"]
    pd.testing.assert_frame_equal(auto, whole.matches[whole.matches["decision"] == "auto"])
    assert options(merged.matches) == options(whole.matches)
    pd.testing.assert_frame_equal(merged.discrepancies, whole.discrepancies)
    pd.testing.assert_frame_equal(merged.unapplied, whole.unapplied)
    pd.testing.assert_frame_equal(merged.invoices_after, whole.invoices_after)


def test_a_partition_holds_its_currency_and_only_the_foreign_invoices_it_names() -> None:
    data = generate(5, 60, 1500, AS_OF)

    parts = split_by_currency(data.invoices, data.transactions)

    for part in parts:
        assert set(part.transactions["currency"]) == {part.currency}
        assert (part.transactions["amount_minor"] > 0).all()
        foreign = part.invoices[part.invoices["currency"] != part.currency]
        text = " ".join(part.transactions["remittance_info"].fillna(""))
        assert all(i.split("-")[-1] in text for i in foreign["invoice_id"])
    paid_in = data.transactions[data.transactions["amount_minor"] > 0]
    assert sum(len(p.transactions) for p in parts) == len(paid_in)


def test_a_statement_without_incoming_money_is_one_empty_partition() -> None:
    data = generate(5, 30, 300, AS_OF)
    outgoing = data.transactions.assign(amount_minor=-data.transactions["amount_minor"].abs())

    parts = split_by_currency(data.invoices, outgoing)

    assert len(parts) == 1 and parts[0].transactions.empty


def _company(folder: Path) -> dict[str, object]:
    from dunwell.connectors.sources.canonical import write_bank, write_customers, write_invoices

    data = generate(13, 80, 1500, AS_OF)
    write_customers(data.customers, folder / "customers.csv")
    write_invoices(data.invoices, folder / "invoices.csv")
    write_bank(data.transactions, folder / "bank.csv")
    return {"invoices": str(folder / "invoices.csv"), "customers": str(folder / "customers.csv"),
            "bank": [str(folder / "bank.csv")], "as_of": AS_OF.isoformat()}


def _booked(db_file: Path) -> pd.DataFrame:
    import sqlite3

    with sqlite3.connect(db_file) as db:
        return pd.read_sql("SELECT transaction_id, invoice_id, applied_amount, confidence, "
                           "decision, status FROM matches ORDER BY transaction_id, invoice_id",
                           db)


@pytest.mark.slow
def test_partitioned_flow_on_a_local_dask_cluster_writes_the_same_files_and_bookings(
        prefect_api: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dunwell.flows.partitioned import reconcile_partitioned
    from dunwell.flows.reconcile import reconcile as reconcile_flow

    (tmp_path / "data").mkdir()
    params = _company(tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    for name in ("DUNWELL_SMTP_HOST", "DUNWELL_CONFIG", "DUNWELL_DASK_SCHEDULER_ADDRESS"):
        monkeypatch.delenv(name, raising=False)

    monkeypatch.setenv("DUNWELL_DATABASE_URL", f"sqlite:///{tmp_path / 'single.db'}")
    single = reconcile_flow(**params, out=str(tmp_path / "single"))
    monkeypatch.setenv("DUNWELL_DATABASE_URL", f"sqlite:///{tmp_path / 'dask.db'}")
    scaled = reconcile_partitioned(**params, out=str(tmp_path / "dask"), n_workers=2)

    name = "discrepancies.csv"
    assert (tmp_path / "dask" / name).read_text() == (tmp_path / "single" / name).read_text()
    for name in ("matches.csv", "review_queue.csv"):  # the same rows; equal options may swap
        single_rows = sorted((tmp_path / "single" / name).read_text().splitlines())
        assert sorted((tmp_path / "dask" / name).read_text().splitlines()) == single_rows, name
    assert scaled.matched_auto == single.matched_auto > 0
    assert scaled.discrepancies == single.discrepancies
    pd.testing.assert_frame_equal(_booked(tmp_path / "dask.db"), _booked(tmp_path / "single.db"))
