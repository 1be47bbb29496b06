"""Still owed: the export's open amount less dunwell's bookings the ERP does not show yet."""

from __future__ import annotations

import pandas as pd

from dunwell.tasks.reconcile import still_owed


def _invoices(*rows: tuple[str, int, int]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "invoice_id": [r[0] for r in rows],
            "amount_minor": [r[1] for r in rows],
            "open_minor": [r[2] for r in rows],
            "currency": "EUR",
        }
    )


def _pending(*rows: tuple[str, int, int]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "invoice_id": [r[0] for r in rows],
            "last_open_minor": [r[1] for r in rows],
            "pending_minor": [r[2] for r in rows],
        }
    )


def test_a_booking_the_erp_has_not_shown_yet_still_counts() -> None:
    owed, pending = still_owed(_invoices(("I1", 10000, 10000)), _pending(("I1", 10000, 6000)))
    assert owed["open_minor"].tolist() == [4000]
    assert pending["I1"] == 6000


def test_once_the_export_shows_the_payment_it_is_not_subtracted_twice() -> None:
    owed, pending = still_owed(_invoices(("I1", 10000, 4000)), _pending(("I1", 10000, 6000)))
    assert owed["open_minor"].tolist() == [4000]
    assert pending["I1"] == 0


def test_an_invoice_part_paid_before_is_not_brought_back_by_our_booking() -> None:
    owed, _ = still_owed(_invoices(("I1", 10000, 6000)), _pending(("I1", 6000, 6000)))
    assert owed["open_minor"].tolist() == [0]


def test_a_partly_caught_up_export_keeps_only_the_rest_pending() -> None:
    owed, pending = still_owed(_invoices(("I1", 10000, 7000)), _pending(("I1", 10000, 5000)))
    assert pending["I1"] == 2000
    assert owed["open_minor"].tolist() == [5000]


def test_new_invoices_and_credit_notes_are_taken_as_exported() -> None:
    owed, pending = still_owed(
        _invoices(("NEW", 5000, 5000), ("CN", -2000, -2000)), _pending(("OTHER", 100, 100))
    )
    assert owed["open_minor"].tolist() == [5000, -2000]
    assert pending.tolist() == [0, 0]


def test_a_bank_fee_written_off_by_a_run_is_not_owed_in_the_next() -> None:
    from datetime import date

    from dunwell.matching import MatchPolicy, reconcile
    from dunwell.tasks.reconcile import _pending_after

    invoices = _invoices(("INV-2026-004711", 702267, 702267)).assign(
        customer_id="C1", customer_name="De Wit Groothandel B.V.", status="open",
        due_date=pd.Timestamp(date(2026, 10, 13)), disputed=False)
    payment = pd.DataFrame({
        "transaction_id": ["T1"], "booking_date": [pd.Timestamp(date(2026, 11, 7))],
        "amount_minor": [701356], "currency": ["EUR"],
        "counterparty_name": ["De Wit Groothandel"], "counterparty_iban": [""],
        "remittance_info": ["INV-2026-004711"]})
    customers = pd.DataFrame({"customer_id": ["C1"], "name": ["De Wit Groothandel B.V."],
                              "iban": [""]})
    result = reconcile(invoices, payment, customers, MatchPolicy())
    assert result.matches["decision"].tolist() == ["auto"]
    assert result.matches["applied_minor"].tolist() == [701356]

    pending = _pending_after(invoices, pd.Series(dtype="int64"), invoices,
                             result.invoices_after)
    owed, _ = still_owed(invoices, _pending(*zip(pending["invoice_id"], [702267],
                                                 pending["pending_minor"], strict=True)))
    assert pending["pending_minor"].tolist() == [702267]
    assert owed["open_minor"].tolist() == [0]


def test_last_payment_date_is_the_latest_booking_day_of_an_automatic_match() -> None:
    from dunwell.tasks.reconcile import with_last_payment

    invoices = pd.DataFrame({"invoice_id": ["A", "B", "C"]})
    matches = pd.DataFrame({"transaction_id": ["T1", "T2", "T3"], "invoice_id": ["A", "A", "B"],
                            "decision": ["auto", "auto", "review"]})
    bank = pd.DataFrame({"transaction_id": ["T1", "T2", "T3"],
                         "booking_date": pd.to_datetime(["2026-11-03", "2026-11-10",
                                                         "2026-11-12"])})
    dated = with_last_payment(invoices, matches, bank)["last_payment_date"]
    assert dated.iloc[0] == pd.Timestamp("2026-11-10")
    assert dated.iloc[1:].isna().all()  # a proposal is no payment yet; C has none


def test_last_payment_date_without_a_statement_is_blank() -> None:
    from dunwell.tasks.reconcile import with_last_payment

    invoices = pd.DataFrame({"invoice_id": ["A"]})
    empty = pd.DataFrame({"transaction_id": pd.Series([], dtype="str"),
                          "invoice_id": pd.Series([], dtype="str"),
                          "decision": pd.Series([], dtype="str")})
    bank = pd.DataFrame({"transaction_id": pd.Series([], dtype="str"),
                         "booking_date": pd.Series([], dtype="datetime64[ns]")})
    assert with_last_payment(invoices, empty, bank)["last_payment_date"].isna().all()


def test_no_invoice_left_after_quarantine_owes_nothing() -> None:
    # every row of the export quarantined: an empty frame must not break the arithmetic
    empty = pd.DataFrame({"invoice_id": pd.Series([], dtype="str"),
                          "amount_minor": pd.Series([], dtype="int64"),
                          "open_minor": pd.Series([], dtype="int64"),
                          "currency": pd.Series([], dtype="str")})
    owed, pending = still_owed(empty, _pending(("I1", 10000, 6000)))
    assert owed.empty and pending.empty
    assert owed["open_minor"].dtype == "int64"
