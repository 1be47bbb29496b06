"""The desk's service layer: what people see and decide, shared by the CLI and the web.

Every decision checks the actor's role, changes the database and writes the
audit log in one transaction; a wrong id is an InputError and nothing changes.
No rule lives in a route or a command: both call these functions.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import Engine

from dunwell.access import Actor, require
from dunwell.connectors import storage
from dunwell.connectors.storage import marks, people, queue, workbench
from dunwell.connectors.storage.models import Customer, Invoice
from dunwell.connectors.storage.queue import Cursor, QueuePage, QueueRow
from dunwell.connectors.storage.workbench import CustomerView, Payment
from dunwell.errors import InputError
from dunwell.money import format_plain

__all__ = ["CustomerView", "Payment", "QueuePage", "QueueRow"]


def _audit(session, actor: Actor, action: str, subject: str, *,  # noqa: ANN001 - a Session
           customer_id: str | None = None, detail: str = "", why: str = "") -> None:
    people.record_audit(session, actor=actor.name, role=actor.role, via=actor.via, action=action,
                        subject=subject, customer_id=customer_id, detail=detail, why=why)


MIN_SEARCH = 3  # a shorter text matches nearly everything, or, like "%", nothing


def review_queue(engine: Engine, actor: Actor, *, text: str = "", after: str = "",
                 before: str = "", parked: bool = False, limit: int = 50) -> QueuePage:
    """A page of payments waiting for a person, most confident first (after or before a
    cursor of an earlier page), and how many in all; `parked` lists the parked ones."""
    require(actor, "view")
    if 0 < len(text.strip()) < MIN_SEARCH:
        raise InputError("search", f"type at least {MIN_SEARCH} characters to search")
    with storage.transaction(engine) as session:
        return queue.review_queue(session, text=text.strip(), after=Cursor.parse(after),
                                  before=Cursor.parse(before), parked=parked, limit=limit)


def review_payment(engine: Engine, actor: Actor, transaction_id: str) -> Payment:
    """One payment with its candidates and the customers' other open items."""
    require(actor, "view")
    with storage.transaction(engine) as session:
        payment = workbench.review_payment(session, transaction_id)
    if payment is None:
        raise InputError("review", f"no payment {transaction_id!r} is stored")
    return payment


def next_waiting(engine: Engine, actor: Actor, after: str = "") -> str | None:
    """The payment to show after `after`: the first still waiting that is not it."""
    rows = review_queue(engine, actor, limit=2).rows
    return next((r.transaction_id for r in rows if r.transaction_id != after), None)


def _currency_of(session, transaction_id: str) -> str:  # noqa: ANN001 - a Session
    """The currency of a payment that accepting it has just found."""
    payment = workbench.find_payment(session, transaction_id)
    if payment is None:
        raise LookupError(f"payment {transaction_id!r} not found")
    return payment.currency


def _book_several(session, transaction_id: str,  # noqa: ANN001 - a Session
                  invoice_ids: list[str]) -> str:
    """Book the payment to these invoices in order; what was booked, for the audit log."""
    booked = storage.accept_several(session, transaction_id, invoice_ids)
    currency = _currency_of(session, transaction_id)
    return "booked to " + ", ".join(f"{i} ({format_plain(a, currency)})" for i, a in booked)


def _customer_of(session, invoice_id: str) -> str | None:  # noqa: ANN001 - a Session
    invoice = session.get(Invoice, invoice_id)
    return invoice.customer_id if invoice else None


