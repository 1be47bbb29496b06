"""Invoice numbers found in remittance text: exact, or one typo away.

Typos are found with a deletion neighbourhood (symmetric delete): a key and
every key with one digit deleted, on both sides, joined on integers. Only
tokens that nothing confirms (same currency and the amount or the payer
agreeing) are searched for typos, and a typo hit is kept only when the amount
or the payer agrees, which keeps the neighbourhood small.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz import process
from rapidfuzz.distance import OSA

from dunwell.matching import normalise
from dunwell.matching.joins import equi_join, first_of_pairs, pair_keys, sorted_index

HIT_COLUMNS = ["tx", "inv", "typos", "tok", "best"]
_MIN_TYPO_DIGITS = 6


def invoice_keys(invoices: pd.DataFrame) -> pd.DataFrame:
    """Both number keys of every invoice, by position."""
    full, short = normalise.number_keys(invoices["invoice_id"])
    return pd.DataFrame({"inv": np.arange(len(invoices)), "full": full, "short": short})


def find(payments: pd.DataFrame, keys: pd.DataFrame, invoices: pd.DataFrame,
         payers: pd.DataFrame) -> pd.DataFrame:
    """(tx, inv, typos, tok, best) for every invoice number a payment's text names.

    `best` marks the hits with the fewest typos for their token.
    """
    tokens = normalise.remittance_tokens(payments["remittance_info"])
    if tokens.empty and not (keys["full"] % 32 < normalise.MIN_DIGITS).any():
        return pd.DataFrame({c: pd.Series(dtype="int64") for c in HIT_COLUMNS}).astype(
            {"best": bool})
    tx = payments["tx"].to_numpy()[tokens["row"].to_numpy()]
    full, short = tokens["full"].to_numpy(), tokens["short"].to_numpy()
    a, b = equi_join(full, keys["full"].to_numpy())
    # A number short of MIN_DIGITS ('P-410') is named only as printed (_short_ids): with
    # zeros dropped, amounts ('41.00') and dates shrink to such numbers, and among many
    # invoices one of them exists. No token's key is -3.
    long_enough = keys["full"].to_numpy() % 32 >= normalise.MIN_DIGITS
    c, d = equi_join(short, np.where(long_enough, keys["short"].to_numpy(), -3))
    exact = pd.DataFrame({"tok": np.concatenate([a, c]), "inv": np.concatenate([b, d])})
    exact = exact[first_of_pairs(exact["tok"].to_numpy(), exact["inv"].to_numpy())]
    exact = exact.assign(tx=tx[exact["tok"].to_numpy()], typos=0)
    agree = _agrees(exact, payments, invoices, payers)
    # A number of another customer than the one the payer surely is may be a typo of
    # one of the payer's own numbers, even when its amount fits.
    confirmed = exact.loc[agree & ~_contradicted(exact, invoices, payers), "tok"].to_numpy()
    unconfirmed = np.ones(len(tokens), dtype=bool)
    unconfirmed[confirmed] = False
    doubtful = np.flatnonzero(unconfirmed)
    doubtful = doubtful[(full[doubtful] % 32 >= _MIN_TYPO_DIGITS)
                        & ~tokens["date"].to_numpy()[doubtful]]
    typos = _one_typo(doubtful, full, keys)
    typos = typos.assign(tx=tx[typos["tok"].to_numpy()], typos=1)
    typos = typos[_agrees(typos, payments, invoices, payers)]
    # A number of the payer's whose amount does not fit may be a typo of one that does:
    # an open one, or a paid one whose amount does not fit either (a payment of a paid
    # invoice's amount is reported as already paid).
    fits = _amount_fits(exact, payments, invoices)
    still_open = invoices["is_open"].to_numpy()[exact["inv"].to_numpy()]
    gross_fits = invoices["amount_minor"].to_numpy()[exact["inv"].to_numpy()] == payments[
        "amount_minor"].to_numpy()[exact["tx"].to_numpy()]
    unsure = exact[agree & ~fits & (still_open | ~gross_fits)]
    unsure = unsure[~unsure["tok"].isin(exact.loc[fits, "tok"])]
    fitting = _fitting_neighbours(unsure, full, keys, payments, invoices)
    short_ids = _short_ids(payments, keys, invoices, len(tokens))
    hits = pd.concat([exact, typos, fitting.assign(typos=1), short_ids], ignore_index=True)
    tok, inv = hits["tok"].to_numpy(), hits["inv"].to_numpy()
    hits = hits.iloc[np.lexsort((hits["typos"].to_numpy(), inv, tok))]
    hits = hits[first_of_pairs(hits["tok"].to_numpy(), hits["inv"].to_numpy())]
    hits["best"] = hits["typos"] == hits.groupby("tok")["typos"].transform("min")
    return hits[HIT_COLUMNS].reset_index(drop=True)


def _short_ids(payments: pd.DataFrame, keys: pd.DataFrame, invoices: pd.DataFrame,
               first_tok: int) -> pd.DataFrame:
    """Invoices numbered with fewer digits than a number search needs ('R-102'), named in
    the text exactly as printed: a reference whatever its length. Never searched for typos.

    Token numbers start at `first_tok`, after the number tokens'.
    """
    digits = keys["full"].to_numpy() % 32
    short = (keys["full"].to_numpy() >= 0) & (digits >= 1) & (digits < normalise.MIN_DIGITS)
    if not short.any():
        return pd.DataFrame({c: pd.Series(dtype="int64") for c in ["tok", "inv", "tx", "typos"]})
    ids = pd.DataFrame({"inv": keys["inv"].to_numpy()[short], "word": normalise.compact_id(
        pd.Series(invoices["invoice_id"].to_numpy()[short], dtype="str")).to_numpy()})
    words = normalise.remittance_words(payments["remittance_info"],
                                       int(ids["word"].str.len().max()))
    found = words.merge(ids, on="word")
    tok = first_tok + pd.factorize(found["row"].astype("str") + " " + found["word"])[0]
    return pd.DataFrame({"tok": tok, "inv": found["inv"].to_numpy(),
                         "tx": payments["tx"].to_numpy()[found["row"].to_numpy()], "typos": 0})


def _agrees(hits: pd.DataFrame, payments: pd.DataFrame, invoices: pd.DataFrame,
            payers: pd.DataFrame) -> np.ndarray:
    """Hits in the payment's currency whose amount (open or gross) or payer agrees."""
    tx, inv = hits["tx"].to_numpy(), hits["inv"].to_numpy()
    paid = payments["amount_minor"].to_numpy()[tx]
    same_currency = invoices["cur"].to_numpy()[inv] == payments["cur"].to_numpy()[tx]
    amount = (invoices["open_minor"].to_numpy()[inv] == paid) | (
        invoices["amount_minor"].to_numpy()[inv] == paid)
    known = pair_keys(payers["tx"].to_numpy(), payers["cust"].to_numpy())
    customer = pd.Series(pair_keys(tx, invoices["cust"].to_numpy()[inv])).isin(known).to_numpy()
    return np.asarray(same_currency & (amount | customer))


