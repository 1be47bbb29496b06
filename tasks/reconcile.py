"""Tasks around the matching engine: only new money is matched, booked money is never re-applied."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from dunwell.connectors.storage.ledger import Ledger
from dunwell.frames import (
    CUSTOMERS,
    INVOICES,
    TRANSACTIONS,
    check,
    minor_to_text,
    positions,
    shared_codes,
)
from dunwell.matching import MatchPolicy, Reconciliation, reconcile
from dunwell.model import Decision
from dunwell.tasks.local import NO_CACHE, task


@dataclass(frozen=True)
class Reconciled:
    """Matching results of one run, joined with what earlier runs booked.

    Attributes:
      transactions: every transaction of this run's statements.
      new: the subset never seen before; only these were matched now.
      matches, discrepancies: contract columns plus `currency` and `*_minor`.
      invoices_after: invoices with open amounts after this run's automatic bookings.
      pending_after: per invoice, what dunwell booked that the export does not show yet.
      unmatched_incoming: incoming money with nothing booked, for the dunning guard.
    """

    transactions: pd.DataFrame
    new: pd.DataFrame
    matches: pd.DataFrame
    discrepancies: pd.DataFrame
    invoices_after: pd.DataFrame
    unmatched_incoming: pd.DataFrame
    review_candidates: pd.DataFrame
    pending_after: pd.DataFrame


@dataclass(frozen=True)
class Found:
    """What this run's matching found, before it is joined with what earlier runs decided:
    all that a recording of the run stores of it (earlier runs' rows are stored already).

    Attributes:
      matches, discrepancies: the engine's own, with `currency` and `*_minor`.
      pending_after: per invoice, what dunwell booked that the export does not show yet;
        worked out when first called (1M: 1.4 s), so that a recording helper can store
        the matches meanwhile.
    """

    matches: pd.DataFrame
    discrepancies: pd.DataFrame
    pending_after: Callable[[], pd.DataFrame]


Heard = Callable[[Found], None]


def still_owed(invoices: pd.DataFrame, pending: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Open amounts net of what dunwell booked that the export does not show yet.

    Whatever the export's open amount fell by since the last run is taken as the
    ERP having caught up with our bookings; the rest stays pending. Returns the
    invoices with what is still owed, and the pending amount per invoice.
    """
    known = pending.drop_duplicates("invoice_id")
    at = positions(known["invoice_id"], invoices["invoice_id"])
    # float64: an invoice the ledger does not know has neither amount
    last = _taken_at(known["last_open_minor"], at, invoices.index)
    caught_up = (last - invoices["open_minor"]).clip(lower=0).fillna(0)
    before = _taken_at(known["pending_minor"], at, invoices.index).fillna(0)
    owed = invoices["open_minor"].clip(lower=0)
    pending_now = (before - caught_up).clip(lower=0).clip(upper=owed).astype("int64")
    out = invoices.copy()
    out["open_minor"] = (invoices["open_minor"] - pending_now).astype("int64")
    return out, pd.Series(pending_now.to_numpy(), index=invoices["invoice_id"].to_numpy())


def _taken_at(values: pd.Series, at: np.ndarray, index: pd.Index) -> pd.Series:
    """`values` at positions `at` as float64, NaN where a position is -1 (not found)."""
    floats = values.to_numpy(dtype="float64")
    found = at >= 0
    out = np.full(len(at), np.nan)
    out[found] = floats[at[found]]
    return pd.Series(out, index=index)


def _key(frame: pd.DataFrame) -> pd.Series:
    return (frame["account"].astype("str") + "\x1f"
            + frame["transaction_id"].astype("str"))


def split_new(transactions: pd.DataFrame, known_keys: set[str]) -> pd.DataFrame:
    """Transactions whose (account, transaction_id) no earlier import recorded."""
    return transactions[~_key(transactions).isin(known_keys)]


def contract_matches(frame: pd.DataFrame) -> pd.DataFrame:
    """matches.csv columns (plus currency and minor units kept for summaries)."""
    out = frame.copy()
    out["applied_amount"] = minor_to_text(out["applied_minor"], out["currency"])
    return out


def contract_discrepancies(frame: pd.DataFrame) -> pd.DataFrame:
    """discrepancies.csv columns; amount empty where a kind has none."""
    out = frame.copy()
    has = out["amount_minor"].notna()
    amounts = pd.Series("", index=out.index, dtype="str")
    if has.any():
        amounts[has] = minor_to_text(out.loc[has, "amount_minor"].astype("int64"),
                                     out.loc[has, "currency"])
    out["amount"] = amounts
    return out


@dataclass(frozen=True)
class MatchingInput:
    """What the engine is given: this run's new money, and what is still owed.

    Attributes:
      invoices: the export's invoices as read.
      transactions: every transaction of this run's statements.
      new: the transactions no earlier import recorded; only these are matched.
      open_now: invoices net of dunwell's bookings the export does not show yet.
      pending: per invoice, those bookings (minor units).
    """

    invoices: pd.DataFrame
    transactions: pd.DataFrame
    new: pd.DataFrame
    open_now: pd.DataFrame
    pending: pd.Series


def prepare(invoices: pd.DataFrame, transactions: pd.DataFrame, ledger: Ledger) -> MatchingInput:
    """Only new money is matched, against what is still owed after dunwell's own bookings."""
    new = split_new(transactions, ledger.known_keys)
    open_now, pending = still_owed(ledger.with_decisions(invoices), ledger.pending)
    return MatchingInput(invoices, transactions, new, open_now, pending)


def join(result: Reconciliation, given: MatchingInput, ledger: Ledger,
         found: Heard | None = None) -> Reconciled:
    """This run's matching joined with what earlier runs decided about the same statements.

    `found` hears what this run found before the joining starts: a recording helper
    stores it meanwhile (1M: 5 s sooner).
    """
    pending = cache(lambda: _pending_after(given.invoices, given.pending, given.open_now,
                                           result.invoices_after))
    if found is not None:
        found(Found(result.matches, result.discrepancies, pending))
    pending_after = pending()
    transactions = given.transactions
    matches = pd.concat([ledger.previous_matches(transactions), result.matches],
                        ignore_index=True)
    discrepancies = pd.concat([ledger.previous_discrepancies(transactions), result.discrepancies],
                              ignore_index=True)
    booked_now = result.matches[result.matches["decision"] == Decision.AUTO]["transaction_id"]
    unmatched = _waiting_for_a_person(given.new, ledger.unresolved_incoming, booked_now)
    review = contract_matches(pd.concat(
        [ledger.previous_review(transactions),
         result.matches[result.matches["decision"] == Decision.REVIEW]], ignore_index=True))
    invoices_after = with_last_payment(result.invoices_after, matches, transactions)
    return Reconciled(transactions, given.new, contract_matches(matches),
                      contract_discrepancies(discrepancies), invoices_after, unmatched,
                      review, pending_after)


def with_last_payment(invoices: pd.DataFrame, matches: pd.DataFrame,
                      transactions: pd.DataFrame) -> pd.DataFrame:
    """`last_payment_date` per invoice: the booking day of the latest payment booked to it,
    so that a reminder can say when a part payment arrived."""
    booked = matches[matches["decision"] == Decision.AUTO]
    days = transactions.drop_duplicates("transaction_id")
    # Codes from Arrow, where positions() would turn a million ids into Python objects.
    at = _position_in(*shared_codes(days["transaction_id"], booked["transaction_id"]))
    paid = at >= 0
    if not paid.any():
        return invoices.assign(last_payment_date=pd.Series(pd.NaT, index=invoices.index,
                                                           dtype="datetime64[ns]"))
    own, theirs = shared_codes(invoices["invoice_id"], booked["invoice_id"][paid])
    dates = pd.Series(days["booking_date"].to_numpy()[at[paid]])
    latest = dates[theirs >= 0].groupby(theirs[theirs >= 0]).max()
    return invoices.assign(last_payment_date=pd.to_datetime(pd.Series(
        latest.reindex(own).to_numpy(), index=invoices.index)))


def _position_in(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Where each wanted code stands among the codes of unique keys, -1 where absent."""
    spot = np.full(max(int(keys.max(initial=-1)), int(wanted.max(initial=-1))) + 2, -1)
    spot[keys[keys >= 0]] = np.flatnonzero(keys >= 0)
    # A missing value (-1) reads the last slot, which no key fills.
    return spot[wanted]


@task(name="reconcile payments", cache_policy=NO_CACHE)
def reconcile_payments(invoices: pd.DataFrame, customers: pd.DataFrame,
                       transactions: pd.DataFrame, ledger: Ledger,
                       policy: MatchPolicy, found: Heard | None = None) -> Reconciled:
    """Match this run's new incoming money; carry over what earlier runs decided. `found`
    hears what matching found as soon as it is known (see `join`)."""
    given = prepare(invoices, transactions, ledger)
    result = reconcile(check(given.open_now, INVOICES), check(given.new, TRANSACTIONS),
                       check(customers, CUSTOMERS), policy, ledger.aliases)
    return join(result, given, ledger, found)


def _waiting_for_a_person(new: pd.DataFrame, earlier: pd.DataFrame | None,
                          booked_now: pd.Series) -> pd.DataFrame:
    """Incoming money nobody booked yet: this run's leftovers and earlier runs' still open."""
    frames = [new[new["amount_minor"] > 0]]
    if earlier is not None and len(earlier):
        frames.append(earlier)
    incoming = pd.concat(frames, ignore_index=True).drop_duplicates(
        ["account", "transaction_id"])
    # on codes: Series.isin on Arrow strings is 20x slower, on objects 3x
    ids, booked = shared_codes(incoming["transaction_id"], booked_now)
    return incoming[_position_in(booked, ids) < 0]


def _pending_after(invoices: pd.DataFrame, pending: pd.Series, open_now: pd.DataFrame,
                   after: pd.DataFrame) -> pd.DataFrame:
    """Pending bookings per invoice once this run's automatic ones are added.

    What the run took from each invoice counts: the money applied and a bank fee written
    off with it, or the next run would remind the customer of the fee their bank kept.
    """
    # keys as objects: aligning and looking up Arrow string indexes is 2-3x slower
    taken = pd.Series(open_now["open_minor"].to_numpy(dtype="int64")
                      - after["open_minor"].to_numpy(dtype="int64"),
                      index=pd.Index(open_now["invoice_id"].astype("str").to_numpy(), dtype=object))
    keys = pd.Index(pending.index.to_numpy(dtype=object), dtype=object)
    total = _added(pending, keys, taken[taken > 0])
    first = invoices.drop_duplicates("invoice_id")
    at = positions(first["invoice_id"], total.index.to_series())
    frame = pd.DataFrame({"invoice_id": total.index.astype("str"),
                          "pending_minor": total.to_numpy()})
    frame["currency"] = pd.api.extensions.take(first["currency"].array, at, allow_fill=True)
    return frame[frame["currency"].notna()]


def _added(pending: pd.Series, keys: pd.Index, booked: pd.Series) -> pd.Series:
    """Pending (by `keys`) plus booked per invoice over the sorted union of their keys, as
    `Series.add(fill_value=0)` gives it; summed on integer codes and sorted by Arrow."""
    codes, distinct = pd.factorize(np.concatenate([keys.to_numpy(), booked.index.to_numpy()]))
    if len(keys) and np.bincount(codes[:len(keys)]).max() > 1:
        # pandas' alignment, repeated keys and all
        by_invoice = booked.groupby(level=0).sum()
        return pending.set_axis(keys).add(by_invoice, fill_value=0).astype("int64")
    total = np.zeros(len(distinct), dtype=np.int64)
    total[codes[:len(keys)]] = pending.to_numpy(dtype="int64")
    np.add.at(total, codes[len(keys):], booked.to_numpy(dtype="int64"))
    # Sorted as Arrow strings, by their UTF-8 bytes: the order of code points, as Python's.
    order = pd.Series(distinct, dtype="str").argsort().to_numpy()
    return pd.Series(total[order], index=pd.Index(distinct[order], dtype=object))
