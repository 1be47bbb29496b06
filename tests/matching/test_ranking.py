"""Which candidate a review item shows first, and batches found deep in a payer's history."""

from __future__ import annotations

import pandas as pd

from matching.builders import invoices, kinds, links, payments, run

IBAN_C1 = "DE89370400440532013000"


def _review(rec: object) -> pd.DataFrame:
    m = rec.matches  # type: ignore[attr-defined]
    return m[m["decision"] == "review"]


def _first(rec: object) -> str:
    review = _review(rec)
    return str(review.loc[review["rank"] == 1, "invoice_id"].iloc[0])


def test_partial_payment_review_ranks_the_named_invoice_first() -> None:
    ledger = invoices(("INV-2026-035873", "C1", 151957), ("INV-2026-041540", "C1", 58396))
    pay = payments(("T1", 58396, "MUELLER MASCHINENBAU", "RE INV-2026-035873", IBAN_C1))
    rec = run(ledger, pay)
    assert links(rec) == set()
    assert _first(rec) == "INV-2026-035873"


def test_overpayment_review_ranks_the_named_invoice_first() -> None:
    ledger = invoices(("INV-2026-041657", "C1", 45431), ("INV-2026-020143", "C1", 55052))
    pay = payments(("T1", 55052, "MUELLER MASCHINENBAU", "EREF+INV-2026-041657", IBAN_C1))
    rec = run(ledger, pay)
    assert links(rec) == set()
    assert _first(rec) == "INV-2026-041657"


def test_typo_of_a_named_number_whose_amount_fits_beats_the_named_invoice() -> None:
    # The text names 006419 exactly, but 006418, one digit away, is open for the amount.
    ledger = invoices(("INV-2026-006419", "C1", 125000), ("INV-2026-006418", "C1", 72994))
    pay = payments(("T1", 72994, "Müller Maschinenbau GmbH", "INV-2026-006419", IBAN_C1))
    assert links(run(ledger, pay)) == {("T1", "INV-2026-006418", 72994)}


def test_typo_with_the_exact_amount_beats_a_typo_that_needs_a_bank_fee() -> None:
    ledger = invoices(("INV-2026-049984", "C1", 24768), ("INV-2026-089984", "C1", 24562))
    pay = payments(("T1", 24562, "Müller Maschinenbau GmbH", "INV-2026-09984", IBAN_C1))
    assert links(run(ledger, pay)) == {("T1", "INV-2026-089984", 24562)}


def test_parent_paying_without_reference_ranks_the_exact_amount_first() -> None:
    # The parent's name looks a little like C1, whose invoice fits only with a bank fee;
    # C2 has an open invoice for exactly the amount.
    ledger = invoices(("INV-2026-000601", "C1", 125068), ("INV-2026-000603", "C2", 124768))
    pay = payments(("T1", 124768, "Müller Maschinenbau Holding", "Zahlung",
                    "DE04376223563393032381"))
    assert _first(run(ledger, pay)) == "INV-2026-000603"


def test_unlisted_batch_deep_in_the_payers_history_is_found_as_a_run() -> None:
    # 5000 older open invoices, each larger than the payment, then the two it pays.
    old = [(f"INV-2025-{i:06d}", "C2", 500000 + i, None, f"2026-0{1 + i // 1000}-10")
           for i in range(5000)]
    batch = [("INV-2026-000701", "C2", 12345, None, "2026-11-01"),
             ("INV-2026-000702", "C2", 54321, None, "2026-11-02")]
    pay = payments(("T1", 12345 + 54321, "DUPONT LOGISTIQUE", "Sammelzahlung",
                    "FR7630006000011234567890189"))
    rec = run(invoices(*old, *batch), pay)
    assert links(rec) == {("T1", "INV-2026-000701", 12345), ("T1", "INV-2026-000702", 54321)}


def test_run_of_consecutive_invoices_outranks_an_arbitrary_pair() -> None:
    # 401+402 (consecutive by due date) and 401+403 both add up; a known payer's batch
    # pays a run of its invoices, so the run is booked and the arbitrary pair is not.
    ledger = invoices(("INV-2026-000401", "C2", 10000, None, "2026-09-01"),
                      ("INV-2026-000402", "C2", 25000, None, "2026-09-02"),
                      ("INV-2026-000403", "C2", 25000, None, "2026-09-03"))
    pay = payments(("T1", 35000, "DUPONT LOGISTIQUE", "Paiement groupe",
                    "FR7630006000011234567890189"))
    rec = run(ledger, pay)
    assert links(rec) == {("T1", "INV-2026-000401", 10000), ("T1", "INV-2026-000402", 25000)}
    assert _review(rec).empty


