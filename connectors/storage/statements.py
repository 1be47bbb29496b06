"""Bank statements into the database exactly once: each (account, transaction_id) is stored once.

Importing the same file twice, or two statements that overlap, adds every
transaction once; the rest are counted as known, or as rejected when the bank
reused an identity for different content.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from dunwell.connectors.storage.columns import (
    SLICE_ROWS,
    chunks,
    column,
    date_text,
    dates,
    decimals,
    indexes_deferred,
    insert_rows,
    minor_units_sql,
    text_or_none,
    to_frame,
)
from dunwell.connectors.storage.models import BankTransaction, StatementImport
from dunwell.frames import TRANSACTION_COLUMNS
from dunwell.model import BankTxn

_FINGERPRINTED = (
    "account", "booking_date", "amount", "currency",
    "counterparty_name", "counterparty_iban", "remittance_info",
)


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What one statement import added.

    Attributes:
      new: transactions stored now. known: already stored, same content.
      rejected: no transaction id, or an identity already stored with other content.
      import_id: the statement_imports row of this import.
      new_transaction_ids: transaction ids stored now, in file order.
    """

    new: int
    known: int
    rejected: int
    import_id: int
    new_transaction_ids: list[str]


def fingerprint(row: dict[str, Any]) -> str:
    """sha256 over a transaction's content, to tell a repeat from a reused identity."""
    return _fingerprint(*(row.get(k) for k in _FINGERPRINTED))


def _fingerprint(*cells: Any) -> str:
    parts = ["" if v is None else str(v) for v in cells]
    parts[2] = f"{cells[2].normalize():f}"  # 100.5 and 100.50 are the same amount
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def record_statement_import(
    session: Session, file_name: str, file_hash: str, fmt: str,
    transactions: Sequence[BankTxn] | pd.DataFrame,
) -> ImportOutcome:
    """Record a statement file and add its transactions that are not stored yet."""
    header = StatementImport(file_name=file_name, file_hash=file_hash, format=fmt)
    session.add(header)
    session.flush()
    new, known, rows, ids = _store(session, header.id, transactions)
    header.new_count, header.known_count = len(new), known
    header.rejected_count = rows - len(new) - known
    session.flush()
    new_ids = [ids[i] for i in new]
    return ImportOutcome(len(new_ids), known, header.rejected_count, header.id, new_ids)


def _store(session: Session, import_id: int, transactions: Sequence[BankTxn] | pd.DataFrame
           ) -> tuple[list[int], int, int, list[str]]:
    """Insert each identity's first row unless stored, a slice of the file at a time (a
    million rows as Python values at once held a gigabyte). Returns the positions of the
    rows stored now, how many repeats were known (same identity, same content), the rows
    read and their transaction ids."""
    source = _Source(transactions)
    accounts, ids = source.keys()
    keys = list(zip(accounts, ids, strict=True))
    first: dict[tuple[str, str], int] = {}
    for i, key in enumerate(keys):
        if key[1]:
            first.setdefault(key, i)
    chosen = list(first.values())
    prints: list[str] = []
    written = 0
    position = 0
    with indexes_deferred(session, BankTransaction.__table__, len(chosen)):
        for start, columns in source.slices():
            prints += columns["fingerprint"]
            stop = start + len(columns["fingerprint"])
            mine = []
            while position < len(chosen) and chosen[position] < stop:
                mine.append(chosen[position] - start)
                position += 1
            batch = {name: [cells[i] for i in mine] for name, cells in columns.items()}
            batch["import_id"] = [import_id] * len(mine)
            if mine:
                written += insert_rows(session, BankTransaction.__table__, batch,
                                       conflict=("account", "transaction_id"))
    inserted = set(first) if written == len(chosen) else _inserted(session, import_id)
    new = [i for key, i in first.items() if key in inserted]
    reference = _stored_fingerprints(session, [k for k in first if k not in inserted])
    stored_now = set(new)
    known = 0
    for i, key in enumerate(keys):
        if key[1] and i not in stored_now:
            first_row = first[key]
            expected = prints[first_row] if first_row in stored_now else reference.get(key)
            known += expected == prints[i]
    return new, known, len(keys), ids


def _inserted(session: Session, import_id: int) -> set[tuple[str, str]]:
    """The identities this import actually inserted (found by import_id, not RETURNING,
    which keeps executemany and COPY on their fast paths)."""
    mine = select(BankTransaction.account, BankTransaction.transaction_id).where(
        BankTransaction.import_id == import_id)
    return {(a, t) for a, t in session.execute(mine)}


