"""Segments recomputed each run from facts, each with a reason a person can read.

Facts per customer: share of invoices paid on time and average days late over
the policy's history window, open balance per currency, whether the customer
is new, and a likelihood to pay on time (high, medium, low) from that history.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from dunwell.dunning.policy import DunningPolicy, SegmentRule
from dunwell.model import InvoiceStatus

SEGMENT_COLUMNS = ["customer_id", "segment", "reason", "likelihood"]


def run_day(as_of: date | datetime) -> pd.Timestamp:
    """The run's calendar day as a midnight Timestamp (UTC day for datetimes)."""
    if isinstance(as_of, datetime):
        as_of = pd.Timestamp(as_of).tz_convert("UTC").date() if as_of.tzinfo else as_of.date()
    return pd.Timestamp(as_of)


def _history_facts(history: pd.DataFrame | None, day: pd.Timestamp, days: int) -> pd.DataFrame:
    cols = ["on_time_share", "avg_days_late", "n_history", "first_due"]
    if history is None or history.empty:
        return pd.DataFrame(columns=cols, index=pd.Index([], name="customer_id"))
    due = history["due_date"]
    h = history[(due > day - pd.Timedelta(days=days)) & (due <= day)]
    paid = pd.to_datetime(h["paid_date"])
    late = ((paid.fillna(day) - h["due_date"]).dt.days).clip(lower=0)
    on_time = paid.notna() & (paid <= h["due_date"])
    frame = pd.DataFrame({"customer_id": h["customer_id"], "on_time": on_time, "late": late})
    facts = frame.groupby("customer_id").agg(
        on_time_share=("on_time", "mean"), avg_days_late=("late", "mean"),
        n_history=("late", "size"),
    )
    facts["first_due"] = history.groupby("customer_id")["due_date"].min()
    return facts


def _likelihood(facts: pd.DataFrame, policy: DunningPolicy) -> pd.Series:
    high = _all_hold(facts, policy.likelihood_high)
    low = _any_holds(facts, policy.likelihood_low)
    known = facts["n_history"].fillna(0) > 0
    out = np.select([known & low, known & high], ["low", "high"], default="medium")
    return pd.Series(out, index=facts.index)


def _bound(facts: pd.DataFrame, key: str, value: Any) -> pd.Series:
    column = key[4:]
    series = facts[column].astype("float64")
    return series >= float(value) if key.startswith("min_") else series <= float(value)


def _all_hold(facts: pd.DataFrame, conds: dict[str, Any]) -> pd.Series:
    mask = pd.Series(True, index=facts.index)
    for key, value in conds.items():
        mask &= _bound(facts, key, value).fillna(False)
    return mask


def _any_holds(facts: pd.DataFrame, conds: dict[str, Any]) -> pd.Series:
    mask = pd.Series(False, index=facts.index)
    for key, value in conds.items():
        mask |= _bound(facts, key, value).fillna(False)
    return mask


def _balance_reaches(invoices: pd.DataFrame, limits: dict[str, int], ids: pd.Index) -> pd.Series:
    open_ = invoices[(invoices["status"] == InvoiceStatus.OPEN) & (invoices["open_minor"] > 0)]
    bal = open_.groupby(["customer_id", "currency"], as_index=False)["open_minor"].sum()
    # numeric even when empty: an empty mapped column would be text under Arrow strings
    bal["limit"] = pd.to_numeric(bal["currency"].map(limits), errors="coerce")
    hit = bal[bal["limit"].notna() & (bal["open_minor"] >= bal["limit"])]["customer_id"]
    return pd.Series(ids.isin(hit.unique()), index=ids)


def _rule_mask(rule: SegmentRule, facts: pd.DataFrame, invoices: pd.DataFrame) -> pd.Series:
    mask = pd.Series(True, index=facts.index)
    for key, value in rule.when.items():
        if key == "likelihood":
            mask &= facts["likelihood"].isin(list(value))
        elif key == "new_customer":
            mask &= facts["is_new"] == bool(value)
        elif key == "min_open_balance":
            mask &= _balance_reaches(invoices, value, facts.index)
        else:
            mask &= _bound(facts, key, value).fillna(False)
    return mask


def _facts(customers: pd.DataFrame, invoices: pd.DataFrame, payments_history: pd.DataFrame | None,
           day: pd.Timestamp, policy: DunningPolicy) -> pd.DataFrame:
    ids = pd.Index(customers["customer_id"].unique(), name="customer_id")
    facts = _history_facts(payments_history, day, policy.history_days).reindex(ids)
    first_issue = invoices.groupby("customer_id")["issue_date"].min().reindex(ids)
    first = pd.concat([first_issue, pd.to_datetime(facts["first_due"])], axis=1).min(axis=1)
    facts["is_new"] = first.isna() | (first > day - pd.Timedelta(days=policy.new_customer_days))
    facts["likelihood"] = _likelihood(facts, policy)
    return facts


def _reasons(facts: pd.DataFrame, segment: pd.Series, pinned: pd.Series) -> pd.Series:
    share = (facts["on_time_share"].astype("float64") * 100).round(0)
    late = facts["avg_days_late"].astype("float64").round(1)
    n = facts["n_history"].fillna(0).astype("int64")
    told = (
        "likelihood " + facts["likelihood"] + ": " + share.astype("Int64").astype(str)
        + "% paid on time, " + late.astype(str) + " days late on average, "
        + n.astype(str) + " invoices in the history window"
    )
    told = told.where(n > 0, "likelihood medium: no payment history yet")
    told = told.where(~facts["is_new"], "new customer; " + told)
    text = np.where(pinned, "pinned by hand", segment + " by rule: " + told)
    return pd.Series(text, index=facts.index)


def segment_customers(
    customers: pd.DataFrame,
    invoices: pd.DataFrame,
    payments_history: pd.DataFrame | None,
    as_of: date | datetime,
    policy: DunningPolicy,
) -> pd.DataFrame:
    """Segment per customer (first matching rule, a pinned segment wins), why, and likelihood.

    `payments_history` (optional): past invoices with customer_id, due_date and paid_date
    (NaT while unpaid); only those due within the policy's history window count.
    """
    day = run_day(as_of)
    facts = _facts(customers, invoices, payments_history, day, policy)
    names = [rule.name for rule in policy.segments]
    masks = [_rule_mask(rule, facts, invoices).to_numpy() for rule in policy.segments]
    ruled = pd.Series(np.select(masks, names, default=names[-1]), index=facts.index)
    pin = customers.drop_duplicates("customer_id").set_index("customer_id")["segment"]
    pin = pin.reindex(facts.index).fillna("").astype(str).str.strip()
    for bad in set(pin[pin != ""]) - set(names):
        policy.segment(bad)
    pinned = pin != ""
    segment = ruled.where(~pinned, pin)
    out = pd.DataFrame({
        "customer_id": facts.index.astype(str),
        "segment": segment.to_numpy(),
        "reason": _reasons(facts, segment, pinned).to_numpy(),
        "likelihood": facts["likelihood"].to_numpy(),
    })
    return out.reset_index(drop=True)[SEGMENT_COLUMNS]
