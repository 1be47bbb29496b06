"""Payments without a reference: who paid, and for which open amount."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.builders import invoices, kinds, links, payments, run

LEDGER = invoices(("INV-2026-000201", "C1", 48213), ("INV-2026-000202", "C2", 77011),
                  ("INV-2026-000203", "C3", 12990))


@pytest.mark.parametrize("name", [
    "Müller Maschinenbau GmbH", "MUELLER MASCHINENBAU GMBH", "Mueller Maschinenbau",
    "Müller Masc. GmbH",
])
def test_payer_name_variants_and_exact_amount_are_booked(name: str) -> None:
    rec = run(LEDGER, payments(("T1", 48213, name, "Zahlung")))
    assert links(rec) == {("T1", "INV-2026-000201", 48213)}


def test_name_cut_at_the_bank_field_width_still_identifies_the_customer() -> None:
    ledger = invoices(("INV-2026-000301", "C1", 48213))
    name = "Müller Maschinenbau GmbH"
    rec = run(ledger, payments(("T1", 48213, (name + " Zahlungsverkehr")[:35], "")))
    assert links(rec) == {("T1", "INV-2026-000301", 48213)}


def test_known_iban_identifies_the_customer_whatever_the_name() -> None:
    rec = run(LEDGER, payments(("T1", 77011, "Treasury Dept", "Virement",
                                "FR76 3000 6000 0112 3456 7890 189")))
    assert links(rec) == {("T1", "INV-2026-000202", 77011)}
    assert "IBAN on file" in rec.matches["reasons"].iloc[0]


def test_iban_alias_learned_from_review_identifies_customer() -> None:
    aliases = pd.DataFrame({"customer_id": ["C3"], "kind": ["iban"],
                            "value": ["GB29NWBK60161331926819"]})
    pay = payments(("T1", 12990, "Harrington Holdings Group", "", "GB29NWBK60161331926819"))
    assert links(run(LEDGER, pay)) == set()
    rec = run(LEDGER, pay, aliases)
    assert links(rec) == {("T1", "INV-2026-000203", 12990)}
    assert "IBAN learned" in rec.matches["reasons"].iloc[0]


def test_name_alias_learned_from_review_identifies_customer() -> None:
    aliases = pd.DataFrame({"customer_id": ["C3"], "kind": ["name"],
                            "value": ["HSL Group Treasury"]})
    rec = run(LEDGER, payments(("T1", 12990, "HSL GROUP TREASURY", "")), aliases)
    assert links(rec) == {("T1", "INV-2026-000203", 12990)}


@pytest.mark.parametrize("text", [
    "Transfer on behalf of Dupont Logistique SARL", "Zahlung i.A. DUPONT LOGISTIQUE",
    "Paiement pour le compte de Dupont Logistique", "Pago / por cuenta de: Dupont Logistique SL",
    "SVWZ+Zahlung ABWA+Dupont Logistique SARL",
])
def test_parent_paying_on_behalf_of_a_customer_is_booked_to_that_customer(text: str) -> None:
    # Every customer has an invoice of the amount; only the text says whose it is.
    ledger = invoices(("INV-2026-000501", "C1", 24207), ("INV-2026-000502", "C2", 24207),
                      ("INV-2026-000503", "C3", 24207))
    rec = run(ledger, payments(("T1", 24207, "Navarro Holding S.L.", text,
                                "ES9121000418450200051332")))
    assert links(rec) == {("T1", "INV-2026-000502", 24207)}
    assert "paid on behalf of" in rec.matches["reasons"].iloc[0]


def test_parent_paying_for_nobody_named_is_left_to_review() -> None:
    ledger = invoices(("INV-2026-000501", "C1", 24207), ("INV-2026-000502", "C2", 24207))
    rec = run(ledger, payments(("T1", 24207, "Navarro Holding S.L.", "Pago proveedor",
                                "ES9121000418450200051332")))
    assert links(rec) == set()
    assert set(rec.matches["invoice_id"]) == {"INV-2026-000501", "INV-2026-000502"}


def test_two_equal_invoices_without_reference_go_to_review() -> None:
    ledger = invoices(("INV-2026-000401", "C1", 50000, None, "2026-09-01"),
                      ("INV-2026-000402", "C1", 50000, None, "2026-10-01"))
    rec = run(ledger, payments(("T1", 50000, "Müller Maschinenbau GmbH", "Zahlung")))
    assert links(rec) == set()
    review = rec.matches[rec.matches["decision"] == "review"]
    assert list(review["invoice_id"]) == ["INV-2026-000401", "INV-2026-000402"]
    assert list(review["rank"]) == [1, 2]
    assert ("ambiguous_match", "T1", "INV-2026-000401") in kinds(rec)


def test_unlisted_invoices_are_found_by_subset_sum() -> None:
    ledger = invoices(("INV-2026-000501", "C2", 12345), ("INV-2026-000502", "C2", 20000),
                      ("INV-2026-000503", "C2", 33333), ("INV-2026-000504", "C2", 40404))
    rec = run(ledger, payments(("T1", 12345 + 33333 + 40404, "DUPONT LOGISTIQUE", "Paiement")))
    assert links(rec) == {("T1", "INV-2026-000501", 12345), ("T1", "INV-2026-000503", 33333),
                          ("T1", "INV-2026-000504", 40404)}


def test_unrelated_money_is_unmatched() -> None:
    rec = run(LEDGER, payments(("T1", 1234, "Deutsche Bank AG", "Zinsen Q3/2026")))
    assert links(rec) == set() and links(rec, "review") == set()
    assert kinds(rec) == [("unmatched_payment", "T1", "")]


def test_outgoing_money_is_ignored() -> None:
    rec = run(LEDGER, payments(("T1", -48213, "Müller Maschinenbau GmbH", "INV-2026-000201")))
    assert rec.matches.empty and rec.discrepancies.empty and rec.unapplied.empty


PARENT_IBAN = "DE44500105175407324931"


def test_an_account_seen_paying_a_customer_by_number_points_its_other_payments_there() -> None:
    ledger = invoices(("INV-2026-000901", "C1", 48213), ("INV-2026-000902", "C1", 73150),
                      ("INV-2026-000903", "C2", 73150))
    pay = payments(("T1", 48213, "Acme Holding AG", "INV-2026-000901", PARENT_IBAN),
                   ("T2", 73150, "Acme Holding AG", "Zahlung", PARENT_IBAN))
    rec = run(ledger, pay)
    first = rec.matches[rec.matches["transaction_id"] == "T2"].iloc[0]
    assert first["invoice_id"] == "INV-2026-000902"
    assert "account paid this customer by invoice no. in this statement" in first["reasons"]


def test_without_a_payment_by_number_the_same_account_names_nobody() -> None:
    ledger = invoices(("INV-2026-000902", "C1", 73150), ("INV-2026-000903", "C2", 73150))
    pay = payments(("T2", 73150, "Acme Holding AG", "Zahlung", PARENT_IBAN))
    rec = run(ledger, pay)
    assert set(rec.matches["decision"]) == {"review"}
    assert not rec.matches["reasons"].str.contains("account paid").any()


def test_what_an_account_paid_in_one_currency_says_nothing_about_another() -> None:
    ledger = invoices(("INV-2026-000901", "C1", 48213), ("INV-2026-000902", "C1", 73150, "USD"),
                      ("INV-2026-000903", "C2", 73150, "USD"))
    pay = payments(("T1", 48213, "Acme Holding AG", "INV-2026-000901", PARENT_IBAN),
                   ("T2", 73150, "Acme Holding AG", "Zahlung", PARENT_IBAN, "USD"))
    rec = run(ledger, pay)
    assert not rec.matches["reasons"].str.contains("account paid").any()
    assert set(rec.matches.loc[rec.matches["transaction_id"] == "T2", "decision"]) == {"review"}


def _scored_column_by_column(payers, cut, names, cutoff, heads):  # type: ignore[no-untyped-def]
    """`payers._score_block` as it was before names were scored once each: every column."""
    import numpy as np
    from rapidfuzz import fuzz, process

    scores = process.cdist(payers.tolist(), names.tolist(), scorer=fuzz.ratio, dtype=np.uint8,
                           score_cutoff=cutoff - 0.5)
    if cut.any():
        partial = process.cdist(payers[cut].tolist(), names.tolist(), scorer=fuzz.partial_ratio,
                                dtype=np.uint8, score_cutoff=min(cutoff + 7.5, 100)).astype(int)
        by_heads = process.cdist(heads[0][cut].tolist(), heads[1].tolist(), scorer=fuzz.ratio,
                                 dtype=np.uint8, score_cutoff=min(cutoff + 5.5, 100)).astype(int)
        shortened = np.maximum(partial - 8, by_heads - 6)
        scores[cut] = np.maximum(scores[cut], np.clip(shortened, 0, 100))
    return np.nonzero(scores >= cutoff), scores


WORDS = ["muller", "mueller", "maschinenbau", "gmbh", "schmid", "elektro", "graz", "og", "ag",
         "sch", "schmidt", "bau", "holding", "trading"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=4), min_size=1,
                max_size=6),
       st.lists(st.integers(0, 7), min_size=1, max_size=12),
       st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=4), min_size=1,
                max_size=8),
       st.integers(70, 95))
def test_a_name_shared_by_several_customers_scores_as_each_of_its_columns(
        payer_words: list[list[str]], picks: list[int], name_words: list[list[str]],
        cutoff: int) -> None:
    import numpy as np

    from dunwell.matching import payers as scoring

    payer_keys = np.array([" ".join(w) for w in payer_words], dtype=object)
    pool = [" ".join(w) for w in name_words]
    names = np.array([pool[i % len(pool)] for i in picks], dtype=object)  # repeats
    cut = np.array([i % 2 == 0 for i in range(len(payer_keys))])
    heads = (np.array([scoring._token_heads(k) for k in payer_keys], dtype=object),
             np.array([scoring._token_heads(k) for k in names], dtype=object))
    positions = np.arange(100, 100 + len(names))

    keys, cols, found = scoring._score_block(payer_keys, cut, names, positions, cutoff, heads)

    (rows, at), scores = _scored_column_by_column(payer_keys, cut, names, cutoff, heads)
    assert keys.tolist() == payer_keys[rows].tolist()
    assert cols.tolist() == positions[at].tolist()
    assert found.tolist() == scores[rows, at].astype("int64").tolist()
