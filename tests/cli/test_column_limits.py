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


def test_a_10_mb_cell_and_a_payer_name_longer_than_an_alias_are_refused(cli, workdir):
    """TEXT columns take any size in the database: the limit is ours, named in the error."""
    huge = "x" * 10_000_000
    (workdir.path / "bank.csv").write_text(
        "transaction_id,booking_date,amount,currency,counterparty_name,remittance_info\n"
        f"T1,2026-11-02,10.00,EUR,ACME,{huge}\n"
        f"T2,2026-11-03,5.00,EUR,{'N' * 301},INV-1\n", encoding="utf-8")
    workdir.copy("valid_invoices.csv", "invoices.csv")
    before = workdir.snapshot()
    outcome = cli("reconcile", "--invoices", "invoices.csv", "--bank", "bank.csv",
                  "--out", "out")
    assert_refused(outcome, [("bank.csv", 2, "remittance_info"),
                             ("bank.csv", 3, "counterparty_name")],
                   before, workdir.snapshot(), workdir.db)
    assert sorted(error_lines(outcome)) == [
        "bank.csv:2: column remittance_info: 10,000,000 characters; at most 10000 are "
        "allowed here",
        "bank.csv:3: column counterparty_name: 301 characters; at most 300 are allowed here",
    ]


def test_a_10_mb_customer_name_is_refused_before_dunning(cli, workdir):
    workdir.copy("valid_invoices.csv", "invoices.csv")
    customers = (workdir.path / "valid.csv")
    workdir.copy("valid_customers.csv", "valid.csv")
    rows = customers.read_text(encoding="utf-8").splitlines()
    header = rows[0].split(",")
    cells = rows[1].split(",")
    cells[header.index("name")] = "y" * 10_000_000
    (workdir.path / "customers.csv").write_text(
        "\n".join([rows[0], ",".join(cells), *rows[2:]]) + "\n", encoding="utf-8")
    customers.unlink()
    before = workdir.snapshot()
    outcome = cli("dunning", "--invoices", "invoices.csv", "--customers", "customers.csv",
                  "--as-of", "2026-11-20", "--out", "out")
    assert_refused(outcome, [("customers.csv", 2, "name")], before, workdir.snapshot(),
                   workdir.db)
