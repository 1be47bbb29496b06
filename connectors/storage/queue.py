"""The review queue a page at a time: keyset paging, search, parked payments.

A page walks the (status, confidence, transaction_id) index from a cursor (the
last row's confidence and payment) and stops after one page: no OFFSET, so
page 500 costs what page 1 costs. The search matches the payer, the
remittance text and the payment id through one expression that PostgreSQL
indexes with trigrams (migration 0006), and the invoice id of the waiting
proposals. Counts stop at a cap: "1,000+" is all a list header needs (Today counts exactly).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    String,
    and_,
    bindparam,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnClause

from dunwell.connectors.storage.models import BankTransaction, Invoice, MatchRow, PaymentMark

SEARCH_COUNT_CAP = 200  # as many as one bulk accept takes
QUEUE_COUNT_CAP = 1_000
PROBE_ROWS = 4 * SEARCH_COUNT_CAP
_EMPTY: ColumnClause[str] = literal_column("''")
_SPACE: ColumnClause[str] = literal_column("' '")


def _search_text(txn: Any) -> Any:
    """Payer, remittance text and payment id in lower case: one string to search."""
    return func.lower(
        func.coalesce(txn.counterparty_name, _EMPTY).op("||")(_SPACE)
        .op("||")(func.coalesce(txn.remittance_info, _EMPTY)).op("||")(_SPACE)
        .op("||")(txn.transaction_id))


# the same expression as the trigram index of migration 0006, literal for literal
SEARCH_TEXT = _search_text(BankTransaction)


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


def _inline(value: str) -> Any:
    """A value written into the SQL text: a prepared statement's generic plan would not
    know whether a pattern is rare (use the trigram index) or common (walk the queue)."""
    return bindparam(None, value, type_=String(), literal_execute=True)


def _like(session: Session, column: Any, text: str) -> Any:
    """column LIKE %text%, with the user's % and _ taken literally."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    if session.get_bind().dialect.name == "sqlite":  # PostgreSQL escapes with \ by default
        return column.like(_inline(f"%{escaped}%"), escape="\\")
    return column.like(_inline(f"%{escaped}%"))


def _probe(text: str) -> str:
    """The part of a search most likely to be rare: its longest run of digits (an invoice
    or account number), else its longest word. The trigram index is asked for that part
    alone, since common trigrams ("gmbh", "inv") cost a lot; the whole text is then
    checked on the rows found."""
    runs = re.findall(r"\d{3,}", text)
    return max(runs or text.split() or [text], key=len).lower()


def _contains(session: Session, column: Any, text: str) -> Any:
    """column contains `text` (lower case), found through the index by its rare part."""
    part = _probe(text)
    found = _like(session, column, part)
    if part == text.lower():
        return found
    position = func.instr if session.get_bind().dialect.name == "sqlite" else func.strpos
    return and_(found, position(column, _inline(text.lower())) > 0)


def _by_text(session: Session, text: str) -> Any:
    """Proposals whose payment's payer, text or id contains `text`."""
    return (select(MatchRow.transaction_id)
            .join(BankTransaction, BankTransaction.transaction_id == MatchRow.transaction_id)
            .where(MatchRow.status == "proposed", _contains(session, SEARCH_TEXT, text)))


def _by_invoice(session: Session, text: str) -> Any:
    """Proposals whose invoice id contains `text`."""
    return select(MatchRow.transaction_id).where(
        MatchRow.status == "proposed",
        _contains(session, func.lower(MatchRow.invoice_id), text))


def _search_ids(session: Session, text: str) -> list[str] | None:
    """The waiting payments a search finds, when at most SEARCH_COUNT_CAP; None when more.

    A few matches come from the trigram indexes at once; a search that matches
    thousands is answered by walking the queue in order instead (see `_broad`).
    """
    if len(_probe(text)) < 3:  # too short for a trigram: walk the queue instead
        return None
    probes = [found.limit(PROBE_ROWS).subquery() for found in (_by_text(session, text),
                                                                _by_invoice(session, text))]
    rows = session.execute(union_all(*(select(probe.c[0], literal(n))
                                       for n, probe in enumerate(probes)))).all()
    ids = {str(t) for t, _ in rows}
    if len(ids) > SEARCH_COUNT_CAP or any(
            sum(1 for _, n in rows if n == which) == PROBE_ROWS for which in (0, 1)):
        return None
    return sorted(ids)


def _broad(session: Session, text: str) -> Any:
    """The filter of a search that matches many payments: checked row by row along the
    queue's order, which finds a page after a few rows."""
    payment = aliased(BankTransaction)
    other = aliased(MatchRow)
    return or_(
        exists().where(payment.transaction_id == MatchRow.transaction_id,
                       _like(session, _search_text(payment), text)),
        exists().where(other.transaction_id == MatchRow.transaction_id,
                       other.status == "proposed",
                       _like(session, func.lower(other.invoice_id), text)))


def waiting_and_parked(session: Session) -> tuple[int, int]:
    """Payments waiting for a person, and those parked with a note (out of the queue until
    un-parked): two counts, never one inside the other."""
    proposed = session.execute(select(func.count(func.distinct(MatchRow.transaction_id)))
                               .where(MatchRow.status == "proposed")).scalar_one()
    parked = session.execute(select(func.count()).select_from(PaymentMark).where(
        PaymentMark.kind == "parked",
        exists().where(MatchRow.transaction_id == PaymentMark.transaction_id,
                       MatchRow.status == "proposed"))).scalar_one()
    return int(proposed) - int(parked), int(parked)