def review_accept(engine: Engine, actor: Actor, transaction_id: str, invoice_ids: list[str],
                  why: str = "", difference: str = "") -> None:
    """Book a payment to one proposed invoice (exactly as `dunwell review accept`) or to
    several; the payer's name and IBAN are learned as the customer's aliases. With a
    `difference` kind, what the payment leaves of the one invoice is booked as that
    discrepancy (bank_fee, early_payment_discount: written off; short_payment: still owed)."""
    require(actor, "review.decide")
    if not invoice_ids:
        raise InputError("review", "choose at least one invoice to accept")
    if difference and len(invoice_ids) != 1:
        raise InputError("difference", "a difference is booked against one invoice; "
                         "choose exactly one")
    with storage.transaction(engine) as session:
        if difference:
            detail = _book_difference(session, actor, transaction_id, invoice_ids[0],
                                      difference, why)
        elif len(invoice_ids) == 1:
            storage.accept_review(session, transaction_id, invoice_ids[0])
            detail = f"booked to {invoice_ids[0]}"
        else:
            detail = _book_several(session, transaction_id, invoice_ids)
        marks.clear_if_parked(session, transaction_id)
        _audit(session, actor, "review.accept", transaction_id,
               customer_id=_customer_of(session, invoice_ids[0]), detail=detail, why=why)


def _book_difference(session, actor: Actor, transaction_id: str,  # noqa: ANN001 - a Session
                     invoice_id: str, kind: str, why: str) -> str:
    """Accept with the rest booked as a discrepancy; what was booked, for the audit log."""
    detail = f"accepted by {actor.name}" + (f": {why}" if why else "")
    difference = marks.accept_with_difference(session, transaction_id, invoice_id, kind,
                                              detail)
    currency = _currency_of(session, transaction_id)
    return (f"booked to {invoice_id}; {currency} {format_plain(difference, currency)} "
            f"booked as {kind}")


def review_park(engine: Engine, actor: Actor, transaction_id: str, note: str) -> None:
    """Take a payment out of the queue until someone un-parks it; the note says why."""
    require(actor, "review.decide")
    with storage.transaction(engine) as session:
        marks.park(session, transaction_id, actor.name, note)
        _audit(session, actor, "review.park", transaction_id, why=note.strip())


def review_unpark(engine: Engine, actor: Actor, transaction_id: str, why: str = "") -> None:
    """Put a parked payment back into the queue."""
    require(actor, "review.decide")
    with storage.transaction(engine) as session:
        mark = marks.clear(session, transaction_id, (marks.PARKED,))
        _audit(session, actor, "review.unpark", transaction_id,
               detail=f"parked by {mark.actor}: {mark.note}", why=why)


BULK_LIMIT = 200


def review_bulk_preview(engine: Engine, actor: Actor, text: str) -> list[QueueRow]:
    """The payments a bulk accept of this search would book, in the queue's order; an
    InputError when there are none or more than BULK_LIMIT, so the set stays checkable."""
    require(actor, "review.decide")
    if not text.strip():
        raise InputError("search", "search first: bulk accept books a filtered set")
    with storage.transaction(engine) as session:
        page = queue.review_queue(session, text=text.strip(), limit=BULK_LIMIT)
    if not page.rows:
        raise InputError("search", f"no payment waiting matches {text.strip()!r}")
    if page.after is not None:
        raise InputError("search", f"more than {BULK_LIMIT} payments match "
                         f"{text.strip()!r}; narrow the search and accept in parts")
    return page.rows


def review_accept_best(engine: Engine, actor: Actor, transaction_ids: list[str],
                       why: str = "") -> int:
    """Accept the best candidate of each of these payments (a filtered page of the queue),
    all or none; each decision is audited on its own line. Returns how many were booked."""
    require(actor, "review.decide")
    with storage.transaction(engine) as session:
        best = workbench.best_proposals(session, transaction_ids)
        missing = [t for t in transaction_ids if t not in best]
        if missing:
            raise InputError("review", f"{missing[0]!r} no longer waits for a person; "
                             "reload the list and try again")
        for transaction_id, invoice_id in best.items():
            storage.accept_review(session, transaction_id, invoice_id)
            marks.clear_if_parked(session, transaction_id)
            _audit(session, actor, "review.accept", transaction_id,
                   customer_id=_customer_of(session, invoice_id),
                   detail=f"booked to {invoice_id} (bulk)", why=why)
    return len(best)


