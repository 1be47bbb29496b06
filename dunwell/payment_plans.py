"""Payment plans: instalments agreed with a customer, which hold the ladder while kept.

Shared by the CLI (`dunwell customer plan`) and the web (customer page).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import Engine, select

from dunwell.access import Actor, require
from dunwell.connectors import storage
from dunwell.connectors.storage import people
from dunwell.connectors.storage.models import Invoice, PaymentPlanInstalment
from dunwell.connectors.storage.plans import add_plan, cancel_plan, owed, plans_of
from dunwell.dunning.plans import Instalment
from dunwell.errors import InputError
from dunwell.money import exponent


@dataclass(frozen=True)
class PlanView:
    """A plan as the customer page shows it."""

    plan_id: str
    currency: str
    invoice_ids: str
    instalments: list[Instalment]
    status: str
    created_by: str


def _places(value: Decimal) -> int:
    """Digits after the decimal point of a finite amount."""
    digits = value.as_tuple().exponent
    return -digits if isinstance(digits, int) else 0


def parse_dues(lines: str, currency: str) -> list[tuple[date, Decimal]]:
    """Instalments written one per line (or separated by commas) as `YYYY-MM-DD AMOUNT`."""
    dues = []
    for number, part in enumerate(p.strip() for p in lines.replace(",", "\n").splitlines()):
        if not part:
            continue
        when, _, amount = part.partition(" ")
        try:
            due = date.fromisoformat(when.strip())
            value = Decimal(amount.strip())
        except (ValueError, InvalidOperation):
            raise InputError("instalments", f"instalment {number + 1}: {part!r} is not "
                             "'YYYY-MM-DD AMOUNT' (like 2026-12-31 250.00)") from None
        if not value.is_finite() or value <= 0 or _places(value) > exponent(currency):
            raise InputError("instalments", f"instalment {number + 1}: {amount.strip()!r} is not "
                             f"a positive {currency} amount")
        dues.append((due, value))
    if not dues:
        raise InputError("instalments", "give at least one instalment: YYYY-MM-DD AMOUNT")
    if len({d for d, _ in dues}) != len(dues):
        raise InputError("instalments", "two instalments fall on the same day")
    return dues


def _invoices(session, customer_id: str, invoice_ids: list[str]) -> str:  # noqa: ANN001
    """The plan's currency; every invoice must be the customer's, open, in one currency."""
    found = {i.invoice_id: i for i in session.execute(
        select(Invoice).where(Invoice.invoice_id.in_(invoice_ids))).scalars()}
    for invoice_id in invoice_ids:
        invoice = found.get(invoice_id)
        if invoice is None or invoice.customer_id != customer_id:
            raise InputError("invoice", f"{invoice_id!r} is not an invoice of {customer_id}")
        if invoice.open_amount - invoice.pending_applied <= 0:
            raise InputError("invoice", f"{invoice_id} owes nothing")
    currencies = {i.currency for i in found.values()}
    if len(currencies) != 1:
        raise InputError("invoice", "a plan covers invoices of one currency")
    return currencies.pop()


def create(engine: Engine, actor: Actor, customer_id: str, invoice_ids: list[str],
           instalments: str, why: str = "") -> str:
    """Agree a plan: the invoices leave the ladder while it is kept; the instalments must add
    up to what the invoices still owe. Returns the new plan's id."""
    require(actor, "payment_plan")
    invoice_ids = sorted({i.strip() for i in invoice_ids if i.strip()})
    if not invoice_ids:
        raise InputError("invoice", "choose the invoices the plan covers")
    with storage.transaction(engine) as session:
        currency = _invoices(session, customer_id, invoice_ids)
        dues = parse_dues(instalments, currency)
        total, still = sum((a for _, a in dues), Decimal(0)), owed(session, invoice_ids)
        if total != still:
            raise InputError("instalments", f"the instalments add up to {total} {currency}, "
                             f"the invoices owe {still.normalize():f} {currency}")
        count = session.execute(select(PaymentPlanInstalment.plan_id).where(
            PaymentPlanInstalment.customer_id == customer_id).distinct()).all()
        plan_id = f"PP-{customer_id}-{len(count) + 1}"
        add_plan(session, plan_id=plan_id, customer_id=customer_id, currency=currency,
                 invoice_ids=invoice_ids, dues=dues, owed_at_start=still, created_by=actor.name)
        people.record_audit(session, actor=actor.name, role=actor.role, via=actor.via,
                            action="payment_plan.create", subject=plan_id,
                            customer_id=customer_id,
                            detail=f"{' '.join(invoice_ids)}: " + ", ".join(
                                f"{d} {a} {currency}" for d, a in dues), why=why)
    return plan_id


def cancel(engine: Engine, actor: Actor, plan_id: str, why: str,
           customer_id: str | None = None) -> PlanView:
    """Cancel a plan in force (of this customer, when one is named): its invoices are dunned
    by the ladder again from the next run. The reason is required and audited."""
    require(actor, "payment_plan")
    if not why.strip():
        raise InputError("note", "say why the plan is cancelled (it goes into the audit log)")
    with storage.transaction(engine) as session:
        rows = cancel_plan(session, plan_id.strip())
        if not rows or (customer_id is not None and rows[0].customer_id != customer_id):
            raise InputError("plan", f"no payment plan {plan_id.strip()!r} is in force"
                             + (f" for {customer_id}" if customer_id else ""))
        plan = rows[0]
        people.record_audit(session, actor=actor.name, role=actor.role, via=actor.via,
                            action="payment_plan.cancel", subject=plan.plan_id,
                            customer_id=plan.customer_id,
                            detail=f"{plan.invoice_ids}: the ladder applies again",
                            why=why.strip())
        return PlanView(plan.plan_id, plan.currency, plan.invoice_ids, [], "cancelled",
                        plan.created_by)


def of_customer(engine: Engine, actor: Actor, customer_id: str, day: date) -> list[PlanView]:
    """A customer's plans with what each instalment received and whether they are kept
    (cancelled ones too, last, so the page tells the whole story)."""
    require(actor, "view")
    with storage.transaction(engine) as session:
        views = [PlanView(plan_id, rows[0].currency, rows[0].invoice_ids, filled, state,
                          rows[0].created_by)
                 for plan_id, rows, filled, state in plans_of(session, day, customer_id,
                                                              with_cancelled=True)]
    return sorted(views, key=lambda v: v.status == "cancelled")
