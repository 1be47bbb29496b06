"""What a person says about a payment beyond accept and reject: parked, refund, unrelated,
or accepted with a difference booked as a discrepancy.

A parked payment leaves the review queue until un-parked; a refund or unrelated
money leaves the unmatched list and is reported as such. One mark per payment;
the audit log keeps every change.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from dunwell.connectors.storage.models import (
    BankTransaction,
    DiscrepancyRow,
    Invoice,
    MatchRow,
    PaymentMark,
    utcnow,
)
from dunwell.connectors.storage.reconciliation import accept_review
from dunwell.errors import InputError
from dunwell.money import format_plain

PARKED = "parked"
MONEY_KINDS = ("refund", "unrelated")
DIFFERENCE_KINDS = ("bank_fee", "early_payment_discount", "short_payment")
WRITTEN_OFF = ("bank_fee", "early_payment_discount")


def _current(session: Session, transaction_id: str) -> PaymentMark | None:
    return session.get(PaymentMark, transaction_id, with_for_update=True)


def _waiting(session: Session, transaction_id: str) -> bool:
    return bool(session.execute(select(exists().where(
        MatchRow.transaction_id == transaction_id, MatchRow.status == "proposed"))).scalar())


def park(session: Session, transaction_id: str, actor: str, note: str) -> None:
    """Take a payment out of the review queue until it is un-parked; the note says why."""
    if not note.strip():
        raise InputError("note", "say why the payment is parked (the note is required)")
    if not _waiting(session, transaction_id):
        raise InputError("review", f"payment {transaction_id!r} does not wait for a person")
    mark = _current(session, transaction_id)
    if mark is not None:
        raise InputError("review", f"payment {transaction_id!r} is {mark.kind} already")
    session.add(PaymentMark(transaction_id=transaction_id, kind=PARKED, note=note.strip(),
                            actor=actor, at=utcnow()))
    session.flush()


def clear(session: Session, transaction_id: str, kinds: tuple[str, ...]) -> PaymentMark:
    """Remove the payment's mark if it is of one of these kinds (un-park, or un-mark a
    refund); the mark as it was."""
    mark = _current(session, transaction_id)
    if mark is None or mark.kind not in kinds:
        raise InputError("payment", f"payment {transaction_id!r} is not {' or '.join(kinds)}")
    session.delete(mark)
    session.flush()
    return mark


def clear_if_parked(session: Session, transaction_id: str) -> None:
    """A parked payment that is booked after all is not parked any more."""
    mark = session.get(PaymentMark, transaction_id)
    if mark is not None and mark.kind == PARKED:
        session.delete(mark)
        session.flush()


def mark_money(session: Session, transaction_id: str, kind: str, actor: str, note: str) -> None:
    """Record that money no run could match is a refund or unrelated to any invoice."""
    if kind not in MONEY_KINDS:
        raise InputError("kind", f"{kind!r} is not one of {', '.join(MONEY_KINDS)}")
    if not note.strip():
        raise InputError("note", "say what the money is (the note is required)")
    found = session.execute(select(BankTransaction.id).where(
        BankTransaction.transaction_id == transaction_id).limit(1)).first()
    if found is None:
        raise InputError("payment", f"no payment {transaction_id!r} is stored")
    booked = session.execute(select(func.count()).where(
        MatchRow.transaction_id == transaction_id,
        MatchRow.status.in_(("booked", "accepted", "proposed")))).scalar_one()
    if booked:
        raise InputError("payment", f"payment {transaction_id!r} is booked to invoices or "
                         "waits in the review queue; only unmatched money is marked")
    if _current(session, transaction_id) is not None:
        raise InputError("payment", f"payment {transaction_id!r} is marked already")
    session.add(PaymentMark(transaction_id=transaction_id, kind=kind, note=note.strip(),
                            actor=actor, at=utcnow()))
    session.flush()


def marked_money(session: Session, since: date | None = None) -> list[tuple]:
    """(transaction_id, kind, note, actor, at, booking_date, amount, currency, payer) of
    every payment marked refund or unrelated, newest first: what the report lists."""
    statement = (select(PaymentMark.transaction_id, PaymentMark.kind, PaymentMark.note,
                        PaymentMark.actor, PaymentMark.at, BankTransaction.booking_date,
                        BankTransaction.amount, BankTransaction.currency,
                        BankTransaction.counterparty_name)
                 .join(BankTransaction,
                       BankTransaction.transaction_id == PaymentMark.transaction_id)
                 .where(PaymentMark.kind.in_(MONEY_KINDS)).order_by(PaymentMark.at.desc()))
    if since is not None:
        statement = statement.where(BankTransaction.booking_date >= since)
    return [tuple(row) for row in session.execute(statement)]


def marked_money_of(session: Session, transactions: pd.DataFrame) -> pd.DataFrame:
    """The payments of `transactions` (a run's frame) marked refund or unrelated, as the
    report's MARKED_COLUMNS, amounts as canonical text."""
    columns = ["transaction_id", "booking_date", "amount", "currency", "counterparty_name",
               "kind", "note", "marked_by", "marked_at"]
    if transactions.empty:
        return pd.DataFrame(columns=columns)
    since = pd.to_datetime(transactions["booking_date"]).min().date()
    wanted = set(transactions["transaction_id"])
    rows = [[t, booked.isoformat(), format_plain(amount, currency), currency, payer or "", kind,
             note, actor, at.isoformat(timespec="seconds")]
            for t, kind, note, actor, at, booked, amount, currency, payer
            in marked_money(session, since) if t in wanted]
    return pd.DataFrame(rows, columns=columns)


def accept_with_difference(session: Session, transaction_id: str, invoice_id: str,
                           kind: str, detail: str) -> Decimal:
    """Book a proposal whose payment does not cover the invoice, and record the rest as a
    discrepancy of `kind`: a bank fee or an early-payment discount is written off (the
    invoice is settled), a short payment stays owed. Returns the difference."""
    if kind not in DIFFERENCE_KINDS:
        raise InputError("difference", f"{kind!r} is not one of {', '.join(DIFFERENCE_KINDS)}")
    match = session.execute(select(MatchRow).where(
        MatchRow.transaction_id == transaction_id, MatchRow.invoice_id == invoice_id,
        MatchRow.status == "proposed").order_by(MatchRow.id.desc())).scalars().first()
    invoice = session.get(Invoice, invoice_id, with_for_update=True)
    if match is None or invoice is None:
        raise InputError("review", f"no proposed match of transaction {transaction_id!r} "
                                   f"to invoice {invoice_id!r}")
    difference = invoice.open_amount - invoice.pending_applied - match.applied_amount
    if difference <= 0:
        raise InputError("difference", f"the payment covers {invoice_id}: there is no "
                         "difference to book; accept it as it is")
    accept_review(session, transaction_id, invoice_id)
    if kind in WRITTEN_OFF:
        invoice.pending_applied = invoice.open_amount  # the difference is not owed any more
    session.add(DiscrepancyRow(run_id=match.run_id, kind=kind, transaction_id=transaction_id,
                               invoice_id=invoice_id, amount=difference,
                               currency=invoice.currency, detail=detail))
    session.flush()
    return difference
