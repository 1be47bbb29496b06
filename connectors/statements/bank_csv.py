"""The contract's canonical bank.csv: read with validation, and written atomically."""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path

from dunwell.connectors.csvio import readable_mode
from dunwell.errors import InputError
from dunwell.model import BankTxn, TransactionId
from dunwell.money import ROUNDING

from .text import amount, check_precision, clean, currency, quantum

COLUMNS = ["transaction_id", "booking_date", "amount", "currency", "counterparty_name",
           "counterparty_iban", "remittance_info", "account"]
REQUIRED = COLUMNS[:4]


def looks_canonical(head: str) -> bool:
    """True when the first line is a bank.csv header (the required columns, comma-separated)."""
    lines = head.lstrip("\ufeff").splitlines()  # a file holding only a BOM has no line
    first = lines[0] if lines else ""
    return set(REQUIRED) <= {c.strip().strip('"') for c in first.split(",")}


def read(text: str, source: str) -> tuple[list[BankTxn], list[int]]:
    """Transactions of a canonical bank.csv and their lines; every cell checked, ids unique."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    txns: list[BankTxn] = []
    lines: list[int] = []
    seen: set[str] = set()
    line = 1
    try:
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(source, f"missing required column {missing[0]!r}", 1, missing[0])
        line = reader.line_num + 1
        for row in reader:
            txn = _row(row, source, line)
            if txn.transaction_id in seen:
                raise InputError(source, f"transaction_id {txn.transaction_id!r} appears twice",
                                 line, "transaction_id")
            seen.add(txn.transaction_id)
            txns.append(txn)
            lines.append(line)
            line = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(source, f"bad CSV: {exc}", line) from None
    return txns, lines


def _row(row: dict[str, str | None], source: str, line: int) -> BankTxn:
    """One bank.csv row, required cells present and typed."""
    cells = {k: (v or "").strip() for k, v in row.items() if isinstance(k, str)}
    for column in REQUIRED:
        if not cells.get(column):
            raise InputError(source, "required value is empty", line, column)
    ccy = currency(cells["currency"], source, line, "currency")
    value = check_precision(amount(cells["amount"], source, line, "amount"), ccy, source, line,
                            "amount")
    try:
        booked = date.fromisoformat(cells["booking_date"])
    except ValueError:
        raise InputError(source, f"not an ISO date: {cells['booking_date']!r}", line,
                         "booking_date") from None
    iban = cells.get("counterparty_iban", "").replace(" ", "").upper()
    return BankTxn(TransactionId(cells["transaction_id"]), booked, value, ccy,
                   clean(cells.get("counterparty_name")), iban or None,
                   clean(cells.get("remittance_info")), clean(cells.get("account")))


def write_canonical_csv(transactions: Iterable[BankTxn], path: Path) -> None:
    """Write bank.csv atomically: a temporary file beside the target, then os.replace."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    os.fchmod(fd, readable_mode())
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(COLUMNS)
            writer.writerows(row(t) for t in transactions)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def row(t: BankTxn) -> list[str]:
    """A transaction's cells in COLUMNS order, as the contract writes them."""
    return [cell_text(t.transaction_id), t.booking_date.isoformat(),
            amount_text(t.amount, t.currency), t.currency, cell_text(t.counterparty_name),
            (t.counterparty_iban or "").replace(" ", "").upper(), cell_text(t.remittance_info),
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