def review_reject(engine: Engine, actor: Actor, transaction_id: str, invoice_id: str,
                  why: str = "") -> None:
    """Reject a proposed match: it is not proposed again."""
    require(actor, "review.decide")
    with storage.transaction(engine) as session:
        storage.reject_review(session, transaction_id, invoice_id)
        _audit(session, actor, "review.reject", transaction_id,
               customer_id=_customer_of(session, invoice_id), detail=f"not {invoice_id}", why=why)


def _known(session, model: type, key: str, what: str) -> None:  # noqa: ANN001 - a Session
    if session.get(model, key) is None:
        raise InputError(what, f"no {what} with id {key!r} in the database (run an import first)")


def customer_state(engine: Engine, actor: Actor, customer_id: str, action: str,
                   segment: str | None = None, note: str = "") -> None:
    """Pause or resume a customer's reminders, or pin their dunning segment."""
    require(actor, "customer.pin" if action == "pin" else "customer.hold")
    with storage.transaction(engine) as session:
        _known(session, Customer, customer_id, "customer")
        if action == "pause":
            storage.pause_customer(session, customer_id, note)
        elif action == "resume":
            storage.resume_customer(session, customer_id, note)
        elif action == "pin":
            check_segment(segment)
            storage.pin_segment(session, customer_id, segment, note)
        else:
            raise InputError("action", f"{action!r} is not pause, resume or pin")
        _audit(session, actor, f"customer.{action}", customer_id, customer_id=customer_id,
               detail=f"segment {segment or '(computed)'}" if action == "pin" else "", why=note)


def invoice_dispute(engine: Engine, actor: Actor, invoice_id: str, resolved: bool, who: str,
                    text: str) -> None:
    """Record that a customer disputes an invoice (no reminders) or that it was resolved."""
    require(actor, "invoice.dispute")
    with storage.transaction(engine) as session:
        _known(session, Invoice, invoice_id, "invoice")
        record = storage.resolve_dispute if resolved else storage.record_dispute
        record(session, invoice_id, who=who or actor.name, text=text)
        _audit(session, actor, "invoice.dispute_resolved" if resolved else "invoice.dispute",
               invoice_id, customer_id=_customer_of(session, invoice_id), why=text)


def invoice_promise(engine: Engine, actor: Actor, invoice_id: str, promised: date, who: str,
                    text: str) -> None:
    """Record a promise to pay by a date: reminders wait until then."""
    require(actor, "invoice.promise")
    with storage.transaction(engine) as session:
        _known(session, Invoice, invoice_id, "invoice")
        storage.record_promise(session, invoice_id, promised, who=who or actor.name, text=text)
        _audit(session, actor, "invoice.promise", invoice_id,
               customer_id=_customer_of(session, invoice_id), detail=f"by {promised}", why=text)


def customer_view(engine: Engine, actor: Actor, customer_id: str) -> CustomerView:
    """The customer page: invoices, timeline, what was decided by hand."""
    require(actor, "view")
    with storage.transaction(engine) as session:
        view = workbench.customer_view(session, customer_id)
    if view is None:
        raise InputError("customer", f"no customer with id {customer_id!r}")
    return view


def today(engine: Engine, actor: Actor) -> dict:
    """The last runs with their summaries, and what waits for a person now."""
    require(actor, "view")
    with storage.transaction(engine) as session:
        return {"runs": workbench.last_runs(session), **workbench.waiting_counts(session)}


def audit_log(engine: Engine, actor: Actor, *, text: str = "", limit: int = 200,
              offset: int = 0) -> tuple[list, int]:
    """Who did what, when and why: newest first, a page at a time."""
    require(actor, "view")
    with storage.transaction(engine) as session:
        return people.list_audit(session, text=text.strip(), limit=limit, offset=offset)


def audit_csv(engine: Engine, actor: Actor, text: str = "") -> str:
    """The whole (filtered) audit log as CSV, for an auditor's spreadsheet."""
    require(actor, "audit.export")
    with storage.transaction(engine) as session:
        entries, _ = people.list_audit(session, text=text.strip(), limit=None)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(people.AUDIT_COLUMNS)
    for entry in entries:
        writer.writerow([_cell(getattr(entry, c)) for c in people.AUDIT_COLUMNS])
    return buffer.getvalue()


