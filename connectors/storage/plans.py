"""Payment plans in the database: instalments per plan, and the kept ones for the planner."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from dunwell.connectors.storage.models import Invoice, PaymentPlanInstalment
from dunwell.dunning.plans import Instalment, fill, status
from dunwell.money import to_minor

PLAN_COLUMNS = ["plan_id", "customer_id", "currency", "invoice_ids", "instalment", "due_date",
                "amount_minor", "paid_minor"]


def add_plan(session: Session, *, plan_id: str, customer_id: str, currency: str,
             invoice_ids: list[str], dues: list[tuple[date, Decimal]], owed_at_start: Decimal,
             created_by: str) -> None:
    """Store a new plan, one row per instalment."""
    for number, (due, amount) in enumerate(sorted(dues), start=1):
        session.add(PaymentPlanInstalment(
            plan_id=plan_id, customer_id=customer_id, currency=currency,
            invoice_ids=" ".join(invoice_ids), instalment=number, due_date=due, amount=amount,
            owed_at_start=owed_at_start, created_by=created_by, cancelled=False))


def owed(session: Session, invoice_ids: list[str]) -> Decimal:
    """What is still owed on these invoices (the export's open amount less dunwell's bookings)."""
    rows = session.execute(select(Invoice.open_amount, Invoice.pending_applied)
                           .where(Invoice.invoice_id.in_(invoice_ids))).all()
    return sum((o - p for o, p in rows), Decimal(0))


def cancel_plan(session: Session, plan_id: str) -> list[PaymentPlanInstalment]:
    """Cancel a plan in force: its invoices are dunned by the ladder again. Its instalment
    rows (locked), as they were; empty when there is no such plan or it is cancelled already."""
    rows = list(session.execute(select(PaymentPlanInstalment).where(
        PaymentPlanInstalment.plan_id == plan_id).order_by(PaymentPlanInstalment.instalment)
        .with_for_update()).scalars())
    if not rows or any(r.cancelled for r in rows):
        return []
    for row in rows:
        row.cancelled = True
    session.flush()
    return rows


def plans_of(session: Session, day: date, customer_id: str | None = None,
             with_cancelled: bool = False,
             ) -> list[tuple[str, list[PaymentPlanInstalment], list[Instalment], str]]:
    """Plans (of one customer, or all): rows, filled instalments and status; cancelled ones
    only when asked for, with the status `cancelled`."""
    statement = select(PaymentPlanInstalment)
    if not with_cancelled:
        statement = statement.where(PaymentPlanInstalment.cancelled.is_(False))
    if customer_id is not None:
        statement = statement.where(PaymentPlanInstalment.customer_id == customer_id)
    grouped: dict[str, list[PaymentPlanInstalment]] = defaultdict(list)
    for row in session.execute(statement.order_by(PaymentPlanInstalment.plan_id,
                                                  PaymentPlanInstalment.instalment)).scalars():
        grouped[row.plan_id].append(row)
    out = []
    for plan_id, rows in grouped.items():
        paid = rows[0].owed_at_start - owed(session, rows[0].invoice_ids.split())
        filled = fill([(r.due_date, r.amount) for r in rows], paid)
        state = "cancelled" if rows[0].cancelled else status(filled, day)
        out.append((plan_id, rows, filled, state))
    return out


def kept_plans(session: Session, day: date) -> pd.DataFrame:
    """The planner's payment-plan table: instalments of the plans that are kept on `day`."""
    records = []
    for plan_id, rows, filled, state in plans_of(session, day):
        if state != "kept":
            continue
        for row, part in zip(rows, filled, strict=True):
            records.append([plan_id, row.customer_id, row.currency, row.invoice_ids,
                            part.number, pd.Timestamp(part.due_date),
                            to_minor(part.amount, row.currency), to_minor(part.paid, row.currency)])
    return pd.DataFrame(records, columns=PLAN_COLUMNS)
