"""Tasks around the matching engine: only new money is matched, booked money is never re-applied."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from prefect import task
from prefect.cache_policies import NO_CACHE

from dunwell.connectors.ledger import Ledger
from dunwell.frames import minor_to_text
from dunwell.matching import reconcile


@dataclass(frozen=True)
class Reconciled:
    """Matching results of one run, joined with what earlier runs booked.

    Attributes:
      transactions: every transaction of this run's statements.
      new: the subset never seen before; only these were matched now.
      matches, discrepancies: contract columns plus `currency` and `*_minor`.
      invoices_after: invoices with open amounts after this run's automatic bookings.
      unmatched_incoming: incoming money with nothing booked, for the dunning guard.
    """

    transactions: pd.DataFrame
    new: pd.DataFrame
    matches: pd.DataFrame
    discrepancies: pd.DataFrame
    invoices_after: pd.DataFrame
    unmatched_incoming: pd.DataFrame
    review_candidates: pd.DataFrame


def effective_open(invoices: pd.DataFrame, booked: pd.Series) -> pd.DataFrame:
    """Open amounts net of what dunwell already booked, whether or not the ERP caught up.

    If the ERP export already reflects a payment we booked, amount - booked is not
    below its open amount and the export wins; if not, our booking wins.
    """
    applied = invoices["invoice_id"].map(booked).fillna(0).astype("int64")
    ceiling = (invoices["amount_minor"] - applied).clip(lower=0)
    out = invoices.copy()
    out["open_minor"] = np.minimum(out["open_minor"].to_numpy(), ceiling.to_numpy())
    return out


def _key(frame: pd.DataFrame) -> pd.Series:
    return frame["account"].astype("str") + "\x1f" + frame["transaction_id"].astype("str")


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


@task(name="reconcile payments", cache_policy=NO_CACHE)
def reconcile_payments(invoices: pd.DataFrame, customers: pd.DataFrame,
                       transactions: pd.DataFrame, ledger: Ledger, policy: object) -> Reconciled:
    """Match this run's new incoming money; carry over what earlier runs decided."""
    new = split_new(transactions, ledger.known_keys)
    open_now = effective_open(ledger.with_decisions(invoices), ledger.booked_applied)
    result = reconcile(open_now, new, customers, policy, ledger.aliases)
    matches = pd.concat([ledger.previous_matches(transactions), result.matches],
                        ignore_index=True)
    discrepancies = pd.concat([ledger.previous_discrepancies(transactions), result.discrepancies],
                              ignore_index=True)
    booked_now = result.matches[result.matches["decision"] == "auto"]["transaction_id"]
    incoming = new[new["amount_minor"] > 0]
    unmatched = incoming[~incoming["transaction_id"].isin(set(booked_now))]
    review = contract_matches(result.matches[result.matches["decision"] == "review"])
    return Reconciled(transactions, new, contract_matches(matches),
                      contract_discrepancies(discrepancies), result.invoices_after,
                      unmatched, review)
