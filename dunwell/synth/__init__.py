"""Synthetic customers, invoices and a noisy bank statement, with the ground truth.

`generate` is deterministic in its seed and vectorised, so the demo, the tests and
the benchmarks share one realistic data set at any size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from dunwell.synth import ledger, payments, statement


@dataclass(frozen=True, slots=True)
class SynthData:
    """A generated world.

    Attributes:
      customers: customer master (dunwell.frames.CUSTOMER_COLUMNS).
      invoices: invoice export (INVOICE_COLUMNS), as it stood before the statement.
      transactions: bank statement rows (TRANSACTION_COLUMNS), no customer_id.
      truth: transaction_id, invoice_id, applied_minor, case_kind and expected
        (auto, review or none): what a careful clerk would book; `ask` where nothing in
        the payment tells the invoice from others (the payer has to be asked).
      parents: customer_id, parent_name, parent_iban of companies paying for others.
    """

    customers: pd.DataFrame
    invoices: pd.DataFrame
    transactions: pd.DataFrame
    truth: pd.DataFrame
    parents: pd.DataFrame


def generate(seed: int, n_customers: int, n_invoices: int, as_of: date,
             n_transactions: int | None = None) -> SynthData:
    """Generate customers, invoices and a statement of about n_transactions rows."""
    rng = np.random.default_rng(seed)
    n_tx = n_transactions if n_transactions is not None else max(20, round(n_invoices * 0.27))
    customers = ledger.customers(rng, n_customers)
    raw = ledger.invoices(rng, customers, n_invoices, as_of)
    cases = statement.plan_cases(rng, n_tx)
    links = statement.pick_targets(rng, raw, cases)
    invoices = _settle_ledger(rng, raw, links, cases, as_of)
    links = _drop_twins(links, cases, invoices)
    parents = _parents(rng, customers, links, invoices, cases)
    table = payments.link_table(links, cases, invoices, customers)
    transactions, truth = _statement(rng, table, cases, invoices, parents, as_of)
    return SynthData(customers, invoices, transactions, truth, parents)


def _settle_ledger(rng: np.random.Generator, raw: pd.DataFrame, links: pd.DataFrame,
                   cases: np.ndarray, as_of: date) -> pd.DataFrame:
    """Statuses by age; paid-in-statement invoices stay open, planted cases set up."""
    rows = links["inv_row"].to_numpy()
    kind = cases[links["tx_no"].to_numpy()]
    keep_open = np.zeros(len(raw), dtype=bool)
    keep_open[rows[kind != "already_paid"]] = True
    invoices = ledger.assign_status(rng, raw, keep_open, as_of)
    paid_before = rows[kind == "already_paid"]
    invoices.loc[paid_before, "status"] = "paid"
    invoices.loc[paid_before, "open_minor"] = 0
    invoices.loc[rows[kind == "disputed_invoice"], "disputed"] = True
    _plant_twins(invoices, links[kind == "equal_amounts"])
    return invoices


def _plant_twins(invoices: pd.DataFrame, pairs: pd.DataFrame) -> None:
    """Give the later of two invoices the earlier one's amount: a true coin toss.

    The later one keeps its own due date (already the later one): moving it would
    put it inside another run of the customer's invoices that a batch pays.
    """
    ordered = pairs.assign(due=invoices["due_date"].to_numpy()[pairs["inv_row"].to_numpy()])
    ordered = ordered.sort_values(["tx_no", "due", "inv_row"])
    first = ordered.groupby("tx_no")["inv_row"].first()
    second = ordered.groupby("tx_no")["inv_row"].last()
    cols = ["currency", "amount_minor", "open_minor"]
    invoices.loc[second.to_numpy(), cols] = invoices.loc[first.to_numpy(), cols].to_numpy()


def _drop_twins(links: pd.DataFrame, cases: np.ndarray, invoices: pd.DataFrame) -> pd.DataFrame:
    """An equal-amounts payment pays the older twin only; the younger stays open."""
    twin = cases[links["tx_no"].to_numpy()] == "equal_amounts"
    due = invoices["due_date"].to_numpy()[links["inv_row"].to_numpy()]
    ordered = links.assign(due=due, twin=twin).sort_values(["tx_no", "due", "inv_row"])
    younger = ordered["twin"] & ordered.duplicated("tx_no", keep="first")
    return links.drop(index=ordered.index[younger]).reset_index(drop=True)


def _parents(rng: np.random.Generator, customers: pd.DataFrame, links: pd.DataFrame,
             invoices: pd.DataFrame, cases: np.ndarray) -> pd.DataFrame:
    """Parent companies: every customer in a parent_pays case has one, plus a few more."""
    kind = cases[links["tx_no"].to_numpy()]
    rows = links["inv_row"].to_numpy()[kind == "parent_pays"]
    paying = np.unique(invoices["customer_id"].to_numpy()[rows])
    others = customers["customer_id"].to_numpy()
    others = others[~pd.Series(others).isin(paying).to_numpy()]
    more = rng.choice(others, size=min(len(others), len(customers) // 40), replace=False)
    return ledger.parents(rng, np.concatenate([paying, np.sort(more)]), customers["name"])


def _statement(rng: np.random.Generator, table: pd.DataFrame, cases: np.ndarray,
               invoices: pd.DataFrame, parents: pd.DataFrame,
               as_of: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Statement rows for the invoice cases plus unrelated money, and the truth."""
    table["ref_text"], behalf = payments.references(rng, table)
    joiner = _join_references(rng, table)
    first = table.groupby("tx_no").first()
    total_open = table.groupby("tx_no")["open_minor"].sum()
    gross = table.groupby("tx_no")["amount_minor"].sum()
    paid, currency = payments.amounts(rng, first, total_open, gross)
    rows = pd.DataFrame({"tx_no": first.index, "amount_minor": paid.to_numpy(),
                         "currency": currency.to_numpy(),
                         "counterparty_name": payments.payer_names(rng, first, parents).to_numpy(),
                         "counterparty_iban": payments.payer_ibans(rng, first, parents).to_numpy(),
                         "remittance_info": joiner.reindex(first.index).to_numpy()})
    open_now = invoices[invoices["status"].eq("open") & invoices["open_minor"].gt(0)]
    parent = table["case_kind"].eq("parent_pays").to_numpy()
    hidden = np.zeros(len(table), dtype=bool)
    hidden[parent] = [inv not in text for inv, text in
                      zip(table["invoice_id"][parent], table["ref_text"][parent], strict=True)]
    truth = payments.truth_rows(table, paid, open_now, hidden)
    # A parent paying without the number, saying nobody, from an account that pays no
    # other invoice of the subsidiary by number: the clerk has to find the subsidiary
    # first, and when other open invoices share the amount, only the payer can say which
    # one it paid (expected "ask": no candidate is right or wrong).
    unnamed = table[hidden & ~behalf & ~_account_named(table, rows, paid, hidden & ~behalf)]
    shared = open_now.groupby(["currency", "open_minor"]).size().rename("alike").reset_index()
    alike = unnamed[["currency", "open_minor"]].merge(shared, how="left")["alike"].fillna(0)
    truth.loc[truth["tx_no"].isin(unnamed["tx_no"]), "expected"] = "review"
    truth.loc[truth["tx_no"].isin(unnamed.loc[alike.to_numpy() > 1, "tx_no"]),
              "expected"] = "ask"
    rows, truth = _add_other_money(rng, rows, truth, cases)
    return _finish(rng, rows, truth, as_of, len(cases))


