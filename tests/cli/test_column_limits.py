"""Cells longer than the database keeps are refused up front, naming the limit, on every
database alike (SQLite would store them; PostgreSQL would fail halfway through the run)."""

from __future__ import annotations

from cli_harness import assert_refused, error_lines


def test_too_long_ids_are_refused_naming_file_line_column_and_limit(cli, workdir):
    long_txn, long_invoice = "T" * 201, "INV-" + "9" * 100_000
    (workdir.path / "bank.csv").write_text(
        "transaction_id,booking_date,amount,currency\n"
        f"T1,2026-11-02,10.00,EUR\n{long_txn},2026-11-03,5.00,EUR\n", encoding="utf-8")
    (workdir.path / "invoices.csv").write_text(
        "invoice_id,customer_id,currency,amount,issue_date,due_date\n"
        f"{long_invoice},C1,EUR,10.00,2026-10-01,2026-10-31\n"
        "INV-2,C2,EUR,10.00,2026-10-01,2026-10-31\n", encoding="utf-8")
    before = workdir.snapshot()
    outcome = cli("reconcile", "--invoices", "invoices.csv", "--bank", "bank.csv",
                  "--out", "out")
    assert_refused(outcome, [("invoices.csv", 2, "invoice_id"), ("bank.csv", 3, "transaction_id")],
                   before, workdir.snapshot(), workdir.db)
    assert sorted(error_lines(outcome)) == [
        "bank.csv:3: column transaction_id: 201 characters; at most 200 are allowed here",
        "invoices.csv:2: column invoice_id: 100,004 characters; at most 100 are allowed here",
    ]


def test_ids_at_the_limit_are_accepted(workdir):
    from dunwell.tasks.inputs import load_inputs

    (workdir.path / "bank.csv").write_text(
        "transaction_id,booking_date,amount,currency\n"
        f"{'T' * 200},2026-11-02,10.00,EUR\n", encoding="utf-8")
    workdir.copy("valid_invoices.csv", "invoices.csv")
    inputs = load_inputs("invoices.csv", None, ["bank.csv"])
    assert inputs.transactions["transaction_id"].str.len().tolist() == [200]
