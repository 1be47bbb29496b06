"""A small desk for the workbench tests: three customers, invoices, and payments waiting.

Payments, best first in the queue:
  T-1  EUR 100.00 from ACME GMBH, "Invoice INV-1": INV-1 (85), INV-9 (40)
  T-2  EUR 300.00 from Acme Payments, "INV-1 and INV-2": INV-2 (60, 200.00), INV-1 (55, 100.00)
  T-3  EUR 50.00 from a name with markup in it: INV-3 (50)
INV-4 (EUR 80.00) is another open item of Acme that no payment proposes.
T-4 (EUR 80.00 from Unknown Payer Ltd) is money no run could match.
"""

from __future__ import annotations

import functools
from datetime import date
from decimal import Decimal

from argon2 import PasswordHasher
from sqlalchemy import Engine

from dunwell import access
from dunwell.connectors import storage
from dunwell.connectors.storage import people
from dunwell.connectors.storage.models import (
    BankTransaction,
    Customer,
    DiscrepancyRow,
    Invoice,
    MatchRow,
    Run,
    StatementImport,
)

PASSWORD = "correct horse battery"
HOSTILE = '<script>alert("x")</script> & Co'
USERS = {"vera": "viewer", "clara": "clerk", "conrad": "controller", "ada": "admin"}
SUMMARY = {
    "run_id": "run-1", "as_of": "2026-12-04T09:00", "payments_in": 3,
    "payments_in_amount": {"EUR": "450.00"}, "matched_auto": 0, "matched_auto_amount": {},
    "review": 3, "review_amount": {"EUR": "450.00"}, "unmatched": 0, "unmatched_amount": {},
    "discrepancies": {"ambiguous_match": 2, "short_payment": 1},
    "reminders": {"friendly": 4, "firm": 1}, "holds": {"disputed": 2, "promise_to_pay": 1},
    "human_review": 0, "quarantined": 0, "quality_failures": {"invoices": 0}, "dry_run": False,
}


def _invoice(invoice_id: str, customer_id: str, name: str, amount: str) -> Invoice:
    return Invoice(invoice_id=invoice_id, customer_id=customer_id, customer_name=name,
                   currency="EUR", amount=Decimal(amount), open_amount=Decimal(amount),
                   issue_date=date(2026, 10, 1), due_date=date(2026, 10, 31), status="open",
                   disputed=False, pending_applied=Decimal(0))


def _txn(import_id: int, tid: str, amount: str, name: str, iban: str, text: str) -> BankTransaction:
    return BankTransaction(account="DE02120300000000202051", transaction_id=tid,
                           fingerprint=tid, import_id=import_id, line=1,
                           booking_date=date(2026, 12, 3), amount=Decimal(amount),
                           currency="EUR", counterparty_name=name, counterparty_iban=iban,
                           remittance_info=text)


def _match(tid: str, invoice_id: str, applied: str, confidence: int, rank: int) -> MatchRow:
    return MatchRow(run_id="run-1", transaction_id=tid, invoice_id=invoice_id,
                    applied_amount=Decimal(applied), currency="EUR", confidence=confidence,
                    decision="review", reasons=f"reference {invoice_id} in text; amount", rank=rank,
                    status="proposed")


def seed(engine: Engine) -> None:
    """Fill a migrated, empty database with the desk above and one user per role."""
    with storage.transaction(engine) as session:
        session.add_all([
            Customer(customer_id="C1", name="Acme GmbH", email="ap@acme.example", language="en",
                     segment="standard", do_not_contact=False),
            Customer(customer_id="C2", name="Borealis Ltd", language="en", do_not_contact=False),
            Customer(customer_id="C3", name=HOSTILE, language="en", do_not_contact=False),
            _invoice("INV-1", "C1", "Acme GmbH", "100.00"),
            _invoice("INV-2", "C1", "Acme GmbH", "200.00"),
            _invoice("INV-4", "C1", "Acme GmbH", "80.00"),
            _invoice("INV-9", "C2", "Borealis Ltd", "100.00"),
            _invoice("INV-3", "C3", HOSTILE, "50.00"),
            Run(id="run-1", kind="daily", as_of="2026-12-04", status="succeeded",
                parameters={}, summary=SUMMARY),
        ])
        statement = StatementImport(file_name="bank.csv", file_hash="0" * 64, format="csv")
        session.add(statement)
        session.flush()
        session.add_all([
            _txn(statement.id, "T-1", "100.00", "ACME GMBH", "DE89370400440532013000",
                 "Invoice INV-1"),
            _txn(statement.id, "T-2", "300.00", "Acme Payments", "DE44500105175407324931",
                 "INV-1 and INV-2"),
            _txn(statement.id, "T-3", "50.00", HOSTILE, "", f"{HOSTILE} INV-3"),
            _match("T-1", "INV-1", "100.00", 85, 1), _match("T-1", "INV-9", "100.00", 40, 2),
            _match("T-2", "INV-2", "200.00", 60, 1), _match("T-2", "INV-1", "100.00", 55, 2),
            _match("T-3", "INV-3", "50.00", 50, 1),
            _txn(statement.id, "T-4", "80.00", "Unknown Payer Ltd", "GB33BUKB20201555555555",
                 "thanks"),
            DiscrepancyRow(run_id="run-1", kind="unmatched_payment", transaction_id="T-4",
                           amount=Decimal("80.00"), currency="EUR", detail="no candidate"),
        ])
    with storage.transaction(engine) as session:
        for name, role in USERS.items():
            people.save_user(session, name, role, _password_hash())
            people.record_audit(session, actor="setup", role="admin", via="cli",
                                action="user.add", subject=name, detail=f"role {role}")


@functools.cache
def _password_hash() -> str:
    """One argon2 hash of PASSWORD for every seeded user: hashing is slow on purpose."""
    return PasswordHasher().hash(PASSWORD)


def actor(name: str) -> access.Actor:
    """The seeded user of that name, as the service layer sees them."""
    return access.Actor(name, USERS[name])
