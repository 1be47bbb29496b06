"""Candidate (payment, invoice) pairs by blocking: numbers in text, payer, amount.

Never all pairs: a payment meets an invoice only through a shared number key,
through a customer its IBAN or name points to, or, lacking both, through an
identical open amount in the same currency.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dunwell.matching.policy import MatchPolicy

CANDIDATE_COLUMNS = ["tx", "inv", "typos"]
_AMOUNT_ONLY_LIMIT = 3
_GROUP_SHIFT = 42
# Open amounts within this share either side of a paid amount tell how crowded it is.
_CROWD_WINDOW = 0.05
# Roundness is counted up to 10^8 minor units (a million euros, IDR 1m in whole rupiah).
_MAX_STEP_DIGITS = 8


def payer_strength(evidence: pd.DataFrame, cutoff: int) -> pd.DataFrame:
    """Per (tx, cust): probability the payer is that customer, and how we know it."""
    ev = evidence[evidence["score"] >= cutoff]
    p_name = name_probability(ev["score"].to_numpy())
    by_iban = ev["via"].isin(["iban", "alias_iban"]).to_numpy()
    p = np.where(by_iban, 0.98, p_name)
    p = np.where(ev["via"].eq("alias_name"), 0.97, p)
    # An account seen paying the customer by number: good evidence, not proof (a parent
    # pays for several subsidiaries).
    in_run = ev["via"].eq("iban_in_run").to_numpy()
    p = np.where(in_run, np.where(ev["score"].to_numpy() >= 100, 0.85, 0.6), p)
    frame = ev.assign(p=p).sort_values(["tx", "cust", "p", "score"], ascending=False)
    best = frame.groupby(["tx", "cust"], sort=False).agg(
        p=("p", "max"), score=("score", "max"), via=("via", "first"))
    frame_iban = frame["via"].isin(["iban", "alias_iban"])
    names = frame[~frame_iban & frame["via"].ne("iban_in_run")].groupby(["tx", "cust"])[
        "score"].max()
    best["name_score"] = names.reindex(best.index).fillna(0).astype("int64")
    iban = frame[frame_iban].groupby(["tx", "cust"])["via"].first()
    best["iban_via"] = iban.reindex(best.index).fillna("")
    both = (best["iban_via"] != "") & (best["name_score"] >= 90)
    best.loc[both, "p"] = 0.995
    best["strong"] = (best["iban_via"] != "") | (best["name_score"] >= 95)
    return best.reset_index()


def name_probability(score: np.ndarray) -> np.ndarray:
    """How likely a payer name resembling a customer's this well (0-100) is that customer."""
    return np.asarray(np.clip(0.5 + (score - 70) * 0.016, 0.0, 0.97))


