"""The engine's surface: policy, contract frames, and accuracy on generated data."""

from __future__ import annotations

from datetime import date

import pytest

from dunwell.frames import DISCREPANCY_COLUMNS, MATCH_COLUMNS
from dunwell.matching import MatchPolicy, reconcile, to_contract_frames
from dunwell.synth import generate
from matching.builders import invoices, payments, run


def test_policy_takes_the_config_keys() -> None:
    policy = MatchPolicy(auto_threshold=95, review_threshold=60, bank_fee_tolerance="5.00")
    assert policy.fee_tolerance_minor("EUR") == 500
    assert policy.fee_tolerance_minor("IDR") == 25000000


def test_policy_refuses_review_threshold_above_auto() -> None:
    with pytest.raises(ValueError):
        MatchPolicy(auto_threshold=50, review_threshold=60)


def test_higher_auto_threshold_sends_name_only_matches_to_review() -> None:
    ledger = invoices(("INV-2026-000901", "C1", 48213))
    pay = payments(("T1", 48213, "Müller Masc. GmbH", ""))
    rec = run(ledger, pay, policy=MatchPolicy(auto_threshold=99))
    assert set(rec.matches["decision"]) == {"review"}


def test_contract_frames_have_contract_columns_and_decimal_strings() -> None:
    ledger = invoices(("INV-2026-000901", "C1", 100000))
    rec = run(ledger, payments(("T1", 112050, "Müller Maschinenbau GmbH", "INV-2026-000901")))
    matches, found = to_contract_frames(rec)
    assert list(matches.columns) == MATCH_COLUMNS
    assert list(found.columns) == DISCREPANCY_COLUMNS
    assert matches["applied_amount"].tolist() == ["1000.00"]
    assert found[["kind", "amount"]].values.tolist() == [["overpayment", "120.50"]]


@pytest.fixture(scope="module")
def generated() -> tuple:
    world = generate(seed=5, n_customers=300, n_invoices=3000, as_of=date(2026, 11, 23))
    return world, reconcile(world.invoices, world.transactions, world.customers, MatchPolicy())


def test_generated_statement_is_booked_precisely(generated: tuple) -> None:
    world, rec = generated
    truth = world.truth[~world.truth["expected"].isin(["none", "ask"])]
    right = set(zip(truth["transaction_id"], truth["invoice_id"], strict=True))
    auto = rec.matches[rec.matches["decision"] == "auto"]
    booked = list(zip(auto["transaction_id"], auto["invoice_id"], strict=True))
    assert sum(p in right for p in booked) / len(booked) >= 0.995
    wanted = world.truth[world.truth["expected"] == "auto"]
    found = set(booked)
    recall = sum(p in found for p in zip(wanted["transaction_id"], wanted["invoice_id"],
                                         strict=True)) / len(wanted)
    assert recall >= 0.9


def test_every_incoming_payment_is_accounted_for(generated: tuple) -> None:
    world, rec = generated
    incoming = world.transactions[world.transactions["amount_minor"] > 0]
    assert set(rec.unapplied["transaction_id"]) == set(incoming["transaction_id"])
    linked = set(rec.matches["transaction_id"]) | set(rec.discrepancies["transaction_id"])
    assert set(incoming["transaction_id"]) <= linked


def test_customers_without_iban_column_are_fine() -> None:
    ledger = invoices(("INV-2026-000901", "C1", 48213))
    pay = payments(("T1", 48213, "Müller Maschinenbau GmbH", "INV-2026-000901"))
    from matching.builders import customers

    rec = reconcile(ledger, pay, customers().drop(columns="iban"), MatchPolicy())
    assert set(rec.matches["decision"]) == {"auto"}
