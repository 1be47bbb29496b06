"""Tasks that read the run's inputs: invoices, customers and bank statements."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pandas as pd

from dunwell.connectors.sources import canonical
from dunwell.connectors.sources.bank_reader import BankReader
from dunwell.connectors.sources.inputs import BankFile, read_bank
from dunwell.connectors.sources.invoice_sources import read_invoice_source
from dunwell.errors import InputError, InputErrors
from dunwell.frames import CUSTOMER_COLUMNS
from dunwell.tasks.common import retry_unless_user_error
from dunwell.tasks.local import NO_CACHE, task

P = TypeVar("P")
T = TypeVar("T")


@dataclass(frozen=True)
class Inputs:
    """What one run reads, validated: frames plus the bank files they came from."""

    invoices: pd.DataFrame
    customers: pd.DataFrame
    bank_files: list[BankFile] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def transactions(self) -> pd.DataFrame:
        """All bank files' transactions in one frame."""
        if not self.bank_files:
            return _empty_transactions()
        return pd.concat([b.transactions for b in self.bank_files], ignore_index=True)


def _empty_transactions() -> pd.DataFrame:
    from dunwell.connectors.sources.inputs import transactions_frame

    return transactions_frame([])


def _empty_customers(invoices: pd.DataFrame) -> pd.DataFrame:
    """Customers derived from the invoices when no customers file is given."""
    first = invoices.drop_duplicates("customer_id")
    frame = pd.DataFrame({c: pd.Series(dtype="str") for c in CUSTOMER_COLUMNS})
    frame = frame.reindex(range(len(first)))
    frame["customer_id"] = first["customer_id"].to_numpy()
    frame["name"] = first["customer_name"].where(first["customer_name"] != "",
                                                 first["customer_id"]).to_numpy()
    for column in ("email", "iban", "segment", "country", "timezone"):
        frame[column] = ""
    frame["language"] = "en"
    frame["do_not_contact"] = False
    frame["line"] = 0
    return frame


def load_inputs(invoices: str | Path, customers: str | Path | None,
                bank: list[str] | list[Path] | None) -> Inputs:
    """Read and validate every input; all problems of all files are reported together.

    The CLI validates the files before the flow starts and the flow reads them again:
    unchanged files (same size and modification time) are parsed once per process.
    """
    key = _files_key([invoices, customers, *(bank or [])])
    if key is not None and key in _LAST:
        return _LAST[key]
    inputs = _load(invoices, customers, bank)
    _LAST.clear()
    if key is not None:
        _LAST[key] = inputs
    return inputs


FilesKey = tuple[tuple[str, int, int] | None, ...]
_LAST: dict[FilesKey, Inputs] = {}  # the last inputs read, by their files' key


def _files_key(paths: list[str | Path | None]) -> FilesKey | None:
    """(path, size, mtime) of every input file; None when one is no plain file (a query)."""
    key: list[tuple[str, int, int] | None] = []
    for path in paths:
        if path is None:
            key.append(None)
            continue
        try:
            stat = Path(path).stat()
        except OSError:
            return None
        key.append((str(Path(path).resolve()), stat.st_size, stat.st_mtime_ns))
    return tuple(key)


def _load(invoices: str | Path, customers: str | Path | None,
          bank: list[str] | list[Path] | None) -> Inputs:
    errors: list[InputError] = []
    warnings: list[str] = []
    frames: dict[str, pd.DataFrame | None] = {}
    paths = [Path(p) for p in bank or []]
    elsewhere = _bank_reader(paths)
    # invoices: a canonical CSV, an Excel export or `profile:NAME` (a SQL query), see
    # connectors/sources/invoice_sources.py; the spec is passed on as given, not as a Path
    frames["invoices"] = _collect(errors, lambda p: read_invoice_source(p, warnings=warnings),
                                  invoices)
    if customers:
        frames["customers"] = _collect(
            errors, lambda p: canonical.read_customers(p, warnings), Path(customers))
    done = elsewhere.files() if elsewhere else [None] * len(paths)
    read = [file or _collect(errors, read_bank, path)
            for path, file in zip(paths, done, strict=True)]
    errors += _too_long(frames, invoices, customers, read)
    inv, cust = frames.get("invoices"), frames.get("customers")
    if errors or inv is None:  # a reader returns nothing only when it reported why
        raise InputErrors(errors)
    banks = [b for b in read if b is not None]
    warnings += [w for b in banks for w in b.warnings]
    return Inputs(inv, cust if cust is not None else _empty_customers(inv), banks, warnings)


def _bank_reader(paths: list[Path]) -> BankReader | None:
    """A second process reading the statement files while this one reads the invoices,
    from `read_helper_bytes` of them (see `connectors.sources.bank_reader`)."""
    from dunwell.connectors.settings.config import environment, one_setting

    size = sum(p.stat().st_size for p in paths if p.is_file())  # the others: errors, here
    if not paths or size < int(one_setting("read_helper_bytes")):
        return None
    return BankReader(paths, environment())


def _too_long(frames: Mapping[str, pd.DataFrame | None], invoices: str | Path,
              customers: str | Path | None,
              banks: Sequence[BankFile | None]) -> list[InputError]:
    """Cells longer than the database keeps, found now rather than halfway through a run."""
    from dunwell.connectors.storage.limits import too_long

    found: list[InputError] = []
    for name, source in (("invoices", invoices), ("customers", customers)):
        frame = frames.get(name)
        if isinstance(frame, pd.DataFrame):
            found += too_long(frame, str(source), name)
    for bank in banks:
        if bank is not None:
            found += too_long(bank.transactions, str(bank.path), "transactions")
    return found


def _collect(errors: list[InputError], reader: Callable[[P], T], path: P) -> T | None:
    """What `reader` reads from `path`, or None with its problems added to `errors`."""
    try:
        return reader(path)
    except InputErrors as many:
        errors.extend(many.errors)
    except InputError as one:
        errors.append(one)
    return None


@task(name="read inputs", retries=2, retry_delay_seconds=[1, 5], cache_policy=NO_CACHE,
      retry_condition_fn=retry_unless_user_error)
def read_inputs(invoices: str, customers: str | None, bank: list[str]) -> Inputs:
    """Read invoices, customers and statements; a shared drive that hiccups is retried."""
    return load_inputs(invoices, customers, bank)
