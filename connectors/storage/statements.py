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
    parts = ["" if row.get(k) is None else str(row[k]) for k in _FINGERPRINTED]
    parts[2] = f"{row['amount'].normalize():f}"  # 100.5 and 100.50 are the same amount
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def record_statement_import(
    session: Session, file_name: str, file_hash: str, fmt: str,
    transactions: Sequence[BankTxn] | pd.DataFrame,
) -> ImportOutcome:
    """Record a statement file and add its transactions that are not stored yet."""
    rows = _rows(transactions)
    header = StatementImport(file_name=file_name, file_hash=file_hash, format=fmt)
    session.add(header)
    session.flush()
    new_rows, known = _store(session, header.id, rows)
    header.new_count, header.known_count = len(new_rows), known
    header.rejected_count = len(rows) - len(new_rows) - known
    session.flush()
    new_ids = [r["transaction_id"] for r in new_rows]
    return ImportOutcome(len(new_ids), known, header.rejected_count, header.id, new_ids)


def _store(
    session: Session, import_id: int, rows: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], int]:
    """Insert each identity's first row unless stored; the rows stored and the repeats known."""
    with_id = [r for r in rows if r["transaction_id"]]
    first: dict[tuple[str, str], dict[str, Any]] = {}
    for row in with_id:
        first.setdefault(_key(row), row)
    for row in first.values():
        row["import_id"] = import_id
    inserted = _insert_new(session, list(first.values()))
    new_rows = [r for key, r in first.items() if key in inserted]
    reference = _stored_fingerprints(session, [r for k, r in first.items() if k not in inserted])
    reference.update({_key(r): r["fingerprint"] for r in new_rows})
    stored_now = {id(r) for r in new_rows}
    known = sum(1 for r in with_id
                if id(r) not in stored_now and reference.get(_key(r)) == r["fingerprint"])
    return new_rows, known


def _key(row: dict[str, Any]) -> tuple[str, str]:
    return row["account"], row["transaction_id"]


def _insert_new(session: Session, rows: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """Bulk INSERT .. ON CONFLICT DO NOTHING; the identities this import actually inserted.

    Inserted rows are found by their import_id rather than RETURNING, which keeps
    executemany on its fast path on both drivers.
    """
    if not rows:
        return set()
    insert_rows(session, BankTransaction.__table__, {n: [r[n] for r in rows] for n in rows[0]},
                conflict=("account", "transaction_id"))
    mine = select(BankTransaction.account, BankTransaction.transaction_id).where(
        BankTransaction.import_id == rows[0]["import_id"])
    return {(a, t) for a, t in session.execute(mine)}


def _stored_fingerprints(
    session: Session, rows: list[dict[str, Any]]
) -> dict[tuple[str, str], str]:
    """Fingerprints already stored for these identities."""
    wanted = {_key(r) for r in rows}
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


def _rows(transactions: Sequence[BankTxn] | pd.DataFrame) -> list[dict[str, Any]]:
    """Records or a transactions frame, as database rows with their fingerprints."""
    if isinstance(transactions, pd.DataFrame):
        rows = _frame_rows(transactions)
    else:
        rows = [_record_row(t, line) for line, t in enumerate(transactions, start=1)]
    for row in rows:
        row["fingerprint"] = fingerprint(row)
    return rows


def _record_row(txn: BankTxn, line: int) -> dict[str, Any]:
    return {
        "account": txn.account or "", "transaction_id": str(txn.transaction_id or ""),
        "line": line, "booking_date": txn.booking_date, "amount": txn.amount,
        "currency": txn.currency, "counterparty_name": txn.counterparty_name or None,
        "counterparty_iban": _iban(txn.counterparty_iban),
        "remittance_info": txn.remittance_info or None,
    }


def _iban(value: str | None) -> str | None:
    """IBANs in electronic form: upper case, no spaces."""
    return value.replace(" ", "").upper() or None if value else None


def _frame_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    currency = frame["currency"].astype("str").tolist()
    ibans = column(frame, "counterparty_iban", "")
    columns = {
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
    names = list(columns)
    return [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]


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
