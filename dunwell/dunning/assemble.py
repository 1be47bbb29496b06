"""Turn the planner's frames into records: actions for the database, messages for the sender.

This is the only per-letter Python of a run (about one object per customer);
everything before it is vectorised.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from dunwell.dunning.ladder import Ladders
from dunwell.dunning.letters import RunFacts, customer_table
from dunwell.dunning.packs import late_payment
from dunwell.dunning.policy import STAGES, DunningPolicy
from dunwell.dunning.records import InvoiceLine, Plan, PlannedMessage
from dunwell.model import Channel, CustomerId, DunningAction, InvoiceId
from dunwell.money import exponent

_REFERENCE_MAX = 140  # SEPA remittance information
_USED = [
    "customer_id", "currency", "stage", "stage_name", "channel", "language", "template",
    "recipient", "key", "start", "n", "dpd", "total", "reason", "consumer", "name", "moment",
    "segment", "segment_reason", "likelihood",
]


@lru_cache(maxsize=64)
def _exp(currency: str) -> int:
    return exponent(currency)


def _money(minor: int, currency: str) -> Decimal:
    e = _exp(currency)
    return Decimal(int(minor)).scaleb(-e) if e else Decimal(int(minor))


class _Columns:
    """The lines frame as plain Python-ready arrays, so that slicing one letter is cheap."""

    def __init__(self, lines: pd.DataFrame) -> None:
        self.ids = lines["invoice_id"].astype(str).to_numpy(dtype=object)
        self.issue = lines["issue_date"].to_numpy(dtype="datetime64[D]").astype(object)
        self.due = lines["due_date"].to_numpy(dtype="datetime64[D]").astype(object)
        self.amount = lines["amount_minor"].to_numpy(dtype="int64").tolist()
        self.open = lines["open_minor"].to_numpy(dtype="int64").tolist()
        self.dpd = lines["dpd"].to_numpy(dtype="int64").tolist()
        names = np.array([*STAGES, "credit_note", "instalment"], dtype=object)
        self.stage = names[lines["line_stage"].to_numpy(dtype="int64")]  # -2 credit, -1 instalment
        self.tagged = (pd.Series(self.ids) + "=" + pd.Series(self.stage)).to_numpy(dtype=object)
        self.broken = lines["broken"].to_numpy(dtype=bool)
        paid = pd.to_datetime(lines["last_payment_date"])
        self.paid_on = paid.dt.date.astype(object).where(paid.notna(), None).tolist()


def _lines(cols: _Columns, s: int, n: int, ccy: str, final: bool, policy: DunningPolicy,
           business: bool) -> tuple[InvoiceLine, ...]:
    e, out = -_exp(ccy), []
    for i in range(s, s + n):
        open_amount, dpd = Decimal(cols.open[i]).scaleb(e), cols.dpd[i]
        fee, interest = (None, None)
        if final and business and open_amount > 0:
            fee, interest = late_payment(open_amount, dpd, ccy, policy.packs)
        out.append(InvoiceLine(
            cols.ids[i], cols.issue[i], cols.due[i], Decimal(cols.amount[i]).scaleb(e),
            open_amount, dpd, cols.stage[i], fee, interest, cols.paid_on[i],
        ))
    return tuple(out)


def _facts(row: Any, cols: _Columns) -> dict[str, str]:
    s, n = row.start, row.n
    facts = {
        "segment": row.segment, "segment_reason": row.segment_reason,
        "likelihood": row.likelihood, "step": row.stage_name,
        "days_past_due": str(int(row.dpd)), "invoice_stages": " ".join(cols.tagged[s:s + n]),
        "total_open": f"{_money(row.total, row.currency)} {row.currency}", "key": row.key,
    }
    broken = cols.broken[s:s + n]
    if broken.any():
        facts["broken_promise"] = " ".join(cols.ids[s:s + n][broken])
    return facts


def _describe(groups: pd.DataFrame, segments: pd.DataFrame, ladders: Ladders) -> pd.DataFrame:
    seg = segments.drop_duplicates("customer_id").set_index("customer_id")
    info = seg.reindex(groups["customer_id"]).reset_index(drop=True)
    g = groups.assign(
        segment=info["segment"].fillna(ladders.names[-1]).to_numpy(),
        segment_reason=info["reason"].fillna("not on file").to_numpy(),
        likelihood=info["likelihood"].fillna("medium").to_numpy(),
    )
    code = g["segment"].map({n: i for i, n in enumerate(ladders.names)}).to_numpy()
    step = np.maximum(g["stage"].to_numpy(), 0)
    named = ladders.template[code, step] if len(g) else np.array([], dtype=object)
    named = np.where(named == "", g["stage_name"], named)
    g["template"] = np.where(g["stage"] < 0, "instalment", named)
    return g


def _reference(customer_id: str, ids: tuple[str, ...]) -> str:
    text = ids[0] if len(ids) == 1 else f"{customer_id} {' '.join(ids)}"
    return text[:_REFERENCE_MAX]


def _action(day: date, row: Any, ids: tuple[str, ...], channel: Channel, template: str,
            reason: str, facts: dict[str, str]) -> DunningAction:
    return DunningAction(
        run_date=day, customer_id=CustomerId(row.customer_id), currency=row.currency,
        invoice_ids=tuple(InvoiceId(i) for i in ids), stage=row.stage_name, channel=channel,
        template=template, language=row.language, reason=reason, facts=facts,
    )


def _letter(row: Any, cols: _Columns, day: date,
            policy: DunningPolicy) -> tuple[DunningAction, PlannedMessage | None]:
    template = row.template
    facts = _facts(row, cols)
    ids = tuple(cols.ids[row.start:row.start + row.n])
    if row.reason:
        return _action(day, row, ids, Channel.HOLD, template, row.reason, facts), None
    lines = _lines(cols, row.start, row.n, row.currency, row.stage_name == "final", policy,
                   not row.consumer)
    why = f"{row.stage_name} due: {int(row.dpd)} days past due"
    message = PlannedMessage(
        customer_id=row.customer_id, customer_name=str(row.name or row.customer_id),
        currency=row.currency, stage=row.stage_name, channel=row.channel,
        language=row.language, template=template, key=row.key,
        recipient=row.recipient if row.channel == Channel.EMAIL else "",
        run_date=day, reference=_reference(row.customer_id, ids), lines=lines,
        total=_money(row.total, row.currency), not_before=row.moment.not_before, facts=facts,
    )
    return _action(day, row, ids, Channel(row.channel), template, why, facts), message


def _invoice_holds(holds: pd.DataFrame, cust: pd.DataFrame, ladders: Ladders,
                   day: date) -> list[DunningAction]:
    keys = ["customer_id", "currency", "nxt", "reason", "seg", "segment"]
    held = holds.sort_values([*keys, "invoice_id"])
    rows = held.groupby(keys, sort=False).agg(dpd=("dpd", "max")).reset_index()
    # Sorted by the keys, each group is a run of rows: split the ids at the boundaries.
    sizes = held.groupby(keys, sort=False).size().to_numpy()
    ids = held["invoice_id"].to_numpy(dtype=object)
    rows["language"] = rows["customer_id"].map(cust["language"]).fillna("en")
    rows["template"] = ladders.template[rows["seg"].to_numpy(), rows["nxt"].to_numpy()]
    groups = np.split(ids, np.cumsum(sizes)[:-1]) if len(sizes) else []
    return [
        DunningAction(
            run_date=day, customer_id=CustomerId(str(customer_id)), currency=str(currency),
            invoice_ids=tuple(InvoiceId(str(i)) for i in group), stage=STAGES[int(nxt)],
            channel=Channel.HOLD, template=str(template) or STAGES[int(nxt)],
            language=str(language), reason=str(reason),
            facts={"segment": str(segment), "step": STAGES[int(nxt)], "days_past_due": str(dpd)},
        )
        for customer_id, currency, nxt, template, language, reason, segment, dpd, group in zip(
            rows["customer_id"].tolist(), rows["currency"].tolist(), rows["nxt"].tolist(),
            rows["template"].tolist(), rows["language"].tolist(), rows["reason"].tolist(),
            rows["segment"].tolist(), rows["dpd"].tolist(), groups, strict=True)
    ]


def assemble(lines: pd.DataFrame, groups: pd.DataFrame, holds: pd.DataFrame,
             run: RunFacts) -> Plan:
    """Actions (letters, hand-overs and holds, sorted by customer) and the messages to send."""
    segments, day, policy, ladders = run.segments, run.day, run.policy, run.ladders
    cols, today = _Columns(lines), day.date()
    actions: list[DunningAction] = []
    messages: list[PlannedMessage] = []
    described = _describe(groups, segments, ladders) if len(groups) else groups
    # Plain object columns: itertuples over pandas string arrays is slow at 100k letters.
    described = described[[c for c in _USED if c in described]].astype(object)
    for row in described.itertuples(index=False):
        action, message = _letter(row, cols, today, policy)
        actions.append(action)
        if message is not None:
            messages.append(message)
    actions += _invoice_holds(holds, customer_table(run.customers, policy), ladders, today)
    order = np.lexsort(([a.channel == Channel.HOLD for a in actions],
                        [a.currency for a in actions], [a.customer_id for a in actions]))
    return Plan([actions[i] for i in order], messages)
