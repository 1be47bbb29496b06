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

_RELATION_ORDER = {"exact": 0, "fee": 1, "short": 2, "over": 3}


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
    fits = opt["relation"].isin(["exact", "fee"])
    named = (((opt["typos"] == 0) | ((opt["typos"] == 1) & fits))
             & ~opt["contradicted"]).to_numpy()
    relation = opt["relation"].map(_RELATION_ORDER).to_numpy()
    order = np.lexsort((opt["n_inv"].to_numpy(), opt["first_order"].to_numpy(),
                        opt["first_due"].to_numpy(), (opt["kind"] != "run").to_numpy(),
                        relation, -opt["confidence"].to_numpy(), ~named, opt["tx"].to_numpy()))
    opt = opt.iloc[order]
    opt["rank"] = opt.groupby("tx", sort=False).cumcount() + 1
    best = opt["rank"] == 1
    # Strength of evidence: a number in the text, a typo'd number or a run of consecutive
    # invoices, amounts, a partial search.
    opt["evidence"] = np.select([opt["typos"] == 0, (opt["typos"] == 1) | (opt["kind"] == "run"),
                                 opt["kind"] == "subset_partial"], [3, 2, 0], 1)
    best_evidence = opt["tx"].map(opt.loc[best].set_index("tx")["evidence"])
    # A runner-up with weaker evidence (no number where the best has one) is no rival.
    rivals = opt[~best & (opt["evidence"] >= best_evidence)]
    runner = rivals.groupby("tx")["confidence"].max()
    runner_up = opt["tx"].map(runner).fillna(-1000)
    most = opt["tx"].map(opt.groupby("tx")["confidence"].max())
    opt["tied"] = best & ((runner_up >= opt["confidence"] - policy.ambiguity_margin)
                          | (most > opt["confidence"]))
    # Text naming a paid invoice, or one in another currency, outweighs an amount that
    # happens to fit another invoice.
    overruled = opt["names_elsewhere"] & ((opt["evidence"] <= 1) | (
        (opt["evidence"] == 2) & (opt["relation"] != "exact")))
    auto = best & (opt["confidence"] >= policy.auto_threshold) & ~opt["tied"] & ~opt[
        "disputed"] & ~overruled
    reviewed = best & ~auto & (opt["confidence"] >= policy.review_threshold)
    tx_decision = pd.Series(np.where(auto, "auto", np.where(reviewed, "review", "")),
                            index=opt.index)[best]
    tx_decision.index = opt.loc[best, "tx"].to_numpy()
    opt["decision"] = opt["tx"].map(tx_decision).fillna("")
    keep = ((opt["decision"] == "auto") & best) | (
        (opt["decision"] == "review") & (opt["rank"] <= policy.max_review_candidates))
    opt["kept"] = keep
    return opt


def allocate(rows: pd.DataFrame, opt: pd.DataFrame) -> pd.DataFrame:
    """Applied amount and fee write-off per row of each option, oldest due first."""
    rows = rows.sort_values(["option", "due_date", "id_order"], kind="stable")
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
