"""Decide per payment (auto, review or nothing) and book amounts against invoices.

A payment is booked only when its best option is confident and no runner-up
comes close; money is applied oldest due date first, a shortfall within the
bank-fee tolerance clears the invoice, and a later payment for an invoice an
earlier one already cleared books nothing (a duplicate).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dunwell.matching.policy import MatchPolicy
from dunwell.model import Decision

_DECISION_CODES = pd.Index(["", Decision.REVIEW.value, Decision.AUTO.value], dtype="str")
"""The decision of code 0 (neither), 1 and 2."""

# An IBAN on file, a learned alias, or the payer's name as the customer's.
_SURE_PAYER = 0.95


def decide(opt: pd.DataFrame, policy: MatchPolicy) -> pd.DataFrame:
    """Rank each payment's options and mark the decision of the best one.

    An invoice the text names (exactly, or with a typo and the amount fitting) ranks
    above options backed by amounts only, an
    exact amount above a fee-deducted one, and among equals a run of consecutive
    invoices (how payers batch) goes first. When the named invoice is not also the most
    confident option, the payment goes to review: the ranking shows the clerk the named
    invoice first, the decision stays cautious.
    """
    # A number with a typo counts as named only when the amount also fits that invoice.
    relation = opt["relation"].cat.codes.to_numpy().astype(np.int64)
    typos, conf = opt["typos"].to_numpy(), opt["confidence"].to_numpy()
    named = ((typos == 0) | ((typos == 1) & (relation <= 1))) & ~opt["contradicted"].to_numpy()
    # A third party paying a named invoice pays its amount. A number naming another
    # customer's invoice that the money does not fit, while the payer is surely known, is
    # more likely a slip of one of the payer's own numbers: it is not shown first for that.
    p_payer = opt["p_payer"].to_numpy()
    sure = pd.Series(p_payer).groupby(opt["tx"].to_numpy()).transform("max").to_numpy()
    named &= ~((p_payer == 0) & (relation >= 2) & (sure >= _SURE_PAYER))
    run = (opt["kind"] == "run").to_numpy()
    # Strength of evidence: a number in the text, a typo'd number or a run of consecutive
    # invoices, amounts, a partial search.
    evidence = np.select([typos == 0, (typos == 1) | run,
                          (opt["kind"] == "subset_partial").to_numpy()], [3, 2, 0], 1)
    order = _ranking(opt, named, relation, run)
    tx = opt["tx"].to_numpy()[order]
    start = np.r_[True, tx[1:] != tx[:-1]] if len(tx) else np.zeros(0, dtype=bool)
    heads = np.flatnonzero(start)
    group = np.cumsum(start) - 1
    rank = np.arange(len(tx)) - heads[group] + 1
    best = rank == 1
    ev, cf, rel = evidence[order], conf[order], relation[order]
    # A runner-up with weaker evidence (no number where the best has one) is no rival; a
    # number naming an invoice whose amount does not fit is weaker than a number one typo
    # away whose amount does.
    strength = _strength(typos, relation, run, opt["kind"])[order]
    rival = ~best & (strength >= strength[heads][group])
    runner_up = _group_max(np.where(rival, cf, -1000), heads)[group]
    most = _group_max(cf, heads)[group]
    tied = best & ((runner_up >= cf - policy.ambiguity_margin) | (most > cf))
    # A named invoice the amount does not fit, while another open invoice is exactly paid:
    # a partial payment, or the wrong number typed. A person decides.
    exact_elsewhere = _group_max(np.where(~best & (rel == 0), cf, -1000), heads)[group]
    named_short = (strength == 8) & (exact_elsewhere >= cf - policy.ambiguity_margin)
    tied = tied | (best & named_short)
    # Text naming a paid invoice, or one in another currency, outweighs an amount that
    # happens to fit another invoice.
    overruled = opt["names_elsewhere"].to_numpy()[order] & (
        (ev <= 1) | ((ev == 2) & (rel != 0)))
    # Invoices that add up to the amount are a coincidence unless the payer is surely their
    # customer: a generic 'Sammelzahlung' does not say whose. Review at most.
    loose = (opt["kind"].isin(["subset", "subset_partial", "run"]).to_numpy()
             & (opt["p_payer"].to_numpy() < _SURE_PAYER))
    auto = best & (cf >= policy.auto_threshold) & ~tied & ~opt["disputed"].to_numpy()[
        order] & ~overruled & ~loose[order]
    reviewed = best & ~auto & (cf >= policy.review_threshold)
    code = np.where(auto, 2, np.where(reviewed, 1, 0))[heads][group]
    keep = ((code == 2) & best) | ((code == 1) & (rank <= policy.max_review_candidates))
    # Results go back to the options' own order: sorting the whole frame costs more.
    back = np.empty_like(order)
    back[order] = np.arange(len(order))
    return opt.assign(rank=rank[back], evidence=evidence, tied=tied[back], kept=keep[back],
                      decision=pd.Categorical.from_codes(code[back], _DECISION_CODES))


def _strength(typos: np.ndarray, relation: np.ndarray, run: np.ndarray,
              kind: pd.Series) -> np.ndarray:
    """How strongly an option's evidence pins the invoice, for judging rivals."""
    exact, fee = relation == 0, relation == 1
    return np.select([(typos == 0) & exact, (typos == 0) & fee, (typos == 1) & exact,
                      (typos == 1) & fee, typos == 0, (typos == 1) | run,
                      (kind == "subset_partial").to_numpy()], [12, 11, 10, 9, 8, 6, 0], 4)


