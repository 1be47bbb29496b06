"""One payment for several open invoices of a customer, none named: bounded subset-sum.

Only payments with a known payer and no single candidate get here, and only a
customer's oldest open invoices up to the policy's limit are tried, so the
search stays small; it runs batched in numpy over index combinations.
"""

from __future__ import annotations

from functools import cache
from itertools import combinations

import numpy as np
import pandas as pd

SUBSET_COLUMNS = ["tx", "option", "inv"]
_BATCH = 512


@cache
def _combos(width: int, max_size: int) -> np.ndarray:
    """All index sets of 2..max_size out of width, padded with `width` (a zero slot)."""
    rows = [c + (width,) * (max_size - len(c)) for k in range(2, max_size + 1)
            for c in combinations(range(width), k)]
    return np.array(rows, dtype=np.int64).reshape(-1, max_size)


def find(payments: pd.DataFrame, payers: pd.DataFrame, open_inv: pd.DataFrame,
         width: int, max_size: int) -> pd.DataFrame:
    """Subsets of each payer's open invoices (same currency) that add up to the payment."""
    pool = payers[["tx", "cust"]].merge(payments[["tx", "currency", "amount_minor"]], on="tx")
    pool = pool.merge(open_inv[["inv", "cust", "currency", "open_minor", "due_date"]],
                      on=["cust", "currency"])
    pool = pool[pool["open_minor"] < pool["amount_minor"]]
    pool = pool.sort_values(["tx", "cust", "due_date", "inv"])
    pool["slot"] = pool.groupby(["tx", "cust"]).cumcount()
    pool = pool[pool["slot"] < width]
    if pool.empty or max_size < 2:
        return pd.DataFrame({c: pd.Series(dtype="int64") for c in SUBSET_COLUMNS})
    pairs, pair_no = np.unique(pool[["tx", "cust"]].to_numpy(), axis=0, return_inverse=True)
    amounts = np.zeros((len(pairs), width + 1), dtype=np.int64)
    invs = np.full((len(pairs), width + 1), -1, dtype=np.int64)
    amounts[pair_no.ravel(), pool["slot"].to_numpy()] = pool["open_minor"].to_numpy()
    invs[pair_no.ravel(), pool["slot"].to_numpy()] = pool["inv"].to_numpy()
    paid = pool.groupby(pair_no.ravel())["amount_minor"].first().to_numpy()
    combos = _combos(width, max_size)
    found = [_batch(amounts[s:s + _BATCH], invs[s:s + _BATCH], paid[s:s + _BATCH],
                    pairs[s:s + _BATCH, 0], combos) for s in range(0, len(pairs), _BATCH)]
    return pd.concat(found, ignore_index=True)


def _batch(amounts: np.ndarray, invs: np.ndarray, paid: np.ndarray, txs: np.ndarray,
           combos: np.ndarray) -> pd.DataFrame:
    """Exact hits of one batch: rows (tx, option, inv), option numbering the subsets."""
    sums = amounts[:, combos].sum(axis=2)
    members = invs[:, combos]
    valid = (sums == paid[:, None]) & ((members >= 0) | (combos[None] == amounts.shape[1] - 1)
                                       ).all(axis=2)
    pair_idx, combo_idx = np.nonzero(valid)
    chosen = members[pair_idx, combo_idx]
    option = np.repeat(np.arange(len(pair_idx)), chosen.shape[1]) if len(pair_idx) else []
    frame = pd.DataFrame({"tx": np.repeat(txs[pair_idx], chosen.shape[1]), "option": option,
                          "inv": chosen.ravel()})
    return frame[frame["inv"] >= 0]
