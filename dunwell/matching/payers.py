"""Who is paying: customers behind a payment's IBAN and name, with learned aliases.

Evidence rows are (tx, cust, via, score): `via` is iban, alias_iban, name,
alias_name, behalf or iban_in_run; `score` is the payer-name similarity (100 for an
IBAN; for iban_in_run, 100 when the account paid one customer, less when it
paid several).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from dunwell.matching import normalise

EVIDENCE_COLUMNS = ["tx", "cust", "via", "score"]
_TOP_PER_NAME = 3
# Names sharing a payer name's words and adding some, looked at per payer name.
_LONGER_SCAN = 50
# Name comparison is the one step rapidfuzz runs on every core.
_WORKERS = -1


def iban_evidence(payments: pd.DataFrame, customers: pd.DataFrame,
                  aliases: pd.DataFrame) -> pd.DataFrame:
    """Payments whose counterparty IBAN is on file for a customer, or learned as an alias."""
    known = pd.concat([
        pd.DataFrame({"key": normalise.iban(customers["iban"]), "cust": customers["cust"],
                      "via": "iban"}),
        pd.DataFrame({"key": normalise.iban(aliases.loc[aliases["kind"] == "iban", "value"]),
                      "cust": aliases.loc[aliases["kind"] == "iban", "cust"],
                      "via": "alias_iban"}),
    ], ignore_index=True)
    known = known[known["key"].str.len() > 4].drop_duplicates(["key", "cust"])
    payer = pd.DataFrame({"tx": payments["tx"], "key": payments["iban_key"]})
    hits = payer[payer["key"] != ""].merge(known, on="key")
    return hits.assign(score=100)[EVIDENCE_COLUMNS]


def name_evidence(payments: pd.DataFrame, names: pd.DataFrame, cutoff: int,
                  behalf: bool = False, known: np.ndarray | None = None) -> pd.DataFrame:
    """Payments whose payer name is, or closely resembles, a known customer name.

    With `behalf`, the name is the party the text says the payment is for (a parent
    company paying 'on behalf of' a subsidiary); its evidence comes `via` behalf.
    """
    prefix = "behalf" if behalf else "name"
    payer = pd.DataFrame({"tx": payments["tx"], "key": payments[f"{prefix}_key"],
                          "cut": payments[f"{prefix}_cut"]})
    payer = payer[payer["key"] != ""]
    distinct = payer.sort_values(["key", "cut"]).drop_duplicates("key", keep="last")[
        ["key", "cut"]]
    exact = distinct.merge(names, on="key").assign(score=100)
    rest = distinct[~distinct["key"].isin(exact["key"])]
    fuzzy = _fuzzy_names(rest, names, cutoff)
    scored = pd.concat([exact[["key", "cust", "via", "score"]], fuzzy], ignore_index=True)
    found = payer.merge(scored, on="key")[EVIDENCE_COLUMNS]
    # Payments whose account is on file for a customer (`known`) need no look further.
    unknown = payer[~payer["tx"].isin(known if known is not None else [])]
    longer = _longer_names(pd.Series(pd.unique(unknown.loc[unknown["key"].isin(
        exact["key"]), "key"]), dtype="str"), names, cutoff)
    found = pd.concat([found, unknown.merge(longer, on="key")[EVIDENCE_COLUMNS]],
                      ignore_index=True)
    return found.assign(via="behalf") if behalf else found


def accounts_seen(payments: pd.DataFrame, invoices: pd.DataFrame,
                  hits: pd.DataFrame) -> pd.DataFrame:
    """Accounts that paid a customer's invoice by its number in this statement.

    A parent company or a payment service pays from an account nobody has on file;
    once one of its payments names an invoice and the amount fits, its other payments
    (without a number) are probably for the same customer, or one of the few it pays
    for. Evidence for every payment from such an account, weaker the more customers
    the account paid.
    """
    sure = hits[(hits["typos"] == 0) & hits["best"]]
    tx, inv = sure["tx"].to_numpy(), sure["inv"].to_numpy()
    paid = payments["amount_minor"].to_numpy()[tx]
    fits = (invoices["cur"].to_numpy()[inv] == payments["cur"].to_numpy()[tx]) & (
        (invoices["open_minor"].to_numpy()[inv] == paid)
        | (invoices["amount_minor"].to_numpy()[inv] == paid))
    # Within one currency: what an account pays in euros says little about its dollars.
    seen = pd.DataFrame({"key": payments["iban_key"].to_numpy()[tx[fits]],
                         "cur": payments["cur"].to_numpy()[tx[fits]],
                         "cust": invoices["cust"].to_numpy()[inv[fits]], "source": tx[fits]})
    seen = seen[seen["key"].str.len() > 4]
    seen = seen.groupby(["key", "cur", "cust"], as_index=False).agg(
        source=("source", "min"), sources=("source", "nunique"))
    paid_for = seen.groupby(["key", "cur"])["cust"].transform("size").to_numpy()
    seen = seen.assign(score=np.where(paid_for == 1, 100, 90))[paid_for <= _TOP_PER_NAME]
    payer = pd.DataFrame({"tx": payments["tx"], "key": payments["iban_key"],
                          "cur": payments["cur"]})
    found = payer.merge(seen, on=["key", "cur"])
    # A payment is no evidence for itself: only another payment of the account counts.
    found = found[(found["sources"] > 1) | (found["source"] != found["tx"])]
    return found.assign(via="iban_in_run")[EVIDENCE_COLUMNS]


def known_names(customers: pd.DataFrame, invoices: pd.DataFrame,
                aliases: pd.DataFrame) -> pd.DataFrame:
    """Every name a customer is known by: master data, invoices, learned aliases."""
    named = aliases[aliases["kind"] == "name"]
    frame = pd.concat([
        pd.DataFrame({"raw": customers["name"], "cust": customers["cust"], "via": "name"}),
        pd.DataFrame({"raw": invoices["customer_name"], "cust": invoices["cust"], "via": "name"}),
        pd.DataFrame({"raw": named["value"], "cust": named["cust"], "via": "alias_name"}),
    ], ignore_index=True).drop_duplicates(["raw", "cust"])
    frame["key"] = normalise.payer_name(frame["raw"])
    frame = frame[frame["key"] != ""].sort_values(["key", "cust", "via"])
    return frame.drop_duplicates(["key", "cust"])[["key", "cust", "via"]]


def _fuzzy_names(payers: pd.DataFrame, names: pd.DataFrame, cutoff: int) -> pd.DataFrame:
    """Similar names within blocks sharing the first three letters; never all pairs."""
    payer_keys = payers["key"].to_numpy()
    name_keys = names["key"].to_numpy()
    cut = payers["cut"].to_numpy()
    payer_blocks = pd.Series(payer_keys).groupby(payers["key"].str.slice(0, 3).to_numpy()).indices
    name_blocks = pd.Series(name_keys).groupby(names["key"].str.slice(0, 3).to_numpy()).indices
    payer_short = np.array([_token_heads(k) for k in payer_keys], dtype=object)
    name_short = np.array([_token_heads(k) for k in name_keys], dtype=object)
    found = [_score_block(payer_keys[rows], cut[rows], name_keys[cols], cols, cutoff,
                          (payer_short[rows], name_short[cols]))
             for block, rows in sorted(payer_blocks.items()) if block in name_blocks
             for cols in [np.asarray(name_blocks[block])]]
    rows = [f for f in found if f[0].size]
    if not rows:
        return pd.DataFrame({"key": pd.Series(dtype="str"), "cust": pd.Series(dtype="int64"),
                             "via": pd.Series(dtype="str"), "score": pd.Series(dtype="int64")})
    keys, cols, scores = (np.concatenate(part) for part in zip(*rows, strict=True))
    hits = pd.DataFrame({"key": keys, "cust": names["cust"].to_numpy()[cols],
                         "via": names["via"].to_numpy()[cols], "score": scores})
    hits = hits.sort_values(["key", "score", "cust"], ascending=[True, False, True])
    hits = hits.drop_duplicates(["key", "cust"])
    # The best few per name, and every customer tied with the last of them: among many
    # customers, equally good ones must not be cut by their place in the master.
    place = hits.groupby("key")["score"].rank(method="min", ascending=False)
    return hits[place.to_numpy() <= _TOP_PER_NAME]


def _longer_names(keys: pd.Series, names: pd.DataFrame, cutoff: int) -> pd.DataFrame:
    """Customers whose name is a payer name equal to another customer's plus words after it.

    A bank shows 'Schmid Elektro Graz' for 'Schmid Elektro Graz OG'; among many customers
    a look-alike 'Schmid Elektro Graz AG' is more and more likely, and its equal name must
    not hide the payer's own customer. Found by prefix in the sorted names, the best few.
    """
    order = np.argsort(names["key"].to_numpy().astype("str"), kind="stable")
    sorted_keys = names["key"].to_numpy().astype("str")[order]
    heads = (keys.to_numpy().astype("str") + " ").astype("str")
    lo = np.searchsorted(sorted_keys, heads, side="left")
    hi = np.searchsorted(sorted_keys, np.char.add(heads, "\uffff"), side="left")
    counts = np.minimum(hi - lo, _LONGER_SCAN)
    rows = np.repeat(np.arange(len(heads)), counts)
    at = order[np.repeat(lo, counts) + np.arange(counts.sum())
               - np.repeat(np.cumsum(counts) - counts, counts)]
    key = keys.to_numpy()[rows]
    score = process.cpdist(list(key), list(names["key"].to_numpy()[at]), scorer=fuzz.ratio,
                           dtype=np.int64, workers=_WORKERS) if len(at) else np.zeros(0, "int64")
    hits = pd.DataFrame({"key": key, "cust": names["cust"].to_numpy()[at],
                         "via": names["via"].to_numpy()[at], "score": score})
    hits = hits[hits["score"] >= cutoff].sort_values(["key", "score", "cust"],
                                                    ascending=[True, False, True])
    hits = hits.drop_duplicates(["key", "cust"])
    place = hits.groupby("key")["score"].rank(method="min", ascending=False)
    return hits[place.to_numpy() <= _TOP_PER_NAME].astype({"score": "int64"})


def _token_heads(key: str) -> str:
    """The first four letters of every word: 'klein elek sued' for an abbreviated name."""
    return " ".join(word[:4] for word in key.split(" "))


def _score_block(payers: np.ndarray, cut: np.ndarray, names: np.ndarray, name_pos: np.ndarray,
                 cutoff: int, heads: tuple[np.ndarray, np.ndarray]
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ratio of whole names; a cut or abbreviated name is also compared cut and by word heads.

    A name that several customers share, or that invoices repeat, is scored once and its
    scores copied to each of its columns (1M blind: 75k distinct of 125k names)."""
    distinct, first, back = np.unique(names, return_index=True, return_inverse=True)
    # Scores below what could count (after rounding to whole points) come back as 0: the
    # cut-offs let rapidfuzz skip work.
    scores = process.cdist(payers.tolist(), distinct.tolist(), scorer=fuzz.ratio, dtype=np.uint8,
                           score_cutoff=cutoff - 0.5, workers=_WORKERS)[:, back]
    if cut.any():
        partial = process.cdist(payers[cut].tolist(), distinct.tolist(), scorer=fuzz.partial_ratio,
                                dtype=np.uint8, score_cutoff=min(cutoff + 7.5, 100),
                                workers=_WORKERS)[:, back].astype(int)
        by_heads = process.cdist(heads[0][cut].tolist(), heads[1][first].tolist(),
                                 scorer=fuzz.ratio, dtype=np.uint8,
                                 score_cutoff=min(cutoff + 5.5, 100),
                                 workers=_WORKERS)[:, back].astype(int)
        # A shortened name is good evidence, never proof: it stays below an exact name.
        shortened = np.maximum(partial - 8, by_heads - 6)
        scores[cut] = np.maximum(scores[cut], np.clip(shortened, 0, 100))
    rows, cols = np.nonzero(scores >= cutoff)
    return payers[rows], name_pos[cols], scores[rows, cols].astype("int64")
