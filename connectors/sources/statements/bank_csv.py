"""The contract's canonical bank.csv: its columns, its header test, and its amount text.

Reading a bank.csv is `dunwell.connectors.sources.canonical.read_bank_csv` (vectorised, every
cell checked), for the flows and `read_statement` alike: one reader. Writing one is
`canonical.write_bank`, for frames and (through `write_canonical_csv`) statement records
alike: one writer, one cell rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from dunwell.model import BankTxn
from dunwell.money import ROUNDING

from .text import quantum

COLUMNS = ["transaction_id", "booking_date", "amount", "currency", "counterparty_name",
           "counterparty_iban", "remittance_info", "account"]
REQUIRED = COLUMNS[:4]


def looks_canonical(head: str) -> bool:
    """True when the first line is a bank.csv header (the required columns, comma-separated)."""
    lines = head.lstrip("\ufeff").splitlines()  # a file holding only a BOM has no line
    first = lines[0] if lines else ""
    return set(REQUIRED) <= {c.strip().strip('"') for c in first.split(",")}


def write_canonical_csv(transactions: Iterable[BankTxn], path: Path) -> None:
    """Write statement records as bank.csv atomically (a reader sees the old file or the
    whole new one), through the one bank.csv writer, `canonical.write_bank`."""
    from dunwell.connectors.sources.canonical import bank_records_frame, write_bank

    write_bank(bank_records_frame(transactions), Path(path))


def amount_text(value: Decimal, ccy: str) -> str:
    """The contract's amount: a dot, the currency's decimals, never "-0.00"."""
    exact = value.quantize(quantum(ccy), rounding=ROUNDING)
    return f"{exact if exact else abs(exact):f}"

