"""Matches and discrepancies of a run; the review queue; aliases learned from accepted matches."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from sqlalchemy import Engine, select
from storage_samples import invoices_frame, txn

from dunwell.connectors.storage import (
    accept_review,
    add_alias,
    applied_transaction_ids,
    list_review,
    load_aliases,
    load_invoices,
    record_statement_import,
    reject_review,
    rejected_pairs,
    save_reconciliation,
    start_run,
    transaction,
    upsert_invoices,
)
from dunwell.connectors.storage.models import DiscrepancyRow, MatchRow
from dunwell.errors import InputError


def _matches(rows: list[tuple[str, str, int, str]]) -> pd.DataFrame:
    """(transaction_id, invoice_id, applied_minor, decision) rows, EUR."""
    return pd.DataFrame({
        "transaction_id": [r[0] for r in rows], "invoice_id": [r[1] for r in rows],
        "applied_minor": [r[2] for r in rows], "currency": ["EUR"] * len(rows),
        "confidence": [95 if r[3] == "auto" else 70 for r in rows],
        "decision": [r[3] for r in rows], "reasons": ["reference in remittance"] * len(rows),
    })


def _discrepancies() -> pd.DataFrame:
    return pd.DataFrame({
        "kind": ["short_payment", "unmatched_payment"], "transaction_id": ["T1", "T9"],
        "invoice_id": ["INV-1", ""], "amount_minor": [500, None], "currency": ["EUR", "EUR"],
        "detail": ["paid 95.00 of 100.00", "no candidate"],
    })


@pytest.fixture
def seeded(db_engine: Engine) -> Engine:
    """Two invoices of C1, three payments from Acme, one reconciliation run."""
    with transaction(db_engine) as session:
        upsert_invoices(session, invoices_frame([("INV-1", "C1", "EUR", 10000),
                                                 ("INV-2", "C1", "EUR", 5000)]))
        record_statement_import(session, "s.sta", "h", "mt940",
                                [txn("T1", "95.00"), txn("T2", "50.00"), txn("T3", "50.00")])
        run_id = start_run(session, "reconcile", "2026-11-20", {}, run_id="run-1")
        save_reconciliation(session, run_id, _matches([
            ("T1", "INV-1", 9500, "auto"), ("T2", "INV-2", 5000, "review"),
            ("T3", "INV-2", 5000, "review"),
        ]), _discrepancies())
    return db_engine


def test_auto_matches_are_booked_and_review_matches_proposed(seeded: Engine) -> None:
    with transaction(seeded) as session:
        statuses = dict(session.execute(select(MatchRow.transaction_id, MatchRow.status)).all())
        amounts = session.scalars(select(DiscrepancyRow.amount).order_by(DiscrepancyRow.id)).all()
        assert applied_transaction_ids(session) == {"T1"}
    assert statuses == {"T1": "booked", "T2": "proposed", "T3": "proposed"}
    assert [None if a is None else Decimal(a) for a in amounts] == [Decimal("5.00"), None]


def test_saving_the_same_results_again_adds_nothing(seeded: Engine) -> None:
    with transaction(seeded) as session:
        start_run(session, "reconcile", None, run_id="run-2")
        again = save_reconciliation(session, "run-2", _matches([("T1", "INV-1", 9500, "auto")]),
                                    _discrepancies())
    assert again == (0, 0)


def test_a_missing_invoice_in_a_text_column_is_stored_as_none_and_found_again(
        seeded: Engine) -> None:
    """Earlier runs' discrepancies come back from the database with no invoice; joined
    with this run's, the column is text with NaN there. It is neither stored as the
    text "nan" nor stored a second time."""
    again = _discrepancies().astype({"transaction_id": "str", "invoice_id": "str"})
    again.loc[1, "invoice_id"] = None
    assert again["invoice_id"].isna().tolist() == [False, True]
    with transaction(seeded) as session:
        start_run(session, "reconcile", None, run_id="run-2")
        added = save_reconciliation(session, "run-2", _matches([]), again)
        stored = session.execute(select(DiscrepancyRow.kind, DiscrepancyRow.invoice_id)
                                 .order_by(DiscrepancyRow.id)).all()
    assert added == (0, 0)
    assert stored == [("short_payment", "INV-1"), ("unmatched_payment", None)]


def test_review_queue_lists_proposals_with_the_payment(seeded: Engine) -> None:
    with transaction(seeded) as session:
        queue = list_review(session)
    assert queue[["transaction_id", "invoice_id"]].values.tolist() == [["T2", "INV-2"],
                                                                     ["T3", "INV-2"]]
    first = queue.iloc[0]
    shown = (first["applied_amount"], first["currency"], first["customer_id"])
    assert shown == ("50.00", "EUR", "C1")
    assert first["counterparty_name"] == "Acme GmbH"
    assert first["remittance_info"] == "payment T2"


def test_accepting_a_proposal_books_it_and_teaches_aliases(seeded: Engine) -> None:
    with transaction(seeded) as session:
        accept_review(session, "T2", "INV-2")
    with transaction(seeded) as session:
        assert applied_transaction_ids(session) == {"T1", "T2"}
        invoice = load_invoices(session).set_index("invoice_id").loc["INV-2"]
        aliases = load_aliases(session)
        queue = list_review(session)
    assert (invoice["open_minor"], invoice["status"]) == (0, "paid")
    assert aliases.values.tolist() == [["C1", "iban", "DE89370400440532013000"],
                                       ["C1", "name", "Acme GmbH"]]
    assert queue["transaction_id"].tolist() == ["T3"]


def _accept_one(engine: Engine, paid: str, applied_minor: int, reasons: str) -> tuple:
    """A 100.00 invoice, one payment proposed for it with `reasons`, accepted: (open, status)."""
    with transaction(engine) as session:
        upsert_invoices(session, invoices_frame([("INV-1", "C1", "EUR", 10000)]))
        record_statement_import(session, "s.sta", "h", "mt940", [txn("T1", paid)])
        start_run(session, "reconcile", "2026-11-20", {}, run_id="run-1")
        proposal = _matches([("T1", "INV-1", applied_minor, "review")]).assign(reasons=reasons)
        save_reconciliation(session, "run-1", proposal, _discrepancies().iloc[:0])
    with transaction(engine) as session:
        accept_review(session, "T1", "INV-1")
    with transaction(engine) as session:
        invoice = load_invoices(session).set_index("invoice_id").loc["INV-1"]
    return invoice["open_minor"], invoice["status"]


def test_accepting_a_payment_short_by_a_bank_fee_clears_the_invoice(db_engine: Engine) -> None:
    reasons = "invoice no. in text (1 typo); bank fee deducted; payer = customer"
    assert _accept_one(db_engine, "99.90", 9990, reasons) == (0, "paid")


def test_accepting_a_short_payment_leaves_the_rest_owed(db_engine: Engine) -> None:
    reasons = "invoice no. in text; paid short; payer = customer"
    assert _accept_one(db_engine, "60.00", 6000, reasons) == (4000, "open")


def test_rejecting_a_proposal_removes_it_from_the_queue(seeded: Engine) -> None:
    with transaction(seeded) as session:
        reject_review(session, "T3", "INV-2")
        assert list_review(session)["transaction_id"].tolist() == ["T2"]
        assert rejected_pairs(session) == {("T3", "INV-2")}
        start_run(session, "reconcile", None, run_id="run-2")
        assert save_reconciliation(session, "run-2", _matches([("T3", "INV-2", 5000, "review")]),
                                   _discrepancies().iloc[:0]) == (0, 0)


def test_accepting_something_not_proposed_is_an_input_error(seeded: Engine) -> None:
    with pytest.raises(InputError, match="no proposed match"), transaction(seeded) as session:
        accept_review(session, "T1", "INV-2")


def test_aliases_are_stored_once_and_normalised(db_engine: Engine) -> None:
    with transaction(db_engine) as session:
        assert add_alias(session, "C1", "iban", "de89 3704 0044 0532 0130 00")
        assert not add_alias(session, "C1", "iban", "DE89370400440532013000")
        assert add_alias(session, "C1", "name", "  ACME   Corp ")
        with pytest.raises(ValueError, match="kind"):
            add_alias(session, "C1", "email", "x@example.com")
        aliases = load_aliases(session)
    assert aliases["value"].tolist() == ["DE89370400440532013000", "ACME Corp"]
