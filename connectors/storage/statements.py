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

import numpy as np
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
    source = _Source(transactions)
    new, known = _store(session, header.id, source)
    header.new_count, header.known_count = len(new), known
    header.rejected_count = source.rows - len(new) - known
    session.flush()
    return ImportOutcome(len(new), known, header.rejected_count, header.id, source.ids_at(new))


def _store(session: Session, import_id: int, source: _Source) -> tuple[np.ndarray, int]:
    """Insert each identity's first row unless stored, a slice of the file at a time (a
    million rows as Python values at once held a gigabyte). Returns the positions of the
    rows stored now and how many repeats were known (same identity, same content).

    The identities and each row's fingerprint are kept as arrays, not as Python values per
    row: a million rows' tuples, dictionary and digests held 600 MB in the recording helper
    while the run matched."""
    keys = source.keys()
    has_id = (keys["transaction_id"] != "").to_numpy(dtype=bool)
    chosen = has_id & ~keys.duplicated(keep="first").to_numpy(dtype=bool)
    first_rows = int(chosen.sum())
    prints = np.zeros(source.rows, dtype="S64")  # each row's fingerprint, hex digits
    written = 0
    with indexes_deferred(session, BankTransaction.__table__, first_rows):
        for start, columns in source.slices():
            stop = start + len(columns["fingerprint"])
            prints[start:stop] = columns["fingerprint"]
            mine = np.flatnonzero(chosen[start:stop])
            if len(mine) == stop - start:
                batch = dict(columns)
            else:
                batch = {name: [cells[i] for i in mine] for name, cells in columns.items()}
            batch["import_id"] = [import_id] * len(mine)
            if len(mine):
                written += insert_rows(session, BankTransaction.__table__, batch,
                                       conflict=("account", "transaction_id"))
    stored_now = chosen.copy()
    if written != first_rows:  # some identities were stored by an earlier import
        inserted = _inserted(session, import_id)
        rows = np.flatnonzero(chosen)
        stored_now[rows] = [key in inserted for key in _keys_at(keys, rows)]
    return np.flatnonzero(stored_now), _known(session, keys, has_id, stored_now, prints)


def _known(session: Session, keys: pd.DataFrame, has_id: np.ndarray, stored_now: np.ndarray,
           prints: np.ndarray) -> int:
    """Rows not stored now whose content is what is stored for their identity: this file's
    first row of it when that was stored now, else the row an earlier import stored."""
    others = np.flatnonzero(has_id & ~stored_now)
    if not others.size:
        return 0
    codes = keys.groupby(["account", "transaction_id"], sort=False).ngroup().to_numpy()
    first_of = np.zeros(int(codes.max()) + 1, dtype=np.int64)
    first_of[codes[::-1]] = np.arange(len(codes))[::-1]  # the last write wins: the first row
    firsts = first_of[codes[others]]
    earlier = np.unique(firsts[~stored_now[firsts]])  # first rows stored by an earlier import
    earlier_keys = _keys_at(keys, earlier)
    reference = _stored_fingerprints(session, earlier_keys)
    stored_before = dict(zip(earlier.tolist(), map(reference.get, earlier_keys), strict=True))
    known = 0
    for row, first in zip(others.tolist(), firsts.tolist(), strict=True):
        expected = prints[first].decode() if stored_now[first] else stored_before[first]
        known += expected == prints[row].decode()
    return known


def _keys_at(keys: pd.DataFrame, rows: np.ndarray) -> list[tuple[str, str]]:
    """(account, transaction id) of these rows."""
    return list(zip(map(str, keys["account"].take(rows).tolist()),
                    map(str, keys["transaction_id"].take(rows).tolist()), strict=True))


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
        self.rows = len(self.frame) if self.frame is not None else len(self.records)
        self._keys: pd.DataFrame | None = None

    def keys(self) -> pd.DataFrame:
        """Every row's account and transaction id as stored ("" for none), as text columns."""
        if self._keys is None:
            if self.frame is not None:
                accounts = _key_text(column(self.frame, "account", ""))
                ids = _key_text(self.frame["transaction_id"])
            else:
                accounts = pd.Series([t.account or "" for t in self.records], dtype="str")
                ids = pd.Series([str(t.transaction_id or "") for t in self.records], dtype="str")
            self._keys = pd.DataFrame({"account": accounts.reset_index(drop=True),
                                       "transaction_id": ids.reset_index(drop=True)})
        return self._keys

    def ids_at(self, rows: np.ndarray) -> list[str]:
        """The transaction ids of these rows, in their order."""
        return [str(v) for v in self.keys()["transaction_id"].take(rows).tolist()]

    def slices(self) -> Iterator[tuple[int, dict[str, list[Any]]]]:
        """(first row, columns with each row's fingerprint) for consecutive slices."""
        for start in range(0, self.rows, SLICE_ROWS):
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


def _key_text(cells: pd.Series) -> pd.Series:
    """An identity column (account, transaction id) as stored: blank and missing cells are
    "", as text, without a Python value per row."""
    texts = cells.astype("str")
    blank = texts.isna() | (texts.str.strip() == "")
    return texts.where(~blank, "").astype("str")


def _iban(value: str | None) -> str | None:
    """IBANs in electronic form: upper case, no spaces."""
    return value.replace(" ", "").upper() or None if value else None


def _frame_columns(frame: pd.DataFrame) -> dict[str, list[Any]]:
    currency = frame["currency"].astype("str").tolist()
    ibans = column(frame, "counterparty_iban", "")
    return {
        "account": _key_text(column(frame, "account", "")).tolist(),
        "transaction_id": _key_text(frame["transaction_id"]).tolist(),
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