def by_customer_amount(payments: pd.DataFrame, payers: pd.DataFrame, open_inv: pd.DataFrame,
                       policy: MatchPolicy) -> pd.DataFrame:
    """Open invoices of a payer's customer for exactly the amount, or a bank fee more."""
    want = payers[["tx", "cust"]].merge(payments[["tx", "currency", "cur", "amount_minor"]],
                                        on="tx")
    tolerance = fee_tolerance(want["currency"], policy)
    group = _group_codes(open_inv, want)
    inv_key = (group[0] << _GROUP_SHIFT) + open_inv["open_minor"].to_numpy()
    # Among invoices of one amount the oldest due come first: the cap below keeps those.
    due = open_inv["due_date"].to_numpy().view(np.int64)
    order = np.lexsort((open_inv["inv"].to_numpy(), due, inv_key))
    sorted_key = inv_key[order]
    low_key = (group[1] << _GROUP_SHIFT) + want["amount_minor"].to_numpy()
    lo = np.searchsorted(sorted_key, low_key, side="left")
    hi = np.searchsorted(sorted_key, low_key + tolerance, side="right")
    hi = np.minimum(hi, lo + 8)
    counts = np.where(group[1] >= 0, hi - lo, 0)
    rows = np.repeat(np.arange(len(want)), counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    inv = open_inv["inv"].to_numpy()[order[np.repeat(lo, counts) + offsets]]
    return pd.DataFrame({"tx": want["tx"].to_numpy()[rows], "inv": inv, "typos": -1})


def by_amount_only(payments: pd.DataFrame, open_inv: pd.DataFrame,
                   excluded: np.ndarray) -> pd.DataFrame:
    """Payments nobody is known to have made: open invoices with the identical amount."""
    free = payments[~payments["tx"].isin(excluded)][["tx", "currency", "amount_minor"]]
    inv = open_inv[["inv", "currency", "open_minor"]].rename(columns={"open_minor": "amount_minor"})
    hits = free.merge(inv, on=["currency", "amount_minor"])
    size = hits.groupby("tx")["inv"].transform("size")
    return hits[size <= _AMOUNT_ONLY_LIMIT].assign(typos=-1)[CANDIDATE_COLUMNS]


def amount_chance(payments: pd.DataFrame, open_inv: pd.DataFrame) -> np.ndarray:
    """Per payment: how many open invoices of its currency one would expect at exactly its
    amount by chance, from how crowded the open amounts around it are.

    The more open invoices, the likelier a payment meets one of its exact amount by
    coincidence: an amount is evidence only in proportion to how rarely that happens.
    Amounts are compared with those as round as they are: 204.00 with the whole euros
    around it (many), 204.17 with every cent, rupiah in whole thousands with thousands.
    """
    chance = np.zeros(len(payments))
    paid = payments["amount_minor"].to_numpy()
    round_to = _roundness(paid)
    pay_cur = payments["cur"].to_numpy()
    inv_cur, open_minor = open_inv["cur"].to_numpy(), open_inv["open_minor"].to_numpy()
    for cur in np.unique(inv_cur):
        amounts = np.sort(open_minor[inv_cur == cur])
        for step in np.unique(round_to[pay_cur == cur]):
            at = (pay_cur == cur) & (round_to == step)
            alike = amounts[amounts % step == 0]
            low = np.searchsorted(alike, paid[at] * (1 - _CROWD_WINDOW), side="left")
            high = np.searchsorted(alike, paid[at] * (1 + _CROWD_WINDOW), side="right")
            values = np.maximum(2 * _CROWD_WINDOW * paid[at] / step, 1.0)
            chance[at] = (high - low) / values
    return chance


def _roundness(amounts: np.ndarray) -> np.ndarray:
    """The largest power of ten (up to 10^8 minor units) each amount is a multiple of."""
    step = np.ones(len(amounts), dtype=np.int64)
    for digits in range(1, _MAX_STEP_DIGITS + 1):
        step = np.where(amounts % 10**digits == 0, 10**digits, step)
    return step


def fee_tolerance(currency: pd.Series, policy: MatchPolicy) -> np.ndarray:
    """The bank-fee tolerance of each row's currency in minor units, once per currency."""
    codes, distinct = pd.factorize(currency, use_na_sentinel=False)
    return np.array([policy.fee_tolerance_minor(c) for c in distinct], dtype="int64")[codes]


def _group_codes(open_inv: pd.DataFrame, want: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """One integer per (customer, currency), shared by invoices and payments; -1 unknown."""
    inv_pair = open_inv["cust"].to_numpy(dtype="int64") * 1024 + open_inv["cur"].to_numpy()
    want_pair = want["cust"].to_numpy(dtype="int64") * 1024 + want["cur"].to_numpy()
    uniques = np.unique(inv_pair)
    codes = np.searchsorted(uniques, inv_pair)
    at = np.minimum(np.searchsorted(uniques, want_pair), max(len(uniques) - 1, 0))
    found = (uniques[at] == want_pair) if len(uniques) else np.zeros(len(want_pair), bool)
    return codes.astype("int64"), np.where(found, at, -1).astype("int64")
