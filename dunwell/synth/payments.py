"""Turn planned cases into statement rows and the ground truth behind them."""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz.distance import OSA

from dunwell.synth import names as nm
from dunwell.synth import remittance as rm
from dunwell.synth.ledger import german_ibans
from dunwell.synth.statement import EXPECTED

_EXACT_LIKE = {"exact_reference", "partial_payment", "bank_fee", "overpayment",
               "duplicate_payment", "already_paid", "disputed_invoice", "foreign_currency",
               "multi_invoice_listed", "parent_pays"}
_NO_REFERENCE = {"no_reference", "name_upper", "name_abbreviation", "name_suffix_dropped",
                 "name_truncated", "equal_amounts"}
# Share of parents paying without the invoice number who name the subsidiary.
BEHALF_SHARE = 0.75
_SCALE = {"EUR": 1.0, "USD": 1.1, "GBP": 0.85, "CHF": 0.95, "IDR": 17000.0}
_FX = {"EUR": ("USD", 1.08), "USD": ("EUR", 0.93), "GBP": ("EUR", 1.17), "CHF": ("EUR", 1.05),
       "IDR": ("USD", 0.000064)}


def link_table(links: pd.DataFrame, cases: np.ndarray, invoices: pd.DataFrame,
               customers: pd.DataFrame) -> pd.DataFrame:
    """One row per (payment, invoice) with what the payer knows about both."""
    inv = invoices.iloc[links["inv_row"].to_numpy()].reset_index(drop=True)
    table = pd.concat([links[["tx_no"]].reset_index(drop=True),
                       inv[["invoice_id", "customer_id", "currency", "amount_minor",
                            "open_minor"]]], axis=1)
    table["case_kind"] = cases[table["tx_no"].to_numpy()]
    master = customers.set_index("customer_id")[["name", "iban", "language"]]
    return table.join(master, on="customer_id")


def references(rng: np.random.Generator, table: pd.DataFrame) -> tuple[pd.Series, np.ndarray]:
    """The invoice number as each payer wrote it, or a generic text when none; and which
    rows name the customer a parent pays for instead."""
    case, ref = table["case_kind"], table["invoice_id"]
    out = pd.Series(rm.pick(rng, rm.GENERIC_TEXT, len(table)), index=table.index, dtype="str")
    lead = pd.Series(rm.pick(rng, ["", "", "", "RE ", "Payment ", "Zahlung ", "EREF+"],
                             len(table)), index=table.index, dtype="str")
    roll = rng.random(len(table))
    exact = case.isin(_EXACT_LIKE) & ~(case.eq("parent_pays") & (roll < 0.3))
    out[exact] = (lead + ref)[exact]
    # Most parents paying without the number say whom they pay for.
    behalf = case.eq("parent_pays") & (roll < 0.3 * BEHALF_SHARE)
    out[behalf] = rm.on_behalf(rng, table.loc[behalf, "name"], table.loc[behalf, "language"])
    for kind, variant in (("reference_no_dashes", rm.no_dashes),
                          ("reference_zeros_dropped", rm.zeros_dropped)):
        out[case.eq(kind)] = variant(ref[case.eq(kind)])
    typo = case.eq("reference_typo")
    out[typo] = rm.with_typo(rng, ref[typo])
    pre = case.eq("reference_prefixed")
    out[pre] = rm.prefixed(rng, ref[pre], table.loc[pre, "language"])
    batch = case.eq("multi_invoice_unlisted")
    out[batch] = rm.pick(rng, rm.BATCH_TEXT, int(batch.sum()))
    return out, behalf.to_numpy()


def payer_names(rng: np.random.Generator, first: pd.DataFrame,
                parents: pd.DataFrame) -> pd.Series:
    """The counterparty name as the bank shows it, mangled as the case demands."""
    name, case = first["name"], first["case_kind"]
    roll = rng.random(len(first))
    out = name.where(roll < 0.2, nm.bank_spelling(name).where(roll < 0.7, nm.upper_case(name)))
    for kind, variant in (("name_upper", nm.upper_case), ("name_abbreviation", nm.abbreviated),
                          ("name_suffix_dropped", nm.suffix_dropped),
                          ("name_truncated", nm.truncated)):
        out[case.eq(kind)] = variant(name[case.eq(kind)])
    parent = case.eq("parent_pays")
    out[parent] = first.loc[parent, "customer_id"].map(
        parents.drop_duplicates("customer_id").set_index("customer_id")["parent_name"])
    return out.astype("str")


