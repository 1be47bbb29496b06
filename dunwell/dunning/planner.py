"""plan(): one run's dunning decisions from facts, vectorised over frames.

The run reads top to bottom: segment customers, replay each invoice's stage
from what was sent, drop and hold guarded invoices, gather one letter per
customer and currency (the highest stage sets the tone), hold letters that
must not leave, and build the messages. Messages already sent on an earlier
day count for the stage; messages sent on the run day itself do not, so that
re-running a day plans the same keys and lists them as `already_sent`.
"""

from __future__ import annotations

from collections.abc import Set
from datetime import date, datetime

import numpy as np
import pandas as pd

from dunwell.dunning import instalments
from dunwell.dunning.assemble import assemble
from dunwell.dunning.guards import invoice_reason, status_reason
from dunwell.dunning.ladder import NONE, Ladders, explode_history, replay
from dunwell.dunning.letters import RunFacts, letters
from dunwell.dunning.policy import STAGES, DunningPolicy
from dunwell.dunning.records import Plan
from dunwell.dunning.segments import run_day, segment_customers
from dunwell.errors import ConfigError
from dunwell.model import InvoiceStatus

HUMAN_REVIEW_INDEX = STAGES.index("human_review")
CREDIT = -2  # line_stage of a credit note netted in a letter (-1: an instalment)
_DEFAULTS: dict[str, bool | str] = {"cleared_by_run": False, "disputed": False, "email": "",
                                    "status": "open", "customer_name": ""}


def _prepare(invoices: pd.DataFrame, seg: pd.DataFrame, ladders: Ladders,
             day: pd.Timestamp) -> pd.DataFrame:
    inv = invoices.copy()
    for column, default in _DEFAULTS.items():
        if column not in inv.columns:
            inv[column] = default
    if "promise_to_pay_date" not in inv.columns:
        inv["promise_to_pay_date"] = pd.NaT
    for column in ("invoice_id", "customer_id", "currency"):
        inv[column] = inv[column].astype(str)
    for column in ("issue_date", "due_date", "promise_to_pay_date"):
        inv[column] = pd.to_datetime(inv[column]).dt.normalize()
    inv["cleared_by_run"] = inv["cleared_by_run"].fillna(False).astype(bool)
    inv["email"] = inv["email"].fillna("").astype(str).str.strip()
    segment = seg.drop_duplicates("customer_id").set_index("customer_id")["segment"]
    inv["segment"] = inv["customer_id"].map(segment).fillna(ladders.names[-1])
    unknown = set(inv["segment"].unique()) - set(ladders.names)
    if unknown:
        raise ConfigError(f"dunning policy: unknown segments {sorted(unknown)}")
    inv["seg"] = ladders.codes(inv["segment"])
    inv["dpd"] = (day - inv["due_date"]).dt.days.astype("int64")
    return inv.reset_index(drop=True)


def _stages(inv: pd.DataFrame, history: pd.DataFrame | None, ladders: Ladders,
            day: pd.Timestamp) -> pd.DataFrame:
    rep = replay(inv, explode_history(history, day), ladders)
    seg, dpd = inv["seg"].to_numpy(), inv["dpd"].to_numpy()
    current = rep["current"].to_numpy()
    nxt = ladders.next_step(seg, current, dpd)
    promise = inv["promise_to_pay_date"]
    broken = (promise.notna() & (promise < day)).to_numpy()
    broken = broken & ~rep["listed_after_promise"].to_numpy()
    live = current != HUMAN_REVIEW_INDEX
    due_now = live & (ladders.reached(seg, nxt, dpd) | (broken & (nxt != NONE)))
    return inv.assign(
        current=current, nxt=nxt, due_now=due_now, broken=broken & due_now,
        line_stage=np.where(due_now, nxt, current), live=live,
        last_listed=rep["last_listed"].to_numpy(), kind="ladder",
    )


def _invoice_holds(inv: pd.DataFrame, status: pd.Series, guard: pd.Series,
                   ladders: Ladders) -> pd.DataFrame:
    seg, nxt = inv["seg"].to_numpy(), inv["nxt"].to_numpy()
    step_day = ladders.offset[seg, np.maximum(nxt, 0)]
    # A settled invoice says why it got no reminder once (the run that cleared it, or
    # the day its step fell due), not every day for ever after.
    fresh = inv["cleared_by_run"].to_numpy() | (inv["dpd"].to_numpy() == step_day)
    netted = _credit_mask(inv).to_numpy()  # shown in the letter, not held
    settled = inv["due_now"].to_numpy() & (status != "").to_numpy() & fresh & ~netted
    guarded = inv["due_now"].to_numpy() & (status == "").to_numpy() & (guard != "").to_numpy()
    reason = status.where(status != "", guard)
    held: pd.DataFrame = inv[settled | guarded]
    return held.assign(reason=reason[settled | guarded])


def _credit_lines(inv: pd.DataFrame) -> pd.DataFrame:
    # Unapplied credit notes are netted in the customer's letter, shown as their own lines,
    # so that the total asked for is what is really owed.
    return inv[_credit_mask(inv)].assign(line_stage=CREDIT, due_now=False, broken=False)


def _credit_mask(inv: pd.DataFrame) -> pd.Series:
    notes = (inv["status"].str.lower() == InvoiceStatus.CREDIT_NOTE) & (inv["open_minor"] < 0)
    return notes & ~inv["cleared_by_run"]


def _check_moment(as_of: datetime | date) -> None:
    if isinstance(as_of, datetime) and as_of.tzinfo is None:
        raise ValueError("plan(): as_of must be timezone-aware (UTC), or a plain date")


def plan(
    invoices: pd.DataFrame,
    customers: pd.DataFrame,
    history: pd.DataFrame | None,
    as_of: datetime | date,
    policy: DunningPolicy,
    *,
    unmatched_incoming: pd.DataFrame | None = None,
    paused: Set[str] = frozenset(),
    payment_plans: pd.DataFrame | None = None,
    segments: pd.DataFrame | None = None,
) -> Plan:
    """Every action of this run and the messages to send, from facts only (no clock, no I/O)."""
    _check_moment(as_of)
    day = run_day(as_of)
    ladders = Ladders.of(policy)
    if segments is None:
        segments = segment_customers(customers, invoices, None, as_of, policy)
    inv = _stages(_prepare(invoices, segments, ladders, day), history, ladders, day)
    status = status_reason(inv)
    guard = invoice_reason(inv, day, instalments.plan_of(inv, payment_plans))
    holds = _invoice_holds(inv, status, guard, ladders)
    listable = inv[(status == "") & (guard == "") & inv["live"] & (inv["line_stage"] != NONE)]
    listable = pd.concat([listable, _credit_lines(inv)], ignore_index=True)
    extra = instalments.instalment_lines(
        payment_plans, history, day, policy.instalment_reminder_days
    )
    facts = RunFacts(customers, segments, history, as_of, day, policy, ladders,
                     unmatched_incoming, paused)
    lines, groups = letters(listable, extra, facts)
    return assemble(lines, groups, holds, facts)