def _ranking(opt: pd.DataFrame, named: np.ndarray, relation: np.ndarray,
             run: np.ndarray) -> np.ndarray:
    """Positions of the options grouped by payment, best first; only rivals get sorted.

    Payment, named, confidence, relation and run, then the tie-breakers, are packed into
    integers: one sort on one key is several times cheaper than a sort on eight columns.
    """
    tx = opt["tx"].to_numpy()
    several = np.bincount(tx)[tx] > 1 if len(tx) else np.zeros(0, dtype=bool)
    alone, rivals = np.flatnonzero(~several), np.flatnonzero(several)
    if not len(rivals):
        return alone
    key = (((tx[rivals] * 2 + ~named[rivals]) * 128 + 100 - opt["confidence"].to_numpy()[
        rivals]) * 4 + relation[rivals]) * 2 + ~run[rivals]
    ties, tie_bits = _tie_breaker(opt, rivals)
    if int(key.max()).bit_length() + tie_bits <= 63:
        ranked = rivals[np.argsort((key << tie_bits) | ties, kind="stable")]
    else:
        ranked = rivals[np.lexsort((ties, key))]
    return np.concatenate([alone, ranked])


def _tie_breaker(opt: pd.DataFrame, at: np.ndarray) -> tuple[np.ndarray, int]:
    """Among equals: the oldest due date, then the earliest export row, then fewer invoices.

    One integer (days, row, count) and its width in bits.
    """
    days = opt["first_due"].to_numpy()[at].astype("datetime64[D]").astype(np.int64)
    days = np.clip(days - days.min(), 0, (1 << 10) - 1)
    first = opt["first_order"].to_numpy()[at]
    row_bits = max(int(first.max()).bit_length(), 1)
    count = np.clip(opt["n_inv"].to_numpy()[at] - 1, 0, 3)
    return (((days << row_bits) | first) << 2) | count, 10 + row_bits + 2


def _group_max(values: np.ndarray, heads: np.ndarray) -> np.ndarray:
    """Maximum per run of rows starting at each head (rows sorted by group)."""
    return np.maximum.reduceat(values, heads) if len(heads) else values[:0]