def _contradicted(hits: pd.DataFrame, invoices: pd.DataFrame,
                  payers: pd.DataFrame) -> np.ndarray:
    """Hits whose payment has a sure payer (IBAN on file, name alike) and whose invoice is
    another customer's."""
    strong = payers[payers["strong"]]
    tx = hits["tx"].to_numpy()
    sure = np.isin(tx, strong["tx"].to_numpy())
    own = pd.Series(pair_keys(tx, invoices["cust"].to_numpy()[hits["inv"].to_numpy()])).isin(
        pair_keys(strong["tx"].to_numpy(), strong["cust"].to_numpy())).to_numpy()
    return np.asarray(sure & ~own)


def _amount_fits(hits: pd.DataFrame, payments: pd.DataFrame,
                 invoices: pd.DataFrame) -> np.ndarray:
    """Hits whose invoice is open for exactly the paid amount, in the payment's currency."""
    tx, inv = hits["tx"].to_numpy(), hits["inv"].to_numpy()
    return np.asarray(
        (invoices["open_minor"].to_numpy()[inv] == payments["amount_minor"].to_numpy()[tx])
        & (invoices["cur"].to_numpy()[inv] == payments["cur"].to_numpy()[tx]))


def _fitting_neighbours(unsure: pd.DataFrame, full: np.ndarray, keys: pd.DataFrame,
                        payments: pd.DataFrame, invoices: pd.DataFrame) -> pd.DataFrame:
    """(tok, inv, tx): open invoices of the named invoice's customer, open for exactly the
    paid amount, whose number is one typo from the token.

    Starts from the amount, not from the number's neighbourhood: a customer has few open
    invoices of one amount, while a number has dozens of neighbours.
    """
    inv = unsure["inv"].to_numpy()
    want = pd.DataFrame({"tok": unsure["tok"].to_numpy(), "tx": unsure["tx"].to_numpy(),
                         "cust": invoices["cust"].to_numpy()[inv],
                         "cur": payments["cur"].to_numpy()[unsure["tx"].to_numpy()],
                         "open_minor": payments["amount_minor"].to_numpy()[
                             unsure["tx"].to_numpy()]}).drop_duplicates(["tok", "cust"])
    open_inv = invoices.loc[invoices["is_open"], ["inv", "cust", "cur", "open_minor"]]
    pairs = want.merge(open_inv[open_inv["open_minor"].isin(want["open_minor"])],
                       on=["cust", "cur", "open_minor"])
    token_digits = _digits(full[pairs["tok"].to_numpy()])
    invoice_digits = _digits(keys["full"].to_numpy()[pairs["inv"].to_numpy()])
    distance = process.cpdist(token_digits, invoice_digits, scorer=OSA.distance) if len(
        pairs) else np.zeros(0, dtype=np.int64)
    fitting: pd.DataFrame = pairs.loc[np.asarray(distance) == 1, ["tok", "inv", "tx"]]
    return fitting


