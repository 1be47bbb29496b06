"""Recording a run: everything it learned goes into the database in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy.engine import Engine

from dunwell.connectors import storage
from dunwell.connectors.sources.inputs import BankFile
from dunwell.model import BankTxn, TransactionId
from dunwell.money import from_minor
from dunwell.tasks.local import NO_CACHE, task


@dataclass(frozen=True)
class ImportCounts:
    """Transactions new, already known or rejected; the message keys this run claimed."""

    new: int = 0
    known: int = 0
    rejected: int = 0
    claimed: frozenset[str] = frozenset()


def bank_records(frame: pd.DataFrame) -> list[BankTxn]:
    """Transactions frame -> records for storage."""
    return [
        BankTxn(TransactionId(str(tid)), day, from_minor(int(minor), str(currency)), str(currency),
                name or None, iban or None, info or None, account or "")
        for tid, day, minor, currency, name, iban, info, account in zip(
            frame["transaction_id"].tolist(), frame["booking_date"].dt.date.tolist(),
            frame["amount_minor"].tolist(), frame["currency"].tolist(),
            frame["counterparty_name"].tolist(), frame["counterparty_iban"].tolist(),
            frame["remittance_info"].tolist(), frame["account"].tolist(), strict=True)
    ]


def statement_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The transactions frame as `bank_records` would store it (numbered 1, 2, ... in file
    order), without a record object per row: a million rows cost seconds that way."""
    return frame.assign(line=range(1, len(frame) + 1))


@task(name="record run", cache_policy=NO_CACHE)
def record_run(engine: Engine, run_id: str, kind: str, as_of: datetime, params: dict[str, Any],
               customers: pd.DataFrame, invoices: pd.DataFrame, bank_files: list[BankFile],
               matches: pd.DataFrame, discrepancies: pd.DataFrame,
               quarantine: pd.DataFrame | None = None,
               messages: list[Any] | None = None,
               pending: pd.DataFrame | None = None) -> ImportCounts:
    """One transaction: a run that dies here leaves the database as it was.

    Planned messages enter the outbox in the same transaction (the transactional
    outbox): a key already there is not claimed again, so it is never sent twice.
    """
    counts = ImportCounts()
    claimed: list[str] = []
    with storage.transaction(engine) as session:
        storage.start_run(session, kind, as_of.isoformat(), params, run_id=run_id)
        storage.upsert_customers(session, customers)
        storage.upsert_invoices(session, invoices)
        if pending is not None:
            storage.set_pending(session, pending)
        for bank in bank_files:
            outcome = storage.record_statement_import(
                session, bank.path.name, bank.sha256, bank.format,
                statement_rows(bank.transactions))
            counts = ImportCounts(counts.new + outcome.new, counts.known + outcome.known,
                                  counts.rejected + outcome.rejected)
        storage.save_reconciliation(session, run_id, matches, discrepancies)
        if quarantine is not None and len(quarantine):
            storage.save_quarantine(session, run_id, quarantine)
        claimed = [m.key for m in messages or [] if storage.claim_message(session, m, run_id)]
    return replace(counts, claimed=frozenset(claimed))


@task(name="finish run", cache_policy=NO_CACHE)
def finish_run(engine: Engine, run_id: str, status: str, summary: dict[str, Any]) -> None:
    """Close the run's record with its summary."""
    with storage.transaction(engine) as session:
        storage.finish_run(session, run_id, status, summary)
