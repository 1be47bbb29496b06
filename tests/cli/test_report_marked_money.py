"""`dunwell report` lists the money a person marked as a refund or unrelated
(`dunwell unmatched mark`): a section of report.html and marked_money.csv beside it."""

from __future__ import annotations

import csv
from email import message_from_bytes, policy

from tests.cli.test_first_hour import CUSTOMERS, INVOICES

BANK = """transaction_id,booking_date,amount,currency,counterparty_name,remittance_info
T1,2026-11-18,80.00,EUR,Berlin Handel GmbH,INV-3
T2,2026-11-19,12.34,EUR,Sparkasse Zinsen,interest 2026-11
T3,2026-11-19,45.00,EUR,Nobody We Know,return of deposit
"""
ARGS = ["--invoices", "invoices.csv", "--customers", "customers.csv", "--bank", "bank.csv",
        "--as-of", "2026-11-20"]


def _rows(path) -> list[dict[str, str]]:  # noqa: ANN001 - a Path
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_report_lists_refunds_and_unrelated_money_a_person_marked(cli, workdir):
    for name, text in (("customers.csv", CUSTOMERS), ("invoices.csv", INVOICES),
                       ("bank.csv", BANK)):
        (workdir.path / name).write_text(text, encoding="utf-8")
    first = cli("report", *ARGS, "--out", "before")
    assert first.exit_code == 0, first.stderr
    assert "Refunds and unrelated money" not in (workdir.path / "before" / "report.html") \
        .read_text(encoding="utf-8")
    assert _rows(workdir.path / "before" / "marked_money.csv") == []

    assert cli("unmatched", "mark", "T2", "unrelated", "--note", "bank interest").exit_code == 0
    assert cli("unmatched", "mark", "T3", "refund", "--note", "deposit sent back").exit_code == 0
    second = cli("report", *ARGS, "--out", "after", "--email-to", "controller@example.com")
    assert second.exit_code == 0, second.stderr
    page = (workdir.path / "after" / "report.html").read_text(encoding="utf-8")
    section = page[page.index("Refunds and unrelated money"):page.index("Data quality")]
    assert "Sparkasse Zinsen" in section and "bank interest" in section
    assert "Nobody We Know" in section and "deposit sent back" in section
    assert "EUR\u00a012.34" in section and "EUR\u00a045.00" in section
    marked = _rows(workdir.path / "after" / "marked_money.csv")
    assert [(r["transaction_id"], r["kind"], r["amount"], r["currency"], r["note"],
             r["marked_by"]) for r in marked] == [
        ("T2", "unrelated", "12.34", "EUR", "bank interest", marked[0]["marked_by"]),
        ("T3", "refund", "45.00", "EUR", "deposit sent back", marked[1]["marked_by"])]
    assert marked[0]["marked_by"] and marked[0]["booking_date"] == "2026-11-19"
    kinds = {r["kind"] for r in _rows(workdir.path / "after" / "discrepancies.csv")}
    assert kinds <= {"short_payment", "overpayment", "duplicate_payment", "unmatched_payment",
                     "already_paid", "currency_mismatch", "bank_fee",
                     "disputed_invoice_payment", "ambiguous_match"}
    [sent] = (workdir.path / "after" / "outbox").glob("*.eml")
    email = message_from_bytes(sent.read_bytes(), policy=policy.default)
    attached = {part.get_filename(): part.get_content() for part in email.iter_attachments()}
    assert attached["marked_money.csv"].startswith("transaction_id,booking_date,amount,")
    text = email.get_body(("plain",)).get_content()
    assert "REFUNDS AND UNRELATED MONEY" in text and "Unrelated: 1, EUR\u00a012.34" in text
    assert "T3 Nobody We Know: EUR\u00a045.00: deposit sent back" in text
