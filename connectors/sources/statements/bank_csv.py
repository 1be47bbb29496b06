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
from collections.abc import Iterable, Sequence
from decimal import Decimal
from itertools import repeat
from operator import attrgetter
from pathlib import Path
from typing import Any

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


def record_columns(transactions: Iterable[BankTxn]) -> list[list[str]]:
    """Statement records as bank.csv's columns of text, in `COLUMNS` order: the cell rule on
    free text, the contract's amount (`amount_text`), the IBAN without spaces in upper case.
    Each rule runs over a whole column (a statement of 100,000 rows has a few days, one
    currency, and free text that seldom holds a NUL or a CR)."""
    records = list(transactions)

    def column(name: str) -> list[Any]:
        return list(map(attrgetter(name), records))

    days = column("booking_date")
    in_words = {day: day.isoformat() for day in set(days)}
    currencies = column("currency")
    free = {name: _free_text([text or "" for text in column(name)]) for name in FREE_TEXT}
    ibans = [iban.replace(" ", "").upper() if iban else "" for iban in
             column("counterparty_iban")]
    return [free["transaction_id"], list(map(in_words.__getitem__, days)),
            _amount_texts(column("amount"), currencies), currencies,
            free["counterparty_name"], ibans, free["remittance_info"], free["account"]]


def _free_text(texts: list[str]) -> list[str]:
    """A column of free text with the cell rule applied, looked at as a whole first."""
    joined = "".join(texts)
    return list(map(cell, texts)) if "\x00" in joined or "\r" in joined else texts


def _amount_texts(amounts: list[Decimal], currencies: list[str]) -> list[str]:
    """`amount_text` of each amount in its currency, a file in one currency (the usual case)
    quantised against one minor unit."""
    ones = set(currencies)
    units = repeat(quantum(ones.pop())) if len(ones) == 1 else map(quantum, currencies)
    return list(map(_written, map(Decimal.quantize, amounts, units, repeat(ROUNDING))))


def write_canonical_csv(transactions: Iterable[BankTxn], path: Path) -> None:
    """Write statement records as bank.csv atomically, through the one bank.csv writer."""
    write_bank_rows(zip(*record_columns(transactions), strict=True), Path(path))


def amount_text(value: Decimal, ccy: str) -> str:
    """The contract's amount: a dot, the currency's decimals, never "-0.00" (`_amount_texts`
    writes a column of them the same way)."""
    return _written(value.quantize(quantum(ccy), rounding=ROUNDING))


def _written(exact: Decimal) -> str:
    """A quantised amount as bank.csv writes it: a dot, no exponent, zero without a sign."""
    return f"{exact if exact else abs(exact):f}"
