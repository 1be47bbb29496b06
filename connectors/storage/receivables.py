"""Customers and invoices: upserted from the ERP's frames, read back as frames.

Reading applies what people recorded by hand: a pinned segment and a pause
on the customer, a dispute or promise to pay on the invoice.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import bindparam, func, literal, select
from sqlalchemy.orm import Session

from dunwell.connectors.storage.columns import (
    amounts,
    column,
    date_text,
    dates,
    execute_rows,
    frame_slices,
    insert_rows,
    minor_units_sql,
    text_or_none,
    to_frame,
)
from dunwell.connectors.storage.models import (
    Base,
    Customer,
    CustomerState,
    Invoice,
    InvoiceEvent,
    table_of,
    utcnow,
)
from dunwell.frames import CUSTOMER_COLUMNS, INVOICE_COLUMNS


def _upsert(session: Session, model: type[Base], key: str, columns: dict[str, list[Any]]) -> int:
    """INSERT .. ON CONFLICT (key) DO UPDATE every other given column."""
    insert_rows(session, table_of(model), columns,
                conflict=(key,), update=True)
    return len(columns[key])


def _bools(series: pd.Series) -> list[bool]:
    return [bool(v) and not pd.isna(v) for v in series]


def upsert_customers(session: Session, frame: pd.DataFrame) -> int:
    """Insert or update customers from a frame per `dunwell.frames.CUSTOMER_COLUMNS`."""
    return sum(_upsert_customers(session, part) for part in frame_slices(frame))


def _upsert_customers(session: Session, frame: pd.DataFrame) -> int:
    ibans = text_or_none(column(frame, "iban", ""))
    columns: dict[str, list[Any]] = {
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
    return _upsert(session, Customer, "customer_id", columns)


def upsert_invoices(session: Session, frame: pd.DataFrame) -> int:
    """Insert or update invoices from a frame per `dunwell.frames.INVOICE_COLUMNS`.

    Slice by slice: a million invoices as Python values at once would hold a gigabyte."""
    return sum(_upsert_invoices(session, part) for part in frame_slices(frame))


def _upsert_invoices(session: Session, frame: pd.DataFrame) -> int:
    currency = frame["currency"].astype("str").tolist()
    columns: dict[str, list[Any]] = {
        "invoice_id": frame["invoice_id"].astype("str").tolist(),
        "customer_id": frame["customer_id"].astype("str").tolist(),
        "customer_name": text_or_none(column(frame, "customer_name", "")),
        "currency": currency,
        "amount": amounts(session, frame["amount_minor"], currency),
        "open_amount": amounts(session, column(frame, "open_minor", None).fillna(
            frame["amount_minor"]), currency),
        "issue_date": dates(frame["issue_date"]),
        "due_date": dates(frame["due_date"]),
        "status": [v or "open" for v in text_or_none(column(frame, "status", ""))],
        "email": text_or_none(column(frame, "email", "")),
        "disputed": _bools(column(frame, "disputed", False)),
        "promise_to_pay_date": dates(column(frame, "promise_to_pay_date", None)),
        "updated_at": [utcnow()] * len(frame),
    }
    return _upsert(session, Invoice, "invoice_id", columns)


def load_customers(session: Session) -> pd.DataFrame:
    """Customers per `CUSTOMER_COLUMNS` plus `paused`; a segment pinned by hand wins."""
    c, state = Customer, CustomerState
    statement = (
        select(c.customer_id, c.name, c.email, c.iban,
               func.coalesce(state.pinned_segment, c.segment), c.language, c.country,
               c.timezone, c.do_not_contact, literal(0), func.coalesce(state.paused, False))
        .join(state, state.customer_id == c.customer_id, isouter=True)
        .order_by(c.customer_id)
    )
    names = [*CUSTOMER_COLUMNS, "paused"]
    kinds = {"do_not_contact": "bool", "line": "int64", "paused": "bool"}
    frame = to_frame(session.connection().execute(statement).all(), names, kinds)
    frame["language"] = frame["language"].replace("", "en")
    return frame


def load_invoices(session: Session, *, open_only: bool = False) -> pd.DataFrame:
    """Invoices per `INVOICE_COLUMNS`, with disputes and promises recorded by hand applied.

    `open_minor` is what is still owed: the export's open amount less what dunwell
    booked that the export does not show yet; an invoice owing nothing is `paid`.
    """
    i = Invoice
    owed = i.open_amount - i.pending_applied
    statement = select(
        i.invoice_id, i.customer_id, i.customer_name, i.currency,
        minor_units_sql(session, i.amount, i.currency),
        minor_units_sql(session, owed, i.currency),
        date_text(i.issue_date), date_text(i.due_date), i.status, i.email, i.disputed,
        date_text(i.promise_to_pay_date), literal(0),
    ).order_by(i.invoice_id)
    if open_only:
        statement = statement.where(i.status == "open", owed != 0)
    kinds = {"amount_minor": "int64", "open_minor": "int64", "issue_date": "datetime64",
             "due_date": "datetime64", "disputed": "bool", "promise_to_pay_date": "datetime64",
             "line": "int64"}
    frame = to_frame(session.connection().execute(statement).all(), list(INVOICE_COLUMNS), kinds)
    settled = (frame["status"] == "open") & (frame["amount_minor"] > 0) & (frame["open_minor"] <= 0)
    frame.loc[settled, "status"] = "paid"
    return _apply_manual_events(frame, *manual_events(session))


def load_pending(session: Session) -> pd.DataFrame:
    """Per invoice: the open amount the export last showed and what dunwell booked since."""
    i = Invoice
    statement = select(i.invoice_id, minor_units_sql(session, i.open_amount, i.currency),
                       minor_units_sql(session, i.pending_applied, i.currency))
    return to_frame(session.connection().execute(statement).all(),
                    ["invoice_id", "last_open_minor", "pending_minor"],
                    {"last_open_minor": "int64", "pending_minor": "int64"})


def set_pending(session: Session, frame: pd.DataFrame) -> int:
    """Store what dunwell has booked that the export does not show yet (invoice_id,
    currency, pending_minor); invoices not in the frame keep theirs."""
    if frame.empty:
        return 0
    pending = amounts(session, frame["pending_minor"], frame["currency"].astype("str").tolist())
    table = table_of(Invoice)
    statement = table.update().where(table.c.invoice_id == bindparam("b_id")).values(
        pending_applied=bindparam("b_pending"))
    execute_rows(session.connection(), statement,
                 {"b_id": frame["invoice_id"].astype("str").tolist(), "b_pending": pending})
    return len(pending)


def _apply_manual_events(frame: pd.DataFrame, disputed: dict[str, bool],
                         promised: dict[str, Any]) -> pd.DataFrame:
    """Disputes and promises recorded by hand win over the export's columns."""
    if disputed:
        manual = frame["invoice_id"].map(disputed)
        frame["disputed"] = manual.where(manual.notna(), frame["disputed"]).astype("bool")
    if promised:
        manual_date = pd.to_datetime(frame["invoice_id"].map(promised))
        frame["promise_to_pay_date"] = manual_date.where(manual_date.notna(),
                                                         frame["promise_to_pay_date"])
    return frame


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