def test_payment_naming_a_paid_invoice_is_not_booked_to_a_neighbouring_number() -> None:
    # 000811 was paid before; 000812, one digit away, happens to be open for the amount.
    ledger = invoices(("INV-2026-000811", "C1", 0, None, None, "paid"),
                      ("INV-2026-000812", "C1", 10000))
    pay = payments(("T1", 10000, "Müller Maschinenbau GmbH", "INV-2026-000811", IBAN_C1))
    rec = run(ledger, pay)
    assert links(rec) == set()
    assert ("already_paid", "T1", "INV-2026-000811") in kinds(rec)


def test_amount_only_candidates_rank_the_customer_whose_name_the_payer_resembles_first() -> None:
    # 'DUPO LOGI' is too far from 'Dupont Logistique' to name the payer, not to break a tie.
    ledger = invoices(("INV-2026-000901", "C1", 17501, None, "2026-09-01"),
                      ("INV-2026-000902", "C2", 17501, None, "2026-10-01"))
    rec = run(ledger, payments(("T1", 17501, "DUPO LOGI", "Zahlung")))
    assert links(rec) == set()
    assert _first(rec) == "INV-2026-000902"


def test_an_invoice_another_payment_books_goes_below_one_nobody_pays() -> None:
    ledger = invoices(("INV-2026-000701", "C1", 31415, None, "2026-09-01"),
                      ("INV-2026-000702", "C2", 31415, None, "2026-10-01"))
    pay = payments(("T1", 31415, "Acme Holding AG", "Zahlung", "DE44500105175407324931"),
                   ("T2", 31415, "Müller Maschinenbau GmbH", "INV-2026-000701",
                    "DE89370400440532013000"))
    rec = run(ledger, pay)
    assert links(rec) == {("T2", "INV-2026-000701", 31415)}
    shown = rec.matches[rec.matches["transaction_id"] == "T1"]
    assert shown["invoice_id"].tolist() == ["INV-2026-000702", "INV-2026-000701"]
    assert set(shown["decision"]) == {"review"}
    assert shown["reasons"].tolist()[1].endswith(
        "invoice booked for another payment in this run")


def test_without_another_payment_the_older_invoice_of_equal_evidence_comes_first() -> None:
    ledger = invoices(("INV-2026-000701", "C1", 31415, None, "2026-09-01"),
                      ("INV-2026-000702", "C2", 31415, None, "2026-10-01"))
    pay = payments(("T1", 31415, "Acme Holding AG", "Zahlung", "DE44500105175407324931"))
    shown = run(ledger, pay).matches
    assert shown["invoice_id"].tolist() == ["INV-2026-000701", "INV-2026-000702"]
    assert not shown["reasons"].str.contains("another payment").any()


def _batch_ledger() -> pd.DataFrame:
    # 501 alone has the paid amount; 502 and 503, consecutive by due date, add up to it.
    return invoices(("INV-2026-000501", "C2", 35000, None, "2026-08-01"),
                    ("INV-2026-000502", "C2", 10000, None, "2026-09-01"),
                    ("INV-2026-000503", "C2", 25000, None, "2026-09-02"))


def test_a_text_announcing_several_invoices_prefers_the_invoices_that_add_up() -> None:
    pay = payments(("T1", 35000, "DUPONT LOGISTIQUE", "Sammelzahlung, Avis folgt",
                    "FR7630006000011234567890189"))
    rec = run(_batch_ledger(), pay)
    first = rec.matches[rec.matches["rank"] == 1]
    assert set(first["invoice_id"]) == {"INV-2026-000502", "INV-2026-000503"}
    assert first["reasons"].str.contains("text announces several invoices").all()


def test_without_such_a_text_the_one_invoice_of_the_amount_comes_first() -> None:
    pay = payments(("T1", 35000, "DUPONT LOGISTIQUE", "Zahlung",
                    "FR7630006000011234567890189"))
    rec = run(_batch_ledger(), pay)
    assert rec.matches.loc[rec.matches["rank"] == 1, "invoice_id"].tolist() == [
        "INV-2026-000501"]


def test_the_payers_own_invoice_of_the_amount_comes_before_another_customers_named_one() -> None:
    # 'T-164' is another customer's invoice for far more; the payer, known by its name,
    # owes T-146 for exactly the amount: a slip of its own number is the likelier story.
    ledger = invoices(("T-164", "C2", 368909), ("T-146", "C3", 55579))
    pay = payments(("T1", 55579, "Harrington Supplies Ltd", "ZAHLUNG RECHNUNG T-164"))
    rec = run(ledger, pay)
    assert links(rec) == set()
    assert _first(rec) == "T-146"
