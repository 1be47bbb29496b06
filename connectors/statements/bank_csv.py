"""The contract's canonical bank.csv: read with validation, and written atomically."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from dunwell.connectors.storage.files import atomic_text
from dunwell.errors import InputError
from dunwell.model import BankTxn, TransactionId
from dunwell.money import format_plain

from .text import amount, check_precision, clean, currency

COLUMNS = ["transaction_id", "booking_date", "amount", "currency", "counterparty_name",
           "counterparty_iban", "remittance_info", "account"]
REQUIRED = COLUMNS[:4]


def looks_canonical(head: str) -> bool:
    """True when the first line is a bank.csv header (the required columns, comma-separated)."""
    first = head.lstrip("\ufeff").split("\n", 1)[0]
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
    """Write bank.csv atomically: a reader sees the old file or the whole new one."""
    with atomic_text(Path(path)) as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for t in transactions:
            writer.writerow([t.transaction_id, t.booking_date.isoformat(),
                             format_plain(t.amount, t.currency), t.currency,
                             t.counterparty_name or "", t.counterparty_iban or "",
                             t.remittance_info or "", t.account or ""])
