"""Payment plans: their invoices leave the ladder, and each instalment gets one reminder.

The payment-plan table (optional) has one row per instalment: plan_id,
customer_id, currency, invoice_ids (space-separated, the invoices the plan
covers), instalment (1, 2, ...), due_date, amount_minor, paid_minor.
A plan is active while one of its instalments is unpaid. An instalment is
reminded once, from `instalment_reminder_days` before its due date, under the
token `<plan_id>#<instalment>` in invoice_ids.
"""

from __future__ import annotations

import pandas as pd

INSTALMENT = "instalment"


def _active(plans: pd.DataFrame) -> pd.DataFrame:
    unpaid = plans["paid_minor"].fillna(0) < plans["amount_minor"]
    alive = unpaid.groupby(plans["plan_id"]).transform("any")
    return plans[alive]


def plan_of(inv: pd.DataFrame, plans: pd.DataFrame | None) -> pd.Series:
    """Per invoice, the id of the active payment plan that covers it ("" if none)."""
    out = pd.Series("", index=inv.index, dtype=object)
    if plans is None or plans.empty:
        return out
    active = _active(plans).drop_duplicates("plan_id")
    cover = active.assign(invoice_id=active["invoice_ids"].astype(str).str.split()).explode(
        "invoice_id"
    )
    key = pd.MultiIndex.from_frame(cover[["customer_id", "invoice_id"]].astype(str))
    lookup = pd.Series(cover["plan_id"].astype(str).to_numpy(), index=key)
    lookup = lookup[~lookup.index.duplicated()]
    found = lookup.reindex(pd.MultiIndex.from_frame(inv[["customer_id", "invoice_id"]]))
    return pd.Series(found.fillna("").to_numpy(), index=inv.index, dtype=object)


def _reminded(history: pd.DataFrame | None, day: pd.Timestamp) -> set[str]:
    if history is None or history.empty:
        return set()
    h = history[history["stage"] == INSTALMENT]
    sent = pd.to_datetime(h["sent_at"], utc=True).dt.tz_localize(None).dt.normalize()
    return set(h.loc[sent < day, "invoice_ids"].astype(str).str.split().explode().dropna())


def instalment_lines(
    plans: pd.DataFrame | None, history: pd.DataFrame | None, day: pd.Timestamp, lead_days: int
) -> pd.DataFrame:
    """Letter lines for unpaid instalments whose reminder is due and was not sent before today."""
    if plans is None or plans.empty:
        return pd.DataFrame()
    p = plans.copy()
    p["due_date"] = pd.to_datetime(p["due_date"]).dt.normalize()
    p["invoice_id"] = p["plan_id"].astype(str) + "#" + p["instalment"].astype(str)
    open_ = p["amount_minor"] - p["paid_minor"].fillna(0).astype("int64")
    due = (open_ > 0) & (p["due_date"] - pd.Timedelta(days=lead_days) <= day)
    p = p[due & ~p["invoice_id"].isin(_reminded(history, day))]
    return pd.DataFrame({
        "customer_id": p["customer_id"].astype(str),
        "currency": p["currency"].astype(str),
        "invoice_id": p["invoice_id"],
        "issue_date": p["due_date"],
        "due_date": p["due_date"],
        "amount_minor": p["amount_minor"].astype("int64"),
        "open_minor": open_[p.index].astype("int64"),
        "dpd": (day - p["due_date"]).dt.days.astype("int64"),
        "line_stage": -1,
        "due_now": True,
        "broken": False,
        "email": "",
        "kind": INSTALMENT,
    })
