"""Small builders for dunning tests: frames in dunwell.frames' shape from a few readable values."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from dunwell.dunning import Plan, actions_frame, load_policy, plan
from dunwell.dunning.policy import DunningPolicy
from dunwell.money import to_minor

ROOT = Path(__file__).resolve().parents[2]
POLICY_DATA: dict[str, Any] = yaml.safe_load((ROOT / "config" / "dunning.yaml").read_text())
TEMPLATES = ROOT / "config" / "templates"


def policy(**changes: Any) -> DunningPolicy:
    """The shipped policy, with top-level sections merged from `changes`."""
    data = copy.deepcopy(POLICY_DATA)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return load_policy(data)


def invoice(
    invoice_id: str,
    customer_id: str = "C1",
    due: str = "2026-11-10",
    amount: str = "100.00",
    currency: str = "EUR",
    **extra: Any,
) -> dict[str, Any]:
    """One invoice row; `open` (a decimal string) defaults to the amount."""
    open_amount = extra.pop("open", amount)
    return {
        "invoice_id": invoice_id,
        "customer_id": customer_id,
        "customer_name": "",
        "currency": currency,
        "amount_minor": to_minor(Decimal(amount), currency),
        "open_minor": to_minor(Decimal(open_amount), currency),
        "issue_date": pd.Timestamp(due) - pd.Timedelta(days=30),
        "due_date": pd.Timestamp(due),
        "status": "open",
        "email": "",
        "disputed": False,
        "promise_to_pay_date": pd.NaT,
        "line": 2,
        **extra,
    }


def invoices(*rows: dict[str, Any]) -> pd.DataFrame:
    """An invoices frame with proper dtypes."""
    frame = pd.DataFrame(list(rows))
    for column in ("issue_date", "due_date", "promise_to_pay_date"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def customer(customer_id: str = "C1", name: str = "Acme GmbH", **extra: Any) -> dict[str, Any]:
    """One customer, pinned to `standard`, in Berlin, writing English, unless told otherwise."""
    row = {
        "customer_id": customer_id,
        "name": name,
        "email": f"ap@{customer_id.lower()}.example",
        "iban": "",
        "segment": "standard",
        "language": "en",
        "country": "DE",
        "timezone": "Europe/Berlin",
        "do_not_contact": False,
        "line": 2,
    }
    row.update(extra)
    return row


def customers(*rows: dict[str, Any]) -> pd.DataFrame:
    """A customers frame."""
    return pd.DataFrame(list(rows))


def sent(
    customer_id: str,
    stage: str,
    invoice_ids: str,
    day: str,
    currency: str = "EUR",
    key: str | None = None,
) -> dict[str, Any]:
    """One history row: a message sent on `day` at 09:30 UTC."""
    return {
        "customer_id": customer_id,
        "currency": currency,
        "stage": stage,
        "invoice_ids": invoice_ids,
        "sent_at": pd.Timestamp(f"{day}T09:30", tz="UTC"),
        "key": key or f"{customer_id}-{stage}-{day}",
    }


def history(*rows: dict[str, Any]) -> pd.DataFrame:
    """A history frame (possibly empty) with the planner's columns."""
    columns = ["customer_id", "currency", "stage", "invoice_ids", "sent_at", "key"]
    return pd.DataFrame(list(rows), columns=columns)


def at(day: str, hour: int = 9, minute: int = 0) -> datetime:
    """An aware UTC moment on a day."""
    d = date.fromisoformat(day)
    return datetime(d.year, d.month, d.day, hour, minute, tzinfo=UTC)


def run(
    inv: pd.DataFrame,
    cust: pd.DataFrame,
    hist: pd.DataFrame | None,
    when: datetime | date,
    pol: DunningPolicy | None = None,
    **kw: Any,
) -> Plan:
    """plan() with the shipped policy by default."""
    return plan(inv, cust, hist, when, pol or policy(), **kw)


def rows(result: Plan) -> list[str]:
    """Actions as short lines: customer channel stage invoices [reason for holds]."""
    frame = actions_frame(result.actions)
    out = []
    for r in frame.itertuples(index=False):
        line = f"{r.customer_id} {r.channel} {r.stage} {r.invoice_ids}"
        out.append(line + (f" {r.reason}" if r.channel == "hold" else ""))
    return sorted(out)
