"""Three customers whose friendly reminder is due on Monday 2026-12-07, in the database and
as the canonical CSV files a dunning run reads.

D1 Delta Foods, D2 Dorado Tools, D3 Dune Textiles (segment standard, each with an
email address) owe DI-1 (120.00), DI-2 (240.00), DI-3 (360.00) EUR, due 2026-11-01.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine

from dunwell.connectors import storage
from dunwell.connectors.storage.models import Customer, Invoice

RUN_DAY = "2026-12-07"
FRIENDLY_NEEDS_APPROVAL = '{"stages": ["friendly", "final", "human_review"]}'
PEOPLE = [("D1", "Delta Foods", "DI-1", "120.00"), ("D2", "Dorado Tools", "DI-2", "240.00"),
          ("D3", "Dune Textiles", "DI-3", "360.00")]


def seed_dunning(engine: Engine, folder: Path) -> tuple[Path, Path]:
    """Store the three customers and invoices; write invoices.csv and customers.csv."""
    with storage.transaction(engine) as session:
        for customer_id, name, invoice_id, amount in PEOPLE:
            session.add(Customer(customer_id=customer_id, name=name, language="en",
                                 email=f"ap@{customer_id.lower()}.example", segment="standard",
                                 do_not_contact=False))
            session.add(Invoice(invoice_id=invoice_id, customer_id=customer_id,
                                customer_name=name, currency="EUR", amount=Decimal(amount),
                                open_amount=Decimal(amount), issue_date=date(2026, 10, 2),
                                due_date=date(2026, 11, 1), status="open", disputed=False,
                                pending_applied=Decimal(0)))
    folder.mkdir(parents=True, exist_ok=True)
    customers, invoices = folder / "customers.csv", folder / "invoices.csv"
    customers.write_text("customer_id,name,email,segment,language\n" + "".join(
        f"{c},{n},ap@{c.lower()}.example,standard,en\n" for c, n, _, _ in PEOPLE),
        encoding="utf-8")
    invoices.write_text(
        "invoice_id,customer_id,customer_name,currency,amount,open_amount,issue_date,due_date\n"
        + "".join(f"{i},{c},{n},EUR,{a},{a},2026-10-02,2026-11-01\n" for c, n, i, a in PEOPLE),
        encoding="utf-8")
    return invoices, customers
