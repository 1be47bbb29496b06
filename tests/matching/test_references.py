"""Invoice numbers in remittance text, however the payer wrote them."""

from __future__ import annotations

import pytest

from matching.builders import invoices, kinds, links, payments, run

LEDGER = invoices(("INV-2026-004711", "C1", 123456), ("INV-2026-004712", "C2", 98700),
                  ("INV-2026-004713", "C3", 55000))


@pytest.mark.parametrize("text", [
    "INV-2026-004711", "Zahlung INV-2026-004711 danke", "INV2026004711", "INV-2026-4711",
    "Rechnung INV-2026-004711", "Rechnung Nr. 2026-004711", "Facture INV2026004711",
    "EREF+INV-2026-004711",
])
def test_reference_is_found_whatever_the_payer_typed(text: str) -> None:
    rec = run(LEDGER, payments(("T1", 123456, "Muller Maschinenbau", text)))
    assert links(rec) == {("T1", "INV-2026-004711", 123456)}


@pytest.mark.parametrize("typo", ["INV-2026-004771", "INV-2026-007411", "INV-2026-00471"])
def test_reference_with_one_typo_is_found_when_amount_agrees(typo: str) -> None:
    rec = run(LEDGER, payments(("T1", 123456, "MUELLER MASCHINENBAU GMBH", typo)))
    assert links(rec) == {("T1", "INV-2026-004711", 123456)}
    assert "1 typo" in rec.matches["reasons"].iloc[0]


def test_typo_that_names_another_invoice_loses_to_amount_and_payer() -> None:
    rec = run(LEDGER, payments(("T1", 123456, "Müller Maschinenbau GmbH", "INV-2026-004712")))
    assert links(rec) == {("T1", "INV-2026-004711", 123456)}


def test_typo_landing_on_another_customers_invoice_of_the_same_amount_is_not_trusted() -> None:
    # The payer's account is on file for C1; the text names C2's invoice by a swapped pair.
    ledger = invoices(("INV-2026-870254", "C1", 65000, None, "2026-10-28"),
                      ("INV-2026-326722", "C1", 65000, None, "2026-07-03"),
                      ("INV-2026-780254", "C2", 65000))
    rec = run(ledger, payments(("T1", 65000, "Müller Maschinenbau GmbH", "INV-2026-780254",
                                "DE89370400440532013000")))
    first = rec.matches.sort_values("rank").iloc[0]
    assert first["invoice_id"] == "INV-2026-870254"
    assert "1 typo" in first["reasons"]
    assert all(invoice != "INV-2026-780254" for _, invoice, _ in links(rec))


def test_typo_landing_on_the_payers_paid_invoice_of_another_amount_finds_the_open_one() -> None:
    ledger = invoices(("INV-2026-155182", "C1", 0, None, "2026-05-13", "paid"),
                      ("INV-2026-155185", "C1", 35000, None, "2026-04-13"),
                      ("INV-2026-008647", "C1", 35000, None, "2026-02-12"))
    rec = run(ledger, payments(("T1", 35000, "Müller Maschinenbau GmbH", "INV-2026-155182",
                                "DE89370400440532013000")))
    first = rec.matches.sort_values("rank").iloc[0]
    assert first["invoice_id"] == "INV-2026-155185"
    assert "1 typo" in first["reasons"]


@pytest.mark.parametrize(("typed", "typo"), [
    ("INV-2026-568672", True),   # 86 swapped
    ("INV-2026-548672", False),  # 4 lost before 6, 8 added after it: two changes
])
def test_only_a_swapped_pair_counts_as_one_typo_not_a_digit_moved(typed: str,
                                                                  typo: bool) -> None:
    ledger = invoices(("INV-2026-586672", "C1", 15000))
    rec = run(ledger, payments(("T1", 15000, "Harrington Holdings", typed)))
    assert ("1 typo" in " ".join(rec.matches["reasons"])) is typo


