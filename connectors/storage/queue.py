"""The review queue a page at a time: keyset paging, search, parked payments.

A page walks the (status, confidence, transaction_id) index from a cursor (the
last row's confidence and payment) and stops after one page: no OFFSET, so
page 500 costs what page 1 costs. The search matches the payer, the
remittance text and the payment id through one expression that PostgreSQL
indexes with trigrams (migration 0006), and the invoice id of the waiting
proposals; its count stops at SEARCH_COUNT_CAP.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, exists, func, literal_column, or_, select, tuple_, union
from sqlalchemy.orm import Session, aliased

from dunwell.connectors.storage.models import BankTransaction, Invoice, MatchRow, PaymentMark

SEARCH_COUNT_CAP = 1000
_EMPTY, _SPACE = literal_column("''"), literal_column("' '")
# the same expression as the trigram index of migration 0006, literal for literal
SEARCH_TEXT = func.lower(
    func.coalesce(BankTransaction.counterparty_name, _EMPTY).op("||")(_SPACE)
    .op("||")(func.coalesce(BankTransaction.remittance_info, _EMPTY)).op("||")(_SPACE)
    .op("||")(BankTransaction.transaction_id))


@dataclass(frozen=True)
class Cursor:
    """Where a page starts or ends: a row's confidence and payment id."""

    confidence: int
    transaction_id: str

    def __str__(self) -> str:
        return f"{self.confidence}:{self.transaction_id}"

    @classmethod
    def parse(cls, value: str) -> Cursor | None:
        """A cursor from its text in a URL; None for anything else (the first page)."""
        confidence, _, transaction_id = value.partition(":")
        if not transaction_id or not confidence.lstrip("-").isdigit():
            return None
        return cls(int(confidence), transaction_id)


@dataclass(frozen=True)
class QueueRow:
    """One payment waiting for a person, with its best candidate (and why it is parked)."""

    transaction_id: str
    booking_date: date | None
    amount: Decimal | None
    currency: str
    counterparty_name: str
    remittance_info: str
    candidates: int
    best_invoice: str
    best_customer: str
    best_confidence: int
    parked_note: str = ""
    parked_by: str = ""
    parked_at: datetime | None = None

    @property
    def cursor(self) -> Cursor:
        """This row's place in the queue's order."""
        return Cursor(self.best_confidence, self.transaction_id)


@dataclass(frozen=True)
class QueuePage:
    """A page of the queue, how many in all (at most the cap when searching), and the
    cursors of the pages before and after it (None at either end)."""

    rows: list[QueueRow]
    total: int
    total_capped: bool
    before: Cursor | None
    after: Cursor | None


