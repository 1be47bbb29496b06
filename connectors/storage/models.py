"""The database tables, as typed SQLAlchemy 2 models; Alembic migrations mirror them.

Money is `Numeric(18, 4)` with its currency beside it, never a float. Times
are stored in UTC and read back timezone-aware on every database.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

AMOUNT = Numeric(18, 4)
NAMING = {  # named constraints, so that later migrations can alter them on SQLite too
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC and always returned timezone-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: give a timezone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    """Now, in UTC: the database's clock for created_at and friends."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Base of all dunwell tables."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UtcDateTime(), Decimal: AMOUNT, dict[str, Any]: JSON}


def table_of(model: type[Base]) -> Table:
    """The Core table of a mapped class (SQLAlchemy types `__table__` as any FromClause)."""
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table


class Customer(Base):
    """A customer as the ERP exports it."""

    __tablename__ = "customers"
    customer_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)
    iban: Mapped[str | None] = mapped_column(String(34))
    segment: Mapped[str | None] = mapped_column(String(50))
    language: Mapped[str] = mapped_column(String(8), default="en")
    country: Mapped[str | None] = mapped_column(String(2))
    timezone: Mapped[str | None] = mapped_column(String(64))
    do_not_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Invoice(Base):
    """A receivable as the ERP last exported it, and what dunwell booked since.

    `open_amount` is the export's; `pending_applied` is what dunwell booked that
    the export does not show yet. Still owed: open_amount - pending_applied.
    """

    __tablename__ = "invoices"
    invoice_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(100), index=True)
    customer_name: Mapped[str | None] = mapped_column(Text)
    currency: Mapped[str] = mapped_column(String(3))
    amount: Mapped[Decimal]
    open_amount: Mapped[Decimal]
    issue_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open")
    email: Mapped[str | None] = mapped_column(Text)
    disputed: Mapped[bool] = mapped_column(Boolean, default=False)
    promise_to_pay_date: Mapped[date | None] = mapped_column(Date)
    pending_applied: Mapped[Decimal] = mapped_column(default=Decimal(0),
                                                     server_default=text("0"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class StatementImport(Base):
    """One statement file read in, with what it added."""

    __tablename__ = "statement_imports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    file_name: Mapped[str] = mapped_column(Text)
    file_hash: Mapped[str] = mapped_column(String(64), index=True)
    format: Mapped[str] = mapped_column(String(20))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    new_count: Mapped[int] = mapped_column(Integer, default=0)
    known_count: Mapped[int] = mapped_column(Integer, default=0)
    rejected_count: Mapped[int] = mapped_column(Integer, default=0)


class BankTransaction(Base):
    """A booked bank transaction, stored once per (account, transaction_id)."""

    __tablename__ = "bank_transactions"
    __table_args__ = (UniqueConstraint("account", "transaction_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account: Mapped[str] = mapped_column(String(64), default="")
    transaction_id: Mapped[str] = mapped_column(String(200), index=True)
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("statement_imports.id"), index=True)
    line: Mapped[int] = mapped_column(Integer, default=0)
    booking_date: Mapped[date] = mapped_column(Date, index=True)
    amount: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3))
    counterparty_name: Mapped[str | None] = mapped_column(Text)
    counterparty_iban: Mapped[str | None] = mapped_column(String(34))
    remittance_info: Mapped[str | None] = mapped_column(Text)


class Run(Base):
    """One run of a flow (import, reconcile, dunning, report) and how it ended."""

    __tablename__ = "runs"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20), default="running")
    as_of: Mapped[str | None] = mapped_column(String(40))
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class MatchRow(Base):
    """A (transaction, invoice) link: proposed, accepted, rejected or booked."""

    __tablename__ = "matches"
    __table_args__ = (Index(None, "status", "transaction_id"),
                      Index(None, "status", "confidence", "transaction_id"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id"), index=True)
    transaction_id: Mapped[str] = mapped_column(String(200))
    invoice_id: Mapped[str] = mapped_column(String(100), index=True)
    applied_amount: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3))
    confidence: Mapped[int] = mapped_column(Integer)
    decision: Mapped[str] = mapped_column(String(10))
    reasons: Mapped[str] = mapped_column(Text, default="")
    rank: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]