def _cell(value: object) -> str:
    """Text for a CSV cell; a leading = + - @ is quoted so a spreadsheet never runs it."""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value or "")
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def open_engine() -> Engine:
    """The configured database, migrated to the newest revision."""
    from dunwell.connectors import root

    return root.database()


def policy_segments() -> list[str]:
    """Segment names of the configured dunning policy, in its order."""
    from dunwell.connectors import root

    policy = root.dunning_policy()
    return [rule.name for rule in policy.segments]


def check_segment(segment: str | None) -> None:
    """A segment pinned by hand must be one the policy knows (None or "" unpins)."""
    known = policy_segments()
    if segment and segment not in known:
        raise InputError("SEGMENT", f"{segment!r} is not a segment of the dunning policy "
                         f"(known: {', '.join(known)})")


def unmatched(engine: Engine, actor: Actor, *, limit: int = 50, offset: int = 0,
              marked: bool = False) -> tuple[list, int, dict]:
    """Incoming money no run could match and nobody booked or marked yet (or, `marked`,
    the money marked as refund or unrelated): a page, the total and the pages' marks."""
    require(actor, "view")
    with storage.transaction(engine) as session:
        rows, total = workbench.unmatched_payments(session, limit=limit, offset=offset,
                                                   marked=marked)
        return rows, total, workbench.marks_of(session, [r.transaction_id for r in rows])


def payment_mark(engine: Engine, actor: Actor, transaction_id: str, kind: str,
                 note: str) -> None:
    """Mark unmatched money as a refund or as unrelated to any invoice: it leaves the
    unmatched list and the report lists it as such."""
    require(actor, "review.decide")
    with storage.transaction(engine) as session:
        marks.mark_money(session, transaction_id, kind, actor.name, note)
        _audit(session, actor, f"payment.{kind}", transaction_id, detail=f"marked {kind}",
               why=note.strip())


def payment_unmark(engine: Engine, actor: Actor, transaction_id: str, why: str = "") -> None:
    """Undo a refund or unrelated mark: the money is unmatched again."""
    require(actor, "review.decide")
    with storage.transaction(engine) as session:
        mark = marks.clear(session, transaction_id, marks.MONEY_KINDS)
        _audit(session, actor, "payment.unmark", transaction_id,
               detail=f"was {mark.kind} by {mark.actor}: {mark.note}", why=why)


def search_open_invoices(engine: Engine, actor: Actor, currency: str, *, amount: str = "",
                         tolerance: str = "", text: str = "") -> list:
    """Open invoices to allocate money to by hand: by amount (give or take), number or name."""
    require(actor, "view")
    wanted = _decimal(amount, "amount") if amount.strip() else None
    give = _decimal(tolerance, "tolerance") if tolerance.strip() else Decimal(0)
    if give < 0:
        raise InputError("tolerance", "a tolerance is not negative")
    if wanted is None and not text.strip():
        raise InputError("search", "give an amount, an invoice number or a name to search for")
    with storage.transaction(engine) as session:
        return workbench.search_open_invoices(session, currency, amount=wanted, tolerance=give,
                                              text=text.strip())


def _decimal(value: str, what: str) -> Decimal:
    try:
        number = Decimal(value.strip().replace(",", ""))
    except InvalidOperation:
        raise InputError(what, f"{value!r} is not an amount (like 1250.00)") from None
    if not number.is_finite():
        raise InputError(what, f"{value!r} is not an amount (like 1250.00)")
    return number


def allocate(engine: Engine, actor: Actor, transaction_id: str, invoice_ids: list[str],
             why: str = "") -> None:
    """Book money no run could match to invoices chosen by hand, in the order given;
    the payer is learned as the customer's alias, as on accept."""
    require(actor, "review.decide")
    if not invoice_ids:
        raise InputError("allocate", "choose at least one invoice")
    with storage.transaction(engine) as session:
        detail = _book_several(session, transaction_id, invoice_ids)
        _audit(session, actor, "payment.allocate", transaction_id,
               customer_id=_customer_of(session, invoice_ids[0]), detail=detail, why=why)
