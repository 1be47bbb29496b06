"""The contract's canonical bank.csv: its columns, its header test, and the records writer.

Reading a bank.csv is `dunwell.connectors.sources.canonical.read_bank_csv` (vectorised, every
cell checked), for the flows and `read_statement` alike: one reader. The frame writer
`canonical.write_bank` writes the same columns with the same cell rule (`cell_text`).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path

from dunwell.connectors.storage.files import atomic_text
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
    """Write bank.csv atomically: a reader sees the old file or the whole new one."""
    with atomic_text(Path(path)) as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(_rows(transactions))


def _rows(transactions: Iterable[BankTxn]) -> Iterator[list[str]]:
    """Each transaction's cells in COLUMNS order, as the contract writes them (the amount
    as `amount_text` gives it, the currency's quantum looked up once per currency)."""
    quanta: dict[str, Decimal] = {}
    for t in transactions:
        ccy = t.currency
        q = quanta.get(ccy)
        if q is None:
            q = quanta[ccy] = quantum(ccy)
        exact = t.amount.quantize(q, rounding=ROUNDING)
        iban = t.counterparty_iban
        yield [cell_text(t.transaction_id), t.booking_date.isoformat(),
               f"{exact if exact else abs(exact):f}", ccy, cell_text(t.counterparty_name),
               iban.replace(" ", "").upper() if iban else "", cell_text(t.remittance_info),
               cell_text(t.account)]


def amount_text(value: Decimal, ccy: str) -> str:
    """The contract's amount: a dot, the currency's decimals, never "-0.00"."""
    exact = value.quantize(quantum(ccy), rounding=ROUNDING)
    return f"{exact if exact else abs(exact):f}"


_NUL_OR_CR = re.compile(r"\x00|\r\n?")


def cell_text(text: str | None) -> str:
    """Free text as written: a NUL would make the file read as binary, and a lone CR is left
    unquoted by the csv writer and would split the row; what is written reads back the same."""
    if not text:
        return ""
    if "\x00" in text or "\r" in text:
        return _NUL_OR_CR.sub(lambda m: "" if m.group() == "\x00" else "\n", text)
    return text
