"""One payment for several open invoices of a customer, none named: bounded subset-sum.

Only payments with a known payer and no single candidate get here. Runs of
consecutive open invoices (by due date) are found among all of a customer's
open invoices by joining the payment on precomputed window sums, which is
linear in invoices plus payments; arbitrary subsets are tried only among a
fixed number of the customer's oldest open invoices, so that search is linear
in payments too. It runs batched in numpy over index combinations.
"""

from __future__ import annotations

from functools import cache
from itertools import combinations

import numpy as np
import pandas as pd

SUBSET_COLUMNS = ["tx", "option", "inv"]
_BATCH = 512
_PAIR_POOL = 1000
_RUN_OPTION_BASE = 1 << 41


@cache
def _combos(width: int, max_size: int) -> np.ndarray:
    """All index sets of 2..max_size out of width, padded with `width` (a zero slot)."""
    rows = [c + (width,) * (max_size - len(c)) for k in range(2, max_size + 1)
            for c in combinations(range(width), k)]
    return np.array(rows, dtype=np.int64).reshape(-1, max_size)


def find(payments: pd.DataFrame, payers: pd.DataFrame, open_inv: pd.DataFrame,
         width: int, max_size: int) -> pd.DataFrame:
    """Subsets of each payer's open invoices (same currency) that add up to the payment."""
    wanted = payers[["tx", "cust"]].merge(payments[["tx", "cur", "amount_minor"]], on="tx")
    # A fixed depth per payer keeps the search for arbitrary subsets linear in payments.
    pool = wanted.merge(_oldest(open_inv, _PAIR_POOL), on=["cust", "cur"])
    pool = pool[pool["open_minor"] < pool["amount_minor"]]
    # A payment run pays what falls due around the day it runs: the invoices searched for
    # arbitrary subsets are those due nearest the booking date, not the oldest ones (a big
    # customer's oldest open invoices are the ones it disputes or forgot).
    booked = payments["booking_date"].to_numpy()[pool["tx"].to_numpy()]
    distance = np.abs((pool["due_date"].to_numpy() - booked).astype("timedelta64[D]")
                      .astype(np.int64))
    pool = pool.assign(distance=distance).sort_values(["tx", "cust", "distance", "due_date",
                                                       "inv"])
    pool["slot"] = pool.groupby(["tx", "cust"]).cumcount()
    if wanted.empty or max_size < 2:
        return pd.DataFrame({c: pd.Series(dtype="int64") for c in SUBSET_COLUMNS}).assign(
            complete=pd.Series(dtype=bool), how=pd.Series(dtype="str"))
    parts = [_runs(wanted, open_inv, max_size).assign(how="run")]
    if not pool.empty:
        windows = _windows(pool[pool["slot"] < width], width, max_size)
        parts += [_pairs(pool).assign(how="subset"), windows.assign(
            option=windows["option"].astype("int64") + (1 << 40), how="subset")]
    found = _distinct(pd.concat(parts, ignore_index=True))
    # Only a search that saw every open invoice of the payer can rule out other subsets.
    searched = pool.groupby("tx")["slot"].max() < width
    return found.assign(complete=found["tx"].map(searched).fillna(False).astype(bool))


def _oldest(open_inv: pd.DataFrame, limit: int) -> pd.DataFrame:
    """Each customer's oldest open invoices per currency, at most `limit` of them."""
    cols = ["inv", "cust", "cur", "open_minor", "due_date"]
    ordered = open_inv[cols].iloc[_by_account(open_inv, "inv")]
    return ordered[_slots(ordered) < limit]


def _by_account(open_inv: pd.DataFrame, last: str) -> np.ndarray:
    """Positions ordered by customer, currency, due date, then `last`: integer sorts only."""
    due = open_inv["due_date"].to_numpy().view(np.int64)
    return np.lexsort((open_inv[last].to_numpy(), due, open_inv["cur"].to_numpy(),
                       open_inv["cust"].to_numpy()))


def _slots(ordered: pd.DataFrame) -> np.ndarray:
    """Position of each invoice within its (customer, currency), rows already ordered."""
    cust, cur = ordered["cust"].to_numpy(), ordered["cur"].to_numpy()
    start = np.r_[True, (cust[1:] != cust[:-1]) | (cur[1:] != cur[:-1])] if len(cust) else (
        np.zeros(0, dtype=bool))
    return np.arange(len(cust)) - np.maximum.accumulate(np.where(start, np.arange(len(cust)), 0))


def _pairs(pool: pd.DataFrame) -> pd.DataFrame:
    """Any two open invoices of the payer that add up to the payment: a hash join."""
    left = pool[["tx", "cust", "inv", "open_minor", "amount_minor"]]
    right = pool[["tx", "cust", "inv", "open_minor"]].rename(
        columns={"inv": "other", "open_minor": "need"})
    both = left.assign(need=left["amount_minor"] - left["open_minor"]).merge(
        right, on=["tx", "cust", "need"])
    both = both[both["inv"] < both["other"]].reset_index(drop=True)
    option = np.arange(len(both))
    return pd.DataFrame({"tx": np.repeat(both["tx"].to_numpy(), 2),
                         "option": np.repeat(option, 2),
                         "inv": np.column_stack([both["inv"], both["other"]]).ravel()})


