"""reconcile(): payments in, links, discrepancies and the invoices after booking out.

A pure function of its inputs: no I/O, no clock, same input, same output.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionArray

from dunwell.frames import minor_to_text, positions
from dunwell.matching import (
    allocation,
    candidates,
    discrepancies,
    normalise,
    options,
    payers,
    references,
    scoring,
)
from dunwell.matching.joins import pair_keys
from dunwell.matching.policy import MatchPolicy
from dunwell.model import Decision, InvoiceStatus

# Names this long were probably cut by a bank field; a word with a dot was shortened.
_FIELD_WIDTH_HINT = 27
_ABBREVIATED = r"\b[^\W\d_]{3,}\.(?:\s|$)"
MATCH_FRAME = ["transaction_id", "invoice_id", "applied_minor", "currency", "confidence",
               "decision", "reasons", "rank"]


@dataclass(frozen=True)
class Reconciliation:
    """What one matching run found.

    Attributes:
      matches: transaction_id, invoice_id, applied_minor, currency, confidence,
        decision (auto | review), reasons, rank (1 = best; review items list all
        ranked candidates, an option of several invoices shares one rank).
      discrepancies: kind, transaction_id, invoice_id, amount_minor, currency, detail.
      invoices_after: the invoices with open_minor reduced by automatic bookings and
        a `cleared_by_run` flag.
      unapplied: transaction_id, unapplied_minor of every incoming payment.
    """

    matches: pd.DataFrame
    discrepancies: pd.DataFrame
    invoices_after: pd.DataFrame
    unapplied: pd.DataFrame


def reconcile(invoices: pd.DataFrame, transactions: pd.DataFrame, customers: pd.DataFrame,
              policy: MatchPolicy, aliases: pd.DataFrame | None = None) -> Reconciliation:
    """Match incoming payments to open invoices; book the sure ones, propose the rest."""
    ids = _customer_codes(invoices, customers, aliases)
    inv = _prepare_invoices(invoices, ids)
    pay = _prepare_payments(transactions)
    inv["cur"], pay["cur"] = _currency_codes(inv["currency"], pay["currency"])
    cust = pd.DataFrame({
        "cust": _code_of(ids, customers["customer_id"]),
        "name": _text(customers["name"].fillna("").astype("str")),
        "iban": _text(customers.get("iban", pd.Series("", index=customers.index)).fillna("")
                      .astype("str"))})
    alias = _prepare_aliases(aliases, ids)
    # The master's name stands in where the invoice export leaves the name out.
    master = cust.drop_duplicates("cust").set_index("cust")["name"]
    inv["customer_name"] = inv["customer_name"].where(
        inv["customer_name"] != "", inv["cust"].map(master).fillna(""))
    names = payers.known_names(cust, inv, alias)
    by_iban = payers.iban_evidence(pay, cust, alias)
    evidence = pd.concat([
        by_iban,
        payers.name_evidence(pay, names, policy.name_score_cutoff,
                             known=by_iban["tx"].to_numpy()),
        payers.name_evidence(pay, names, policy.name_score_cutoff, behalf=True),
    ], ignore_index=True)
    strength = candidates.payer_strength(evidence, policy.name_score_cutoff)
    hits = references.find(pay, references.invoice_keys(inv), inv, strength)
    strength = _with_accounts_seen(strength, evidence, payers.accounts_seen(pay, inv, hits),
                                   policy.name_score_cutoff)
    del evidence, cust, alias, names, by_iban
    rows = options.enrich(options.build(pay, inv, hits, strength, policy), pay, inv, strength)
    fee = candidates.fee_tolerance(rows["currency"], policy)
    scored = scoring.option_scores(rows, fee, policy.bank_fee_max_percent)
    scored["names_elsewhere"] = scored["tx"].isin(_named_elsewhere(hits, pay, inv, strength))
    opt = allocation.demote_claimed(allocation.decide(scored, policy), rows, policy)
    kept = rows[rows["option"].isin(opt.index[opt["kept"]])]
    # Reasons only for the options shown; the rest never reach matches.csv.
    opt = opt[opt["kept"]]
    opt = opt.assign(bad_iban=pay["iban_bad"].to_numpy()[opt["tx"].to_numpy()])
    opt = opt.assign(reasons=scoring.reasons(opt, kept))
    del scored, fee
    rows = rows[["tx", "option", "inv", "invoice_id", "currency", "open_minor", "due_date",
                 "id_order", "paid"]]
    return _assemble(pay, inv, hits, rows, opt, invoices, strength)


def _with_accounts_seen(strength: pd.DataFrame, evidence: pd.DataFrame, seen: pd.DataFrame,
                        cutoff: int) -> pd.DataFrame:
    """Payer strength again for the payments an account seen in this run speaks for.

    Only where it adds something: an IBAN on file already names its customer.
    """
    on_file = evidence[evidence["via"].isin(["iban", "alias_iban"])]
    seen = seen[~pd.Series(pair_keys(seen["tx"].to_numpy(), seen["cust"].to_numpy())).isin(
        pair_keys(on_file["tx"].to_numpy(), on_file["cust"].to_numpy())).to_numpy()]
    if seen.empty:
        return strength
    touched = seen["tx"].unique()
    again = candidates.payer_strength(pd.concat(
        [evidence[evidence["tx"].isin(touched)], seen], ignore_index=True), cutoff)
    # Same order as payer_strength gives: payment, then customer, descending.
    return pd.concat([strength[~strength["tx"].isin(touched)], again],
                     ignore_index=True).sort_values(["tx", "cust"], ascending=False,
                                                    ignore_index=True)


def _named_elsewhere(hits: pd.DataFrame, pay: pd.DataFrame, inv: pd.DataFrame,
                     payers: pd.DataFrame) -> np.ndarray:
    """Payments whose text names, exactly, a paid invoice or the payer's in another currency."""
    exact = hits[hits["typos"] == 0]
    i, t = exact["inv"].to_numpy(), exact["tx"].to_numpy()
    same = inv["cur"].to_numpy()[i] == pay["cur"].to_numpy()[t]
    # A paid invoice counts only if the payment repeats its amount: typos hit paid numbers too.
    repeats = inv["amount_minor"].to_numpy()[i] == pay["amount_minor"].to_numpy()[t]
    own = pd.Series(pair_keys(t, inv["cust"].to_numpy()[i])).isin(
        pair_keys(payers["tx"].to_numpy(), payers["cust"].to_numpy())).to_numpy()
    named = (inv["is_settled"].to_numpy()[i] & same & repeats) | (
        inv["is_open"].to_numpy()[i] & ~same & own)
    return np.unique(t[named])


