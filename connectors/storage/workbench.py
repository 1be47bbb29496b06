"""What the workbench shows: one payment with its candidates, a customer's timeline, the
last runs, unmatched money (the review queue's pages are in `queue`).

Every query is bounded (a page, one customer, one payment), so a screen stays
fast with a million invoices: nothing here loads a whole table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from dunwell.connectors.storage.models import (
    AuditEntry,
    BankTransaction,
    Customer,
    CustomerState,
    DiscrepancyRow,
    Invoice,
    InvoiceEvent,
    MatchRow,
    OutboxMessage,
    PaymentMark,
    Run,
)
from dunwell.connectors.storage.queue import waiting_and_parked
from dunwell.money import format_plain

OTHER_OPEN_ITEMS = 25


@dataclass(frozen=True)
class Candidate:
    """An invoice proposed for a payment (or one of the customer's other open items)."""

    invoice_id: str
    customer_id: str
    customer_name: str
    currency: str
    amount: Decimal
    still_owed: Decimal
    issue_date: date | None
    due_date: date | None
    applied_amount: Decimal | None = None
    confidence: int | None = None
    reasons: str = ""
    rank: int | None = None
    disputed: bool = False

    @property
    def difference(self) -> Decimal:
        """What the invoice would still owe after this proposal is booked (0 if nothing)."""
        if self.applied_amount is None:
            return Decimal(0)
        return max(self.still_owed - self.applied_amount, Decimal(0))


@dataclass(frozen=True)
class Payment:
    """A bank transaction as the statement carried it, and what is booked from it already."""

    transaction_id: str
    account: str
    booking_date: date
    amount: Decimal
    currency: str
    counterparty_name: str
    counterparty_iban: str
    remittance_info: str
    booked: Decimal
    candidates: list[Candidate] = field(default_factory=list)
    other_open: list[Candidate] = field(default_factory=list)
    mark: PaymentMark | None = None


def best_proposals(session: Session, transaction_ids: list[str]) -> dict[str, str]:
    """transaction_id -> the invoice of its best waiting proposal (the queue's order)."""
    best: dict[str, str] = {}
    for transaction_id, invoice_id in session.execute(
            select(MatchRow.transaction_id, MatchRow.invoice_id)
            .where(MatchRow.transaction_id.in_(transaction_ids), MatchRow.status == "proposed")
            .order_by(MatchRow.confidence.desc(), MatchRow.id)):
        best.setdefault(transaction_id, invoice_id)
    return best


def _still_owed(invoice: Invoice) -> Decimal:
    return invoice.open_amount - invoice.pending_applied


def _candidate(invoice: Invoice, match: MatchRow | None = None) -> Candidate:
    return Candidate(
        invoice.invoice_id, invoice.customer_id, invoice.customer_name or invoice.customer_id,
        invoice.currency, invoice.amount, _still_owed(invoice), invoice.issue_date,
        invoice.due_date, match.applied_amount if match else None,
        match.confidence if match else None, match.reasons if match else "",
        match.rank if match else None, invoice.disputed)


def find_payment(session: Session, transaction_id: str) -> BankTransaction | None:
    """The stored bank transaction of that id (the first account's, should two banks share it)."""
    return session.execute(select(BankTransaction).where(
        BankTransaction.transaction_id == transaction_id).order_by(BankTransaction.id)
        .limit(1)).scalars().first()


def booked_from(session: Session, transaction_id: str) -> Decimal:
    """How much of a payment is booked to invoices already."""
    total = session.execute(select(func.coalesce(func.sum(MatchRow.applied_amount), 0)).where(
        MatchRow.transaction_id == transaction_id,
        MatchRow.status.in_(("booked", "accepted")))).scalar_one()
    return Decimal(total)


def review_payment(session: Session, transaction_id: str) -> Payment | None:
    """One payment with everything the statement carried, its ranked candidates, and the
    candidates' customers' other open invoices."""
    txn = find_payment(session, transaction_id)
    if txn is None:
        return None
    proposed = session.execute(
        select(MatchRow, Invoice).join(Invoice, Invoice.invoice_id == MatchRow.invoice_id)
        .where(MatchRow.transaction_id == transaction_id, MatchRow.status == "proposed")
        .order_by(MatchRow.rank, MatchRow.confidence.desc())).all()
    candidates = [_candidate(invoice, match) for match, invoice in proposed]
    customers = sorted({c.customer_id for c in candidates})
    taken = {c.invoice_id for c in candidates}
    others = session.execute(
        select(Invoice).where(Invoice.customer_id.in_(customers),
                              Invoice.open_amount > Invoice.pending_applied,
                              Invoice.currency == txn.currency)
        .order_by(Invoice.due_date, Invoice.invoice_id).limit(OTHER_OPEN_ITEMS + len(taken))
    ).scalars()
    other_open = [_candidate(i) for i in others if i.invoice_id not in taken][:OTHER_OPEN_ITEMS]
    return Payment(txn.transaction_id, txn.account, txn.booking_date, txn.amount, txn.currency,
                   txn.counterparty_name or "", txn.counterparty_iban or "",
                   txn.remittance_info or "", booked_from(session, transaction_id), candidates,
                   other_open, session.get(PaymentMark, transaction_id))


@dataclass(frozen=True)
class TimelineEntry:
    """One thing that happened to a customer, for the customer page."""

    when: date
    kind: str
    title: str
    detail: str = ""
    invoice_id: str = ""


@dataclass(frozen=True)
class CustomerView:
    """A customer, what the team decided about them, their invoices and their timeline."""

    customer: Customer
    paused: bool
    pinned_segment: str
    notes: str
    invoices: list[Candidate]
    timeline: list[TimelineEntry]


def customer_view(session: Session, customer_id: str) -> CustomerView | None:
    """Everything the customer page shows; None when no such customer."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        return None
    state = session.get(CustomerState, customer_id)
    invoices = list(session.execute(select(Invoice).where(Invoice.customer_id == customer_id)
                                    .order_by(Invoice.due_date.desc())).scalars())
    timeline = _timeline(session, customer_id, invoices)
    return CustomerView(customer, bool(state and state.paused),
                        (state.pinned_segment or "") if state else "",
                        (state.notes or "") if state else "",
                        [_candidate(i) for i in invoices], timeline)


def _day(value: datetime | date | None) -> date:
    if isinstance(value, datetime):
        return value.date()
    return value or date.min


def _timeline(session: Session, customer_id: str, invoices: list[Invoice]) -> list[TimelineEntry]:
    ids = [i.invoice_id for i in invoices]
    entries = [TimelineEntry(i.issue_date, "invoice", f"Invoice {i.invoice_id} issued",
                             f"{i.currency} {format_plain(i.amount, i.currency)}, due {i.due_date}",
                             i.invoice_id)
               for i in invoices]
    for match, txn in session.execute(
            select(MatchRow, BankTransaction).join(
                BankTransaction, BankTransaction.transaction_id == MatchRow.transaction_id,
                isouter=True)
            .where(MatchRow.invoice_id.in_(ids), MatchRow.status.in_(("booked", "proposed")))):
        verb = "paid" if match.status == "booked" else "payment waiting for review"
        entries.append(TimelineEntry(
            txn.booking_date if txn else _day(match.created_at), "payment",
            f"{match.invoice_id} {verb}: {match.currency} "
            f"{format_plain(match.applied_amount, match.currency)}",
            f"{match.transaction_id}, confidence {match.confidence}", match.invoice_id))
    for message in session.execute(select(OutboxMessage).where(
            OutboxMessage.customer_id == customer_id)).scalars():
        entries.append(TimelineEntry(
            _day(message.sent_at or message.created_at), "reminder",
            f"Reminder {message.stage} {message.status}",
            f"{message.invoice_ids} to {message.recipient or '-'}; {message.reason}"))
    for event in session.execute(select(InvoiceEvent).where(InvoiceEvent.invoice_id.in_(ids))
                                 ).scalars():
        title = {"dispute": "Disputed", "dispute_resolved": "Dispute resolved",
                 "promise": f"Promise to pay by {event.promised_date}"}.get(event.kind, event.kind)
        entries.append(TimelineEntry(event.event_date, event.kind, f"{event.invoice_id}: {title}",
                                     " ".join(p for p in (event.who, event.text) if p),
                                     event.invoice_id))
    for entry in session.execute(select(AuditEntry).where(
            AuditEntry.customer_id == customer_id,
            AuditEntry.action.in_(("customer.pause", "customer.resume", "customer.pin")))
            ).scalars():
        entries.append(TimelineEntry(_day(entry.at), "hold", f"{entry.action} by {entry.actor}",
                                     entry.why))
    return sorted(entries, key=lambda e: (e.when, e.kind), reverse=True)


def last_runs(session: Session, limit: int = 10) -> list[Run]:
    """The newest runs, newest first, with their summaries."""
    return list(session.execute(select(Run).order_by(Run.started_at.desc()).limit(limit))
                .scalars())


def waiting_counts(session: Session) -> dict[str, int]:
    """What waits for a person now: payments in review (and, apart, those parked with a
    note), messages planned but not sent, deliveries that failed or bounced."""
    review, parked = waiting_and_parked(session)
    by_status = dict(session.execute(select(OutboxMessage.status, func.count()).where(
        OutboxMessage.status.in_(("planned", "failed", "bounced")))
        .group_by(OutboxMessage.status)).tuples().all())
    return {"review": int(review), "parked": int(parked),
            "messages_pending": int(by_status.get("planned", 0)),
            "deliveries_failed": int(by_status.get("failed", 0)),
            "deliveries_bounced": int(by_status.get("bounced", 0))}


def unmatched_payments(session: Session, *, limit: int = 50, offset: int = 0,
                       marked: bool = False) -> tuple[list[BankTransaction], int]:
    """Incoming money no run could match and no person has booked or marked yet, newest
    first; `marked` lists the money marked as refund or unrelated instead."""
    still_open = ~exists().where(MatchRow.transaction_id == BankTransaction.transaction_id,
                                 MatchRow.status.in_(("proposed", "booked", "accepted")))
    mark = exists().where(PaymentMark.transaction_id == BankTransaction.transaction_id)
    found = (select(BankTransaction.id).join(
        DiscrepancyRow, DiscrepancyRow.transaction_id == BankTransaction.transaction_id)
        .where(DiscrepancyRow.kind == "unmatched_payment", BankTransaction.amount > 0,
               still_open, mark if marked else ~mark).distinct())
    total = session.execute(select(func.count()).select_from(found.subquery())).scalar_one()
    rows = session.execute(select(BankTransaction).where(BankTransaction.id.in_(found))
                           .order_by(BankTransaction.booking_date.desc(), BankTransaction.id)
                           .limit(limit).offset(offset)).scalars().all()
    return list(rows), int(total)


def marks_of(session: Session, transaction_ids: list[str]) -> dict[str, PaymentMark]:
    """The marks of these payments, by payment."""
    return {m.transaction_id: m for m in session.execute(
        select(PaymentMark).where(PaymentMark.transaction_id.in_(transaction_ids))).scalars()}


def search_open_invoices(session: Session, currency: str, *, amount: Decimal | None = None,
                         tolerance: Decimal = Decimal(0), text: str = "",
                         limit: int = 50) -> list[Candidate]:
    """Open invoices in a currency whose still-owed amount is within `tolerance` of `amount`,
    and/or whose number or customer name contains `text`; closest amount first."""
    owed = Invoice.open_amount - Invoice.pending_applied
    where = [Invoice.currency == currency, owed > 0]
    if amount is not None:
        where.append(owed.between(amount - tolerance, amount + tolerance))
    if text:
        like = f"%{text.lower()}%"
        where.append(or_(func.lower(Invoice.invoice_id).like(like),
                         func.lower(Invoice.customer_name).like(like),
                         func.lower(Invoice.customer_id).like(like)))
    order = [func.abs(owed - amount)] if amount is not None else []
    rows = session.execute(select(Invoice).where(*where)
                           .order_by(*order, Invoice.due_date, Invoice.invoice_id).limit(limit))
    return [_candidate(invoice) for invoice in rows.scalars()]
