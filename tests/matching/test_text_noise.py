"""What else a remittance text carries: dates and other parties' numbers are no invoices."""

from __future__ import annotations

from matching.builders import invoices, kinds, links, payments, run

IBAN_C1 = "DE89370400440532013000"


def test_a_date_in_the_text_is_not_an_invoice_number() -> None:
    # 'dd 2026-10-13' with its zeros filled in would read INV-2026-001013 (50,000 invoices
    # into a year have such numbers); the named invoice is paid exactly.
    ledger = invoices(("INV-2026-039465", "C1", 76265), ("INV-2026-001013", "C2", 49267))
    pay = payments(("T1", 76265, "Müller Maschinenbau GmbH",
                    "Inv no INV-2026-039465 dd 2026-10-13", IBAN_C1))
    rec = run(ledger, pay)
    assert links(rec) == {("T1", "INV-2026-039465", 76265)}
    assert set(rec.matches["invoice_id"]) == {"INV-2026-039465"}


def test_a_day_first_date_is_no_number_either() -> None:
    ledger = invoices(("INV-2026-000601", "C1", 22000), ("INV-2026-001210", "C2", 9900),
                      ("INV-2026-010210", "C3", 9900))
    pay = payments(("T1", 22000, "Müller Maschinenbau GmbH", "RE 2026-000601 vom 12.10.2026",
                    IBAN_C1))
    assert set(run(ledger, pay).matches["invoice_id"]) == {"INV-2026-000601"}


def test_an_invoice_numbered_like_a_date_is_still_found_by_all_its_digits() -> None:
    ledger = invoices(("2026-10-13", "C1", 22000))
    pay = payments(("T1", 22000, "Müller Maschinenbau GmbH", "Rechnung 2026-10-13", IBAN_C1))
    assert links(run(ledger, pay)) == {("T1", "2026-10-13", 22000)}


def test_money_far_above_a_named_invoice_is_no_overpayment_of_it() -> None:
    # An insurer settles a claim numbered like one of our invoices: 19,704 paid against
    # 365 open. An overpayment is a small excess; this is something else: a person looks.
    ledger = invoices(("INV-2026-040211", "C2", 36500))
    pay = payments(("T1", 1970400, "Allianz Versicherungs-AG", "Schadenregulierung 2026/40211"))
    rec = run(ledger, pay)
    assert links(rec) == set()
    assert ("overpayment", "T1", "INV-2026-040211") not in kinds(rec)


def test_a_round_sum_over_a_named_invoice_from_an_unknown_payer_is_still_booked() -> None:
    ledger = invoices(("INV-2026-040211", "C2", 36500))
    pay = payments(("T1", 41500, "Jean Dupont", "Facture INV-2026-040211"))
    rec = run(ledger, pay)
    assert links(rec) == {("T1", "INV-2026-040211", 36500)}
    assert ("overpayment", "T1", "INV-2026-040211") in kinds(rec)


def test_the_real_payment_after_a_far_larger_one_naming_the_invoice_is_booked() -> None:
    ledger = invoices(("INV-2026-041044", "C1", 118194))
    pay = payments(("T1", 1712100, "Allianz Versicherungs-AG", "SCHADENREGULIERUNG 2026/41044",
                    None, None, "2026-09-02"),
                   ("T2", 118194, "Müller Maschinenbau GmbH", "Re.-Nr. INV-2026-041044",
                    IBAN_C1, None, "2026-11-17"))
    assert links(run(ledger, pay)) == {("T2", "INV-2026-041044", 118194)}


def test_a_short_invoice_number_in_an_ach_addendum_is_found() -> None:
    # US CCD+ remittance: RMR segment, elements separated by '*', ended by a backslash.
    ledger = invoices(("I-698", "C3", 5798, "USD", "2026-09-28"),
                      ("INV-2026-017390", "C3", 5798, "USD", "2026-09-01"))
    pay = payments(("T1", 5798, "Harrington Supplies Ltd", "RMR*IV*I-698**57.98\\", None,
                    "USD"))
    assert links(run(ledger, pay)) == {("T1", "I-698", 5798)}