def marked(parked: bool) -> Any:
    """Only parked payments, or only those without a mark (a filter on MatchRow)."""
    if parked:  # few: start from the marks
        return MatchRow.transaction_id.in_(
            select(PaymentMark.transaction_id).where(PaymentMark.kind == "parked"))
    return ~exists().where(PaymentMark.transaction_id == MatchRow.transaction_id)


def _best_rows(session: Session, text: str, parked: bool) -> tuple[Any, list[str] | None]:
    """The best waiting proposal of each payment in view (one row per payment), and the
    payments a narrow search found (None: not searching, or too many to list)."""
    better = aliased(MatchRow)
    best_only = ~exists().where(
        better.transaction_id == MatchRow.transaction_id, better.status == "proposed",
        or_(better.confidence > MatchRow.confidence,
            and_(better.confidence == MatchRow.confidence, better.id < MatchRow.id)))
    rows = select(MatchRow.confidence, MatchRow.transaction_id, MatchRow.invoice_id).where(
        MatchRow.status == "proposed", best_only, marked(parked))
    if not text:
        return rows, None
    ids = _search_ids(session, text)
    if ids is None:
        return rows.where(_broad(session, text)), None
    return rows.where(MatchRow.transaction_id.in_(ids)), ids


def _count(text: str, parked: bool, found: list[str] | None) -> Any:
    """How many payments are in view, counted up to QUEUE_COUNT_CAP + 1 (a list needs no
    exact 50,000); None when a broad search is known to find more than it counts."""
    if text and found is None:
        return None
    waiting = select(MatchRow.transaction_id).where(MatchRow.status == "proposed",
                                                    marked(parked))
    if found is not None:
        waiting = waiting.where(MatchRow.transaction_id.in_(found))
    ids = waiting.distinct().limit(QUEUE_COUNT_CAP + 1).subquery()
    return select(func.count()).select_from(ids).scalar_subquery()


def _total(session: Session, count: Any, counted: int | None) -> tuple[int, bool]:
    """The total as shown: capped, and whether there are more than that."""
    if count is None:
        return SEARCH_COUNT_CAP, True
    total = counted if counted is not None else int(session.execute(select(count)).scalar_one())
    return min(total, QUEUE_COUNT_CAP), total > QUEUE_COUNT_CAP


def review_queue(session: Session, *, text: str = "", after: Cursor | None = None,
                 before: Cursor | None = None, parked: bool = False,
                 limit: int = 50) -> QueuePage:
    """Payments waiting for a person, most confident first: the page after `after` (or
    before `before`, or the first), with the total. `parked` lists the parked ones instead."""
    key = tuple_(MatchRow.confidence, MatchRow.transaction_id)
    rows, searched = _best_rows(session, text, parked)
    if before is not None:
        rows = rows.where(
            key > tuple_(literal(before.confidence), literal(before.transaction_id))).order_by(
            MatchRow.confidence, MatchRow.transaction_id)
    else:
        if after is not None:
            rows = rows.where(
                key < tuple_(literal(after.confidence), literal(after.transaction_id)))
        rows = rows.order_by(MatchRow.confidence.desc(), MatchRow.transaction_id.desc())
    count = _count(text, parked, searched)
    found, counted = _queue_rows(session, rows.limit(limit + 1).subquery("page"),
                                 before is None, count)
    more = len(found) > limit
    page = found[:limit]
    if before is not None:
        page.reverse()
    total, capped = _total(session, count, counted)
    if count is None and not more and after is None and before is None:
        total, capped = len(page), False  # a broad search that fits on one page after all
    has_before = (more if before is not None else after is not None) and bool(page)
    has_after = (more if before is None else True) and bool(page)
    return QueuePage(page, total, capped, page[0].cursor if has_before else None,
                     page[-1].cursor if has_after else None)


def _queue_rows(session: Session, page: Any, descending: bool,
                count: Any) -> tuple[list[QueueRow], int | None]:
    """The columns the list shows for one page of best proposals, and the count, in one
    round trip (a slow database is slow per statement more than per row)."""
    first_txn = aliased(BankTransaction)
    proposals = aliased(MatchRow)
    statement = (
        select(page.c.confidence, page.c.transaction_id, page.c.invoice_id,
               BankTransaction.booking_date, BankTransaction.amount, BankTransaction.currency,
               BankTransaction.counterparty_name, BankTransaction.remittance_info,
               select(func.count()).where(proposals.transaction_id == page.c.transaction_id,
                                          proposals.status == "proposed").scalar_subquery(),
               func.coalesce(Invoice.customer_name, Invoice.customer_id),
               PaymentMark.note, PaymentMark.actor, PaymentMark.at,
               count if count is not None else literal(None))
        .select_from(page)
        .join(BankTransaction, BankTransaction.id == select(func.min(first_txn.id)).where(
            first_txn.transaction_id == page.c.transaction_id).scalar_subquery(), isouter=True)
        .join(Invoice, Invoice.invoice_id == page.c.invoice_id, isouter=True)
        .join(PaymentMark, PaymentMark.transaction_id == page.c.transaction_id, isouter=True)
        .order_by(*(c.desc() if descending else c for c in (page.c.confidence,
                                                            page.c.transaction_id))))
    found = session.execute(statement).all()
    rows = [QueueRow(str(tid), day, amount, currency or "", name or "", text or "", int(n),
                     str(invoice), customer or "", int(confidence), note or "", actor or "", at)
            for (confidence, tid, invoice, day, amount, currency, name, text, n, customer,
                 note, actor, at, _) in found]
    return rows, (int(found[0][-1]) if found and found[0][-1] is not None else None)