def _assemble(pay: pd.DataFrame, inv: pd.DataFrame, hits: pd.DataFrame, rows: pd.DataFrame,
              opt: pd.DataFrame, invoices: pd.DataFrame, strength: pd.DataFrame
              ) -> Reconciliation:
    kept = rows[rows["option"].isin(opt.index[opt["kept"]])]
    allocated = allocation.allocate(kept, opt)
    auto = allocated[allocated["option"].map(opt["decision"]).eq(Decision.AUTO)]
    booked, duplicates = allocation.book(auto, pay)
    review = allocated[allocated["option"].map(opt["decision"]).eq(Decision.REVIEW)]
    matches = _matches(booked, review, opt, pay)
    # Payments are numbered 0..n-1: a count per payment is linear where a union sorts.
    booked_tx = np.flatnonzero(np.bincount(np.concatenate(
        [booked["tx"].to_numpy(), duplicates["tx"].to_numpy()]), minlength=len(pay)))
    found = [*discrepancies.from_booking(booked, duplicates, pay),
             *discrepancies.from_review(opt, rows, pay),
             *discrepancies.from_unmatched(pay, booked_tx, review["tx"].unique(), hits, inv,
                                           strength)]
    issues = pd.concat(found, ignore_index=True).astype({"amount_minor": "Int64"})
    return Reconciliation(matches, _sorted_issues(issues, pay),
                          _invoices_after(invoices, booked), _unapplied(pay, booked))


def _matches(booked: pd.DataFrame, review: pd.DataFrame, opt: pd.DataFrame,
             pay: pd.DataFrame) -> pd.DataFrame:
    rows = pd.concat([booked, review], ignore_index=True)
    at = opt.index.get_indexer(pd.Index(rows["option"]))
    rank = opt["rank"].to_numpy()[at]
    order = np.lexsort((rows["id_order"].to_numpy(), rows["due_date"].to_numpy(), rank,
                        rows["tx"].to_numpy()))
    rows, at, rank = rows.iloc[order], at[order], rank[order]
    out = pd.DataFrame({
        "transaction_id": pay["transaction_id"].array.take(rows["tx"].to_numpy()),
        "invoice_id": rows["invoice_id"].array,
        "applied_minor": rows["applied_minor"].to_numpy(dtype="int64"),
        "currency": rows["currency"].array,
        "confidence": opt["confidence"].to_numpy(dtype="int64")[at],
        "decision": opt["decision"].array.take(at),
        "reasons": opt["reasons"].array.take(at),
        "rank": rank.astype("int64")})
    text = ("transaction_id", "invoice_id", "currency", "decision", "reasons")
    return out[MATCH_FRAME].astype({c: "str" for c in text}).reset_index(drop=True)


