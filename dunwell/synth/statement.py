"""A bank statement paying some of the invoices, with the noise real payers add."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

# Share of statement rows per case; duplicates add a second row for an exact payment.
CASE_WEIGHTS: dict[str, float] = {
    "exact_reference": 0.30, "reference_typo": 0.04, "reference_no_dashes": 0.04,
    "reference_zeros_dropped": 0.04, "reference_prefixed": 0.06, "no_reference": 0.08,
    "name_upper": 0.03, "name_abbreviation": 0.02, "name_suffix_dropped": 0.03,
    "name_truncated": 0.02, "parent_pays": 0.02, "partial_payment": 0.04,
    "multi_invoice_listed": 0.03, "multi_invoice_unlisted": 0.02, "bank_fee": 0.04,
    "overpayment": 0.02, "duplicate_payment": 0.02, "already_paid": 0.01,
    "disputed_invoice": 0.01, "equal_amounts": 0.01, "foreign_currency": 0.01,
    "unrelated": 0.06, "outgoing": 0.05,
}
GROUP_SIZE = {"multi_invoice_listed": (2, 5), "multi_invoice_unlisted": (2, 4),
              "equal_amounts": (2, 3)}
NO_INVOICE = ("unrelated", "outgoing")
# What a careful clerk would do with each case: book it, look at it, or link nothing.
EXPECTED = {"already_paid": "none", "duplicate_payment": "none", "foreign_currency": "none",
            "unrelated": "none", "outgoing": "none", "disputed_invoice": "review",
            "equal_amounts": "review"}
OWN_ACCOUNT = "DE89370400440532013000"


def plan_cases(rng: np.random.Generator, n_transactions: int) -> np.ndarray:
    """The case kind of each statement row, in random order."""
    kinds = list(CASE_WEIGHTS)
    weights = np.array([CASE_WEIGHTS[k] for k in kinds])
    return np.asarray(kinds, dtype=object)[
        rng.choice(len(kinds), size=n_transactions, p=weights / weights.sum())]


def pick_targets(rng: np.random.Generator, invoices: pd.DataFrame,
                 cases: np.ndarray) -> pd.DataFrame:
    """Invoices each payment is for; a batch pays a run of one customer's invoices by due date."""
    tx_no = np.arange(len(cases))
    group_tx = tx_no[pd.Series(cases).isin(list(GROUP_SIZE)).to_numpy()]
    runs, starts = _runs_by_due_date(rng, invoices, len(group_tx))
    cases[group_tx[len(starts):]] = "no_reference"
    group_tx = group_tx[: len(starts)]
    counts = np.array([rng.integers(*GROUP_SIZE[c]) for c in cases[group_tx]], dtype="int64")
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    link_rows = runs[np.repeat(starts, counts) + offsets]
    used = np.zeros(len(invoices), dtype=bool)
    used[runs[starts[:, None] + np.arange(4)].ravel()] = True
    single_tx = tx_no[~pd.Series(cases).isin([*GROUP_SIZE, *NO_INVOICE]).to_numpy()]
    perm = rng.permutation(len(invoices))
    free = perm[~used[perm]][: len(single_tx)]
    cases[single_tx[len(free):]] = "unrelated"
    links = pd.DataFrame({"tx_no": np.concatenate([np.repeat(group_tx, counts),
                                                   single_tx[: len(free)]]),
                          "inv_row": np.concatenate([link_rows, free])})
    return links.sort_values(["tx_no", "inv_row"], ignore_index=True)


def _runs_by_due_date(rng: np.random.Generator, invoices: pd.DataFrame,
                      wanted: int) -> tuple[np.ndarray, np.ndarray]:
    """Invoice rows ordered by (customer, currency, due date), and random starts of 4-runs."""
    account = pd.factorize(invoices["customer_id"] + "|" + invoices["currency"])[0]
    due = invoices["due_date"].to_numpy().astype("datetime64[D]").astype("int64")
    runs = np.lexsort((np.arange(len(invoices)), due, account))
    rank = pd.Series(account[runs]).groupby(account[runs]).cumcount().to_numpy()
    size = np.bincount(account)[account[runs]]
    starts = np.flatnonzero((rank % 4 == 0) & (rank + 4 <= size))
    return runs, rng.permutation(starts)[:wanted]


def booking_dates(rng: np.random.Generator, n: int, as_of: date) -> np.ndarray:
    """Booking days over the four weeks up to as_of."""
    return np.datetime64(as_of, "D") - rng.integers(0, 28, size=n).astype("timedelta64[D]")


def transaction_ids(booking: np.ndarray) -> pd.Series:
    """Bank references like 'BK20261120-000042', unique within the statement."""
    day = pd.Series(pd.to_datetime(booking)).dt.strftime("%Y%m%d")
    seq = pd.Series(np.arange(1, len(booking) + 1)).astype(str).str.zfill(6)
    return ("BK" + day + "-" + seq).astype("str")


def unrelated_rows(rng: np.random.Generator, n: int, outgoing: bool) -> pd.DataFrame:
    """Money that is no customer payment: interest, refunds, card settlements, or debits."""
    if outgoing:
        names = ["Hausverwaltung Schulte GmbH", "Finanzamt Koeln-Mitte", "AOK Rheinland",
                 "Stadtwerke Koeln", "Payroll November", "Telekom Deutschland GmbH"]
        texts = ["Miete Dezember Buero", "Lohnsteuer 10/2026", "Beitrag November",
                 "Abschlag Strom", "Gehaelter", "Kundennummer 5521 Rechnung 2026-11"]
        amount = -np.round(rng.lognormal(7.5, 1.0, size=n) * 100).astype("int64")
    else:
        names = ["Deutsche Bank AG", "Adyen N.V.", "Stripe Payments Europe Ltd",
                 "Finanzamt Koeln-Mitte", "AOK Rheinland", "Lufthansa AG", "VISA Europe"]
        texts = ["Zinsen Q3/2026", "Card settlement batch 4711", "Erstattung Lohnsteuer",
                 "Refund booking 88213", "Payout 2026-11-15", "Gutschrift Beitrag",
                 "Erstattung Reisekosten"]
        amount = np.round(rng.lognormal(5.5, 1.3, size=n) * 100).astype("int64") + 1
    pick = rng.integers(len(names), size=n)
    return pd.DataFrame({
        "amount_minor": amount, "currency": "EUR",
        "counterparty_name": np.asarray(names, dtype=object)[pick],
        "counterparty_iban": "",
        "remittance_info": np.asarray(texts, dtype=object)[rng.integers(len(texts), size=n)],
    })
