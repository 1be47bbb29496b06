"""Confidence of each option (one invoice, or several together) and why, in words.

Confidence is 100 x P(right customer) x P(right invoice of that customer):
independent evidence of the customer (number in text, IBAN, payer name,
identical amount) is combined as 1 - prod(1 - p); the invoice is then fixed
by its number, or by its amount among the customer's open invoices. An amount alone
counts only as far as it is rare among the open invoices of its currency.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dunwell.matching import candidates

_P_REF = {0: 0.95, 1: 0.85}
# An open invoice named exactly, paid short or over: booked even from an unknown payer
# (0.95 x 0.96 rounds to 91), yet below a number one typo away that the amount fits.
_NAMED_UNFIT = 0.96
# Odds, before the amount is seen, that a payment from nobody we know pays a given open
# invoice by its amount alone, against one coincidence expected at that amount: 1 to 20.
_AMOUNT_ALONE_ODDS = 0.05
# How the paid amount relates to the option's open amount, best first.
RELATIONS = ["exact", "fee", "short", "over"]


def option_scores(rows: pd.DataFrame, fee_minor: np.ndarray, fee_percent: float) -> pd.DataFrame:
    """Per option: amount relation, confidence 0-100 and the facts the reasons cite."""
    grouped = rows.assign(has_ref=(rows["typos"] >= 0).astype("int64")).groupby(
        "option", sort=False)
    opt = grouped.agg(tx=("tx", "first"), kind=("kind", "first"), paid=("paid", "first"),
                      open_sum=("open_minor", "sum"), typos=("typos", "min"),
                      n_ref=("has_ref", "sum"),
                      p_payer=("p_payer", "min"), contradicted=("contradicted", "max"),
                      disputed=("disputed", "max"), first_due=("due_date", "min"),
                      first_order=("id_order", "min"), n_inv=("inv", "size"),
                      n_alike=("n_alike", "max"), currency=("currency", "first"),
                      name_hint=("name_hint", "max"), several=("several", "first"),
                      chance=("chance", "first"))
    # Few distinct values over millions of options: categories sort and copy as integers.
    opt = opt.astype({"kind": "category", "currency": "category"})
    opt["fee_minor"] = pd.Series(fee_minor, index=rows.index).groupby(rows["option"]).first()
    short = opt["open_sum"] - opt["paid"]
    code = np.select(
        [short == 0, (short > 0) & (short <= opt["fee_minor"])
         & (short * 100 <= opt["open_sum"] * fee_percent), short > 0], [0, 1, 2], 3)
    opt["relation"] = pd.Categorical.from_codes(code, pd.Index(RELATIONS))
    opt["confidence"] = _confidence(opt)
    return opt


def round_unit(fee_minor: np.ndarray) -> np.ndarray:
    """What counts as a round sum, in minor units: a hundred euros' worth.

    The bank-fee tolerance sets each currency's scale (15 EUR, 250,000 IDR); a hundred
    euros is 20/3 of it, taken to the nearest power of ten: 100.00 EUR, 1,000,000 IDR,
    10,000 JPY. Every rupiah amount is whole thousands: 100 rupiah are no round sum.
    """
    scale = np.maximum(fee_minor.astype(np.float64) * 20 / 3, 1.0)
    return np.power(10, np.round(np.log10(scale))).astype(np.int64)


def _confidence(opt: pd.DataFrame) -> np.ndarray:
    fits = opt["relation"].isin(["exact", "fee"]).to_numpy()
    typos = opt["typos"].to_numpy()
    has_ref = typos >= 0
    round_sum = (opt["paid"].to_numpy() % round_unit(opt["fee_minor"].to_numpy())) == 0
    p_ref = np.where(typos == 0, _P_REF[0], np.where(typos == 1, _P_REF[1], 0.0))
    p_amount = np.where(opt["relation"].eq("exact"), np.where(round_sum, 0.4, 0.8),
                        np.where(opt["relation"].eq("fee"), 0.6, 0.0))
    subset = opt["kind"].isin(["subset", "subset_partial", "run"]).to_numpy()
    # A text announcing several invoices ('Sammelzahlung') backs a set of invoices that
    # adds up, and speaks against one invoice found by its amount alone.
    several = opt["several"].to_numpy(dtype=bool)
    p_amount = np.where(subset, np.where(several, 0.8, 0.5), p_amount)
    alone = (opt["p_payer"].to_numpy() == 0) & ~has_ref & ~subset
    p_amount = np.where(alone, np.minimum(p_amount, _amount_alone(opt)), p_amount)
    customer = 1 - (1 - p_ref) * (1 - opt["p_payer"].to_numpy()) * (1 - p_amount)
    customer = np.where(opt["contradicted"].to_numpy(), customer * 0.5, customer)
    # Identical open invoices of one customer do not make that customer less likely:
    # any of them settles the debt. They tie with each other, so none is booked alone.
    # An open invoice named exactly is the strongest evidence there is, whatever was paid:
    # an instalment, a round sum too much, a fee kept by a bank (booked with the difference).
    # An overpayment is a small excess (rounded up, a fee added, a credit kept): money
    # exceeding what the named invoices are open for by more than that amount again and by
    # more than twenty bank fees is something else sharing the number (an insurer's claim,
    # an order): a person decides.
    excess = opt["paid"].to_numpy() - opt["open_sum"].to_numpy()
    far_over = (excess > opt["open_sum"].to_numpy()) & (excess > 20 * opt["fee_minor"].to_numpy())
    invoice = np.select(
        [has_ref & (typos == 0) & fits, has_ref & (typos == 0) & far_over,
         has_ref & (typos == 0), has_ref & fits, has_ref,
         subset & (opt["kind"].eq("subset_partial") | round_sum), opt["kind"].eq("run"),
         subset, opt["relation"].eq("exact"), opt["relation"].eq("fee")],
        [0.995, 0.85, _NAMED_UNFIT, 0.97, 0.85, 0.85, 0.95, 0.95, 0.97, 0.80], 0.0)
    complete = subset & ~opt["kind"].eq("subset_partial").to_numpy()
    invoice = np.where(several & complete, np.maximum(invoice, 0.98), invoice)
    invoice = np.where(several & ~subset & ~has_ref, invoice * 0.8, invoice)
    # A payer name that merely resembles the customer's orders candidates found by amount
    # alone; it adds at most 5 points, never enough to book.
    hint = np.clip(opt["name_hint"].to_numpy() - 50, 0, 50) // 10
    score: np.ndarray = np.clip(np.round(100 * customer * invoice) + np.where(
        (opt["p_payer"].to_numpy() == 0) & ~has_ref, hint, 0), 0, 100).astype("int64")
    return score


def _amount_alone(opt: pd.DataFrame) -> np.ndarray:
    """How likely an unknown payer is the customer of an open invoice of its amount.

    The amount names a customer only as far as no other open invoice is likely to have it
    by chance: among more invoices more coincide, so the same match means less in a larger
    ledger. A payer name that resembles the customer's, too weak alone to name a payer, is
    independent evidence beside it.
    """
    chance = opt["chance"].to_numpy()
    by_amount = _AMOUNT_ALONE_ODDS / (_AMOUNT_ALONE_ODDS + chance)
    hint = opt["name_hint"].to_numpy()
    by_name = np.where(hint > 0, candidates.name_probability(hint), 0.0)
    return np.asarray(1 - (1 - by_amount) * (1 - by_name))


# A proposal with these words clears its invoices when accepted: the bank kept the rest.
FEE_REASON = "bank fee deducted"
_AMOUNT_TEXT = ["{n} consecutive open invoices add up to the amount",
                "{n} open invoices add up to the amount", "amount exact, {n} open invoices alike",
                "amount exact", FEE_REASON, "paid short", "paid over"]
_PAYER_TEXT = ["payer looks like another customer", "IBAN on file", "IBAN learned from review",
               "payer name learned from review", "payer = customer", "payer ~ customer {n}",
               "payer unknown", "account paid this customer by invoice no. in this statement",
               "paid on behalf of customer", "paid on behalf of ~ customer {n}"]


def reasons(opt: pd.DataFrame, rows: pd.DataFrame) -> pd.Series:
    """Short text per option: what matched, e.g. 'invoice no. in text (1 typo); amount exact'.

    Options are reduced to a few small integers first, so text is built once per pattern.
    """
    facts = rows.groupby("option", sort=False).agg(via=("via", "first"),
                                                   score=("name_score", "max")).reindex(opt.index)
    codes = pd.DataFrame({
        "ref": np.select([opt["n_ref"] > 1, opt["typos"] == 0, opt["typos"] == 1],
                         [opt["n_ref"], 0, -1], -2),
        "amount": np.select(
            [opt["kind"].eq("run"), opt["kind"].isin(["subset", "subset_partial"]),
             opt["relation"].eq("exact") & (opt["n_alike"] > 1), opt["relation"].eq("exact"),
             opt["relation"].eq("fee"), opt["relation"].eq("short")], [0, 1, 2, 3, 4, 5], 6),
        "count": np.where(opt["kind"].eq("run") | opt["kind"].isin(["subset", "subset_partial"]),
                          opt["n_inv"], opt["n_alike"]),
        "payer": np.select(
            [opt["contradicted"].to_numpy(), facts["via"].eq("iban"),
             facts["via"].eq("alias_iban"), facts["via"].eq("alias_name"),
             facts["via"].eq("behalf") & (facts["score"] >= 100), facts["via"].eq("behalf"),
             facts["score"] >= 100, facts["score"] > 0, facts["via"].eq("iban_in_run")],
            [0, 1, 2, 3, 8, 9, 4, 5, 7], 6),
        "score": facts["score"].fillna(0).astype("int64"),
        "disputed": opt["disputed"].astype(bool),
        "claimed": opt["claimed"].astype(bool) if "claimed" in opt else False,
        "several": opt["several"].astype(bool) & opt["kind"].isin(
            ["subset", "subset_partial", "run"]),
        "bad_iban": opt["bad_iban"].astype(bool) if "bad_iban" in opt else False,
    }, index=opt.index)
    patterns = codes.drop_duplicates().reset_index(drop=True)
    patterns["text"] = [_reason_text(*row) for row in patterns.itertuples(index=False)]
    text = codes.merge(patterns, on=list(codes.columns), how="left")["text"]
    return pd.Series(text.to_numpy(), index=opt.index, dtype="str")


def _reason_text(ref: int, amount: int, count: int, payer: int, score: int,
                 disputed: bool, claimed: bool, several: bool, bad_iban: bool) -> str:
    parts = {-2: [], -1: ["invoice no. in text (1 typo)"], 0: ["invoice no. in text"]}.get(
        ref, [f"{ref} invoice nos. in text"])
    parts.append(_AMOUNT_TEXT[amount].format(n=count))
    if several:
        parts.append("text announces several invoices")
    parts.append(_PAYER_TEXT[payer].format(n=score))
    if disputed:
        parts.append("invoice disputed")
    if claimed:
        parts.append("invoice booked for another payment in this run")
    if bad_iban:
        parts.append("payer IBAN fails its checksum: ignored")
    return "; ".join(parts)
