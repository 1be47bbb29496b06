"""Guards: reasons not to remind, each one a hold with a reason a person can read.

Invoice guards drop single invoices from a letter (paid, cancelled, credit
note, cleared by this run's matching, disputed, promised, on a payment plan).
Letter guards hold a whole letter (already sent, paused, money on its way,
below the minimum, opted out, no address, too soon, too many, sending window).
All vectorised: one pass over frames, no per-row Python over invoices.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process, utils

from dunwell.dunning.policy import DunningPolicy
from dunwell.dunning.records import EMAIL_ADDRESS
from dunwell.model import InvoiceStatus

NAME_SIMILARITY = 90
_LEGAL = re.compile(
    r"\b(gmbh|ag|kg|ohg|ug|ltd|limited|llc|inc|corp|co|plc|sa|sas|sarl|srl|sl|bv|nv|pt|tbk|cv|the)\b"
)


def first_reason(conditions: list[tuple[pd.Series, pd.Series | str]], index: pd.Index) -> pd.Series:
    """The first applying reason per row ("" when none), in the order given."""
    masks = [np.asarray(mask, dtype=bool) for mask, _ in conditions]
    texts = [
        np.asarray(text, dtype=object) if isinstance(text, pd.Series) else np.full(len(index), text)
        for _, text in conditions
    ]
    return pd.Series(np.select(masks, texts, default=""), index=index, dtype=object)


def status_reason(inv: pd.DataFrame) -> pd.Series:
    """Why an invoice is no longer owed: paid, cancelled, credit_note, cleared_by_run, or ""."""
    status = inv["status"].fillna(InvoiceStatus.OPEN.value).astype(str).str.lower()
    return first_reason(
        [
            (inv["cleared_by_run"], "cleared_by_run"),
            (status == InvoiceStatus.CANCELLED, "cancelled"),
            (status == InvoiceStatus.CREDIT_NOTE, "credit_note"),
            (status == InvoiceStatus.PAID, "paid"),
            (inv["open_minor"] <= 0, "paid"),
        ],
        inv.index,
    )


def invoice_reason(inv: pd.DataFrame, day: pd.Timestamp, plan_of: pd.Series) -> pd.Series:
    """Why an open invoice is held back: disputed, promised to pay, on a payment plan."""
    promise = inv["promise_to_pay_date"]
    pending = promise.notna() & (promise >= day)
    until = "promise_to_pay until " + promise.dt.strftime("%Y-%m-%d").fillna("")
    return first_reason(
        [
            (inv["disputed"].fillna(False).astype(bool), "disputed"),
            (pending, until),
            (plan_of != "", "payment_plan " + plan_of),
        ],
        inv.index,
    )


def _clean_names(names: pd.Series) -> list[str]:
    text = names.fillna("").astype(str).map(utils.default_process)
    return text.str.replace(_LEGAL, " ", regex=True).str.split().str.join(" ").tolist()


def _iban(values: pd.Series) -> pd.Series:
    return values.fillna("").astype(str).str.replace(r"\s", "", regex=True).str.upper()


def resembling_payer(customers: pd.DataFrame, unmatched: pd.DataFrame | None) -> pd.Series:
    """Per customer: "unmatched_incoming <txn>" when unmatched money looks like theirs, else ""."""
    out = pd.Series("", index=customers.index, dtype=object)
    if unmatched is None or unmatched.empty or customers.empty:
        return out
    incoming = unmatched.reindex(columns=["transaction_id", "counterparty_name",
                                          "counterparty_iban", "amount_minor"])
    incoming = incoming[incoming["amount_minor"].fillna(1) > 0]
    txn = incoming["transaction_id"].astype(str).to_numpy()
    by_iban = dict(zip(_iban(incoming["counterparty_iban"]), txn, strict=False))
    by_iban.pop("", None)
    hit = _iban(customers["iban"]).map(by_iban).fillna("")
    payers = _clean_names(incoming["counterparty_name"])
    names = _clean_names(customers["name"])
    for start in range(0, len(names), 20_000):
        block = names[start:start + 20_000]
        scores = process.cdist(block, payers, scorer=fuzz.token_sort_ratio, workers=-1)
        best = scores.argmax(axis=1)
        ok = scores[np.arange(len(block)), best] >= NAME_SIMILARITY
        ok &= np.array([bool(n) for n in block])
        found = np.where(ok, txn[best], "")
        hit.iloc[start:start + 20_000] = hit.iloc[start:start + 20_000].where(
            hit.iloc[start:start + 20_000] != "", found
        )
    return ("unmatched_incoming " + hit).where(hit != "", "")


def sent_counts(history: pd.DataFrame | None, day: pd.Timestamp) -> pd.DataFrame:
    """Per customer, from messages to them (hand-overs excluded): last day before today, counts."""
    cols = ["last_before", "in_30_days", "in_7_days"]
    if history is None or history.empty:
        return pd.DataFrame(columns=cols, index=pd.Index([], name="customer_id"))
    h = history[history["stage"] != "human_review"]
    sent = pd.to_datetime(h["sent_at"], utc=True).dt.tz_localize(None).dt.normalize()
    frame = pd.DataFrame({"customer_id": h["customer_id"].astype(str), "day": sent})
    before = frame[frame["day"] < day]
    out = pd.DataFrame({
        "last_before": before.groupby("customer_id")["day"].max(),
        "in_30_days": _count(before, day - pd.Timedelta(days=30)),
        "in_7_days": _count(frame, day - pd.Timedelta(days=7)),
    })
    return out


def _count(frame: pd.DataFrame, after: pd.Timestamp) -> pd.Series:
    return frame[frame["day"] > after].groupby("customer_id").size()


def contact_reasons(g: pd.DataFrame, counts: pd.DataFrame, day: pd.Timestamp,
                    policy: DunningPolicy) -> list[tuple[pd.Series, pd.Series | str]]:
    """Guards that only concern letters to the customer, not hand-overs to a person."""
    c = counts.reindex(g["customer_id"]).set_axis(g.index)
    gap = (day - pd.to_datetime(c["last_before"])).dt.days
    too_soon = gap.notna() & (gap < policy.min_gap_days)
    last = "min_gap last message " + pd.to_datetime(c["last_before"]).dt.strftime("%Y-%m-%d")
    cap = policy.max_messages_per_30_days
    regf = policy.packs.regulation_f & g["consumer"]
    regf &= c["in_7_days"].fillna(0) >= policy.packs.regf_max_attempts_7_days
    return [
        (g["do_not_contact"], "do_not_contact"),
        (g["recipient"] == "", "no_email"),
        (~g["recipient"].str.fullmatch(EMAIL_ADDRESS.pattern), "invalid_email"),
        (g["sent_today"], "min_gap a message was sent today"),
        (too_soon, last.fillna("")),
        (c["in_30_days"].fillna(0) >= cap, f"cap_30_days {cap} messages"),
        (regf, f"regulation_f {policy.packs.regf_max_attempts_7_days} attempts in 7 days"),
        (~g["allowed"], "not_before " + g["not_before_text"]),
    ]
