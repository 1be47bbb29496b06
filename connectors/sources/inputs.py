"""Input sources: any supported bank statement or the canonical CSVs, into frames.

A bank file's format is recognised from its content. Every source gives its
file hash so that an import is recorded exactly once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from dunwell.errors import InputError
from dunwell.model import BankTxn

if TYPE_CHECKING:  # frames are for the flows; `statement convert` imports no pandas
    import pandas as pd

    from dunwell.connectors.sources.statements import StatementImport


@dataclass(frozen=True, slots=True)
class BankFile:
    """One bank statement file as read: its transactions and what we know of it.

    Attributes:
      path: where it was read from.
      sha256: hash of the bytes, the file's identity for exactly-once imports.
      format: mt940, camt053, ofx, bai2, csv profile name, or canonical.
      transactions: frame per dunwell.frames.TRANSACTION_COLUMNS.
      balance_findings: opening + entries != closing, gaps between statements.
      warnings: encoding fallbacks and other notes for the user.
    """

    path: Path
    sha256: str
    format: str
    transactions: pd.DataFrame
    balance_findings: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def file_hash(path: Path) -> str:
    """sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_bank(path: Path, profile: str | None = None, currency: str | None = None,
              profiles_dir: Path | None = None) -> BankFile:
    """Read any supported statement (or canonical bank.csv) into a BankFile."""
    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), "file not found" if not path.exists() else "not a file")
    if profile is None and looks_canonical(path):
        from dunwell.connectors.sources import canonical

        warnings: list[str] = []
        frame = canonical.read_bank_csv(path, warnings)
        return BankFile(path, file_hash(path), "canonical", frame, warnings=warnings)
    from dunwell.connectors.sources.statements import check_balances

    imported = read_statement_file(path, profile, currency, profiles_dir)
    frame = transactions_frame(imported.transactions, imported.lines)
    fmt = f"csv:{imported.profile}" if imported.profile else imported.format
    return BankFile(
        path, file_hash(path), fmt, frame, list(check_balances(imported)), list(imported.warnings)
    )


def read_statement_file(path: Path, profile: str | None = None, currency: str | None = None,
                        profiles_dir: Path | None = None) -> StatementImport:
    """A statement file (not a canonical bank.csv) as records: what `statement convert`
    writes out without building a frame."""
    from dunwell.connectors.sources.statements import read_statement

    return read_statement(path, profile=profile, currency=currency, profiles_dir=profiles_dir)


def looks_canonical(path: Path) -> bool:
    """True when the file's first line is a canonical bank.csv header."""
    from dunwell.connectors.sources.statements.bank_csv import (
        looks_canonical as header_is_canonical,
    )

    try:
        with open(path, "rb") as handle:
            data = handle.read(4096)
        # a UTF-16 bank.csv is recognised, so that the reader can say what to do about it
        utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
        head = data.decode("utf-16" if utf16 else "utf-8", errors="replace")
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror}") from None
    return header_is_canonical(head)


def transactions_frame(transactions: list[BankTxn], lines: list[int] | None = None) -> pd.DataFrame:
    """Records from a statement parser -> the transactions frame (with source lines if known)."""
    import pandas as pd

    from dunwell.frames import TRANSACTION_COLUMNS
    from dunwell.money import to_minor

    rows = {
        "transaction_id": [t.transaction_id for t in transactions],
        "booking_date": pd.to_datetime([t.booking_date for t in transactions]).astype(
            "datetime64[s]"
        ),
        "amount_minor": [to_minor(t.amount, t.currency) for t in transactions],
        "currency": [t.currency for t in transactions],
        "counterparty_name": [t.counterparty_name or "" for t in transactions],
        "counterparty_iban": [
            (t.counterparty_iban or "").replace(" ", "").upper() for t in transactions
        ],
        "remittance_info": [t.remittance_info or "" for t in transactions],
        "account": [t.account or "" for t in transactions],
        "line": list(lines) if lines else list(range(1, len(transactions) + 1)),
    }
    frame = pd.DataFrame(rows)
    frame = frame.astype({column: "datetime64[s]" if kind == "datetime64" else kind  # typed
                          for column, kind in TRANSACTION_COLUMNS.items()})  # even with no rows
    return frame[list(TRANSACTION_COLUMNS)]