def _sorted_issues(issues: pd.DataFrame, pay: pd.DataFrame) -> pd.DataFrame:
    # Every issue is a payment's: its position is its number.
    order = positions(pay["transaction_id"], issues["transaction_id"])
    issues = issues.assign(_o=order).sort_values(["_o", "kind", "invoice_id"],
                                                           kind="stable")
    return issues[discrepancies.DISCREPANCY_FRAME].astype(
        {c: "str" for c in ("kind", "transaction_id", "invoice_id", "currency", "detail")}
    ).reset_index(drop=True)


def _invoices_after(invoices: pd.DataFrame, booked: pd.DataFrame) -> pd.DataFrame:
    taken = (booked["applied_minor"] + booked["writeoff_minor"]).groupby(booked["inv"]).sum()
    reduction = np.zeros(len(invoices), dtype="int64")
    reduction[taken.index.to_numpy()] = taken.to_numpy()
    out = invoices.copy()
    before = out["open_minor"].to_numpy(dtype="int64")
    out["open_minor"] = before - reduction
    out["cleared_by_run"] = (reduction > 0) & (out["open_minor"].to_numpy() <= 0)
    return out


def _unapplied(pay: pd.DataFrame, booked: pd.DataFrame) -> pd.DataFrame:
    spent = booked.groupby("tx")["applied_minor"].sum().reindex(pay["tx"]).fillna(0)
    return pd.DataFrame({"transaction_id": pay["transaction_id"].to_numpy(),
                         "unapplied_minor": pay["amount_minor"].to_numpy()
                         - spent.to_numpy(dtype="int64")})


def to_contract_frames(rec: Reconciliation) -> tuple[pd.DataFrame, pd.DataFrame]:
    """matches.csv and discrepancies.csv frames: the contract's columns, decimal strings."""
    m = rec.matches
    matches = pd.DataFrame({
        "transaction_id": m["transaction_id"], "invoice_id": m["invoice_id"],
        "applied_amount": minor_to_text(m["applied_minor"], m["currency"]),
        "confidence": m["confidence"].astype("int64"), "decision": m["decision"],
        "reasons": m["reasons"]})
    d = rec.discrepancies
    amount = pd.Series("", index=d.index, dtype="str")
    has = d["amount_minor"].notna()
    if has.any():
        amount[has] = minor_to_text(d.loc[has, "amount_minor"].astype("int64"),
                                    d.loc[has, "currency"])
    found = pd.DataFrame({"kind": d["kind"], "transaction_id": d["transaction_id"],
                          "invoice_id": d["invoice_id"], "amount": amount, "detail": d["detail"]})
    return matches, found


def _customer_codes(invoices: pd.DataFrame, customers: pd.DataFrame,
                    aliases: pd.DataFrame | None) -> pd.Series:
    """Every customer id once, in order of appearance: a customer's code is its position."""
    every = [customers["customer_id"], invoices["customer_id"]]
    if aliases is not None:
        every.append(aliases["customer_id"])
    return pd.Series(pd.unique(pd.concat(every, ignore_index=True).astype("str")))


def _code_of(ids: pd.Series, customer_ids: pd.Series) -> np.ndarray:
    """The code of each customer id, every one of them among `ids`; looked up as objects,
    since Series.map over Arrow strings is several times slower."""
    return positions(ids, customer_ids.astype("str")).astype("int64")


def _currency_codes(*columns: pd.Series) -> list[np.ndarray]:
    """One small integer per currency, shared by the frames: compared without strings."""
    factorized = [pd.factorize(c, use_na_sentinel=False) for c in columns]
    every = sorted(set().union(*(set(distinct) for _, distinct in factorized)))
    lookup = {c: i for i, c in enumerate(every)}
    return [np.array([lookup[c] for c in distinct], dtype=np.int16)[codes]
            for codes, distinct in factorized]