def _like(session: Session, column: Any, text: str) -> Any:
    """column LIKE %text%, with the user's % and _ taken literally."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    if session.get_bind().dialect.name == "sqlite":  # PostgreSQL escapes with \ by default
        return column.like(f"%{escaped}%", escape="\\")
    return column.like(f"%{escaped}%")


def _found(session: Session, text: str) -> Any:
    """Payments waiting whose payer, text, id or proposed invoice contains `text`."""
    by_payment = (select(MatchRow.transaction_id)
                  .join(BankTransaction, BankTransaction.transaction_id == MatchRow.transaction_id)
                  .where(MatchRow.status == "proposed", _like(session, SEARCH_TEXT, text)))
    by_invoice = select(MatchRow.transaction_id).where(
        MatchRow.status == "proposed", _like(session, func.lower(MatchRow.invoice_id), text))
    return union(by_payment, by_invoice).subquery()


def _marked(parked: bool) -> Any:
    mark = exists().where(PaymentMark.transaction_id == MatchRow.transaction_id)
    if parked:
        return exists().where(PaymentMark.transaction_id == MatchRow.transaction_id,
                              PaymentMark.kind == "parked")
    return ~mark


def _best_rows(session: Session, text: str, parked: bool) -> Any:
    """The best waiting proposal of each payment in view: one row per payment."""
    better = aliased(MatchRow)
    best_only = ~exists().where(
        better.transaction_id == MatchRow.transaction_id, better.status == "proposed",
        or_(better.confidence > MatchRow.confidence,
            and_(better.confidence == MatchRow.confidence, better.id < MatchRow.id)))
    rows = select(MatchRow.confidence, MatchRow.transaction_id, MatchRow.invoice_id).where(
        MatchRow.status == "proposed", best_only, _marked(parked))
    if text:
        rows = rows.where(MatchRow.transaction_id.in_(select(_found(session, text).c[0])))
    return rows


def _total(session: Session, text: str, parked: bool) -> tuple[int, bool]:
    """How many payments are in view; searching, counting stops after the cap."""
    if not text:
        waiting = select(MatchRow.transaction_id).where(
            MatchRow.status == "proposed", _marked(parked)).distinct().subquery()
        return int(session.execute(select(func.count()).select_from(waiting)).scalar_one()), False
    found = _found(session, text)
    ids = (select(found.c[0]).where(exists().where(
        MatchRow.transaction_id == found.c[0], MatchRow.status == "proposed", _marked(parked)))
        .limit(SEARCH_COUNT_CAP + 1).subquery())
    total = int(session.execute(select(func.count()).select_from(ids)).scalar_one())
    return min(total, SEARCH_COUNT_CAP), total > SEARCH_COUNT_CAP


def review_queue(session: Session, *, text: str = "", after: Cursor | None = None,
                 before: Cursor | None = None, parked: bool = False,
                 limit: int = 50) -> QueuePage:
    """Payments waiting for a person, most confident first: the page after `after` (or
    before `before`, or the first), with the total. `parked` lists the parked ones instead."""
    key = tuple_(MatchRow.confidence, MatchRow.transaction_id)
    rows = _best_rows(session, text, parked)
    if before is not None:
        rows = rows.where(key > tuple_(before.confidence, before.transaction_id)).order_by(
            MatchRow.confidence, MatchRow.transaction_id)
    else:
        if after is not None:
            rows = rows.where(key < tuple_(after.confidence, after.transaction_id))
        rows = rows.order_by(MatchRow.confidence.desc(), MatchRow.transaction_id.desc())
    found = session.execute(rows.limit(limit + 1)).all()
    more = len(found) > limit
    found = found[:limit]
    if before is not None:
        found.reverse()
    page = _queue_rows(session, [(int(c), str(t), str(i)) for c, t, i in found])
    total, capped = _total(session, text, parked)
    has_before = (more if before is not None else after is not None) and bool(page)
    has_after = (more if before is None else True) and bool(page)
    return QueuePage(page, total, capped, page[0].cursor if has_before else None,
                     page[-1].cursor if has_after else None)


def _queue_rows(session: Session, best: list[tuple[int, str, str]]) -> list[QueueRow]:
    """The columns the list shows, for one page of (confidence, payment, invoice)."""
    keys = [t for _, t, _ in best]
    txns: dict[str, Any] = {}
    for txn in session.execute(
            select(BankTransaction.transaction_id, BankTransaction.booking_date,
                   BankTransaction.amount, BankTransaction.currency,
                   BankTransaction.counterparty_name, BankTransaction.remittance_info)
            .where(BankTransaction.transaction_id.in_(keys)).order_by(BankTransaction.id)):
        txns.setdefault(txn.transaction_id, txn)
    counts = dict(session.execute(
        select(MatchRow.transaction_id, func.count()).where(
            MatchRow.transaction_id.in_(keys), MatchRow.status == "proposed")
        .group_by(MatchRow.transaction_id)).all())
    names = dict(session.execute(
        select(Invoice.invoice_id, func.coalesce(Invoice.customer_name, Invoice.customer_id))
        .where(Invoice.invoice_id.in_({i for _, _, i in best}))).all())
    marks = {m.transaction_id: m for m in session.execute(
        select(PaymentMark).where(PaymentMark.transaction_id.in_(keys))).scalars()}
    rows = []
    for confidence, key, invoice_id in best:
        txn, mark = txns.get(key), marks.get(key)
        rows.append(QueueRow(
            key, txn.booking_date if txn else None, txn.amount if txn else None,
            txn.currency if txn else "", (txn.counterparty_name or "") if txn else "",
            (txn.remittance_info or "") if txn else "", int(counts.get(key, 0)), invoice_id,
            names.get(invoice_id) or "", confidence, mark.note if mark else "",
            mark.actor if mark else "", mark.at if mark else None))
    return rows

