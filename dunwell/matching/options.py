"""Options per payment: one invoice, the invoices its text lists, or a subset by amount.

Each option is a set of rows (tx, option, inv) with the facts scoring needs:
the number hit (typos), the payer evidence for the invoice's customer, and
the invoice's open amount, due date and dispute flag.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from dunwell.matching import candidates, normalise, subsets
from dunwell.matching.joins import pair_keys
from dunwell.matching.policy import MatchPolicy

ROW_COLUMNS = ["tx", "option", "inv", "typos", "kind"]
OPTION_KINDS = ["single", "listed", "run", "subset", "subset_partial"]
# What the candidate and subset searches read of an open invoice.
_OPEN_COLUMNS = ["inv", "cust", "cur", "currency", "open_minor", "due_date", "id_order"]
# Scoring counts a name hint from 60 on; 59.5 rounds up to 60.
_HINT_FLOOR = 59.5


def build(payments: pd.DataFrame, invoices: pd.DataFrame, hits: pd.DataFrame,
          payers: pd.DataFrame, policy: MatchPolicy) -> pd.DataFrame:
    """All options as rows (tx, option, inv, typos, kind)."""
    # Only the columns the searches read: filtering the text columns too costs more.
    open_inv = invoices.loc[invoices["is_open"].to_numpy(), _OPEN_COLUMNS]
    open_hits = _same_currency_open(hits, payments, invoices)
    listed = _listed(open_hits)
    by_payer = candidates.by_customer_amount(payments, payers, open_inv, policy)
    settled_payers = _payer_settled(payments, invoices, hits, payers, by_payer)
    by_amount = candidates.by_amount_only(payments, open_inv, settled_payers)
    singles = pd.concat([open_hits[["tx", "inv", "typos"]], by_payer, by_amount],
                        ignore_index=True)
    singles = singles.assign(order=singles["typos"].where(singles["typos"] >= 0, 9))
    pair = pair_keys(singles["tx"].to_numpy(), singles["inv"].to_numpy())
    first = np.lexsort((singles["order"].to_numpy(), pair))
    keep = first[np.r_[True, pair[first][1:] != pair[first][:-1]]] if len(first) else first
    singles = singles.iloc[keep]
    in_group = pair_keys(listed["tx"].to_numpy(), listed["inv"].to_numpy())
    singles = singles[~np.isin(pair[keep], in_group)]
    exact = invoices["open_minor"].to_numpy()[singles["inv"].to_numpy()] == payments[
        "amount_minor"].to_numpy()[singles["tx"].to_numpy()]
    # A text announcing several invoices is searched for sets even when one invoice has
    # the amount.
    several = payments["several"].to_numpy()[singles["tx"].to_numpy()]
    settled = singles.loc[(exact & ~several) | (singles["typos"] >= 0).to_numpy(), "tx"]
    # Another customer's invoice of the same amount does not settle a known payer's batch.
    settled = settled[~settled.isin(by_amount["tx"])]
    lonely = payers[payers["p"] >= 0.6]
    lonely = lonely[~lonely["tx"].isin(settled) & ~lonely["tx"].isin(hits["tx"])]
    found = subsets.find(payments, lonely, open_inv, policy.max_subset_invoices,
                         policy.max_subset_size)
    return _number(singles, listed, found)


def _payer_settled(payments: pd.DataFrame, invoices: pd.DataFrame, hits: pd.DataFrame,
                   payers: pd.DataFrame, by_payer: pd.DataFrame) -> np.ndarray:
    """Payments whose text names an invoice, whose payer is sure, or fits a payer's invoice.

    The rest, payers known by a look-alike name only (a parent company, say), may also
    meet other customers' invoices of the identical amount.
    """
    exact = invoices["open_minor"].to_numpy()[by_payer["inv"].to_numpy()] == payments[
        "amount_minor"].to_numpy()[by_payer["tx"].to_numpy()]
    # Payments are numbered 0..n-1: a mask is linear where set unions sort.
    settled = np.zeros(len(payments), dtype=bool)
    settled[payers["tx"].to_numpy()[payers["strong"].to_numpy()]] = True
    settled[hits["tx"].to_numpy()] = True
    settled[by_payer["tx"].to_numpy()[exact]] = True
    return np.flatnonzero(settled)


def _same_currency_open(hits: pd.DataFrame, payments: pd.DataFrame,
                        invoices: pd.DataFrame) -> pd.DataFrame:
    inv, tx = hits["inv"].to_numpy(), hits["tx"].to_numpy()
    keep = invoices["is_open"].to_numpy()[inv] & (
        invoices["cur"].to_numpy()[inv] == payments["cur"].to_numpy()[tx])
    kept: pd.DataFrame = hits[keep]
    return kept


def _listed(open_hits: pd.DataFrame) -> pd.DataFrame:
    """Invoices a payment's text lists, when it names two or more, one per number."""
    best = open_hits[open_hits["best"]]
    single = best.groupby("tok")["inv"].transform("size") == 1
    best = best[single].drop_duplicates(["tx", "inv"])
    several = best.groupby("tx")["inv"].transform("size") >= 2
    return best[several][["tx", "inv", "typos"]]


