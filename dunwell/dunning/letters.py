"""Gather one letter per customer and currency, and decide which letters are held.

A letter exists when at least one invoice has a step due today; it lists all
of the customer's open, unguarded invoices in that currency at their own
stage, and its stage (the tone) is the highest of them.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd

from dunwell.dunning.guards import (
    contact_reasons,
    first_reason,
    resembling_payer,
    sent_counts,
)
from dunwell.dunning.instalments import INSTALMENT
from dunwell.dunning.ladder import Ladders
from dunwell.dunning.policy import STAGES, DunningPolicy
from dunwell.dunning.records import message_key
from dunwell.dunning.window import format_not_before, moments
from dunwell.money import from_minor

LINE_COLUMNS = [
    "customer_id", "currency", "invoice_id", "issue_date", "due_date", "amount_minor",
    "open_minor", "dpd", "line_stage", "due_now", "broken", "email", "kind", "last_payment_date",
]
HUMAN_REVIEW_INDEX = STAGES.index("human_review")


@dataclass(frozen=True)
class RunFacts:
    """What one run knows besides the invoices: who, what was sent, when, and the policy."""

    customers: pd.DataFrame
    segments: pd.DataFrame
    history: pd.DataFrame | None
    as_of: date | datetime
    day: pd.Timestamp
    policy: DunningPolicy
    ladders: Ladders
    unmatched: pd.DataFrame | None
    paused: Set[str]


def customer_table(customers: pd.DataFrame, policy: DunningPolicy) -> pd.DataFrame:
    """Customers by id with the defaults the planner relies on."""
    c = customers.drop_duplicates("customer_id").copy()
    c["customer_id"] = c["customer_id"].astype(str)
    for column in ("name", "email", "iban", "timezone", "country", "language", "customer_type"):
        c[column] = c[column].fillna("").astype(str).str.strip() if column in c else ""
    lang = c["language"].str.lower().str[:2]
    c["language"] = lang.where(lang.isin(policy.sending.languages), policy.sending.default_language)
    dnc = c["do_not_contact"] if "do_not_contact" in c else pd.Series(False, index=c.index)
    c["do_not_contact"] = dnc.fillna(False).astype(bool)
    c["consumer"] = c["customer_type"].str.lower() == "consumer"
    return c.set_index("customer_id")


def _groups(lines: pd.DataFrame) -> pd.DataFrame:
    gid = lines.groupby(["customer_id", "currency", "kind"], sort=False).ngroup().to_numpy()
    by = lines.groupby(gid)
    g = by.agg(
        customer_id=("customer_id", "first"), currency=("currency", "first"),
        kind=("kind", "first"), trigger=("due_now", "any"), stage=("line_stage", "max"),
        total=("open_minor", "sum"), n=("invoice_id", "size"), dpd=("dpd", "max"),
    )
    g["start"] = pd.Series(np.arange(len(lines))).groupby(gid).min()
    g["tone_email"] = lines["email"].to_numpy()[by["line_stage"].idxmax().to_numpy()]
    g = g[g["trigger"]].reset_index(drop=True)
    ladder = g[g["kind"] != INSTALMENT]
    ladder_pairs = set(zip(ladder["customer_id"], ladder["currency"], strict=True))
    pairs = list(zip(g["customer_id"], g["currency"], strict=True))
    g["second"] = (g["kind"] == INSTALMENT) & pd.Series([p in ladder_pairs for p in pairs])
    return g


def _keys(g: pd.DataFrame, lines: pd.DataFrame, day: date) -> list[str]:
    ids = lines["invoice_id"].to_numpy()
    return [
        message_key(cid, ccy, name, ids[s:s + n], day)
        for cid, ccy, name, s, n in zip(
            g["customer_id"], g["currency"], g["stage_name"], g["start"], g["n"], strict=True
        )
    ]


def _describe(g: pd.DataFrame, cust: pd.DataFrame, lines: pd.DataFrame, day: pd.Timestamp) -> None:
    c = cust.reindex(g["customer_id"]).reset_index(drop=True)
    for column in ("name", "language", "timezone", "country", "iban", "consumer", "do_not_contact"):
        g[column] = c[column].to_numpy()
    g["consumer"] = g["consumer"].fillna(False).astype(bool)
    g["do_not_contact"] = g["do_not_contact"].fillna(False).astype(bool)
    g["language"] = g["language"].fillna("en")
    g["recipient"] = g["tone_email"].where(g["tone_email"] != "", c["email"].fillna("").to_numpy())
    g["stage_name"] = [STAGES[s] if s >= 0 else INSTALMENT for s in g["stage"]]
    g["channel"] = np.where(g["stage"] == HUMAN_REVIEW_INDEX, "human_review", "email")
    g["key"] = _keys(g, lines, day.date())


def _window(g: pd.DataFrame, as_of: date | datetime, policy: DunningPolicy) -> None:
    sending = policy.sending
    m = moments(g, as_of, sending)
    if policy.packs.regulation_f and g["consumer"].any():
        start, end = policy.packs.regf_hours
        hours = (max(start, sending.hours_start), min(end, sending.hours_end))
        m = m.where(~g["consumer"], moments(g, as_of, sending, hours))
    g["moment"] = m
    g["allowed"] = [x.allowed for x in m]
    g["not_before_text"] = [format_not_before(x.not_before) for x in m]


def _below(g: pd.DataFrame, policy: DunningPolicy) -> tuple[pd.Series, pd.Series]:
    floor = g["currency"].map(policy.min_balance_minor).fillna(0).astype("int64")
    text = {
        c: f"below_minimum {from_minor(m, c)} {c}" for c, m in policy.min_balance_minor.items()
    }
    return g["total"] < floor, g["currency"].map(text).fillna("")


def _reasons(g: pd.DataFrame, cust: pd.DataFrame, run: RunFacts) -> pd.Series:
    history, day, policy = run.history, run.day, run.policy
    sent_keys = set() if history is None or history.empty else set(history["key"].astype(str))
    g["sent_today"] = _sent_today(g, history, day)
    sub = cust.loc[cust.index.intersection(pd.Index(g["customer_id"].unique()))]
    payer = resembling_payer(sub.reset_index(), run.unmatched).set_axis(sub.index)
    payer = payer.reindex(g["customer_id"]).fillna("").set_axis(g.index)
    below, below_text = _below(g, policy)
    email = g["channel"] == "email"
    contact = contact_reasons(g, sent_counts(history, day), day, policy)
    return first_reason(
        [
            (g["key"].isin(sent_keys), "already_sent"),
            (g["customer_id"].isin(_unknown_delivery(history)), "delivery_unknown"),
            (g["second"], "one_message_per_run"),
            (g["customer_id"].isin(list(run.paused)), "paused"),
            (payer != "", payer),
            (g["total"] <= 0, "credit_covers_balance"),
            (below, below_text),
            *[(mask & email, text) for mask, text in contact],
        ],
        g.index,
    )


def _unknown_delivery(history: pd.DataFrame | None) -> list[str]:
    """Customers with a message that may or may not have arrived: a person decides first."""
    if history is None or history.empty or "status" not in history.columns:
        return []
    return sorted(set(history.loc[history["status"] == "unknown", "customer_id"].astype(str)))


def _sent_today(g: pd.DataFrame, history: pd.DataFrame | None, day: pd.Timestamp) -> pd.Series:
    if history is None or history.empty:
        return pd.Series(False, index=g.index)
    sent = pd.to_datetime(history["sent_at"], utc=True).dt.tz_localize(None).dt.normalize()
    today = history[(sent == day) & (history["stage"] != "human_review")]
    pairs = set(zip(today["customer_id"].astype(str), today["currency"].astype(str), strict=True))
    return pd.Series([p in pairs for p in zip(g["customer_id"], g["currency"], strict=True)],
                     index=g.index, dtype=bool)


def _with_payment_date(frame: pd.DataFrame) -> pd.DataFrame:
    """`last_payment_date` (when a part payment arrived) is optional in the invoices."""
    if "last_payment_date" in frame.columns:
        return frame
    return frame.assign(last_payment_date=pd.Series(pd.NaT, index=frame.index,
                                                    dtype="datetime64[ns]"))


def letters(listable: pd.DataFrame, extra: pd.DataFrame,
            run: RunFacts) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Lines sorted by letter, and one row per letter with its channel, key and hold reason."""
    parts = [_with_payment_date(listable)[LINE_COLUMNS]]
    parts += [_with_payment_date(extra)[LINE_COLUMNS]] if len(extra) else []
    lines = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    lines = lines.sort_values(["customer_id", "currency", "kind", "due_date", "invoice_id"])
    lines = lines.reset_index(drop=True)
    g = _groups(lines)
    if g.empty:
        return lines, g
    cust = customer_table(run.customers, run.policy)
    _describe(g, cust, lines, run.day)
    _window(g, run.as_of, run.policy)
    g["reason"] = _reasons(g, cust, run)
    return lines, g