def test_reasons_explain_the_match() -> None:
    rec = run(LEDGER, payments(("T1", 123456, "Müller Maschinenbau GmbH", "INV-2026-004711")))
    assert rec.matches["reasons"].iloc[0] == "invoice no. in text; amount exact; payer = customer"


def test_listed_invoices_share_one_payment() -> None:
    ledger = invoices(("INV-2026-000101", "C1", 10000, None, "2026-10-01"),
                      ("INV-2026-000102", "C1", 25050, None, "2026-10-05"))
    rec = run(ledger, payments(("T1", 35050, "Müller", "INV-2026-000101, INV-2026-000102")))
    assert links(rec) == {("T1", "INV-2026-000101", 10000), ("T1", "INV-2026-000102", 25050)}
    assert kinds(rec) == []


def test_payment_for_already_paid_invoice_is_flagged() -> None:
    ledger = invoices(("INV-2026-000101", "C1", 0, None, None, "paid"))
    rec = run(ledger, payments(("T1", 10000, "Müller Maschinenbau GmbH", "INV-2026-000101")))
    assert links(rec) == set()
    assert kinds(rec) == [("already_paid", "T1", "INV-2026-000101")]


def test_payment_in_another_currency_is_a_currency_mismatch() -> None:
    ledger = invoices(("INV-2026-000101", "C1", 10000, "EUR"))
    rec = run(ledger, payments(("T1", 10800, "Müller Maschinenbau GmbH", "INV-2026-000101",
                                None, "USD")))
    assert links(rec) == set()
    assert kinds(rec) == [("currency_mismatch", "T1", "INV-2026-000101")]


def test_known_payer_paying_in_a_currency_without_open_invoices_is_a_currency_mismatch() -> None:
    ledger = invoices(("INV-2026-000101", "C1", 10000, "CHF"))
    rec = run(ledger, payments(("T1", 10455, "Müller Maschinenbau GmbH", "Zahlung",
                                "DE89370400440532013000", "EUR")))
    assert links(rec) == set()
    assert kinds(rec) == [("currency_mismatch", "T1", "")]


@pytest.mark.parametrize("text", ["INV-2026-004711\u200b",
                                  "Rechnung Nr\u00b0 INV-2026-004711 \u00fcber",
                                  "Zahlung \u0660\u0661 INV-2026-004711"])
def test_characters_outside_ascii_beside_a_reference_do_not_hide_it(text: str) -> None:
    # the number keys are built on bytes: a zero-width space, a degree sign or Arabic digits
    # once raised UnicodeEncodeError there
    rec = run(LEDGER, payments(("T1", 123456, "Muller Maschinenbau", text)))
    assert links(rec) == {("T1", "INV-2026-004711", 123456)}


def test_an_amount_in_the_text_names_no_short_numbered_invoice() -> None:
    # A US ACH addendum repeats the amount after the number. '41.00' with its zeros dropped
    # is 410, and among many invoices another customer's P-410 exists: the invoice named
    # stays the one named, not one of two listed with P-410.
    ledger = invoices(("INV-2026-0590603", "C3", 4100, "USD", "2026-09-28"),
                      ("INV-2026-0852666", "C3", 4100, "USD", "2026-10-28"),
                      ("P-410", "C2", 613868, "USD", "2026-12-06"))
    pay = payments(("T1", 4100, "Harrington Supplies Ltd", "RMR*IV*INV-2026-0590603**41.00\\",
                    None, "USD"))
    assert links(run(ledger, pay)) == {("T1", "INV-2026-0590603", 4100)}


def test_a_short_number_as_printed_is_still_named() -> None:
    ledger = invoices(("P-410", "C2", 613868, "USD"), ("INV-2026-0852666", "C2", 4100, "USD"))
    pay = payments(("T1", 613868, "DUPONT LOGISTIQUE", "RMR*IV*P-410*6138.68\\", None, "USD"))
    assert links(run(ledger, pay)) == {("T1", "P-410", 613868)}
