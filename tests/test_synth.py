"""The synthetic world: deterministic, shaped like the frames, and realistic enough."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from schwifty import IBAN

from dunwell.frames import CUSTOMER_COLUMNS, INVOICE_COLUMNS, TRANSACTION_COLUMNS
from dunwell.synth import SynthData, generate

AS_OF = date(2026, 11, 23)


@pytest.fixture(scope="module")
def world() -> SynthData:
    return generate(seed=11, n_customers=300, n_invoices=3000, as_of=AS_OF)


def test_same_seed_gives_the_same_world(world: SynthData) -> None:
    again = generate(seed=11, n_customers=300, n_invoices=3000, as_of=AS_OF)
    assert again.transactions.equals(world.transactions)
    assert again.truth.equals(world.truth)
    assert again.invoices.equals(world.invoices)


def test_another_seed_gives_another_world(world: SynthData) -> None:
    other = generate(seed=12, n_customers=300, n_invoices=3000, as_of=AS_OF)
    assert not other.transactions.equals(world.transactions)


def test_frames_carry_the_canonical_columns(world: SynthData) -> None:
    assert set(CUSTOMER_COLUMNS) <= set(world.customers.columns)
    assert set(INVOICE_COLUMNS) <= set(world.invoices.columns)
    assert set(TRANSACTION_COLUMNS) <= set(world.transactions.columns)
    assert "customer_id" not in world.transactions.columns


def test_demo_size_statement_has_about_eight_hundred_rows(world: SynthData) -> None:
    assert 780 <= len(world.transactions) <= 880
    assert world.transactions["transaction_id"].is_unique
    assert world.invoices["invoice_id"].is_unique


def test_invoice_numbers_look_printed() -> None:
    data = generate(seed=3, n_customers=50, n_invoices=200, as_of=AS_OF)
    assert data.invoices["invoice_id"].str.fullmatch(r"INV-\d{4}-\d{6}").all()


def test_ibans_pass_the_checksum(world: SynthData) -> None:
    for value in world.customers["iban"][world.customers["iban"] != ""]:
        IBAN(value, validate_bban=False)
    payers = world.transactions["counterparty_iban"]
    for value in payers[payers != ""]:
        IBAN(value, validate_bban=False)


def test_bookings_are_on_or_before_as_of(world: SynthData) -> None:
    assert world.transactions["booking_date"].max() <= pd.Timestamp(AS_OF)


def test_every_case_kind_appears(world: SynthData) -> None:
    kinds = set(world.truth["case_kind"])
    for kind in ("exact_reference", "reference_typo", "no_reference", "parent_pays",
                 "multi_invoice_unlisted", "bank_fee", "duplicate_payment", "unrelated",
                 "outgoing", "foreign_currency", "equal_amounts"):
        assert kind in kinds


def test_truth_points_at_existing_rows(world: SynthData) -> None:
    truth = world.truth[world.truth["invoice_id"] != ""]
    assert truth["invoice_id"].isin(world.invoices["invoice_id"]).all()
    assert world.truth["transaction_id"].isin(world.transactions["transaction_id"]).all()


def test_paid_invoices_are_open_in_the_export(world: SynthData) -> None:
    booked = world.truth[world.truth["expected"] == "auto"]
    assert len(booked) >= 5  # the check below means nothing on an empty set
    status = world.invoices.set_index("invoice_id")["status"]
    assert (status[booked["invoice_id"]] == "open").all()


def test_duplicate_payment_repeats_an_earlier_payment(world: SynthData) -> None:
    txns = world.transactions.set_index("transaction_id")
    duplicates = world.truth[world.truth["case_kind"] == "duplicate_payment"]
    assert len(duplicates) >= 5  # the check below means nothing on an empty set
    for row in duplicates.itertuples():
        legs = world.truth[world.truth["invoice_id"] == row.invoice_id]["transaction_id"]
        assert len(legs) == 2
        dates = txns.loc[list(legs), "booking_date"]
        assert dates.nunique() == 2
        assert txns.loc[list(legs), "amount_minor"].nunique() == 1


def test_partial_payment_pays_less_than_open(world: SynthData) -> None:
    open_minor = world.invoices.set_index("invoice_id")["open_minor"]
    paid = world.transactions.set_index("transaction_id")["amount_minor"]
    rows = world.truth[world.truth["case_kind"] == "partial_payment"]
    assert len(rows) >= 5
    short = paid[rows["transaction_id"]].to_numpy() < open_minor[rows["invoice_id"]].to_numpy()
    assert short.all()


def test_outgoing_money_is_negative(world: SynthData) -> None:
    rows = world.truth[world.truth["case_kind"] == "outgoing"]
    assert len(rows) >= 1  # the check below means nothing on an empty set
    paid = world.transactions.set_index("transaction_id")["amount_minor"]
    assert (paid[rows["transaction_id"]] < 0).all()


def _batch_truth(paid_by_number: bool) -> pd.DataFrame:
    """Truth for two unlisted batches of C1, planted on the younger of two runs for 300
    (100+200, 50+250) and on the only run for 1000 (400+600); a third payment pays the
    100 by its number when asked to."""
    from dunwell.synth.payments import truth_rows

    ids = ["I1", "I2", "I3", "I4", "I5", "I6"]
    open_invoices = pd.DataFrame({
        "invoice_id": ids, "customer_id": "C1", "currency": "EUR",
        "open_minor": [100, 200, 50, 250, 400, 600],
        "due_date": pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04",
                                    "2026-01-05", "2026-01-06"])})
    planted = [(0, "I3"), (0, "I4"), (1, "I5"), (1, "I6")] + (
        [(2, "I1")] if paid_by_number else [])
    table = pd.DataFrame({"tx_no": [t for t, _ in planted],
                          "invoice_id": [i for _, i in planted]}).merge(
        open_invoices.drop(columns="due_date"), on="invoice_id")
    table["amount_minor"] = table["open_minor"]
    table["case_kind"] = np.where(table["tx_no"] == 2, "exact_reference",
                                  "multi_invoice_unlisted")
    table["ref_text"] = np.where(table["tx_no"] == 2, table["invoice_id"], "Sammelzahlung")
    paid = pd.Series({0: 300, 1: 1000, 2: 100})
    return truth_rows(table, paid, open_invoices, np.zeros(len(table), dtype=bool))


def test_unlisted_batch_that_two_runs_add_up_to_expects_the_oldest_run_in_review() -> None:
    truth = _batch_truth(paid_by_number=False)
    batch = truth[truth["tx_no"] == 0]
    assert sorted(batch["invoice_id"]) == ["I1", "I2"]
    assert set(batch["expected"]) == {"review"}
    assert batch["applied_minor"].sum() == 300
    assert set(truth.loc[truth["tx_no"] == 1, "expected"]) == {"auto"}


def test_typo_as_near_to_another_invoice_of_the_amount_expects_the_oldest_in_review() -> None:
    from dunwell.synth.payments import truth_rows

    open_invoices = pd.DataFrame({
        "invoice_id": ["INV-2026-586679", "INV-2026-586672", "INV-2026-777777"],
        "customer_id": "C1", "currency": "USD", "open_minor": 15000,
        "due_date": pd.to_datetime(["2026-08-08", "2026-08-20", "2026-01-01"])})
    # '586671': one substitution from 586679 and from 586672 (the one paid).
    table = pd.DataFrame({"tx_no": [0, 1], "invoice_id": ["INV-2026-586672", "INV-2026-777777"],
                          "customer_id": "C1", "currency": "USD", "amount_minor": 15000,
                          "open_minor": 15000, "case_kind": "reference_typo",
                          "ref_text": ["INV-2026-586671", "INV-2026-777177"]})
    truth = truth_rows(table, pd.Series({0: 15000, 1: 15000}), open_invoices,
                       np.zeros(2, dtype=bool))
    assert truth[["invoice_id", "expected"]].values.tolist() == [
        ["INV-2026-586679", "review"], ["INV-2026-777777", "auto"]]


def test_oldest_run_skips_invoices_another_payment_pays_by_number() -> None:
    truth = _batch_truth(paid_by_number=True)
    assert sorted(truth.loc[truth["tx_no"] == 0, "invoice_id"]) == ["I3", "I4"]


@pytest.fixture(scope="module")
def big_world() -> SynthData:
    return generate(seed=3, n_customers=2500, n_invoices=100_000, as_of=AS_OF,
                    n_transactions=100_000)


def test_parents_paying_without_the_number_mostly_say_whom_for(big_world: SynthData) -> None:
    from dunwell.matching.normalise import on_behalf

    truth = big_world.truth[big_world.truth["case_kind"] == "parent_pays"]
    text = big_world.transactions.set_index("transaction_id").loc[
        truth["transaction_id"], "remittance_info"].reset_index(drop=True)
    unnumbered = ~np.asarray([i in t for i, t in zip(truth["invoice_id"], text, strict=True)])
    says = (on_behalf(text) != "").to_numpy()
    assert 0.6 < says[unnumbered].mean() < 0.9
    assert not says[~unnumbered].any()
    # Naming the subsidiary makes it a payment a clerk books or proposes, never one to ask.
    assert "ask" not in set(truth["expected"].to_numpy()[unnumbered & says])


def test_payments_to_ask_about_name_nothing_and_share_their_amount(big_world: SynthData) -> None:
    from dunwell.matching.normalise import on_behalf

    asked = big_world.truth[big_world.truth["expected"] == "ask"]
    assert len(asked) > 0
    assert set(asked["case_kind"]) == {"parent_pays"}
    tx = big_world.transactions.set_index("transaction_id").loc[asked["transaction_id"]]
    assert not any(i in t for i, t in zip(asked["invoice_id"], tx["remittance_info"],
                                          strict=True))
    assert (on_behalf(tx["remittance_info"]) == "").all()
    known = set(big_world.customers["iban"])
    assert not tx["counterparty_iban"].isin(known).any()
    open_now = big_world.invoices[big_world.invoices["status"].eq("open")
                                  & big_world.invoices["open_minor"].gt(0)]
    alike = open_now.groupby(["currency", "open_minor"]).size()
    keys = list(zip(tx["currency"], tx["amount_minor"], strict=True))
    assert all(alike.get(k, 0) >= 2 for k in keys)


@pytest.mark.parametrize("seed", [7, 11, 12])
def test_every_customer_has_a_valid_address_of_its_own(seed: int) -> None:
    from dunwell.synth import ledger

    emails = ledger.customers(np.random.default_rng(seed), 2000)["email"]
    label = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
    valid = emails.str.fullmatch(rf"billing@{label}(?:\.{label})+")
    assert valid.all(), emails[~valid].head().tolist()
    assert not emails.duplicated().any(), emails[emails.duplicated()].head().tolist()