def _account_named(table: pd.DataFrame, rows: pd.DataFrame, paid: pd.Series,
                   among: np.ndarray) -> np.ndarray:
    """Rows (of those `among`) whose payer's account pays, in another payment of the
    statement, an invoice of the same customer by its number and for its amount."""
    iban = table["tx_no"].map(rows.set_index("tx_no")["counterparty_iban"]).fillna("")
    named = np.asarray([inv in text for inv, text in
                        zip(table["invoice_id"], table["ref_text"], strict=True)], dtype=bool)
    fits = named & (table["tx_no"].map(paid).to_numpy() == table["open_minor"].to_numpy())
    by_number = pd.DataFrame({"iban": iban, "customer_id": table["customer_id"],
                              "by": table["tx_no"]})[fits & iban.ne("").to_numpy()]
    by_number = by_number.groupby(["iban", "customer_id"], as_index=False).agg(
        first=("by", "min"), payments=("by", "nunique"))
    mine = pd.DataFrame({"row": np.flatnonzero(among), "iban": iban[among],
                         "customer_id": table["customer_id"][among],
                         "tx_no": table["tx_no"][among]})
    found = mine.merge(by_number, on=["iban", "customer_id"])
    other = found[(found["payments"] > 1) | (found["first"] != found["tx_no"])]
    out = np.zeros(len(table), dtype=bool)
    out[other["row"].to_numpy()] = True
    return out


