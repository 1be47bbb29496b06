"""What people decide by hand: pause a customer, pin a segment, record disputes and promises.

These survive the next ERP export: `load_customers` and `load_invoices`
apply them over what the ERP says.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from dunwell.connectors.storage.models import CustomerState, InvoiceEvent, utcnow


def _state(session: Session, customer_id: str) -> CustomerState:
    """The customer's state row, created on first use."""
    state = session.get(CustomerState, customer_id, with_for_update=True)
    if state is None:
        state = CustomerState(customer_id=customer_id, paused=False, notes="")
        session.add(state)
    return state


def _note(state: CustomerState, note: str) -> None:
    if note:
        state.notes = f"{state.notes}\n{note}".strip()
    state.updated_at = utcnow()


def pause_customer(session: Session, customer_id: str, note: str = "") -> None:
    """Send this customer no reminders until resumed."""
    state = _state(session, customer_id)
    state.paused = True
    _note(state, note)
    session.flush()


def resume_customer(session: Session, customer_id: str, note: str = "") -> None:
    """Undo a pause: reminders follow the policy again."""
    state = _state(session, customer_id)
    state.paused = False
    _note(state, note)
    session.flush()


def pin_segment(session: Session, customer_id: str, segment: str | None, note: str = "") -> None:
    """Fix the customer's dunning segment by hand; None goes back to the computed one."""
    state = _state(session, customer_id)
    state.pinned_segment = segment or None
    _note(state, note)
    session.flush()


def _event(session: Session, invoice_id: str, kind: str, on: date | None, who: str, text: str,
           promised: date | None = None) -> None:
    session.add(InvoiceEvent(invoice_id=invoice_id, kind=kind, event_date=on or utcnow().date(),
                             promised_date=promised, who=who, text=text))
    session.flush()


def record_dispute(session: Session, invoice_id: str, *, who: str = "", text: str = "",
                   on: date | None = None) -> None:
    """The customer contests this invoice: it is not dunned until the dispute is resolved."""
    _event(session, invoice_id, "dispute", on, who, text)


def resolve_dispute(session: Session, invoice_id: str, *, who: str = "", text: str = "",
                    on: date | None = None) -> None:
    """The dispute is settled: the invoice is dunned again."""
    _event(session, invoice_id, "dispute_resolved", on, who, text)


def record_promise(session: Session, invoice_id: str, promised_date: date, *, who: str = "",
                   text: str = "", on: date | None = None) -> None:
    """The customer promised to pay by `promised_date`; the latest promise counts."""
    _event(session, invoice_id, "promise", on, who, text, promised=promised_date)


def invoice_events(session: Session, invoice_id: str) -> list[InvoiceEvent]:
    """An invoice's disputes and promises, oldest first."""
    statement = select(InvoiceEvent).where(InvoiceEvent.invoice_id == invoice_id).order_by(
        InvoiceEvent.id)
    return list(session.execute(statement).scalars())