def _stored_fingerprints(
    session: Session, keys: list[tuple[str, str]]
) -> dict[tuple[str, str], str]:
    """Fingerprints already stored for these identities."""
    wanted = set(keys)
    found: dict[tuple[str, str], str] = {}
    ids = sorted({t for _, t in wanted})
    for chunk in chunks(ids):
        statement = select(
            BankTransaction.account, BankTransaction.transaction_id, BankTransaction.fingerprint
        ).where(BankTransaction.transaction_id.in_(chunk))
        for account, transaction_id, print_ in session.execute(statement):
            if (account, transaction_id) in wanted:
                found[(account, transaction_id)] = print_
    return found


class _Source:
    """A statement's transactions, records or a frame, read as database columns."""

    def __init__(self, transactions: Sequence[BankTxn] | pd.DataFrame) -> None:
        self.frame: pd.DataFrame | None = None
        self.records: list[BankTxn] = []
        if isinstance(transactions, pd.DataFrame):
            self.frame = transactions
        else:
            self.records = list(transactions)

    def keys(self) -> tuple[list[str], list[str]]:
        """Every row's account and transaction id, as stored."""
        if self.frame is not None:
            return (_account_cells(self.frame), _id_cells(self.frame))
        return ([t.account or "" for t in self.records],
                [str(t.transaction_id or "") for t in self.records])

    def slices(self) -> Iterator[tuple[int, dict[str, list[Any]]]]:
        """(first row, columns with each row's fingerprint) for consecutive slices."""
        rows = len(self.frame) if self.frame is not None else len(self.records)
        for start in range(0, rows, SLICE_ROWS):
            if self.frame is not None:
                columns = _frame_columns(self.frame.iloc[start:start + SLICE_ROWS])
            else:
                columns = _record_columns(self.records[start:start + SLICE_ROWS], start)
            columns["fingerprint"] = [_fingerprint(*cells) for cells in
                                      zip(*(columns[k] for k in _FINGERPRINTED), strict=True)]
            yield start, columns


def _record_columns(records: Sequence[BankTxn], offset: int = 0) -> dict[str, list[Any]]:
    return {
        "account": [t.account or "" for t in records],
        "transaction_id": [str(t.transaction_id or "") for t in records],
        "line": list(range(offset + 1, offset + len(records) + 1)),
        "booking_date": [t.booking_date for t in records],
        "amount": [t.amount for t in records],
        "currency": [t.currency for t in records],
        "counterparty_name": [t.counterparty_name or None for t in records],
        "counterparty_iban": [_iban(t.counterparty_iban) for t in records],
        "remittance_info": [t.remittance_info or None for t in records],
    }


def _account_cells(frame: pd.DataFrame) -> list[str]:
    return [v or "" for v in text_or_none(column(frame, "account", ""))]


def _id_cells(frame: pd.DataFrame) -> list[str]:
    return [v or "" for v in text_or_none(frame["transaction_id"])]


def _iban(value: str | None) -> str | None:
    """IBANs in electronic form: upper case, no spaces."""
    return value.replace(" ", "").upper() or None if value else None


def _frame_columns(frame: pd.DataFrame) -> dict[str, list[Any]]:
    currency = frame["currency"].astype("str").tolist()
    ibans = column(frame, "counterparty_iban", "")
    return {
        "account": _account_cells(frame),
        "transaction_id": _id_cells(frame),
        "line": [int(v) for v in column(frame, "line", 0).fillna(0)],
        "booking_date": dates(frame["booking_date"]),
        "amount": decimals(frame["amount_minor"], currency),
        "currency": currency,
        "counterparty_name": text_or_none(column(frame, "counterparty_name", "")),
        "counterparty_iban": [_iban(v) for v in text_or_none(ibans)],
        "remittance_info": text_or_none(column(frame, "remittance_info", "")),
    }


def load_transactions(
    session: Session, *, since: date | None = None, import_ids: Sequence[int] | None = None,
    transaction_ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Stored transactions as a frame per `dunwell.frames.TRANSACTION_COLUMNS` (+ import_id)."""
    table = BankTransaction
    minor = minor_units_sql(session, table.amount, table.currency)
    columns = [table.transaction_id, date_text(table.booking_date), minor, table.currency,
               table.counterparty_name, table.counterparty_iban, table.remittance_info,
               table.account, table.line, table.import_id]
    statement = select(*columns).order_by(table.id)
    if since is not None:
        statement = statement.where(table.booking_date >= since)
    if import_ids is not None:
        statement = statement.where(table.import_id.in_(list(import_ids)))
    if transaction_ids is not None:
        statement = statement.where(table.transaction_id.in_(list(transaction_ids)))
    names = [*TRANSACTION_COLUMNS, "import_id"]
    kinds = {"booking_date": "datetime64", "amount_minor": "int64", "line": "int64",
             "import_id": "int64"}
    return to_frame(session.connection().execute(statement).all(), names, kinds)
