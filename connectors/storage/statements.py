"""Bank statements into the database exactly once: each (account, transaction_id) is stored once.

Importing the same file twice, or two statements that overlap, adds every
transaction once; the rest are counted as known, or as rejected when the bank
reused an identity for different content.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from dunwell.connectors.storage.columns import (
    chunks,
    column,
    date_text,
    dates,
    decimals,
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
    columns = _columns(transactions)
    header = StatementImport(file_name=file_name, file_hash=file_hash, format=fmt)
    session.add(header)
    session.flush()
    new, known = _store(session, header.id, columns)
    rows = len(columns["transaction_id"])
    header.new_count, header.known_count = len(new), known
    header.rejected_count = rows - len(new) - known
    session.flush()
    new_ids = [columns["transaction_id"][i] for i in new]
    return ImportOutcome(len(new_ids), known, header.rejected_count, header.id, new_ids)


def _store(session: Session, import_id: int, columns: dict[str, list[Any]]
           ) -> tuple[list[int], int]:
    """Insert each identity's first row unless stored; the positions of the rows stored now
    and how many repeats were known (same identity, same content)."""
    keys = list(zip(columns["account"], columns["transaction_id"], strict=True))
    prints = columns["fingerprint"]
    first: dict[tuple[str, str], int] = {}
    for i, key in enumerate(keys):
        if key[1]:
            first.setdefault(key, i)
    chosen = list(first.values())
    batch = {name: [cells[i] for i in chosen] for name, cells in columns.items()}
    batch["import_id"] = [import_id] * len(chosen)
    inserted = _insert_new(session, batch, import_id)
    new = [i for key, i in first.items() if key in inserted]
    reference = _stored_fingerprints(session, [k for k in first if k not in inserted])
    reference.update({keys[i]: prints[i] for i in new})
    stored_now = set(new)
    known = sum(1 for i, key in enumerate(keys)
                if key[1] and i not in stored_now and reference.get(key) == prints[i])
    return new, known


def _insert_new(session: Session, columns: dict[str, list[Any]], import_id: int
                ) -> set[tuple[str, str]]:
    """Bulk INSERT .. ON CONFLICT DO NOTHING; the identities this import actually inserted.

    Inserted rows are found by their import_id rather than RETURNING, which keeps
    executemany (COPY on PostgreSQL) on its fast path.
    """
    if not columns["transaction_id"]:
        return set()
    insert_rows(session, BankTransaction.__table__, columns,
                conflict=("account", "transaction_id"))
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


def _columns(transactions: Sequence[BankTxn] | pd.DataFrame) -> dict[str, list[Any]]:
    """Records or a transactions frame, as database columns with each row's fingerprint."""
    if isinstance(transactions, pd.DataFrame):
        columns = _frame_columns(transactions)
    else:
        columns = _record_columns(list(transactions))
    columns["fingerprint"] = [_fingerprint(*cells) for cells in
                              zip(*(columns[k] for k in _FINGERPRINTED), strict=True)]
    return columns


def _record_columns(records: list[BankTxn]) -> dict[str, list[Any]]:
    return {
        "account": [t.account or "" for t in records],
        "transaction_id": [str(t.transaction_id or "") for t in records],
        "line": list(range(1, len(records) + 1)),
        "booking_date": [t.booking_date for t in records],
        "amount": [t.amount for t in records],
        "currency": [t.currency for t in records],
        "counterparty_name": [t.counterparty_name or None for t in records],
        "counterparty_iban": [_iban(t.counterparty_iban) for t in records],
        "remittance_info": [t.remittance_info or None for t in records],
    }


def _iban(value: str | None) -> str | None:
    """IBANs in electronic form: upper case, no spaces."""
    return value.replace(" ", "").upper() or None if value else None


def _frame_columns(frame: pd.DataFrame) -> dict[str, list[Any]]:
    currency = frame["currency"].astype("str").tolist()
    ibans = column(frame, "counterparty_iban", "")
    return {
        "account": [v or "" for v in text_or_none(column(frame, "account", ""))],
        "transaction_id": [v or "" for v in text_or_none(frame["transaction_id"])],
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
