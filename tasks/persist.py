"""Recording a run: everything it learned goes into the database in one transaction."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd
from sqlalchemy.engine import Engine

from dunwell.connectors import storage
from dunwell.connectors.sources.inputs import BankFile
from dunwell.connectors.storage.recorder import (
    ImportCounts,
    Recorder,
    record_inputs,
    record_results,
)
from dunwell.model import BankTxn, TransactionId
from dunwell.money import from_minor
from dunwell.tasks.local import NO_CACHE, task

__all__ = ["ImportCounts", "bank_records", "finish_run", "record_run", "start_recording"]


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


@task(name="record run", cache_policy=NO_CACHE)
def record_run(engine: Engine, customers: pd.DataFrame, invoices: pd.DataFrame,
               bank_files: list[BankFile], results: tuple[Any, ...],
               recorder: Recorder | None = None) -> ImportCounts:
    """One transaction: a run that dies here leaves the database as it was.

    `results` are `record_results`'s arguments after the session. Planned messages
    enter the outbox in the same transaction (the transactional outbox): a key
    already there is not claimed again, so it is never sent twice. With a
    `recorder` (see `start_recording`), which holds the inputs already, the
    transaction is its process's: it gets the results unless it has them, and commits.
    """
    if recorder is not None:
        if not recorder.has_results:
            recorder.results(*results)
        counts, claimed, *_pending = recorder.commit()  # each step's result, in order
    else:
        with storage.transaction(engine) as session:
            counts = record_inputs(session, customers, invoices, bank_files)
            claimed = record_results(session, *results)
    return replace(counts, claimed=frozenset(claimed))


def start_recording(engine: Engine, invoices: pd.DataFrame, bank_files: list[BankFile],
                    from_rows: int) -> Recorder | None:
    """For a run of at least `from_rows` invoices and statement rows: a second process that
    will open the run's transaction and store its inputs while this one matches (see
    `connectors.storage.recorder`); None for a smaller run, recorded in-process at the end.

    Started as soon as the inputs are read, it has started Python and imported what it
    needs by the time they are checked and sent (`Recorder.inputs`): the run no longer
    waits for that (1M: 0.7 s)."""
    rows = len(invoices) + sum(len(bank.transactions) for bank in bank_files)
    if rows < from_rows:
        return None
    from dunwell.connectors.settings.config import environment

    return Recorder(engine.url.render_as_string(hide_password=False), environment())


@task(name="finish run", cache_policy=NO_CACHE)
def finish_run(engine: Engine, run_id: str, status: str, summary: dict[str, Any]) -> None:
    """Close the run's record with its summary."""
    with storage.transaction(engine) as session:
        storage.finish_run(session, run_id, status, summary)
