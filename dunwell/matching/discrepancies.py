"""Discrepancies: what a person should know about the payments of this run."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dunwell.frames import minor_to_text
from dunwell.model import Decision
from dunwell.model import DiscrepancyKind as Kind

DISCREPANCY_FRAME = ["kind", "transaction_id", "invoice_id", "amount_minor", "currency",
                     "detail"]


def _frame(kind: Kind, tx: np.ndarray, inv_ids: np.ndarray, amount: np.ndarray,
           payments: pd.DataFrame, detail: pd.Series | str) -> pd.DataFrame:
    # Taken as arrays: text stays in Arrow instead of a round trip through Python objects.
    return pd.DataFrame({
        "kind": kind.value, "transaction_id": payments["transaction_id"].array.take(tx),
        "invoice_id": inv_ids, "amount_minor": amount,
        "currency": payments["currency"].array.take(tx),
        "detail": detail.to_numpy() if isinstance(detail, pd.Series) else detail})


def _readable(minor: pd.Series, currency: pd.Series) -> pd.Series:
    """`IDR 15,843,246.00`: the currency and digit groups, for the person reading the detail."""
    currency = currency.reset_index(drop=True)
    plain = minor_to_text(minor.reset_index(drop=True), currency)
    grouped = [f"{int(whole):,}{dot}{frac}" if not whole.startswith("-")
               else f"-{int(whole[1:]):,}{dot}{frac}"
               for whole, dot, frac in (text.partition(".") for text in plain)]
    return currency + " " + pd.Series(grouped, dtype="str")


def from_booking(booked: pd.DataFrame, duplicates: pd.DataFrame,
                 payments: pd.DataFrame) -> list[pd.DataFrame]:
    """Short payments, bank fees, overpayments and duplicates of the booked payments."""
    short = booked[booked["applied_minor"] + booked["writeoff_minor"] < booked["open_minor"]]
    left = short["open_minor"] - short["applied_minor"]
    fee = booked[booked["writeoff_minor"] > 0]
    spent = booked.groupby("tx")["applied_minor"].sum()
    last_inv = booked.sort_values(["tx", "due_date", "id_order"]).groupby("tx")["invoice_id"].last()
    paid = payments["amount_minor"].to_numpy()[spent.index.to_numpy()]
    over = pd.DataFrame({"tx": spent.index, "excess": paid - spent.to_numpy()})
    over = over[over["excess"] > 0]
    dup = duplicates.drop_duplicates(["tx", "inv"])
    return [
        _frame(Kind.SHORT_PAYMENT, short["tx"].to_numpy(), short["invoice_id"].to_numpy(),
               left.to_numpy(), payments, "still open " + _readable(left, short["currency"])),
        _frame(Kind.BANK_FEE, fee["tx"].to_numpy(), fee["invoice_id"].to_numpy(),
               fee["writeoff_minor"].to_numpy(), payments, "difference booked as bank fee"),
        _frame(Kind.OVERPAYMENT, over["tx"].to_numpy(), over["tx"].map(last_inv).to_numpy(),
               over["excess"].to_numpy(), payments, "paid more than open; excess unapplied"),
        _frame(Kind.DUPLICATE_PAYMENT, dup["tx"].to_numpy(), dup["invoice_id"].to_numpy(),
               dup["paid"].to_numpy(), payments,
               "invoice already cleared by an earlier payment in this run"),
    ]


def from_review(opt: pd.DataFrame, rows: pd.DataFrame,
                payments: pd.DataFrame) -> list[pd.DataFrame]:
    """Near ties and disputed invoices among the payments sent to review."""
    best = opt[(opt["rank"] == 1) & (opt["decision"] == Decision.REVIEW)]
    chosen = rows[rows["option"].isin(best.index)]
    first_inv = chosen.sort_values(["option", "due_date", "id_order"]).groupby("option")[
        "invoice_id"].first()
    tied = best[best["tied"]]
    listed = opt[opt["kept"] & opt["tx"].isin(tied["tx"])].sort_values(["tx", "rank"])
    ids = rows[rows["id_order"].isin(listed["first_order"])].drop_duplicates("id_order")
    listed = listed.assign(first_id=listed["first_order"].map(
        ids.set_index("id_order")["invoice_id"])).drop_duplicates(["tx", "first_id"])
    runners = listed.pivot(index="tx", columns="rank", values="first_id").fillna("")
    runner_ids = runners.apply(lambda col: col + " ").sum(axis=1).str.strip() if len(
        runners) else pd.Series(dtype="str")
    disputed = best[best["disputed"]]
    return [
        _frame(Kind.AMBIGUOUS_MATCH, tied["tx"].to_numpy(),
               first_inv.reindex(tied.index).to_numpy(), tied["paid"].to_numpy(), payments,
               "candidates too close to call: "
               + tied["tx"].map(runner_ids).fillna("").astype("str")),
        _frame(Kind.DISPUTED_INVOICE_PAYMENT, disputed["tx"].to_numpy(),
               first_inv.reindex(disputed.index).to_numpy(), disputed["paid"].to_numpy(), payments,
               "payment for a disputed invoice; confirm the dispute is settled"),
    ]


def from_unmatched(payments: pd.DataFrame, booked: np.ndarray, reviewed: np.ndarray,
                   hits: pd.DataFrame, invoices: pd.DataFrame,
                   payers: pd.DataFrame) -> list[pd.DataFrame]:
    """Payments not booked: already paid (even if proposed), wrong currency, or unknown."""
    exact = hits[(hits["typos"] == 0) & ~hits["tx"].isin(booked)]
    inv, tx = exact["inv"].to_numpy(), exact["tx"].to_numpy()
    same_cur = invoices["cur"].to_numpy()[inv] == payments["cur"].to_numpy()[tx]
    settled = exact[same_cur & invoices["is_settled"].to_numpy()[inv]].drop_duplicates("tx")
    foreign = exact[~same_cur & invoices["is_open"].to_numpy()[inv]].drop_duplicates("tx")
    foreign = foreign[~foreign["tx"].isin(settled["tx"])]
    rest = payments[~payments["tx"].isin(booked) & ~payments["tx"].isin(reviewed)]
    rest = rest[~rest["tx"].isin(settled["tx"]) & ~rest["tx"].isin(foreign["tx"])]
    elsewhere = _open_elsewhere(rest, payers, invoices)
    other = rest[~rest["tx"].isin(elsewhere["tx"])]
    f_inv = foreign["inv"].to_numpy()
    return [
        _frame(Kind.ALREADY_PAID, settled["tx"].to_numpy(),
               invoices["invoice_id"].to_numpy()[settled["inv"].to_numpy()],
               payments["amount_minor"].to_numpy()[settled["tx"].to_numpy()], payments,
               "the invoice named was paid before this run"),
        _frame(Kind.CURRENCY_MISMATCH, foreign["tx"].to_numpy(),
               invoices["invoice_id"].to_numpy()[f_inv],
               payments["amount_minor"].to_numpy()[foreign["tx"].to_numpy()], payments,
               "invoice is in " + pd.Series(invoices["currency"].to_numpy()[f_inv],
                                           dtype="str")),
        _frame(Kind.CURRENCY_MISMATCH, elsewhere["tx"].to_numpy(), np.full(len(elsewhere), ""),
               payments["amount_minor"].to_numpy()[elsewhere["tx"].to_numpy()], payments,
               "the payer's open invoices are in " + elsewhere["currency"] + " only"),
        _frame(Kind.UNMATCHED_PAYMENT, other["tx"].to_numpy(),
               np.full(len(other), ""), other["amount_minor"].to_numpy(), payments,
               "no invoice found for this payment"),
    ]


def _open_elsewhere(rest: pd.DataFrame, payers: pd.DataFrame,
                    invoices: pd.DataFrame) -> pd.DataFrame:
    """Unmatched payments of a sure payer whose open invoices are all in other currencies."""
    sure = payers[payers["strong"] & payers["tx"].isin(rest["tx"])][["tx", "cust"]]
    open_inv = invoices[invoices["is_open"]][["cust", "currency"]].drop_duplicates()
    held = sure.merge(open_inv, on="cust")
    held = held.assign(paid_in=held["tx"].map(rest.set_index("tx")["currency"]))
    has_same = held[held["currency"] == held["paid_in"]]["tx"].unique()
    other = held[~held["tx"].isin(has_same)].drop_duplicates(["tx", "currency"])
    return other.sort_values(["tx", "currency"]).groupby("tx")["currency"].agg(
        " ".join).reset_index()