def _runs(wanted: pd.DataFrame, open_inv: pd.DataFrame, max_size: int) -> pd.DataFrame:
    """Consecutive open invoices by due date that add up to the payment: a payment run.

    Every window of 2..max_size consecutive invoices of a (customer, currency) has its
    sum computed once; payments join on (customer, currency, amount), so a run is found
    however deep in the customer's history it lies.
    """
    ordered = open_inv[["inv", "cust", "cur", "open_minor"]].iloc[_by_account(open_inv,
                                                                               "id_order")]
    slot = _slots(ordered)
    total = ordered["open_minor"].to_numpy().cumsum()
    windows = []
    for size in range(2, max_size + 1):
        ends = np.flatnonzero(slot >= size - 1)
        before = np.where(ends - size >= 0, total[np.maximum(ends - size, 0)], 0)
        windows.append(pd.DataFrame({"end": ends, "size": size, "amount_minor":
                                     total[ends] - before}))
    window = pd.concat(windows, ignore_index=True)
    window["cust"] = ordered["cust"].to_numpy()[window["end"].to_numpy()]
    window["cur"] = ordered["cur"].to_numpy()[window["end"].to_numpy()]
    hits = wanted.merge(window, on=["cust", "cur", "amount_minor"])
    sizes = hits["size"].to_numpy()
    rows = np.repeat(hits["end"].to_numpy(), sizes) - (
        np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes))
    return pd.DataFrame({"tx": np.repeat(hits["tx"].to_numpy(), sizes),
                         "option": np.repeat(_RUN_OPTION_BASE + np.arange(len(hits)), sizes),
                         "inv": ordered["inv"].to_numpy()[rows]})


def _distinct(found: pd.DataFrame) -> pd.DataFrame:
    """Number the subsets per payment once; a subset found twice keeps its first label."""
    if found.empty:
        return found.assign(how=pd.Series(dtype="str"))
    found = found.sort_values(["tx", "option", "inv"], kind="stable")
    members = found.groupby(["tx", "how", "option"], sort=False)["inv"].agg(tuple).reset_index()
    members = members.sort_values("how").drop_duplicates(["tx", "inv"])
    members["option"] = np.arange(len(members))
    return members.explode("inv").astype({"inv": "int64"})[[*SUBSET_COLUMNS, "how"]]


def _windows(pool: pd.DataFrame, width: int, max_size: int) -> pd.DataFrame:
    """Subsets of up to max_size among each payer's oldest `width` open invoices."""
    pairs, pair_no = np.unique(pool[["tx", "cust"]].to_numpy(), axis=0, return_inverse=True)
    amounts = np.zeros((len(pairs), width + 1), dtype=np.int64)
    invs = np.full((len(pairs), width + 1), -1, dtype=np.int64)
    amounts[pair_no.ravel(), pool["slot"].to_numpy()] = pool["open_minor"].to_numpy()
    invs[pair_no.ravel(), pool["slot"].to_numpy()] = pool["inv"].to_numpy()
    paid = pool.groupby(pair_no.ravel())["amount_minor"].first().to_numpy()
    combos = _combos(width, max_size)
    found = [_batch(amounts[s:s + _BATCH], invs[s:s + _BATCH], paid[s:s + _BATCH],
                    pairs[s:s + _BATCH, 0], combos) for s in range(0, len(pairs), _BATCH)]
    found = [f.assign(option=f["option"] + 10_000_000 * i) for i, f in enumerate(found)]
    return pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=SUBSET_COLUMNS)


def _batch(amounts: np.ndarray, invs: np.ndarray, paid: np.ndarray, txs: np.ndarray,
           combos: np.ndarray) -> pd.DataFrame:
    """Exact hits of one batch: rows (tx, option, inv), option numbering the subsets."""
    sums = amounts[:, combos].sum(axis=2)
    members = invs[:, combos]
    valid = (sums == paid[:, None]) & ((members >= 0) | (combos[None] == amounts.shape[1] - 1)
                                       ).all(axis=2)
    pair_idx, combo_idx = np.nonzero(valid)
    chosen = members[pair_idx, combo_idx]
    option: np.ndarray | list[int] = (
        np.repeat(np.arange(len(pair_idx)), chosen.shape[1]) if len(pair_idx) else [])
    frame = pd.DataFrame({"tx": np.repeat(txs[pair_idx], chosen.shape[1]), "option": option,
                          "inv": chosen.ravel()})
    return frame[frame["inv"] >= 0]