def _prepare_invoices(invoices: pd.DataFrame, ids: pd.Series) -> pd.DataFrame:
    status = pd.Series(normalise.per_distinct(
        invoices["status"], lambda d: d.str.strip().str.lower().replace("", "open")))
    open_minor = invoices["open_minor"].to_numpy(dtype="int64")
    inv = pd.DataFrame({
        "inv": np.arange(len(invoices)),
        "invoice_id": _text(invoices["invoice_id"].astype("str")),
        "cust": _code_of(ids, invoices["customer_id"]),
        "customer_name": _text(invoices.get("customer_name", pd.Series("", index=invoices.index))
                               .fillna("").astype("str")),
        "currency": _text(invoices["currency"].astype("str")),
        "open_minor": open_minor, "amount_minor": invoices["amount_minor"].to_numpy(dtype="int64"),
        "due_date": pd.to_datetime(invoices["due_date"]).fillna(pd.Timestamp.max).to_numpy(),
        "disputed": invoices.get("disputed", pd.Series(False, index=invoices.index))
        .fillna(False).astype(bool).to_numpy(),
        "is_open": ((status == InvoiceStatus.OPEN) & (open_minor > 0)).to_numpy(),
        "is_settled": ((status == InvoiceStatus.PAID)
                       | ((status == InvoiceStatus.OPEN) & (open_minor <= 0))).to_numpy(),
    })
    # Ties between equal candidates go to the earlier row of the export: cheap and stable.
    inv["id_order"] = inv["inv"]
    alike = inv.loc[inv["is_open"].to_numpy(), ["inv", "cust", "currency", "open_minor"]].groupby(
        ["cust", "currency", "open_minor"])["inv"].transform("size")
    inv["n_alike"] = alike.reindex(inv.index).fillna(0).astype("int64")
    return inv


def _prepare_payments(transactions: pd.DataFrame) -> pd.DataFrame:
    incoming = transactions[transactions["amount_minor"].to_numpy(dtype="int64") > 0]
    def text(col: str) -> pd.Series:
        blank = pd.Series("", index=incoming.index)
        return incoming.get(col, blank).fillna("").astype("str")

    names = text("counterparty_name")
    behalf = normalise.on_behalf(text("remittance_info"))
    iban_key = normalise.iban(text("counterparty_iban"))
    # A payer IBAN that fails its checksum is a typo or garbage: no evidence, still money.
    iban_bad = normalise.iban_fails_checksum(iban_key)
    return pd.DataFrame({
        "tx": np.arange(len(incoming)),
        "transaction_id": _text(incoming["transaction_id"].astype("str")),
        "booking_date": pd.to_datetime(incoming["booking_date"]).to_numpy(),
        "amount_minor": incoming["amount_minor"].to_numpy(dtype="int64"),
        "currency": _text(incoming["currency"].astype("str")),
        "name_key": _text(normalise.payer_name(names)),
        "name_cut": _shortened(names),
        "behalf_key": _text(normalise.payer_name(behalf)),
        "behalf_cut": _shortened(behalf),
        "iban_key": _text(iban_key.where(~iban_bad, "")),
        "iban_bad": iban_bad,
        "remittance_info": _text(text("remittance_info")),
        "several": normalise.says_several(text("remittance_info")),
    })


def _text(values: pd.Series) -> ExtensionArray | np.ndarray:
    """A text column for a new frame: its Arrow array as it is, since a round trip through
    Python objects costs more than the rest of the frame; empty, as objects, the column
    type pandas gives an empty frame."""
    return values.array if len(values) else values.to_numpy()


def _shortened(names: pd.Series) -> np.ndarray:
    """Payer names that look cut by a bank field or abbreviated, judged once per name."""
    return normalise.per_distinct(names, lambda d: (d.str.len() >= _FIELD_WIDTH_HINT)
                                  | d.str.contains(_ABBREVIATED)).astype(bool)


def _prepare_aliases(aliases: pd.DataFrame | None, ids: pd.Series) -> pd.DataFrame:
    if aliases is None or aliases.empty:
        return pd.DataFrame({"cust": pd.Series(dtype="int64"), "kind": pd.Series(dtype="str"),
                             "value": pd.Series(dtype="str")})
    out = aliases[["customer_id", "kind", "value"]].astype("str")
    return pd.DataFrame({"cust": _code_of(ids, out["customer_id"]),
                         "kind": out["kind"].str.lower().to_numpy(),
                         "value": out["value"].to_numpy()})
