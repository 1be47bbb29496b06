"""Small frames and records for the storage tests (imported as `storage_samples`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd

from dunwell.model import BankTxn, TransactionId


def txn(tid: str, amount: str = "100.00", account: str = "DE02120300000000202051",
        **extra: object) -> BankTxn:
    """A bank transaction with sensible defaults."""
    fields = {"booking_date": date(2026, 11, 20), "currency": "EUR",
              "counterparty_name": "Acme GmbH", "counterparty_iban": "DE89 3704 0044 0532 0130 00",
              "remittance_info": f"payment {tid}"}
    fields.update(extra)
    return BankTxn(TransactionId(tid), amount=Decimal(amount), account=account, **fields)  # type: ignore[arg-type]


def customers_frame(*ids: str) -> pd.DataFrame:
    """Customers per CUSTOMER_COLUMNS."""
    n = len(ids)
    return pd.DataFrame({
        "customer_id": list(ids), "name": [f"Customer {i}" for i in ids],
        "email": [f"{i.lower()}@example.com" for i in ids], "iban": [""] * n,
        "segment": [""] * n, "language": ["en"] * n, "country": ["DE"] * n,
        "timezone": ["Europe/Berlin"] * n, "do_not_contact": [False] * n,
        "line": list(range(2, n + 2)),
    })


def invoices_frame(rows: list[tuple[str, str, str, int]]) -> pd.DataFrame:
    """Invoices per INVOICE_COLUMNS from (invoice_id, customer_id, currency, amount_minor)."""
    n = len(rows)
    return pd.DataFrame({
        "invoice_id": [r[0] for r in rows], "customer_id": [r[1] for r in rows],
        "customer_name": [""] * n, "currency": [r[2] for r in rows],
        "amount_minor": pd.Series([r[3] for r in rows], dtype="int64"),
        "open_minor": pd.Series([r[3] for r in rows], dtype="int64"),
        "issue_date": pd.to_datetime(["2026-10-01"] * n),
        "due_date": pd.to_datetime(["2026-10-31"] * n),
        "status": ["open"] * n, "email": [""] * n, "disputed": [False] * n,
        "promise_to_pay_date": pd.to_datetime([None] * n),
        "line": list(range(2, n + 2)),
    })