def demote_claimed(opt: pd.DataFrame, rows: pd.DataFrame, policy: MatchPolicy) -> pd.DataFrame:
    """Review candidates whose invoice another payment of this run books go last.

    An invoice that another payment settles (by its number, say) is the less likely
    home of a payment that names nothing; the decision stays review, only the order of
    the candidates shown changes. Adds `claimed` per option.
    """
    auto = opt.index[opt["decision"].eq(Decision.AUTO).to_numpy() & opt["kept"].to_numpy()]
    booked = allocate(rows[rows["option"].isin(auto)], opt)
    booked = booked.assign(take=booked["applied_minor"] + booked["writeoff_minor"])[
        ["tx", "inv", "take"]]
    review = opt["decision"].eq(Decision.REVIEW).to_numpy()
    shown = rows.loc[rows["option"].isin(opt.index[review]),
                     ["tx", "option", "inv", "open_minor", "paid"]]
    hit = shown.merge(booked, on="inv", suffixes=("", "_by"))
    hit = hit[hit["tx"] != hit["tx_by"]]
    claimed = opt.index.isin(hit.loc[_no_room(hit, opt), "option"].unique())
    opt = opt.assign(claimed=claimed)
    if not claimed.any():
        return opt
    at = np.flatnonzero(review)
    order = at[np.lexsort((opt["rank"].to_numpy()[at], claimed[at], opt["tx"].to_numpy()[at]))]
    tx = opt["tx"].to_numpy()[order]
    start = np.r_[True, tx[1:] != tx[:-1]]
    heads = np.flatnonzero(start)
    group = np.cumsum(start) - 1
    new_rank = np.arange(len(order)) - heads[group] + 1
    rank, tied, kept = (opt[c].to_numpy().copy() for c in ("rank", "tied", "kept"))
    # A payment too close to call stays so whichever candidate now comes first.
    was_tied = np.maximum.reduceat(tied[order].astype(np.int8), heads)[group].astype(bool)
    rank[order], tied[order] = new_rank, was_tied & (new_rank == 1)
    kept[order] = new_rank <= policy.max_review_candidates
    return opt.assign(rank=rank, tied=tied, kept=kept)


def _no_room(hit: pd.DataFrame, opt: pd.DataFrame) -> np.ndarray:
    """Shown rows whose invoice other payments' bookings leave too little open for them.

    A first instalment booked against an invoice leaves the rest open: a second payment
    naming it still fits there. A payment of the whole amount no longer does; an invoice
    of a set of several counts as taken by any booking.
    """
    others = hit.groupby(["option", "inv"])["take"].transform("sum").to_numpy()
    left = hit["open_minor"].to_numpy() - others
    alone = opt["n_inv"].to_numpy()[opt.index.get_indexer(pd.Index(hit["option"]))] == 1
    need = np.where(alone, np.minimum(hit["paid"].to_numpy(), hit["open_minor"].to_numpy()),
                    hit["open_minor"].to_numpy())
    return np.asarray(left < need)


def allocate(rows: pd.DataFrame, opt: pd.DataFrame) -> pd.DataFrame:
    """Applied amount and fee write-off per row of each option, oldest due first."""
    # A stable sort on integers: what sort_values on the three columns gives, cheaper.
    rows = rows.iloc[np.lexsort((rows["id_order"].to_numpy(),
                                 rows["due_date"].to_numpy().view(np.int64),
                                 rows["option"].to_numpy()))]
    before = rows.groupby("option", sort=False)["open_minor"].cumsum() - rows["open_minor"]
    applied = np.clip(rows["paid"] - before, 0, rows["open_minor"])
    rows = rows.assign(applied_minor=applied.astype("int64"))
    fee_option = rows["option"].map(opt["relation"]).eq("fee")
    rows["writeoff_minor"] = np.where(fee_option, rows["open_minor"] - rows["applied_minor"], 0)
    return rows


def book(rows: pd.DataFrame, payments: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Settle automatic rows in booking order; later claims on a cleared invoice are dropped."""
    rows = rows.assign(booked=payments["booking_date"].to_numpy()[rows["tx"].to_numpy()])
    rows = rows.sort_values(["inv", "booked", "tx"], kind="stable")
    takes = rows["applied_minor"] + rows["writeoff_minor"]
    taken_before = (takes.groupby(rows["inv"]).cumsum() - takes).to_numpy()
    available = rows["open_minor"].to_numpy() - taken_before
    duplicate = rows[(available <= 0) & (rows["applied_minor"] > 0)]
    applied = np.clip(np.minimum(rows["applied_minor"].to_numpy(), available), 0, None)
    writeoff = np.clip(np.minimum(rows["writeoff_minor"].to_numpy(), available - applied), 0,
                       None)
    rows = rows.assign(applied_minor=applied, writeoff_minor=writeoff)
    rows = rows[(rows["applied_minor"] > 0) | (rows["writeoff_minor"] > 0)]
    return rows.drop(columns="booked"), duplicate.drop(columns="booked")
