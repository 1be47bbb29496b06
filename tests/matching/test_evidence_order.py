"""What the world's data does that a tuned generator may not: each class of issue 17.

Bad payer IBANs, instalments and round overpayments that name their invoice, third
parties paying a named invoice, coincidental subset sums, short invoice numbers.
"""

from __future__ import annotations

import pytest

from matching.builders import invoices, kinds, links, payments, run

LEDGER = invoices(("INV-2026-004711", "C1", 123456), ("INV-2026-004712", "C2", 98700),
                  ("INV-2026-004713", "C3", 55000))
# C1's IBAN with one digit changed: the checksum fails.
BAD_IBAN = "DE89370400440532013001"


def test_a_payment_from_an_iban_that_fails_its_checksum_is_matched_on_the_rest() -> None:
    rec = run(LEDGER, payments(("T1", 123456, "Muller Maschinenbau", "INV-2026-004711",
                                BAD_IBAN)))
    assert links(rec) == {("T1", "INV-2026-004711", 123456)}
    assert "payer IBAN fails its checksum: ignored" in rec.matches["reasons"].iloc[0]


def test_a_bad_iban_equal_to_nothing_on_file_is_no_evidence_for_anyone() -> None:
    # Same bad IBAN on two payments of different customers: never 'an account seen paying'.
    rec = run(LEDGER, payments(("T1", 123456, "Muller Maschinenbau", "INV-2026-004711",
                                BAD_IBAN),
                               ("T2", 98700, "", "", BAD_IBAN)))
    assert ("T2", "INV-2026-004712", 98700) not in links(rec)
    assert "account paid this customer" not in " ".join(rec.matches["reasons"])


def test_a_second_instalment_naming_its_invoice_is_booked_as_a_partial_payment() -> None:
    rec = run(LEDGER, payments(("T1", 60000, "Treuhand Nord eG", "Rate 2 INV-2026-004711")))
    assert links(rec) == {("T1", "INV-2026-004711", 60000)}
    assert ("short_payment", "T1", "INV-2026-004711") in kinds(rec)


def test_a_round_overpayment_naming_its_invoice_books_the_invoice_and_reports_the_excess() -> None:
    rec = run(LEDGER, payments(("T1", 130000, "Treuhand Nord eG", "INV-2026-004711")))
    assert links(rec) == {("T1", "INV-2026-004711", 123456)}
    assert ("overpayment", "T1", "INV-2026-004711") in kinds(rec)


def test_a_named_invoice_in_another_currency_is_not_booked() -> None:
    rec = run(LEDGER, payments(("T1", 60000, "Treuhand Nord eG", "INV-2026-004711", "", "USD")))
    assert links(rec) == set()
    assert ("currency_mismatch", "T1", "INV-2026-004711") in kinds(rec)


def test_a_third_party_naming_an_invoice_outranks_its_own_name_and_amount() -> None:
    # Dupont (C2) pays C1's invoice and names it; Dupont has an open invoice of that amount.
    ledger = invoices(("INV-2026-004711", "C1", 123456), ("INV-2026-009999", "C2", 123456))
    rec = run(ledger, payments(("T1", 123456, "Dupont Logistique SARL", "INV-2026-004711")))
    assert links(rec) == {("T1", "INV-2026-004711", 123456)}


def test_a_subset_sum_from_a_payer_known_by_a_look_alike_name_only_is_review_at_most() -> None:
    ledger = invoices(("INV-2026-000101", "C3", 41000), ("INV-2026-000102", "C3", 29050),
                      ("INV-2026-000103", "C3", 77777))
    rec = run(ledger, payments(("T1", 70050, "Harington Suplies", "Sammelzahlung")))
    assert links(rec) == set()
    assert set(rec.matches["invoice_id"]) == {"INV-2026-000101", "INV-2026-000102"}


def test_a_subset_sum_from_a_sure_payer_is_still_booked() -> None:
    ledger = invoices(("INV-2026-000101", "C1", 41000), ("INV-2026-000102", "C1", 29050),
                      ("INV-2026-000103", "C1", 77777))
    rec = run(ledger, payments(("T1", 70050, "Müller Maschinenbau GmbH", "Sammelzahlung",
                                "DE89370400440532013000")))
    assert links(rec) == {("T1", "INV-2026-000101", 41000), ("T1", "INV-2026-000102", 29050)}


@pytest.mark.parametrize("text", ["Rechnung R-102 danke", "r102", "Rg. R 102", "EREF+R-102",
                                  "/INV/R-102", "/RFB/R-102/ROC/7788"])
def test_a_short_invoice_number_written_as_printed_is_a_reference(text: str) -> None:
    ledger = invoices(("R-102", "C3", 25000), ("R-103", "C3", 25000))
    rec = run(ledger, payments(("T1", 25000, "Someone Else", text)))
    assert links(rec) == {("T1", "R-102", 25000)}


def test_a_short_number_alone_in_text_does_not_match_a_longer_invoice_number() -> None:
    ledger = invoices(("R-102", "C3", 25000), ("R-103", "C3", 25000))
    rec = run(ledger, payments(("T1", 25000, "Someone Else", "Kundennr 102-77")))
    assert links(rec) == set()


@pytest.mark.parametrize("text", ["RF18INV2026004711", "RF182026004711", "RF18 2026 0047 11",
                                  "rf18 2026 0047 11 Danke"])
def test_an_iso_11649_creditor_reference_names_its_invoice(text: str) -> None:
    ledger = invoices(("INV-2026-004711", "C1", 123456), ("INV-2026-004712", "C1", 123456))
    rec = run(ledger, payments(("T1", 123456, "Someone Else", text)))
    assert links(rec) == {("T1", "INV-2026-004711", 123456)}
