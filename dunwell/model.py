"""Frozen domain records, in the finance team's words.

Records are for the logic that reads best one item at a time (a bank
transaction as a statement reader yields it, a dunning action). Hot paths over
a million rows use the frames described in `dunwell.frames`, with the same
column names; the enums here are the values their code columns hold.
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


class Stage(StrEnum):
    """The contract's dunning steps, in ladder order."""

    PRE_DUE = "pre_due"
    FRIENDLY = "friendly"
    FIRM = "firm"
    FINAL = "final"
    HUMAN_REVIEW = "human_review"


class DeliveryStatus(StrEnum):
    """Where a reminder is on its way out: planned, being sent, or what the server said."""

    PLANNED = "planned"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    BOUNCED = "bounced"
    UNKNOWN = "unknown"


class Channel(StrEnum):
    """What a dunning action does: a message, a hand-over to a person, or holding back."""

    EMAIL = "email"
    HUMAN_REVIEW = "human_review"
    HOLD = "hold"


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
