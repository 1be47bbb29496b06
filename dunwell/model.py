"""Frozen domain records, in the finance team's words.

Records are for the logic that reads best one item at a time (a customer's
dunning message, a review item). Hot paths over a million rows use the
frames described in `dunwell.frames`, with the same column names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import NewType

CustomerId = NewType("CustomerId", str)
InvoiceId = NewType("InvoiceId", str)
TransactionId = NewType("TransactionId", str)


class InvoiceStatus(StrEnum):
    """Lifecycle of a receivable as the ERP exports it."""

    OPEN = "open"
    PAID = "paid"
    CANCELLED = "cancelled"
    CREDIT_NOTE = "credit_note"


class Decision(StrEnum):
    """How a match was decided: booked without a person, or proposed for review."""

    AUTO = "auto"
    REVIEW = "review"


class DiscrepancyKind(StrEnum):
    """The contract's taxonomy of things a person should know about."""

    SHORT_PAYMENT = "short_payment"
    OVERPAYMENT = "overpayment"
    DUPLICATE_PAYMENT = "duplicate_payment"
    UNMATCHED_PAYMENT = "unmatched_payment"
    ALREADY_PAID = "already_paid"
    CURRENCY_MISMATCH = "currency_mismatch"
    BANK_FEE = "bank_fee"
    DISPUTED_INVOICE_PAYMENT = "disputed_invoice_payment"
    AMBIGUOUS_MATCH = "ambiguous_match"


class Channel(StrEnum):
    """What a dunning action does: a message, a hand-over to a person, or holding back."""

    EMAIL = "email"
    HUMAN_REVIEW = "human_review"
    HOLD = "hold"


@dataclass(frozen=True, slots=True)
class Customer:
    """Someone who owes us money.

    Attributes:
      customer_id: the ERP's key.
      name: legal or trading name as on invoices.
      email: billing contact; None when we have no address.
      iban: an account the customer is known to pay from.
      segment: a dunning segment pinned by hand; None means computed.
      language: ISO 639-1 language for messages.
      country: ISO 3166-1 alpha-2, for public holidays.
      timezone: IANA name, for business hours.
      do_not_contact: true when no reminder may be sent at all.
    """

    customer_id: CustomerId
    name: str
    email: str | None = None
    iban: str | None = None
    segment: str | None = None
    language: str = "en"
    country: str | None = None
    timezone: str | None = None
    do_not_contact: bool = False


@dataclass(frozen=True, slots=True)
class Invoice:
    """A receivable.

    Attributes:
      invoice_id: the number as printed on the invoice.
      customer_id: who owes it.
      currency: ISO 4217.
      amount: gross amount.
      open_amount: still unpaid, 0..amount.
      issue_date, due_date: as printed.
      status: open, paid, cancelled or credit_note.
      customer_name: the name on the invoice, if the export has it.
      email: an invoice-specific billing contact overriding the customer's.
      disputed: the customer contests it; never dunned while true.
      promise_to_pay_date: the customer promised to pay by this date.
    """

    invoice_id: InvoiceId
    customer_id: CustomerId
    currency: str
    amount: Decimal
    open_amount: Decimal
    issue_date: date
    due_date: date
    status: InvoiceStatus = InvoiceStatus.OPEN
    customer_name: str | None = None
    email: str | None = None
    disputed: bool = False
    promise_to_pay_date: date | None = None


@dataclass(frozen=True, slots=True)
class BankTxn:
    """A booked bank transaction; incoming money is positive.

    Attributes:
      transaction_id: the bank's reference, or a stable fingerprint.
      booking_date: when the bank booked it.
      amount: signed amount in `currency`.
      counterparty_name: the payer as the bank shows it.
      counterparty_iban: the payer's account.
      remittance_info: free text the payer typed.
      account: the statement's own account (IBAN or number).
    """

    transaction_id: TransactionId
    booking_date: date
    amount: Decimal
    currency: str
    counterparty_name: str | None = None
    counterparty_iban: str | None = None
    remittance_info: str | None = None
    account: str | None = None


@dataclass(frozen=True, slots=True)
class Match:
    """A link of (part of) a payment to an invoice.

    Attributes:
      applied_amount: how much of the payment clears this invoice.
      confidence: 0-100.
      decision: auto (booked) or review (proposed to a person).
      reasons: short human-readable text of what matched.
    """

    transaction_id: TransactionId
    invoice_id: InvoiceId
    applied_amount: Decimal
    confidence: int
    decision: Decision
    reasons: str


@dataclass(frozen=True, slots=True)
class Discrepancy:
    """Something a person should know: a data problem, never an exception."""

    kind: DiscrepancyKind
    transaction_id: TransactionId | None
    invoice_id: InvoiceId | None
    amount: Decimal | None
    detail: str


@dataclass(frozen=True, slots=True)
class DunningAction:
    """One row of actions.csv: a message, a hand-over or a hold in one run."""

    run_date: date
    customer_id: CustomerId
    currency: str
    invoice_ids: tuple[InvoiceId, ...]
    stage: str
    channel: Channel
    template: str
    language: str
    reason: str
    message_id: str = ""
    facts: dict[str, str] = field(default_factory=dict, compare=False)
