"""Where each invoice stands on its segment's ladder, computed from facts, vectorised.

An invoice's stage is replayed from what was sent: each message that listed
it moved it at most ONE step, and only when that step's day had come (or a
promise to pay had just been broken). Its next step is the one after that.
So a missed day catches up with one message, never a burst, never a skip.
The only steps ever passed over are pre-due nudges once the due date is gone:
"due in 3 days" would be wrong then, so the ladder starts at its first
overdue step instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dunwell.dunning.policy import STAGES, DunningPolicy

NONE = -1
_FAR = 10**6


@dataclass(frozen=True)
class Ladders:
    """All segments' ladders as arrays: offset[seg, stage] and next[seg, stage + 1]."""

    names: tuple[str, ...]
    offset: np.ndarray
    next: np.ndarray
    template: np.ndarray

    @classmethod
    def of(cls, policy: DunningPolicy) -> Ladders:
        """Arrays for every segment of the policy."""
        n, k = len(policy.segments), len(STAGES)
        offset = np.full((n, k), _FAR, dtype="int64")
        template = np.full((n, k), "", dtype=object)
        present = np.zeros((n, k), dtype=bool)
        for s, rule in enumerate(policy.segments):
            for step in rule.ladder:
                i = STAGES.index(step.stage)
                offset[s, i], template[s, i], present[s, i] = step.day, step.template, True
        nxt = np.full((n, k + 1), NONE, dtype="int64")
        for s in range(n):
            for c in range(-1, k):
                later = [i for i in range(c + 1, k) if present[s, i]]
                nxt[s, c + 1] = later[0] if later else NONE
        return cls(tuple(r.name for r in policy.segments), offset, nxt, template)

    def codes(self, segments: pd.Series) -> np.ndarray:
        """Segment names to row numbers of the arrays."""
        return segments.map({n: i for i, n in enumerate(self.names)}).to_numpy(dtype="int64")

    def next_step(self, seg: np.ndarray, current: np.ndarray, dpd: np.ndarray) -> np.ndarray:
        """The step after `current`, passing over pre-due nudges once the due date is gone."""
        nxt = self.next[seg, current + 1]
        for _ in range(len(STAGES)):
            skip = (nxt != NONE) & (self.offset[seg, np.maximum(nxt, 0)] < 0) & (dpd >= 0)
            if not skip.any():
                break
            nxt = np.where(skip, self.next[seg, np.maximum(nxt, 0) + 1], nxt)
        return np.asarray(nxt)

    def reached(self, seg: np.ndarray, step: np.ndarray, dpd: np.ndarray) -> np.ndarray:
        """True where a step exists and its day relative to the due date has come."""
        return np.asarray((step != NONE) & (dpd >= self.offset[seg, np.maximum(step, 0)]))


def explode_history(history: pd.DataFrame | None, before: pd.Timestamp) -> pd.DataFrame:
    """One row per (sent message, invoice) for messages sent before the run day.

    Messages whose delivery failed, bounced or is unknown do not move the ladder on.
    """
    cols = ["invoice_id", "customer_id", "sent_day", "msg_stage"]
    if history is None or history.empty:
        return pd.DataFrame({
            "invoice_id": pd.Series(dtype="str"), "customer_id": pd.Series(dtype="str"),
            "sent_day": pd.Series(dtype="datetime64[ns]"), "msg_stage": pd.Series(dtype="int64"),
        })
    if "status" in history.columns:  # escalation counts only what reached the customer
        history = history[history["status"] == "sent"]
    h = history.loc[:, ["customer_id", "invoice_ids", "stage", "sent_at"]].copy()
    h["sent_day"] = _days(h["sent_at"])
    h = h[(h["sent_day"] < before) & h["stage"].isin(STAGES)]
    h["invoice_id"] = h["invoice_ids"].astype(str).str.split()
    h = h.explode("invoice_id")
    h["msg_stage"] = h["stage"].map({s: i for i, s in enumerate(STAGES)}).astype("int64")
    return h.loc[:, cols].dropna(subset=["invoice_id"])


def _days(stamps: pd.Series) -> pd.Series:
    s = pd.to_datetime(stamps, utc=True)
    return s.dt.tz_convert("UTC").dt.tz_localize(None).dt.normalize()


def positions(inv: pd.DataFrame, sent: pd.DataFrame) -> np.ndarray:
    """Row of each sent invoice in `inv` (-1 when unknown), matched on customer and invoice id."""
    ids = pd.Index(inv["invoice_id"])
    theirs = sent["customer_id"].astype(str).to_numpy(dtype=object)
    if ids.is_unique:
        pos = ids.get_indexer(sent["invoice_id"].astype(str))
        same = inv["customer_id"].to_numpy(dtype=object)[pos] == theirs
        return np.where((pos >= 0) & same, pos, -1)
    own = pd.Series(np.arange(len(inv)), index=pd.MultiIndex.from_frame(
        inv[["customer_id", "invoice_id"]]))
    own = own[~own.index.duplicated()]
    key = pd.MultiIndex.from_arrays([theirs, sent["invoice_id"].astype(str)])
    return own.reindex(key).fillna(-1).to_numpy(dtype="int64")


def replay(inv: pd.DataFrame, sent: pd.DataFrame, ladders: Ladders) -> pd.DataFrame:
    """Per invoice (in inv's order): current stage, last day listed, listed after its promise."""
    n = len(inv)
    current = np.full(n, NONE, dtype="int64")
    rows = sent.assign(pos=positions(inv, sent))
    rows = rows[rows["pos"] >= 0].sort_values(["pos", "sent_day"], kind="stable")
    pos = rows["pos"].to_numpy()
    sent_day = rows["sent_day"].to_numpy(dtype="datetime64[ns]")
    promise = inv["promise_to_pay_date"].to_numpy(dtype="datetime64[ns]")[pos]
    after = ~pd.isna(promise) & (sent_day > promise)
    first_after = after & (pd.Series(after).groupby(pos).cumsum().to_numpy() == 1)
    rank = rows.groupby("pos").cumcount().to_numpy()
    due = inv["due_date"].to_numpy(dtype="datetime64[ns]")[pos]
    seg = inv["seg"].to_numpy()[pos]
    dpd_at = ((sent_day - due) // np.timedelta64(1, "D")).astype("int64")
    cap = rows["msg_stage"].to_numpy()
    for r in range(int(rank.max()) + 1 if len(rank) else 0):
        m = rank == r
        p = pos[m]
        nxt = ladders.next_step(seg[m], current[p], dpd_at[m])
        ok = (ladders.reached(seg[m], nxt, dpd_at[m]) | (first_after[m] & (nxt != NONE)))
        ok &= nxt <= cap[m]
        current[p[ok]] = nxt[ok]
    last = pd.Series(sent_day).groupby(pos).max()
    listed_after_promise = pd.Series(after).groupby(pos).any()
    return pd.DataFrame({
        "current": current,
        "last_listed": pd.Series(last, dtype="datetime64[ns]").reindex(range(n)).to_numpy(),
        "listed_after_promise": listed_after_promise.reindex(range(n), fill_value=False).to_numpy(),
    })
