"""One payment for several open invoices of a customer, none named: bounded subset-sum.

Only payments with a known payer and no single candidate get here. Runs of
consecutive open invoices (by due date) are found among all of a customer's
open invoices by joining the payment on precomputed window sums, which is
linear in invoices plus payments; arbitrary subsets are tried only among a
fixed number of the customer's oldest open invoices, so that search is linear
in payments too. It runs batched in numpy over index combinations.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from itertools import combinations

import numpy as np
import pandas as pd

from dunwell.matching.joins import equi_join, equi_join_shorter, shared_keys

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
    # Payments are numbered by position: their facts are taken, not joined.
    at = payers["tx"].to_numpy()
    wanted = pd.DataFrame({"tx": at, "cust": payers["cust"].to_numpy(),
                           "cur": payments["cur"].to_numpy()[at],
                           "amount_minor": payments["amount_minor"].to_numpy()[at]})
    if wanted.empty or max_size < 2:
        return pd.DataFrame({c: pd.Series(dtype="int64") for c in SUBSET_COLUMNS}).assign(
            complete=pd.Series(dtype=bool), how=pd.Series(dtype="str"))
    pool = _pool(wanted, payments, open_inv)
    parts = [_runs(wanted, open_inv, max_size).assign(how="run")]
    if len(pool.tx):
        windows = _windows(pool.frame(pool.slot < width), width, max_size)
        parts += [_pairs(pool).assign(how="subset"), windows.assign(
            option=windows["option"].astype("int64") + (1 << 40), how="subset")]
    found = _distinct(pd.concat(parts, ignore_index=True))
    # Only a search that saw every open invoice of the payer can rule out other subsets.
    deepest = np.full(len(payments), -1, dtype=np.int64)
    np.maximum.at(deepest, pool.tx, pool.slot)
    deepest[deepest < 0] = width
    return found.assign(complete=deepest[found["tx"].to_numpy()] < width)


@dataclass(frozen=True)
class _Pool:
    """The pool's rows as arrays: millions of rows at 1M invoices, of which the searches
    read a few columns each (a frame of them all cost a second to build)."""

    tx: np.ndarray
    inv: np.ndarray
    open_minor: np.ndarray
    amount_minor: np.ndarray  # paid
    group: np.ndarray  # the (payment, payer): rows of one together
    slot: np.ndarray  # place within the group, nearest due first

    def frame(self, keep: np.ndarray) -> pd.DataFrame:
        """The rows at `keep` (a mask) as a frame."""
        return pd.DataFrame({name: getattr(self, name)[keep] for name in (
            "tx", "inv", "open_minor", "amount_minor", "group", "slot")})


def _pool(wanted: pd.DataFrame, payments: pd.DataFrame, open_inv: pd.DataFrame) -> _Pool:
    """Per (payment, payer) the payer's open invoices below the amount, nearest due first.

    A fixed depth per payer keeps the search for arbitrary subsets linear in payments.
    A payment run pays what falls due around the day it runs: the invoices searched for
    arbitrary subsets are those due nearest the booking date, not the oldest ones (a big
    customer's oldest open invoices are the ones it disputes or forgot).
    """
    oldest = _oldest(open_inv, _PAIR_POOL)
    # Payers by payment and customer: the join below keeps that order, and a customer's
    # invoices come in `oldest`'s order (due date, then number) within it.
    wanted = wanted.iloc[np.lexsort((wanted["cust"].to_numpy(), wanted["tx"].to_numpy()))]
    mine, theirs = shared_keys([wanted["cust"].to_numpy(), wanted["cur"].to_numpy()],
                               [oldest["cust"].to_numpy(), oldest["cur"].to_numpy()])
    w, o = equi_join(mine, theirs)
    paid, open_minor = wanted["amount_minor"].to_numpy()[w], oldest["open_minor"].to_numpy()[o]
    below = open_minor < paid
    w, o, paid, open_minor = w[below], o[below], paid[below], open_minor[below]
    tx, cust = wanted["tx"].to_numpy()[w], wanted["cust"].to_numpy()[w]
    due, inv = oldest["due_date"].to_numpy()[o], oldest["inv"].to_numpy()[o]
    distance = np.abs((due - payments["booking_date"].to_numpy()[tx]).astype("timedelta64[D]")
                      .astype(np.int64))
    order = _within(w, distance, o)
    tx, cust = tx[order], cust[order]
    start = np.r_[True, (tx[1:] != tx[:-1]) | (cust[1:] != cust[:-1])] if len(order) else (
        np.zeros(0, dtype=bool))
    at = np.arange(len(order))
    return _Pool(tx, inv[order], open_minor[order], paid[order], np.cumsum(start) - 1,
                 at - np.maximum.accumulate(np.where(start, at, 0)))


def _within(first: np.ndarray, middle: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Positions ordered by three non-negative integer keys, one packed key when it fits."""
    bits = [max(int(k.max()).bit_length(), 1) if len(k) else 1 for k in (middle, last)]
    if len(first) and int(first.max()).bit_length() + sum(bits) <= 63:
        packed = (((first.astype(np.int64) << bits[0]) | middle) << bits[1]) | last
        return np.argsort(packed, kind="stable")
    return np.lexsort((last, middle, first))


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


def _pairs(pool: _Pool) -> pd.DataFrame:
    """Any two open invoices of the payer that add up to the payment: a join on what the
    one leaves open and the other's amount, within the (payment, payer)."""
    group, inv, open_minor = pool.group, pool.inv, pool.open_minor
    need = pool.amount_minor - open_minor
    amount, distinct = pd.factorize(np.concatenate([need, open_minor]))
    needed, offered = amount.reshape(2, -1)
    # Only amounts both needed and open somewhere can pair: most rows drop out here.
    left = np.flatnonzero(np.bincount(offered, minlength=len(distinct))[needed] > 0)
    right = np.flatnonzero(np.bincount(needed, minlength=len(distinct))[offered] > 0)
    # Fewer groups than rows, fewer distinct amounts than twice the rows: fits an int64.
    # At 1M invoices: 2M rows on the left, 5M on the right, 40k pairs.
    one, other = equi_join_shorter(group[left] * len(distinct) + needed[left],
                                   group[right] * len(distinct) + offered[right])
    one, other = left[one], right[other]
    keep = inv[one] < inv[other]
    one, other = one[keep], other[keep]
    return pd.DataFrame({"tx": np.repeat(pool.tx[one], 2),
                         "option": np.repeat(np.arange(len(one)), 2),
                         "inv": np.column_stack([inv[one], inv[other]]).ravel()})


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
    paid = pd.Index(pd.unique(wanted["amount_minor"].to_numpy()))
    for size in range(2, max_size + 1):
        ends = np.flatnonzero(slot >= size - 1)
        before = np.where(ends - size >= 0, total[np.maximum(ends - size, 0)], 0)
        # Only windows of an amount some payment has can meet one: the join stays small.
        sums = total[ends] - before
        kept = paid.get_indexer(sums) >= 0
        windows.append(pd.DataFrame({"end": ends[kept], "size": size,
                                     "amount_minor": sums[kept]}))
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
    members = _members(found)
    members = members.sort_values("how").drop_duplicates(["tx", "inv"])
    members["option"] = np.arange(len(members))
    return members.explode("inv").astype({"inv": "int64"})[[*SUBSET_COLUMNS, "how"]]


def _members(found: pd.DataFrame) -> pd.DataFrame:
    """(tx, how, option, inv) with the tuple of invoices of each subset, rows ordered by
    payment and option: what grouping by them gives, cut at the boundaries instead.

    Each way of searching numbers its options in a range of its own, so a (payment,
    option) is one subset.
    """
    tx, option = found["tx"].to_numpy(), found["option"].to_numpy()
    starts = np.flatnonzero(np.r_[True, (tx[1:] != tx[:-1]) | (option[1:] != option[:-1])])
    invs = found["inv"].tolist()
    ends = [*starts[1:].tolist(), len(invs)]
    return pd.DataFrame({
        "tx": tx[starts], "how": found["how"].array.take(starts), "option": option[starts],
        "inv": pd.Series([tuple(invs[a:b]) for a, b in zip(starts.tolist(), ends, strict=True)],
                         dtype=object)})


def _windows(pool: pd.DataFrame, width: int, max_size: int) -> pd.DataFrame:
    """Subsets of up to max_size among each payer's oldest `width` open invoices.

    The pool comes ordered by payment and payer: each (payment, payer) is a run of rows.
    """
    group = pool["group"].to_numpy()
    start = np.flatnonzero(np.r_[True, group[1:] != group[:-1]]) if len(group) else group
    pair_no = np.repeat(np.arange(len(start)), np.diff(np.r_[start, len(group)]))
    amounts = np.zeros((len(start), width + 1), dtype=np.int64)
    invs = np.full((len(start), width + 1), -1, dtype=np.int64)
    amounts[pair_no, pool["slot"].to_numpy()] = pool["open_minor"].to_numpy()
    invs[pair_no, pool["slot"].to_numpy()] = pool["inv"].to_numpy()
    paid = pool["amount_minor"].to_numpy()[start]
    txs = pool["tx"].to_numpy()[start]
    combos = _combos(width, max_size)
    found = [_batch(amounts[s:s + _BATCH], invs[s:s + _BATCH], paid[s:s + _BATCH],
                    txs[s:s + _BATCH], combos) for s in range(0, len(start), _BATCH)]
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
