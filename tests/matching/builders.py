"""Tiny hand-made frames for matching tests: a few invoices, a few payments."""

from __future__ import annotations

import pandas as pd

from dunwell.matching import MatchPolicy, Reconciliation, reconcile

CUSTOMERS = [
    ("C1", "Müller Maschinenbau GmbH", "DE89370400440532013000"),
    ("C2", "Dupont Logistique SARL", "FR7630006000011234567890189"),
    ("C3", "Harrington Supplies Ltd", ""),
]


def customers() -> pd.DataFrame:
    """Three customers in three countries."""
    return pd.DataFrame({
        "customer_id": [c[0] for c in CUSTOMERS], "name": [c[1] for c in CUSTOMERS],
        "email": "", "iban": [c[2] for c in CUSTOMERS], "segment": "", "language": "en",
        "country": "DE", "timezone": "Europe/Berlin", "do_not_contact": False,
        "line": range(2, 2 + len(CUSTOMERS))})


def invoices(*rows: tuple) -> pd.DataFrame:
    """Invoices from (invoice_id, customer_id, open_minor[, currency, due, status, disputed])."""
    full = [(*r, *(None,) * (7 - len(r))) for r in rows]
    frame = pd.DataFrame({
        "invoice_id": [r[0] for r in full], "customer_id": [r[1] for r in full],
        "customer_name": "", "currency": [r[3] or "EUR" for r in full],
        "amount_minor": [r[2] if r[2] > 0 else 10000 for r in full],
        "open_minor": [r[2] for r in full],
        "issue_date": pd.Timestamp("2026-09-01"),
        "due_date": pd.to_datetime([r[4] or "2026-10-01" for r in full]),
        "status": [r[5] or "open" for r in full], "email": "",
        "disputed": [bool(r[6]) for r in full], "promise_to_pay_date": pd.NaT})
    frame["line"] = range(2, 2 + len(frame))
    return frame


def payments(*rows: tuple) -> pd.DataFrame:
    """Payments from (id, amount_minor, name, remittance[, iban, currency, booking_date])."""
    full = [(*r, *(None,) * (7 - len(r))) for r in rows]
    frame = pd.DataFrame({
        "transaction_id": [r[0] for r in full],
        "booking_date": pd.to_datetime([r[6] or "2026-11-20" for r in full]),
        "amount_minor": [r[1] for r in full], "currency": [r[5] or "EUR" for r in full],
        "counterparty_name": [r[2] for r in full], "counterparty_iban": [r[4] or "" for r in full],
        "remittance_info": [r[3] for r in full], "account": "DE02120300000000202051"})
    frame["line"] = range(2, 2 + len(frame))
    return frame


def run(inv: pd.DataFrame, pay: pd.DataFrame, aliases: pd.DataFrame | None = None,
        policy: MatchPolicy | None = None) -> Reconciliation:
    """reconcile() with the default policy and the three customers."""
    return reconcile(inv, pay, customers(), policy or MatchPolicy(), aliases)


def links(rec: Reconciliation, decision: str = "auto") -> set[tuple[str, str, int]]:
    """(transaction_id, invoice_id, applied_minor) of one decision."""
    m = rec.matches[rec.matches["decision"] == decision]
    return set(zip(m["transaction_id"], m["invoice_id"], m["applied_minor"], strict=True))


def kinds(rec: Reconciliation) -> list[tuple[str, str, str]]:
    """(kind, transaction_id, invoice_id) of the discrepancies."""
    d = rec.discrepancies
    return sorted(zip(d["kind"], d["transaction_id"], d["invoice_id"], strict=True))