def _digits(number_keys: np.ndarray) -> list[str]:
    """The digit string of each number key, leading zeros restored."""
    return [str(k // 32).zfill(k % 32) for k in number_keys.tolist()]


def _digit_at(keys: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """The digit at position `pos` (0 = first) of each number key."""
    length = keys % 32
    return np.asarray((keys // 32) // np.power(10, (length - 1 - pos).astype(np.int64)) % 10)


def _one_typo(doubtful: np.ndarray, full: np.ndarray, keys: pd.DataFrame) -> pd.DataFrame:
    """Invoices one substitution, transposition, lost or extra digit away from a token."""
    inv_full = keys["full"].to_numpy()
    long_enough = inv_full % 32 >= _MIN_TYPO_DIGITS - 1
    inv_kept = inv_full[long_enough]
    tokens = full[doubtful]
    tsrc, tpos, tkey = normalise.deletions(tokens)
    isrc, ipos, ikey = normalise.deletions(inv_kept)
    # Ten deletions per invoice number; only those equal to a token or to one of its
    # deletions can join: found by hash, the rest are never sorted (1M invoices: 1.5 s).
    can_join = pd.Index(np.unique(np.concatenate([tokens, tkey]))).get_indexer(ikey) >= 0
    isrc, ipos, ikey = isrc[can_join], ipos[can_join], ikey[can_join]
    inv_ids = keys["inv"].to_numpy()[long_enough][isrc]
    by_deletion = sorted_index(ikey)  # once for both joins on them
    lost_t, lost_i = equi_join(tokens, ikey, by_deletion)
    extra_t, extra_i = equi_join(tkey, inv_full)
    swap_t, swap_i = equi_join(tkey, ikey, by_deletion)
    # One digit out of each at the same place: a substitution. At neighbouring places, a
    # swapped pair only when it is the same digit; otherwise the numbers differ in two.
    shift = np.abs(tpos[swap_t].astype(np.int16) - ipos[swap_i])
    near = shift == 0
    moved = np.flatnonzero(shift == 1)
    t_at, i_at = swap_t[moved], swap_i[moved]
    near[moved] = _digit_at(tokens[tsrc[t_at]], tpos[t_at]) == _digit_at(
        inv_kept[isrc[i_at]], ipos[i_at])
    found = pd.DataFrame({
        "tok": np.concatenate([doubtful[lost_t], doubtful[tsrc[extra_t]],
                               doubtful[tsrc[swap_t[near]]]]),
        "inv": np.concatenate([inv_ids[lost_i], keys["inv"].to_numpy()[extra_i],
                               inv_ids[swap_i[near]]]),
    })
    kept: pd.DataFrame = found[first_of_pairs(found["tok"].to_numpy(), found["inv"].to_numpy())]
    return kept