class DiscrepancyRow(Base):
    """Something a person should know about, found by a reconciliation run."""

    __tablename__ = "discrepancies"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    transaction_id: Mapped[str | None] = mapped_column(String(200))
    invoice_id: Mapped[str | None] = mapped_column(String(100))
    amount: Mapped[Decimal | None]
    currency: Mapped[str | None] = mapped_column(String(3))
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Alias(Base):
    """A name or IBAN a customer is known to pay under, learned or entered by hand."""

    __tablename__ = "aliases"
    __table_args__ = (UniqueConstraint("customer_id", "kind", "value"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    value: Mapped[str] = mapped_column(String(300))
    learned_from: Mapped[str] = mapped_column(String(200), default="manual")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutboxMessage(Base):
    """A dunning message, claimed once by its unique key, and where its delivery stands.

    status: planned -> sending (attempt committed before SMTP) -> sent | failed
    (temporary, retried by a later run) | bounced (permanent) | unknown (the
    connection dropped after the message was transferred: a person decides).
    """

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    run_id: Mapped[str | None] = mapped_column(String(36), index=True)
    customer_id: Mapped[str] = mapped_column(String(100), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    stage: Mapped[str] = mapped_column(String(50))
    invoice_ids: Mapped[str] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(20), default="email")
    template: Mapped[str] = mapped_column(String(100), default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    reason: Mapped[str] = mapped_column(Text, default="")
    facts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    recipient: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(10), default="planned", index=True)
    detail: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    attempted_at: Mapped[datetime | None]
    smtp_code: Mapped[int | None] = mapped_column(Integer)


class CustomerState(Base):
    """What the team decided about a customer by hand: paused, pinned segment, notes."""

    __tablename__ = "customer_state"
    customer_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    pinned_segment: Mapped[str | None] = mapped_column(String(50))
    notes: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class InvoiceEvent(Base):
    """A dispute, its resolution, or a promise to pay, recorded against an invoice."""

    __tablename__ = "invoice_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    invoice_id: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    event_date: Mapped[date] = mapped_column(Date)
    promised_date: Mapped[date | None] = mapped_column(Date)
    who: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class QuarantineRow(Base):
    """An input row held back by a quality check, with where it came from and why."""

    __tablename__ = "quarantine"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str | None] = mapped_column(String(36), index=True)
    dataset: Mapped[str] = mapped_column(String(50))
    line: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    row: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RunLock(Base):
    """A named lock on SQLite, where there are no advisory locks."""

    __tablename__ = "run_locks"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    owner: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime] = mapped_column(default=utcnow)


class User(Base):
    """A person who signs in to the workbench, with one role and an argon2 password hash."""

    __tablename__ = "users"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebSession(Base):
    """A signed-in browser: the cookie's SHA-256, its CSRF token and when it expires."""

    __tablename__ = "web_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_name: Mapped[str] = mapped_column(ForeignKey("users.name", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class AuditEntry(Base):
    """One decision a person took, from the shell or the workbench: who, when, what, why."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    via: Mapped[str] = mapped_column(String(10))
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(300))
    customer_id: Mapped[str | None] = mapped_column(String(100), index=True)
    detail: Mapped[str] = mapped_column(Text, default="")
    why: Mapped[str] = mapped_column(Text, default="")


class DunningApproval(Base):
    """A person's word on a planned message of a stage that needs approval: approved or
    excluded, named by its approval key (customer, currency, stage, invoices) and the run
    day it was given for. The latest word per key counts."""

    __tablename__ = "dunning_approvals"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(100), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    stage: Mapped[str] = mapped_column(String(50))
    segment: Mapped[str] = mapped_column(String(50), default="")
    invoice_ids: Mapped[str] = mapped_column(Text)
    run_date: Mapped[date] = mapped_column(Date)
    approved: Mapped[bool] = mapped_column(Boolean)
    actor: Mapped[str] = mapped_column(String(100))
    why: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)


class MessageCopy(Base):
    """The message exactly as handed to the mail transport, kept by its outbox key."""

    __tablename__ = "message_copies"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    subject: Mapped[str] = mapped_column(Text, default="")
    recipient: Mapped[str] = mapped_column(Text, default="")
    text_body: Mapped[str] = mapped_column(Text, default="")
    html_body: Mapped[str] = mapped_column(Text, default="")
    stored_at: Mapped[datetime] = mapped_column(default=utcnow)


class PaymentPlanInstalment(Base):
    """One instalment of a payment plan agreed with a customer: while the plan is kept, its
    invoices get no ladder reminders, only one reminder per instalment."""

    __tablename__ = "payment_plans"
    __table_args__ = (UniqueConstraint("plan_id", "instalment"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(String(50), index=True)
    customer_id: Mapped[str] = mapped_column(String(100), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    invoice_ids: Mapped[str] = mapped_column(Text)
    instalment: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal]
    owed_at_start: Mapped[Decimal]
    created_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
TRIGRAM_INDEXES = ("ix_bank_transactions_search", "ix_matches_proposed_invoice_search")
"""Expression indexes for the review search that migration 0006 makes on PostgreSQL only
(with pg_trgm); not modelled here, as SQLite has no equivalent."""


class PaymentMark(Base):
    """What a person said about a payment that is not a booking, one mark per payment.

    kind: `parked` (out of the review queue until un-parked), `refund` or
    `unrelated` (money that is no customer's payment: out of the unmatched list).
    """

    __tablename__ = "payment_marks"
    transaction_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(default=utcnow)
