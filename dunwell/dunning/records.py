"""What the planner hands to the sender and the database: messages, actions, the plan."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import pandas as pd

from dunwell.frames import ACTION_COLUMNS
from dunwell.model import DunningAction

EMAIL_ADDRESS = re.compile(
    r"^[^@\s<>,;:\"()\[\]\\]+@[^@\s<>,;:\"()\[\]\\]+\.[^@\s<>,;:\"()\[\]\\]+$"
)
"""One plain address: no display name, no second recipient, no whitespace or line breaks."""


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    """One invoice in a message, at its own stage.

    Attributes:
      amount, open_amount: gross and still unpaid, Decimal in the message's currency.
      days_overdue: days past the due date on the run day (negative: not yet due).
      stage: this invoice's own stage (the message's tone is the highest of them).
      compensation, interest: EU late-payment pack amounts, None when the pack is off.
      paid_on: when the latest payment towards it arrived, if known (a part payment).
    """

    invoice_id: str
    issue_date: date
    due_date: date
    amount: Decimal
    open_amount: Decimal
    days_overdue: int
    stage: str
    compensation: Decimal | None = None
    interest: Decimal | None = None
    paid_on: date | None = None


@dataclass(frozen=True, slots=True)
class PlannedMessage:
    """A reminder (channel email) or a hand-over to a person (channel human_review).

    Attributes:
      key: sha256 of customer, currency, stage, sorted invoice ids and run day;
        the sender stores it uniquely so that no message leaves twice.
      template: the step's template name; files are <language>/<template>.j2.
      recipient: the address to write to ("" for a hand-over without one).
      reference: what the customer should write on the transfer.
      total: sum of the lines' open amounts.
      not_before: the earliest moment to send, in the customer's timezone.
      facts: why this message, for the database (segment, step, days past due...).
    """

    customer_id: str
    customer_name: str
    currency: str
    stage: str
    channel: str
    language: str
    template: str
    recipient: str
    key: str
    run_date: date
    reference: str
    lines: tuple[InvoiceLine, ...]
    total: Decimal
    not_before: datetime
    facts: dict[str, str] = field(default_factory=dict)

    @property
    def invoice_ids(self) -> tuple[str, ...]:
        """The listed invoices, in the order of the letter."""
        return tuple(line.invoice_id for line in self.lines)


@dataclass(frozen=True, slots=True)
class Plan:
    """One run's decisions.

    Attributes:
      actions: every row of actions.csv for this run: letters, hand-overs and holds.
      messages: what to deliver, at most one per customer and currency: emails to
        customers (channel email) and hand-overs to a person (channel human_review,
        recipient "", never emailed to the customer). Record both as sent, by key.
    """

    actions: list[DunningAction]
    messages: list[PlannedMessage]

    @property
    def emails(self) -> list[PlannedMessage]:
        """The messages that go to customers."""
        return [m for m in self.messages if m.channel == "email"]

    @property
    def handovers(self) -> list[PlannedMessage]:
        """The tasks for a person, with the customer's facts attached."""
        return [m for m in self.messages if m.channel == "human_review"]


def message_key(customer_id: str, currency: str, stage: str, ids: Iterable[str], day: date) -> str:
    """The exactly-once key: sha256 over customer, currency, stage, sorted invoices and day."""
    text = "\x1f".join([customer_id, currency, stage, " ".join(sorted(ids)), day.isoformat()])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def actions_frame(actions: Sequence[DunningAction]) -> pd.DataFrame:
    """actions.csv as a frame with the contract's columns (invoice ids space-separated)."""
    rows = [
        {
            "run_date": a.run_date.isoformat(),
            "customer_id": a.customer_id,
            "currency": a.currency,
            "invoice_ids": " ".join(a.invoice_ids),
            "stage": a.stage,
            "channel": str(a.channel),
            "template": a.template,
            "language": a.language,
            "reason": a.reason,
            "message_id": a.message_id,
        }
        for a in actions
    ]
    return pd.DataFrame(rows, columns=ACTION_COLUMNS).astype(str)