def _number(singles: pd.DataFrame, listed: pd.DataFrame, found: pd.DataFrame) -> pd.DataFrame:
    """Give every option a number, deterministic in the input."""
    one = singles.assign(kind="single", option=np.arange(len(singles)))
    base = len(singles)
    group_no = pd.factorize(listed["tx"])[0] if len(listed) else np.zeros(0, dtype="int64")
    many = listed.assign(kind="listed", option=base + group_no)
    base += int(group_no.max()) + 1 if len(listed) else 0
    pair = found["tx"].astype("int64") * 1_000_000 + found["option"].astype("int64")
    subset_no = pd.factorize(pair)[0] if len(found) else np.zeros(0, dtype="int64")
    some = found.assign(kind=np.where(found["how"] == "run", "run", np.where(
        found["complete"], "subset", "subset_partial")),
                        option=base + subset_no, typos=-1)
    rows = pd.concat([one[ROW_COLUMNS], many[ROW_COLUMNS], some[ROW_COLUMNS]],
                     ignore_index=True)
    return rows.astype({"tx": "int64", "option": "int64", "inv": "int64", "typos": "int64",
                        "kind": pd.CategoricalDtype(OPTION_KINDS)})


def enrich(rows: pd.DataFrame, payments: pd.DataFrame, invoices: pd.DataFrame,
           payers: pd.DataFrame) -> pd.DataFrame:
    """Add what scoring needs: invoice facts, the paid amount, payer evidence."""
    inv, tx = rows["inv"].to_numpy(), rows["tx"].to_numpy()
    out = rows.copy()
    # Taken as arrays: text stays in Arrow instead of a round trip through Python objects.
    for col in ("invoice_id", "cust", "currency", "open_minor", "due_date", "disputed",
                "n_alike", "id_order"):
        out[col] = invoices[col].array.take(inv)
    out["paid"] = payments["amount_minor"].to_numpy()[tx]
    out["chance"] = candidates.amount_chance(
        payments, invoices.loc[invoices["is_open"].to_numpy(), ["cur", "open_minor"]])[tx]
    out["several"] = payments["several"].to_numpy()[tx]
    ev = payers[["tx", "cust", "p", "via", "name_score", "iban_via"]]
    out = out.merge(ev, on=["tx", "cust"], how="left")
    out["p"] = out["p"].fillna(0.0)
    out["name_score"] = out["name_score"].fillna(0).astype("int64")
    out["via"] = out["iban_via"].where(out["iban_via"].fillna("") != "", out["via"]).fillna("")
    out["contradicted"] = _contradicted(out, payers)
    out["name_hint"] = _name_hint(out, payments, invoices)
    return out.rename(columns={"p": "p_payer"}).drop(columns="iban_via")


def _contradicted(rows: pd.DataFrame, payers: pd.DataFrame) -> np.ndarray:
    """Rows of a customer other than the one the payer surely is.

    An invoice number the text names exactly outranks the payer's name: a third party
    paying a named invoice is normal (parents, factoring, payroll providers). Only an
    IBAN on file for another customer speaks against it.
    """
    other = (rows["p"].to_numpy() == 0) & rows["tx"].isin(
        payers.loc[payers["strong"], "tx"].unique()).to_numpy()
    by_iban = rows["tx"].isin(
        payers.loc[payers["strong"] & (payers["iban_via"] != ""), "tx"].unique()).to_numpy()
    named = rows["typos"].to_numpy() == 0
    return np.asarray(other & (~named | by_iban))


def _name_hint(rows: pd.DataFrame, payments: pd.DataFrame, invoices: pd.DataFrame) -> np.ndarray:
    """For invoices of customers nobody named: how much the payer name still resembles
    the invoice's customer name (0-100), whole and by word heads ('Zimmermann Anla.').

    Too weak to identify a payer, enough to order candidates that only the amount found.
    """
    hint = np.zeros(len(rows), dtype=np.int64)
    unknown = np.flatnonzero((rows["p"].to_numpy() == 0) & ~rows["contradicted"].to_numpy())
    if not len(unknown):
        return hint
    payer = payments["name_key"].to_numpy()[rows["tx"].to_numpy()[unknown]]
    named = normalise.payer_name(pd.Series(
        invoices["customer_name"].to_numpy()[rows["inv"].to_numpy()[unknown]], dtype="str"))
    # Below 60 (after rounding) a resemblance adds nothing: rapidfuzz may skip those pairs.
    whole = process.cpdist(list(payer), named.tolist(), scorer=fuzz.ratio, dtype=np.int64,
                           score_cutoff=_HINT_FLOOR, workers=-1)
    heads = process.cpdist(list(_heads(pd.Series(payer, dtype="str"))), list(_heads(named)),
                           scorer=fuzz.ratio, dtype=np.int64, score_cutoff=_HINT_FLOOR,
                           workers=-1)
    hint[unknown] = np.maximum(whole, heads)
    return hint


def _heads(names: pd.Series) -> np.ndarray:
    """The first four letters of every word, once per distinct name."""
    return normalise.per_distinct(names, lambda d: d.map(
        lambda name: " ".join(word[:4] for word in name.split(" "))))
