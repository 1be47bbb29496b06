"""Booking: partial, fee, over and duplicate payments, disputes, invoices after the run."""

from __future__ import annotations

from matching.builders import invoices, kinds, links, payments, run

ONE = invoices(("INV-2026-000601", "C1", 100000), ("INV-2026-000602", "C1", 5000))
PAYER = "Müller Maschinenbau GmbH"


def test_partial_payment_reduces_open_amount_and_flags_short_payment() -> None:
    rec = run(ONE, payments(("T1", 60000, PAYER, "INV-2026-000601")))
    assert links(rec) == {("T1", "INV-2026-000601", 60000)}
    assert kinds(rec) == [("short_payment", "T1", "INV-2026-000601")]
    after = rec.invoices_after.set_index("invoice_id")
    assert after.loc["INV-2026-000601", "open_minor"] == 40000
    assert not after.loc["INV-2026-000601", "cleared_by_run"]


def test_small_shortfall_within_tolerance_is_a_bank_fee_and_clears_invoice() -> None:
    rec = run(ONE, payments(("T1", 99250, PAYER, "INV-2026-000601")))
    assert links(rec) == {("T1", "INV-2026-000601", 99250)}
    assert kinds(rec) == [("bank_fee", "T1", "INV-2026-000601")]
    fee = rec.discrepancies.iloc[0]
    assert fee["amount_minor"] == 750
    after = rec.invoices_after.set_index("invoice_id")
    assert after.loc["INV-2026-000601", "open_minor"] == 0
    assert after.loc["INV-2026-000601", "cleared_by_run"]


def test_overpayment_leaves_excess_unapplied() -> None:
    rec = run(ONE, payments(("T1", 112000, PAYER, "INV-2026-000601")))
    assert links(rec) == {("T1", "INV-2026-000601", 100000)}
    assert kinds(rec) == [("overpayment", "T1", "INV-2026-000601")]
    assert rec.unapplied.set_index("transaction_id").loc["T1", "unapplied_minor"] == 12000


def test_second_payment_for_same_invoice_is_a_duplicate() -> None:
    rec = run(ONE, payments(("T2", 100000, PAYER, "INV-2026-000601", None, None, "2026-11-20"),
                            ("T1", 100000, PAYER, "INV-2026-000601", None, None, "2026-11-12")))
    assert links(rec) == {("T1", "INV-2026-000601", 100000)}
    assert kinds(rec) == [("duplicate_payment", "T2", "INV-2026-000601")]
    assert rec.unapplied.set_index("transaction_id").loc["T2", "unapplied_minor"] == 100000


def test_disputed_invoice_payment_goes_to_review() -> None:
    ledger = invoices(("INV-2026-000701", "C1", 30000, None, None, None, True))
    rec = run(ledger, payments(("T1", 30000, PAYER, "INV-2026-000701")))
    assert links(rec) == set()
    assert links(rec, "review") == {("T1", "INV-2026-000701", 30000)}
    assert kinds(rec) == [("disputed_invoice_payment", "T1", "INV-2026-000701")]
    assert rec.invoices_after["open_minor"].tolist() == [30000]


def test_review_items_do_not_reduce_open_amounts() -> None:
    ledger = invoices(("INV-2026-000801", "C1", 50000), ("INV-2026-000802", "C1", 50000))
    rec = run(ledger, payments(("T1", 50000, PAYER, "")))
    assert rec.invoices_after["open_minor"].tolist() == [50000, 50000]
    assert not rec.invoices_after["cleared_by_run"].any()