def _join_references(rng: np.random.Generator, table: pd.DataFrame) -> pd.Series:
    """One remittance text per payment: listed invoice numbers joined as payers do."""
    sep = np.asarray([", ", " ", " / ", "; "], dtype=object)[rng.integers(4, size=len(table))]
    parts = table["ref_text"] + pd.Series(sep, index=table.index)
    joined = parts.groupby(table["tx_no"]).sum().str.rstrip(",;/ ")
    single = table.groupby("tx_no")["ref_text"].first()
    listed = table.groupby("tx_no")["case_kind"].first().eq("multi_invoice_listed")
    return joined.where(listed, single)


def _add_other_money(rng: np.random.Generator, rows: pd.DataFrame, truth: pd.DataFrame,
                     cases: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Unrelated credits, outgoing debits and the second leg of duplicate payments."""
    extra = []
    for kind in statement.NO_INVOICE:
        tx = np.flatnonzero(cases == kind)
        block = statement.unrelated_rows(rng, len(tx), outgoing=kind == "outgoing")
        extra.append(block.assign(tx_no=tx))
    dup = rows[rows["tx_no"].isin(np.flatnonzero(cases == "duplicate_payment"))]
    first_leg = dup.assign(tx_no=dup["tx_no"] + len(cases))
    rows = pd.concat([rows, *extra, first_leg], ignore_index=True)
    lead = truth[truth["tx_no"].isin(dup["tx_no"])].assign(
        tx_no=lambda t: t["tx_no"] + len(cases), case_kind="exact_reference", expected="auto")
    lead["applied_minor"] = (lead["tx_no"] - len(cases)).map(
        dup.set_index("tx_no")["amount_minor"]).astype("int64")
    no_invoice = pd.Series(cases).isin(statement.NO_INVOICE).to_numpy()
    others = pd.DataFrame({"tx_no": np.flatnonzero(no_invoice), "invoice_id": "",
                           "applied_minor": 0})
    others["case_kind"] = cases[others["tx_no"].to_numpy()]
    others["expected"] = "none"
    return rows, pd.concat([truth, lead, others], ignore_index=True)


def _finish(rng: np.random.Generator, rows: pd.DataFrame, truth: pd.DataFrame,
            as_of: date, n_plan: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Booking dates (the duplicate's second leg later), bank references, line numbers."""
    booked = statement.booking_dates(rng, len(rows), as_of)
    dup_cases = set(truth.loc[truth["case_kind"].eq("duplicate_payment"), "tx_no"])
    second = rows["tx_no"].isin(dup_cases).to_numpy()
    first_leg = rows["tx_no"].isin({t + n_plan for t in dup_cases}).to_numpy()
    booked[first_leg] = np.datetime64(as_of, "D") - rng.integers(
        8, 28, size=int(first_leg.sum())).astype("timedelta64[D]")
    leg_day = pd.Series(booked[first_leg], index=rows.loc[first_leg, "tx_no"] - n_plan)
    booked[second] = leg_day.reindex(rows.loc[second, "tx_no"]).to_numpy() + rng.integers(
        1, 7, size=int(second.sum())).astype("timedelta64[D]")
    rows = rows.assign(booking_date=pd.to_datetime(booked)).sort_values(
        ["booking_date", "tx_no"], ignore_index=True)
    rows["transaction_id"] = statement.transaction_ids(rows["booking_date"].to_numpy())
    rows["account"] = statement.OWN_ACCOUNT
    rows["line"] = np.arange(2, len(rows) + 2, dtype="int64")
    ids = rows.set_index("tx_no")["transaction_id"]
    truth = truth.assign(transaction_id=truth["tx_no"].map(ids)).drop(columns="tx_no")
    cols = ["transaction_id", "booking_date", "amount_minor", "currency", "counterparty_name",
            "counterparty_iban", "remittance_info", "account", "line"]
    truth = truth[["transaction_id", "invoice_id", "applied_minor", "case_kind", "expected"]]
    return rows[cols].astype({c: "str" for c in cols if rows[c].dtype == object}), truth
