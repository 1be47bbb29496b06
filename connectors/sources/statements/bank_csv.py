"""The contract's canonical bank.csv: its columns, its header test, its cell rule, its
amount text and its one writer.

Reading a bank.csv is `dunwell.connectors.sources.canonical.read_bank_csv` (vectorised, every
cell checked), for the flows and `read_statement` alike: one reader. Writing one is
`write_bank_rows`, for statement records (`write_canonical_csv`, without pandas: `statement
convert` never imports it) and frames (`canonical.write_bank`, which applies `UNSAFE` and
`nul_or_cr` vectorised) alike: one writer, one cell rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

from dunwell.model import BankTxn
from dunwell.money import ROUNDING

from .text import quantum

COLUMNS = ["transaction_id", "booking_date", "amount", "currency", "counterparty_name",
           "counterparty_iban", "remittance_info", "account"]
REQUIRED = COLUMNS[:4]
# a NUL in a bank's free text would make the file read as binary, and a lone CR left
# unquoted splits the row: what is written must read back the same
FREE_TEXT = ("transaction_id", "counterparty_name", "remittance_info", "account")
UNSAFE = re.compile(r"\x00|\r\n?")


def looks_canonical(head: str) -> bool:
    """True when the first line is a bank.csv header (the required columns, comma-separated)."""
    lines = head.lstrip("\ufeff").splitlines()  # a file holding only a BOM has no line
    first = lines[0] if lines else ""
    return set(REQUIRED) <= {c.strip().strip('"') for c in first.split(",")}


def nul_or_cr(found: re.Match[str]) -> str:
    """The cell rule's replacement: a NUL is dropped, a CR or CRLF becomes a line feed."""
    return "" if found.group() == "\x00" else "\n"


def cell(text: str) -> str:
    """A free-text cell as bank.csv holds it (see `UNSAFE`)."""
    return UNSAFE.sub(nul_or_cr, text) if "\x00" in text or "\r" in text else text


def write_bank_rows(rows: Iterable[Sequence[str]], path: Path) -> Path:
    """The one bank.csv writer: the header, then rows of text in `COLUMNS` order, atomically
    (a reader sees the old file or the whole new one)."""
    from dunwell.connectors.sources.csvio import write_rows_atomic

    return write_rows_atomic(rows, Path(path), COLUMNS)


def record_rows(transactions: Iterable[BankTxn]) -> Iterator[list[str]]:
    """Statement records as bank.csv rows: the cell rule on free text, the contract's amount
    (`amount_text`), the IBAN without spaces in upper case. Each booking day is put in words
    once: a statement repeats its few days on row after row."""
    days: dict[date, str] = {}
    for t in transactions:
        tid: str = t.transaction_id
        name, text, account = t.counterparty_name or "", t.remittance_info or "", t.account or ""
        free = f"{tid}{name}{text}{account}"
        if "\x00" in free or "\r" in free:  # rare: one look at all four cells, not four
            tid, name, text, account = cell(tid), cell(name), cell(text), cell(account)
        booked, ccy = t.booking_date, t.currency
        exact = t.amount.quantize(quantum(ccy), rounding=ROUNDING)
        yield [tid, days.get(booked) or days.setdefault(booked, booked.isoformat()),
               f"{exact if exact else abs(exact):f}", ccy, name,
               (t.counterparty_iban or "").replace(" ", "").upper(), text, account]


def write_canonical_csv(transactions: Iterable[BankTxn], path: Path) -> None:
    """Write statement records as bank.csv atomically, through the one bank.csv writer."""
    write_bank_rows(record_rows(transactions), Path(path))


def amount_text(value: Decimal, ccy: str) -> str:
    """The contract's amount: a dot, the currency's decimals, never "-0.00" (`record_rows`
    writes it the same way, inline)."""
    exact = value.quantize(quantum(ccy), rounding=ROUNDING)
    return f"{exact if exact else abs(exact):f}"