def payer_ibans(rng: np.random.Generator, first: pd.DataFrame,
                parents: pd.DataFrame) -> pd.Series:
    """The payer's account: usually the one on file, sometimes another, sometimes none."""
    n = len(first)
    unknown = pd.Series(german_ibans(rng.integers(10**17, 10**18 - 1, size=n)), index=first.index)
    roll = rng.random(n)
    on_file = first["iban"].ne("") & (roll < 0.85)
    out = unknown.where(roll < 0.95, "").where(~on_file, first["iban"])
    by_name = first["case_kind"].str.startswith("name_")
    out[by_name] = unknown.where(roll < 0.5, "")[by_name]
    parent = first["case_kind"].eq("parent_pays")
    out[parent] = first.loc[parent, "customer_id"].map(
        parents.drop_duplicates("customer_id").set_index("customer_id")["parent_iban"])
    return out.astype("str")


def amounts(rng: np.random.Generator, first: pd.DataFrame, total_open: pd.Series,
            gross: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Paid amount and currency: short, fee-deducted, over, converted, as the case says."""
    case, currency = first["case_kind"], first["currency"]
    scale = currency.map(_SCALE)
    paid = total_open.copy()
    partial = case.eq("partial_payment")
    paid[partial] = np.round(total_open * rng.uniform(0.3, 0.8, len(first)))[partial]
    fee = np.minimum(np.round(rng.uniform(0.5, 15.0, len(first)) * 100 * scale),
                     np.floor(total_open * 0.04)).clip(lower=1)
    paid[case.eq("bank_fee")] = (total_open - fee)[case.eq("bank_fee")]
    extra = np.round(rng.uniform(1.0, 200.0, len(first)) * 100 * scale)
    paid[case.eq("overpayment")] = (total_open + extra)[case.eq("overpayment")]
    paid[case.eq("already_paid")] = gross[case.eq("already_paid")]
    foreign = case.eq("foreign_currency")
    rate = currency.map({c: r for c, (_, r) in _FX.items()})
    paid[foreign] = np.round(total_open * rate)[foreign]
    paid_currency = currency.where(~foreign, currency.map({c: t for c, (t, _) in _FX.items()}))
    return paid.astype("int64"), paid_currency.astype("str")


def truth_rows(table: pd.DataFrame, paid: pd.Series, open_invoices: pd.DataFrame,
               unreferenced: np.ndarray) -> pd.DataFrame:
    """What each payment really was: the invoices it settles and the amount each gets.

    `unreferenced` marks payments of other kinds whose text names no invoice either
    (a parent paying without the number): they follow the same rule as the kinds
    that never carry one.
    """
    applied = table["open_minor"].copy()
    partial = table["case_kind"].eq("partial_payment")
    applied[partial] = table.loc[partial, "tx_no"].map(paid)
    applied[table["case_kind"].isin(["already_paid", "duplicate_payment",
                                     "foreign_currency"])] = 0
    expected = table["case_kind"].map(EXPECTED).fillna("auto")
    twins = open_invoices.duplicated(["customer_id", "currency", "open_minor"], keep=False)
    clash = open_invoices.loc[twins, ["customer_id", "currency", "open_minor"]].drop_duplicates()
    key = ["customer_id", "currency", "open_minor"]
    clashing = table[key].merge(clash.assign(hit=True), on=key, how="left")["hit"].fillna(False)
    no_ref = table["case_kind"].isin(_NO_REFERENCE).to_numpy() | unreferenced
    # A mistyped number as near to another of the payer's invoices of the amount as to
    # the right one names neither.
    near = _near_typos(table, open_invoices)
    typo_toss = table.index.isin(near.loc[near.duplicated("row", keep=False), "row"])
    coin_toss = (no_ref & clashing.to_numpy().astype(bool)) | typo_toss
    expected[coin_toss] = "review"
    # An unlisted batch that another run of the payer's invoices adds up to as well
    # cannot be told apart without the payment advice: a clerk proposes the oldest run.
    runs = _twin_runs(table, paid, open_invoices)
    expected[table["tx_no"].isin(runs["tx_no"]).to_numpy()] = "review"
    # Without a reference, payer and clerk settle the oldest of identical invoices first,
    # of those no other payment of the statement pays by its number (a duplicate's
    # first leg among them).
    paid_by_number = (expected.eq("auto") | table["case_kind"].eq("duplicate_payment")
                      ).to_numpy() & ~no_ref
    by_number = table.loc[paid_by_number, ["invoice_id", "tx_no"]]
    toss = table.loc[coin_toss, ["tx_no", *key]].reset_index(names="row")
    found = toss.merge(open_invoices[[*key, "invoice_id", "due_date"]], on=key).merge(
        by_number.rename(columns={"tx_no": "by"}), on="invoice_id", how="left")
    found = found[found["by"].isna() | (found["by"] == found["tx_no"])]
    # For a mistyped number, only the invoices one typo from it.
    is_near = found.merge(near.assign(near=True), on=["row", "invoice_id"], how="left")["near"]
    found = found[~found["row"].isin(near["row"]).to_numpy() | is_near.notna().to_numpy()]
    oldest = found.sort_values(["row", "due_date", "invoice_id"]).drop_duplicates("row")
    invoice_id = table["invoice_id"].where(
        ~coin_toss, pd.Series(oldest["invoice_id"].to_numpy(), index=oldest["row"].to_numpy())
        .reindex(table.index).fillna(table["invoice_id"]))
    truth = pd.DataFrame({"tx_no": table["tx_no"], "invoice_id": invoice_id,
                          "applied_minor": applied.astype("int64"),
                          "case_kind": table["case_kind"], "expected": expected})
    chosen = _oldest_free_run(runs, by_number)
    chosen = chosen.assign(applied_minor=chosen["open_minor"].astype("int64"),
                           case_kind="multi_invoice_unlisted", expected="review")
    return pd.concat([truth[~truth["tx_no"].isin(chosen["tx_no"])], chosen[truth.columns]],
                     ignore_index=True).sort_values("tx_no", kind="stable", ignore_index=True)


def _near_typos(table: pd.DataFrame, open_invoices: pd.DataFrame) -> pd.DataFrame:
    """(row, invoice_id) for mistyped numbers and the payer's open invoices of the paid amount
    one typo from them (the right one among them)."""
    key = ["customer_id", "currency", "open_minor"]
    typo = table[table["case_kind"].eq("reference_typo")]
    pairs = typo[[*key, "ref_text"]].reset_index(names="row").merge(
        open_invoices[[*key, "invoice_id"]], on=key)
    typed = pairs["ref_text"].str.replace(r"\D", "", regex=True).tolist()
    numbers = pairs["invoice_id"].str.replace(r"\D", "", regex=True).tolist()
    distance = np.asarray([OSA.distance(a, b) for a, b in zip(typed, numbers, strict=True)],
                          dtype=np.int64)
    return pairs.loc[distance <= 1, ["row", "invoice_id"]].reset_index(drop=True)


def _runs(open_invoices: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every run of 2-4 consecutive open invoices of a customer in a currency (by due
    date, then export row): its account key, sum, first position and size; and the
    invoices in that order."""
    ordered = open_invoices.sort_values(["customer_id", "currency", "due_date"],
                                        kind="stable").reset_index(drop=True)
    key = (ordered["customer_id"] + "|" + ordered["currency"]).to_numpy()
    total = ordered["open_minor"].to_numpy().cumsum()
    windows = []
    for size in range(2, 5):
        ends = np.flatnonzero(np.r_[np.zeros(min(size - 1, len(key)), dtype=bool),
                                    key[size - 1:] == key[:len(key) - size + 1]])
        before = np.where(ends >= size, total[np.maximum(ends - size, 0)], 0)
        windows.append(pd.DataFrame({"key": key[ends], "sum": total[ends] - before,
                                     "start": ends - size + 1, "size": size}))
    return pd.concat(windows, ignore_index=True), ordered


def _twin_runs(table: pd.DataFrame, paid: pd.Series,
               open_invoices: pd.DataFrame) -> pd.DataFrame:
    """The runs each unlisted batch adds up to, for batches more than one run adds up to:
    one row per (tx_no, run, invoice) with start (position by age), size and open_minor."""
    windows, ordered = _runs(open_invoices)
    first = table[table["case_kind"].eq("multi_invoice_unlisted")].drop_duplicates("tx_no")
    wanted = pd.DataFrame({"tx_no": first["tx_no"].to_numpy(),
                           "key": (first["customer_id"] + "|" + first["currency"]).to_numpy(),
                           "sum": first["tx_no"].map(paid).to_numpy(dtype="int64")})
    found = wanted.merge(windows, on=["key", "sum"])
    found = found[found.groupby("tx_no")["start"].transform("size") > 1]
    members = found.loc[found.index.repeat(found["size"])].reset_index(names="run")
    members["pos"] = members["start"] + members.groupby("run").cumcount()
    members["invoice_id"] = ordered["invoice_id"].to_numpy()[members["pos"].to_numpy()]
    members["open_minor"] = ordered["open_minor"].to_numpy()[members["pos"].to_numpy()]
    return members[["tx_no", "run", "start", "size", "invoice_id", "open_minor"]]


def _oldest_free_run(runs: pd.DataFrame, taken: pd.DataFrame) -> pd.DataFrame:
    """(tx_no, invoice_id, open_minor) of each batch's oldest run without an invoice
    another payment settles; `taken` holds (invoice_id, tx_no) of those payments."""
    other = runs.merge(taken.rename(columns={"tx_no": "by"}), on="invoice_id")
    free = runs[~runs["run"].isin(other.loc[other["by"] != other["tx_no"], "run"])]
    oldest = free.sort_values(["tx_no", "start", "size"]).drop_duplicates("tx_no")["run"]
    return free[free["run"].isin(oldest)][["tx_no", "invoice_id", "open_minor"]]
