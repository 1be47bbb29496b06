"""Decisions that do not depend on how much else is in the ledger, and batches due now."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from dunwell.matching import MatchPolicy, candidates, reconcile
from dunwell.synth import generate
from matching.builders import customers, invoices, kinds, links, payments, run

IBAN_C2 = "FR7630006000011234567890189"


def _unrelated(n: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """n open invoices of 1,000 other customers, numbered in another series."""
    rng = np.random.default_rng(seed)
    cust = pd.DataFrame({"customer_id": [f"Z{i:06d}" for i in range(1000)],
                         "name": [f"Zq{''.join(rng.choice(list('xqzvkj'), 8))} Holdings"
                                  for _ in range(1000)], "email": "", "iban": "",
                         "segment": "", "language": "en", "country": "GB",
                         "timezone": "Europe/London", "do_not_contact": False})
    amount = rng.integers(1000, 5_000_000, n)
    inv = pd.DataFrame({
        "invoice_id": [f"ZX-2019-{i:07d}" for i in range(n)],
        "customer_id": cust["customer_id"].to_numpy()[rng.integers(0, 1000, n)],
        "customer_name": "", "currency": "EUR", "amount_minor": amount, "open_minor": amount,
        "issue_date": pd.Timestamp("2026-09-01"), "due_date": pd.Timestamp("2026-10-01"),
        "status": "open", "email": "", "disputed": False, "promise_to_pay_date": pd.NaT})
    return inv, cust


def _decisions(rec: object, txs: set[str]) -> tuple[set, set]:
    m = rec.matches  # type: ignore[attr-defined]
    m = m[m["transaction_id"].isin(txs)]
    auto = set(zip(*(m.loc[m["decision"] == "auto", c] for c in ("transaction_id",
                                                                   "invoice_id")), strict=True))
    first = m[(m["decision"] == "review") & (m["rank"] == 1)]
    return auto, set(zip(first["transaction_id"], first["invoice_id"], strict=True))


def test_decisions_do_not_change_when_unrelated_invoices_are_added() -> None:
    data = generate(seed=7, n_customers=60, n_invoices=600, as_of=date(2026, 11, 23),
                    n_transactions=200)
    txs = set(data.transactions["transaction_id"])
    small = reconcile(data.invoices, data.transactions, data.customers, MatchPolicy())
    for n in (1000, 50000):
        more, others = _unrelated(n, seed=n)
        big = reconcile(pd.concat([data.invoices, more], ignore_index=True), data.transactions,
                        pd.concat([data.customers, others], ignore_index=True), MatchPolicy())
        assert _decisions(big, txs)[0] == _decisions(small, txs)[0], n
        assert _decisions(big, txs)[1] == _decisions(small, txs)[1], n


def test_an_unlisted_batch_of_invoices_due_now_is_proposed_past_older_open_ones() -> None:
    # Fifteen old open invoices nobody pays; the payer's run pays three invoices due in
    # October and leaves one due between them open: no run, and past the oldest twelve.
    old = [(f"INV-2025-{i:06d}", "C2", 1000 * (i + 1) + 7, None, f"2025-{1 + i % 12:02d}-15")
           for i in range(15)]
    now = [("INV-2026-000801", "C2", 50001, None, "2026-10-01"),
           ("INV-2026-000802", "C2", 88888, None, "2026-10-05"),
           ("INV-2026-000803", "C2", 60002, None, "2026-10-10"),
           ("INV-2026-000804", "C2", 70003, None, "2026-10-15")]
    pay = payments(("T1", 50001 + 60002 + 70003, "DUPONT LOGISTIQUE", "Paiement selon avis",
                    IBAN_C2, None, "2026-10-20"))
    rec = run(invoices(*old, *now), pay)
    first = rec.matches[rec.matches["rank"] == 1]
    assert set(first["invoice_id"]) == {"INV-2026-000801", "INV-2026-000803",
                                        "INV-2026-000804"}


def test_a_rupiah_batch_in_whole_thousands_is_no_round_sum() -> None:
    # Every rupiah amount is whole thousands; IDR 18,308,000 is as specific as EUR 1,098.
    ledger = invoices(("INV-2026-002130", "C2", 1291900000, "IDR", "2026-09-15"),
                      ("INV-2026-002852", "C2", 538900000, "IDR", "2026-10-08"),
                      ("INV-2026-002990", "C2", 77700000, "IDR", "2026-10-20"))
    pay = payments(("T1", 1830800000, "DUPONT LOGISTIQUE", "Pelunasan tagihan", IBAN_C2,
                    "IDR"))
    assert links(run(ledger, pay)) == {("T1", "INV-2026-002130", 1291900000),
                                       ("T1", "INV-2026-002852", 538900000)}


def test_a_round_euro_sum_of_two_invoices_stays_a_proposal() -> None:
    ledger = invoices(("INV-2026-002130", "C2", 60000, None, "2026-09-15"),
                      ("INV-2026-002852", "C2", 40000, None, "2026-10-08"),
                      ("INV-2026-002990", "C2", 7700, None, "2026-10-20"))
    pay = payments(("T1", 100000, "DUPONT LOGISTIQUE", "Paiement", IBAN_C2))
    assert links(run(ledger, pay)) == set()


def test_a_payer_name_resembling_many_customers_alike_keeps_them_all() -> None:
    # Among many customers a shortened payer name resembles several equally well: none may
    # be dropped by its place in the master, or the one owed the amount is lost at scale.
    names = [f"Schroeder Bau {city} GmbH" for city in ("Aalen", "Bonn", "Celle", "Dueren",
                                                         "Essen")]
    cust = pd.DataFrame({"customer_id": [f"K{i}" for i in range(5)], "name": names,
                         "email": "", "iban": "", "segment": "", "language": "de",
                         "country": "DE", "timezone": "Europe/Berlin",
                         "do_not_contact": False})
    # Four unrelated invoices share the amount, as amounts do among many invoices.
    ledger = invoices(*[(f"INV-2026-00090{i}", f"K{i}", 10000 + i) for i in range(5)],
                      *[(f"INV-2026-00080{i}", "C3", 10004) for i in range(4)])
    pay = payments(("T1", 10004, "SCHROEDER BAU", "Zahlung"))
    rec = reconcile(ledger, pay, pd.concat([cust, customers()], ignore_index=True),
                    MatchPolicy())
    assert rec.matches.loc[rec.matches["rank"] == 1, "invoice_id"].tolist() == [
        "INV-2026-000904"]


def _first_candidates(rec: object) -> dict[str, str]:
    m = rec.matches  # type: ignore[attr-defined]
    first = m[(m["decision"] == "review") & (m["rank"] == 1)]
    return dict(zip(first["transaction_id"], first["invoice_id"], strict=True))


def test_a_first_instalment_naming_its_invoice_stays_first_among_many_invoices() -> None:
    # The second instalment is booked against the invoice and leaves half of it open. The
    # payer's other invoice open for the instalment's amount, and among many invoices a
    # customer with a look-alike name owed it too, must not go before the invoice named.
    own = [("INV-2026-004711", "C2", 123456, None, "2026-09-10"),
           ("INV-2026-004800", "C2", 61700, None, "2026-10-20")]
    pay = payments(("T1", 61700, "DUPONT LOGISTIQUE", "Echeance 1/2 facture INV-2026-004711",
                    IBAN_C2, None, "2026-10-01"),
                   ("T2", 61756, "DUPONT LOGISTIQUE", "Echeance 2/2 facture INV-2026-004711",
                    IBAN_C2, None, "2026-11-01"))
    few = run(invoices(*own), pay)
    more, others = _unrelated(20000, seed=3)
    alike = pd.DataFrame({"customer_id": ["K9"], "name": ["Dupont Logistique SAS"],
                          "email": "", "iban": "", "segment": "", "language": "fr",
                          "country": "FR", "timezone": "Europe/Paris",
                          "do_not_contact": False})
    many = reconcile(pd.concat([invoices(*own, ("INV-2026-009001", "K9", 61700)), more],
                               ignore_index=True), pay,
                     pd.concat([customers(), alike, others], ignore_index=True), MatchPolicy())
    assert _first_candidates(few) == {"T1": "INV-2026-004711"}
    assert _first_candidates(many) == _first_candidates(few)


def test_a_payer_name_equal_to_a_look_alike_does_not_hide_the_payers_own_customer() -> None:
    # The bank shows 'Schmid Elektro Graz' for 'Schmid Elektro Graz OG'. Among many
    # customers one is called 'Schmid Elektro Graz AG', equal once the legal form is
    # dropped, and owed an amount a bank fee away: the customer owed the exact amount goes
    # on being the answer.
    own = pd.DataFrame({"customer_id": ["K2"], "name": ["Schmid Elektro Graz OG"],
                        "email": "", "iban": "", "segment": "", "language": "de",
                        "country": "AT", "timezone": "Europe/Vienna", "do_not_contact": False})
    alike = own.assign(customer_id="K1", name="Schmid Elektro Graz AG")
    pay = payments(("T1", 39359, "Schmid Elektro Graz", "Rechnungsausgleich"))
    few = reconcile(invoices(("INV-2026-000202", "K2", 39359)), pay,
                    pd.concat([own, customers()], ignore_index=True), MatchPolicy())
    more, others = _unrelated(20000, seed=5)
    many = reconcile(pd.concat([invoices(("INV-2026-000202", "K2", 39359),
                                         ("INV-2026-000101", "K1", 39679)), more],
                               ignore_index=True), pay,
                     pd.concat([own, alike, customers(), others], ignore_index=True),
                     MatchPolicy())
    txs = {"T1"}
    assert _decisions(few, txs)[0] == {("T1", "INV-2026-000202")}
    assert _decisions(many, txs) == _decisions(few, txs)


def _crowd(amount: int, spread: int) -> pd.DataFrame:
    """Open invoices of another customer at every cent within `spread` of the amount but it."""
    around = [a for a in range(amount - spread, amount + spread + 1) if a != amount]
    return invoices(*[(f"ZX-2019-{i:07d}", "C1", a) for i, a in enumerate(around)])


def test_an_amount_alone_among_crowded_open_amounts_is_no_proposal() -> None:
    # From a payer nobody knows, the amount is all there is. Among a few invoices an exact
    # match is worth a look; among twenty thousand open amounts a cent apart, one of them
    # equalling the payment is what chance alone would give.
    own = invoices(("INV-2026-000301", "C3", 123457))
    pay = payments(("T1", 123457, "J. Smith", "Payment"))
    few = run(own, pay)
    crowded = run(pd.concat([own, _crowd(123457, 10000)], ignore_index=True), pay)
    assert _first_candidates(few) == {"T1": "INV-2026-000301"}
    assert crowded.matches.empty
    assert kinds(crowded) == [("unmatched_payment", "T1", "")]


def test_a_payer_name_resembling_the_customer_keeps_a_crowded_amount_a_proposal() -> None:
    # 'DUPO LOGI' is too far from 'Dupont Logistique' to name the payer; beside an amount
    # that chance explains it is what still points to the customer.
    own = invoices(("INV-2026-000303", "C2", 123457))
    pay = payments(("T1", 123457, "DUPO LOGI", "Payment"))
    crowded = run(pd.concat([own, _crowd(123457, 10000)], ignore_index=True), pay)
    assert links(crowded) == set()
    assert _first_candidates(crowded) == {"T1": "INV-2026-000303"}


def test_a_known_payers_exact_amount_is_booked_however_crowded_the_amounts() -> None:
    own = invoices(("INV-2026-000302", "C2", 123457))
    pay = payments(("T1", 123457, "DUPONT LOGISTIQUE", "Paiement", IBAN_C2))
    crowded = run(pd.concat([own, _crowd(123457, 10000)], ignore_index=True), pay)
    assert links(crowded) == {("T1", "INV-2026-000302", 123457)}


def _chance(paid: int, open_minor: np.ndarray) -> float:
    pay = pd.DataFrame({"amount_minor": [paid], "cur": 0})
    open_inv = pd.DataFrame({"open_minor": open_minor, "cur": 0})
    return float(candidates.amount_chance(pay, open_inv)[0])


def test_the_chance_of_an_amount_grows_with_the_open_invoices_around_it() -> None:
    # 20,000 open amounts spread over 2,000 euros: 0.1 of an invoice expected per cent.
    rng = np.random.default_rng(11)
    sparse = _chance(500017, rng.integers(400000, 600000, 2000))
    dense = _chance(500017, rng.integers(400000, 600000, 20000))
    assert dense == pytest.approx(0.1, rel=0.2)
    assert dense / sparse == pytest.approx(10, rel=0.3)


def test_rupiah_in_whole_thousands_are_counted_in_thousands() -> None:
    # Every rupiah amount is whole thousands (100,000 minor units): 2,000 of them within 5 %
    # of IDR 5,123,000 crowd it as much as 2,000 euro amounts within 5 % of EUR 51.23.
    rng = np.random.default_rng(12)
    idr = _chance(512_300_000, rng.integers(4867, 5380, 2000) * 100_000)
    eur = _chance(5123, rng.integers(4867, 5380, 2000))
    assert eur == pytest.approx(2000 / 512, rel=0.1)
    assert idr == pytest.approx(eur, rel=0.1)


def test_a_whole_euro_amount_is_as_crowded_as_the_whole_euro_amounts_around_it() -> None:
    # 10,000 amounts in cents and 1,000 in whole euros between EUR 950 and 1,050: about ten
    # invoices share each whole-euro amount, about one each amount in cents.
    rng = np.random.default_rng(13)
    around = np.concatenate([rng.integers(95000, 105000, 10000),
                             rng.integers(950, 1050, 1000) * 100])
    assert _chance(100100, around) == pytest.approx(10, rel=0.3)
    assert _chance(100123, around) == pytest.approx(1.1, rel=0.3)
