"""Customers and invoices: upserted from the ERP's frames, read back as frames.

Reading applies what people recorded by hand: a pinned segment and a pause
on the customer, a dispute or promise to pay on the invoice.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from dunwell.connectors.storage.columns import (
    as_rows,
    chunks,
    column,
    dates,
    datetime64,
    decimals,
    dialect_insert,
    minor_units,
    text,
    text_or_none,
)
from dunwell.connectors.storage.models import Customer, CustomerState, Invoice, InvoiceEvent, utcnow
from sqlalchemy import select
from sqlalchemy.orm import Session

from dunwell.frames import CUSTOMER_COLUMNS, INVOICE_COLUMNS


def _upsert(session: Session, model: type, key: str, rows: list[dict[str, Any]]) -> int:
    """INSERT .. ON CONFLICT (key) DO UPDATE every other column, in chunks."""
    table = model.__table__  # type: ignore[attr-defined]
    for chunk in chunks(rows):
        statement = dialect_insert(session, table)
        update = {c: statement.excluded[c] for c in chunk[0] if c != key}
        session.execute(statement.on_conflict_do_update(index_elements=[key], set_=update), chunk)
    return len(rows)


def _bools(series: pd.Series) -> list[bool]:
    return [bool(v) and not pd.isna(v) for v in series]


def upsert_customers(session: Session, frame: pd.DataFrame) -> int:
    """Insert or update customers from a frame per `dunwell.frames.CUSTOMER_COLUMNS`."""
    ibans = text_or_none(column(frame, "iban", ""))
    columns = {
        "customer_id": frame["customer_id"].astype("str").tolist(),
        "name": column(frame, "name", "").fillna("").astype("str").tolist(),
        "email": text_or_none(column(frame, "email", "")),
        "iban": [v.replace(" ", "").upper() if v else None for v in ibans],
        "segment": text_or_none(column(frame, "segment", "")),
        "language": [v or "en" for v in text_or_none(column(frame, "language", ""))],
        "country": text_or_none(column(frame, "country", "")),
        "timezone": text_or_none(column(frame, "timezone", "")),
        "do_not_contact": _bools(column(frame, "do_not_contact", False)),
        "updated_at": [utcnow()] * len(frame),
    }
    return _upsert(session, Customer, "customer_id", as_rows(columns))


def upsert_invoices(session: Session, frame: pd.DataFrame) -> int:
    """Insert or update invoices from a frame per `dunwell.frames.INVOICE_COLUMNS`."""
    currency = frame["currency"].astype("str").tolist()
    columns = {
        "invoice_id": frame["invoice_id"].astype("str").tolist(),
        "customer_id": frame["customer_id"].astype("str").tolist(),
        "customer_name": text_or_none(column(frame, "customer_name", "")),
        "currency": currency,
        "amount": decimals(frame["amount_minor"], currency),
        "open_amount": decimals(column(frame, "open_minor", None).fillna(
            frame["amount_minor"]), currency),
        "issue_date": dates(frame["issue_date"]),
        "due_date": dates(frame["due_date"]),
        "status": [v or "open" for v in text_or_none(column(frame, "status", ""))],
        "email": text_or_none(column(frame, "email", "")),
        "disputed": _bools(column(frame, "disputed", False)),
        "promise_to_pay_date": dates(column(frame, "promise_to_pay_date", None)),
        "updated_at": [utcnow()] * len(frame),
    }
    return _upsert(session, Invoice, "invoice_id", as_rows(columns))


def load_customers(session: Session) -> pd.DataFrame:
    """Customers per `CUSTOMER_COLUMNS` plus `paused`; a segment pinned by hand wins."""
    found = session.execute(select(Customer).order_by(Customer.customer_id)).scalars().all()
    states = {s.customer_id: s for s in session.execute(select(CustomerState)).scalars()}
    pinned = [states[c.customer_id].pinned_segment if c.customer_id in states else None
              for c in found]
    frame = pd.DataFrame({
        "customer_id": text(c.customer_id for c in found),
        "name": text(c.name for c in found),
        "email": text(c.email for c in found),
        "iban": text(c.iban for c in found),
        "segment": text(p or c.segment for p, c in zip(pinned, found, strict=True)),
        "language": text(c.language or "en" for c in found),
        "country": text(c.country for c in found),
        "timezone": text(c.timezone for c in found),
        "do_not_contact": pd.Series([c.do_not_contact for c in found], dtype="bool"),
        "line": pd.Series([0] * len(found), dtype="int64"),
        "paused": pd.Series([c.customer_id in states and states[c.customer_id].paused
                             for c in found], dtype="bool"),
    })
    return frame[[*CUSTOMER_COLUMNS, "paused"]]


def load_invoices(session: Session, *, open_only: bool = False) -> pd.DataFrame:
    """Invoices per `INVOICE_COLUMNS`, with disputes and promises recorded by hand applied."""
    statement = select(Invoice).order_by(Invoice.invoice_id)
    if open_only:
        statement = statement.where(Invoice.status == "open", Invoice.open_amount != 0)
    found = session.execute(statement).scalars().all()
    disputed, promised = manual_events(session)
    currency = [i.currency for i in found]
    frame = pd.DataFrame({
        "invoice_id": text(i.invoice_id for i in found),
        "customer_id": text(i.customer_id for i in found),
        "customer_name": text(i.customer_name for i in found),
        "currency": text(currency),
        "amount_minor": pd.Series(minor_units([i.amount for i in found], currency), dtype="int64"),
        "open_minor": pd.Series(minor_units([i.open_amount for i in found], currency),
                                dtype="int64"),
        "issue_date": datetime64([i.issue_date for i in found]),
        "due_date": datetime64([i.due_date for i in found]),
        "status": text(i.status for i in found),
        "email": text(i.email for i in found),
        "disputed": pd.Series([disputed.get(i.invoice_id, i.disputed) for i in found],
                              dtype="bool"),
        "promise_to_pay_date": datetime64(
            [promised.get(i.invoice_id, i.promise_to_pay_date) for i in found]),
        "line": pd.Series([0] * len(found), dtype="int64"),
    })
    return frame[list(INVOICE_COLUMNS)]


def manual_events(session: Session) -> tuple[dict[str, bool], dict[str, Any]]:
    """Per invoice: disputed after its latest dispute event, and its latest promised date."""
    disputed: dict[str, bool] = {}
    promised: dict[str, Any] = {}
    events = session.execute(select(InvoiceEvent).order_by(InvoiceEvent.id)).scalars()
    for event in events:
        if event.kind in ("dispute", "dispute_resolved"):
            disputed[event.invoice_id] = event.kind == "dispute"
        elif event.kind == "promise":
            promised[event.invoice_id] = event.promised_date
    return disputed, promised


_manual_events = manual_events  # the name connectors.ledger imports; prefer manual_events
