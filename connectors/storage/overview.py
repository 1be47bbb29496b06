"""What the database holds, at a glance: for `dunwell status`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dunwell.connectors.storage.models import Invoice, OutboxMessage, Run
from dunwell.connectors.storage.queue import waiting_and_parked


@dataclass(frozen=True)
class Overview:
    """Counts and the latest runs.

    Attributes:
      runs: the latest runs, newest first: (kind, status, as_of, started_at, run id).
      review_payments: payments with at least one proposed match waiting for a person.
      parked_payments: payments a person parked with a note: out of the queue, not counted
        in review_payments.
      messages: outgoing messages by delivery status (planned, sent, failed, ...).
      invoices, open_invoices: invoices known, and those still owed after what dunwell
        booked since the last export.
    """

    runs: list[tuple[str, str, str, str, str]]
    review_payments: int
    parked_payments: int
    messages: dict[str, int]
    invoices: int
    open_invoices: int


def overview(session: Session, last_runs: int = 5) -> Overview:
    """Read the counts `dunwell status` shows; reads only."""
    runs = session.execute(
        select(Run.kind, Run.status, Run.as_of, Run.started_at, Run.id)
        .order_by(Run.started_at.desc()).limit(last_runs)).all()
    review, parked = waiting_and_parked(session)
    messages = dict(session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).tuples().all())
    invoices = session.scalar(select(func.count()).select_from(Invoice)) or 0
    open_invoices = session.scalar(select(func.count()).select_from(Invoice).where(
        Invoice.status == "open", Invoice.open_amount - Invoice.pending_applied > 0)) or 0
    return Overview(
        runs=[(k, s, (a or "")[:16], started.isoformat(timespec="minutes"), i[:8])
              for k, s, a, started, i in runs],
        review_payments=review, parked_payments=parked,
        messages={str(k): int(v) for k, v in messages.items()},
        invoices=int(invoices), open_invoices=int(open_invoices))
