"""Reconciliation in partitions: one matching task per payment currency, merged back exactly.

Why by currency: a payment can only be booked against an invoice in its own currency, so
the payments of one currency never compete with another currency's for an invoice.
Customer blocks are not a safe cut: a payment carries no customer, the engine finds the
payer by name, IBAN and invoice numbers across all customers.

Each partition gets its currency's payments and the invoices they can touch: those of its
currency, and the invoices of other currencies its payments name by number (the engine
reports those as `currency_mismatch`; it never books across currencies). The merge puts
every row back into the order the single-process engine gives (payments in statement
order), so the output files are identical.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from prefect import task
from prefect.cache_policies import NO_CACHE

from dunwell.connectors.storage.ledger import Ledger
from dunwell.matching import Reconciliation, normalise, reconcile, references
from dunwell.tasks import reconcile as single

ROW = "_partition_row"


@dataclass(frozen=True)
class Partition:
    """The slice of one run that one worker matches.

    Attributes:
      currency: the payments' currency.
      invoices: the invoices the partition may match (with their position in the run's
        invoice frame in `_partition_row`).
      transactions: the incoming payments in `currency`, in statement order.
    """

    currency: str
    invoices: pd.DataFrame
    transactions: pd.DataFrame


def split_by_currency(invoices: pd.DataFrame, transactions: pd.DataFrame) -> list[Partition]:
    """One partition per currency of incoming money, largest first (it should start first);
    a statement without incoming money is one empty partition."""
    numbered = invoices.reset_index(drop=True).assign(**{ROW: np.arange(len(invoices))})
    incoming = transactions[transactions["amount_minor"].to_numpy(dtype="int64") > 0]
    if incoming.empty:
        return [Partition("", numbered, incoming.reset_index(drop=True))]
    currency = numbered["currency"].astype("str").to_numpy()
    keys = _invoice_keys(numbered)
    parts = []
    for code, payments in incoming.groupby("currency", sort=True):
        own = currency == code
        named = ~own & _named_in(payments, keys)
        parts.append(Partition(str(code), numbered[own | named], payments.reset_index(drop=True)))
    return sorted(parts, key=lambda p: -len(p.transactions))


def _invoice_keys(invoices: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The engine's two number keys (all digits, leading zeros dropped) of every invoice."""
    keys = references.invoice_keys(invoices)
    return keys["full"].to_numpy(), keys["short"].to_numpy()


def _named_in(payments: pd.DataFrame, keys: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Invoices whose number the payments' remittance text states exactly.

    The engine reports a payment naming an invoice in another currency as
    `currency_mismatch`, from exact hits only (a one-typo hit must agree on the currency),
    so these are the only invoices of other currencies a partition needs.
    """
    text = payments.get("remittance_info", pd.Series("", index=payments.index))
    tokens = normalise.remittance_tokens(text.fillna("").astype("str").reset_index(drop=True))
    if tokens.empty:
        return np.zeros(len(keys[0]), dtype=bool)
    return np.isin(keys[0], tokens["full"].to_numpy()) | np.isin(keys[1],
                                                                 tokens["short"].to_numpy())


@task(name="match one currency", cache_policy=NO_CACHE, task_run_name="match {part.currency}")
def match_partition(part: Partition, customers: pd.DataFrame, policy: Any,
                    aliases: pd.DataFrame | None) -> Reconciliation:
    """The matching engine on one partition (runs on a Dask worker)."""
    return reconcile(part.invoices, part.transactions, customers, policy, aliases)


def _order(transactions: pd.DataFrame) -> pd.Series:
    """Statement position of each incoming payment, by transaction_id."""
    incoming = transactions[transactions["amount_minor"].to_numpy(dtype="int64") > 0]
    ids = incoming["transaction_id"].astype("str")
    return pd.Series(np.arange(len(ids)), index=ids.to_numpy()).groupby(level=0).first()


def _in_statement_order(frames: list[pd.DataFrame], position: pd.Series,
                        tie: list[str]) -> pd.DataFrame:
    """Concatenate per-partition frames and order them as the whole statement would be."""
    merged = pd.concat(frames, ignore_index=True)
    pos = merged["transaction_id"].map(position).to_numpy(dtype="float64")
    merged = merged.assign(_pos=pos, _seq=np.arange(len(merged)))
    merged = merged.sort_values(["_pos", *tie, "_seq"], kind="stable", na_position="last")
    return merged.drop(columns=["_pos", "_seq"]).reset_index(drop=True)


def merge_partitions(results: list[Reconciliation], invoices: pd.DataFrame,
                     transactions: pd.DataFrame) -> Reconciliation:
    """One Reconciliation, as if the engine had seen every partition at once."""
    position = _order(transactions)
    matches = _in_statement_order([r.matches for r in results], position, [])
    issues = _in_statement_order([r.discrepancies for r in results], position,
                                 ["kind", "invoice_id"])
    unapplied = _in_statement_order([r.unapplied for r in results], position, [])
    return Reconciliation(matches, issues, _invoices_after(results, invoices), unapplied)


def _invoices_after(results: list[Reconciliation], invoices: pd.DataFrame) -> pd.DataFrame:
    """Open amounts reduced by every partition's bookings (each books its own currency)."""
    reduction = np.zeros(len(invoices), dtype="int64")
    for result in results:
        after = result.invoices_after
        rows = after[ROW].to_numpy(dtype="int64")
        before = invoices["open_minor"].to_numpy(dtype="int64")[rows]
        reduction[rows] += before - after["open_minor"].to_numpy(dtype="int64")
    out = invoices.copy()
    out["open_minor"] = out["open_minor"].to_numpy(dtype="int64") - reduction
    out["cleared_by_run"] = (reduction > 0) & (out["open_minor"].to_numpy() <= 0)
    return out


def reconciled_from(result: Reconciliation, given: single.MatchingInput,
                    ledger: Ledger, found: single.Heard | None = None) -> single.Reconciled:
    """The run's Reconciled, exactly as the single-process task joins it."""
    after = result.invoices_after.drop(columns=[ROW], errors="ignore")
    merged = Reconciliation(result.matches, result.discrepancies, after, result.unapplied)
    return single.join(merged, given, ledger, found)
