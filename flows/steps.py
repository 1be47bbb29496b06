"""Steps that several runbooks share, in the order that keeps a failed run harmless.

Everything is computed and staged first; then one database transaction records
the run (with its outgoing messages in the outbox); only then are messages
sent and files moved into the output folder.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pandas as pd
from sqlalchemy.engine import Engine

from dunwell.connectors.quality.validation import warm_up_docs
from dunwell.connectors.root import Adapters, build
from dunwell.connectors.storage import RUN_LOCK, run_lock
from dunwell.connectors.storage.ledger import Ledger, load_ledger
from dunwell.connectors.storage.recorder import give_back_memory
from dunwell.tasks.approval import held_for_approval, kept_payment_plans
from dunwell.tasks.common import parse_as_of, plan_moment
from dunwell.tasks.inputs import Inputs, read_inputs
from dunwell.tasks.local import run_logger
from dunwell.tasks.outputs import publish, reconciliation_tables, stage
from dunwell.tasks.persist import ImportCounts, finish_run, record_run, start_recording
from dunwell.tasks.quality import (
    Checked,
    check_inputs,
    check_results,
    holds_dunning,
    stop_if_critical,
)
from dunwell.tasks.reconcile import Found, Heard, Reconciled, reconcile_payments
from dunwell.tasks.summary import RunSummary, publish_artifacts, recorded, summarise

if TYPE_CHECKING:  # dunning is imported when a run plans reminders, not for a reconcile
    from dunwell.connectors.storage.recorder import Recorder
    from dunwell.tasks.dunning import Planned, Sent

UNRESOLVED_LOOKBACK = timedelta(days=45)  # unbooked money older than this no longer holds reminders
LOCK_WAIT_SECONDS = 900.0  # default of lock_wait_seconds: scheduled and ad-hoc runs take turns
RECORD_HELPER_ROWS = 200_000  # default of record_helper_rows: from here a second process records


@dataclass(frozen=True)
class Run:
    """One run: its id, its moment, and what it talks to.

    `plan_at` is what dunning plans with: the moment itself, or for a bare date
    that day, which each customer gets at the policy's send time in their timezone.
    """

    run_id: str
    when: datetime
    adapters: Adapters
    plan_at: date | datetime
    notes: tuple[str, ...] = ()


@contextmanager
def a_run(out: str, as_of: str | None) -> Iterator[Run]:
    """Open a run: adapters, the run lock (one run at a time per database: a second run
    waits its turn), and clean-up of the staging folder whatever happens."""
    run_id = str(uuid.uuid4())
    when = parse_as_of(as_of)
    adapters = build(Path(out), run_id=run_id)
    plan_at = plan_moment(as_of, when)
    if not isinstance(plan_at, datetime):  # a bare date: the send time at the company's home
        from dunwell.dunning.window import zone  # holidays calendars: only when planning a day

        sending = adapters.dunning_policy.sending
        when = datetime.combine(plan_at, sending.send_time,
                                tzinfo=zone("", sending.default_timezone))
    wait = float(getattr(adapters.settings, "lock_wait_seconds", LOCK_WAIT_SECONDS))
    try:
        with run_lock(adapters.engine, RUN_LOCK, wait_seconds=wait,
                      on_wait=lambda holder: _say_waiting(holder, wait)):
            adapters.discard_stale_staging()
            yield Run(run_id, when, adapters, plan_at, recover(adapters.engine))
    finally:
        adapters.discard_work()


def _say_waiting(holder: object, wait: float) -> None:
    """Tell the operator why nothing happens: who holds the lock, since when, how long we wait."""
    who = f" ({holder})" if holder else ""
    run_logger().warning("another dunwell run holds the lock%s; waiting up to %.0f s "
                             "(setting lock_wait_seconds)", who, wait)


def recover(engine: Engine) -> tuple[str, ...]:
    """What a run killed earlier left behind, made safe: its record closed as failed, and
    the messages it was sending marked `unknown` (never resent without a person)."""
    from dunwell.connectors import storage

    recovered = storage.recover_stopped(engine)
    if not recovered:
        return ()
    run_logger().warning(str(recovered))
    return (str(recovered),)


@dataclass(frozen=True)
class Books:
    """Everything known after the morning's reconciliation, not yet recorded."""

    inputs: Inputs
    checked: Checked
    ledger: Ledger
    reconciled: Reconciled
    recorder: Recorder | None = None


class Matcher(Protocol):
    """A matching step: invoices, customers, transactions, ledger, policy; `found` hears
    what the run found before it is joined with earlier runs' decisions."""

    def __call__(self, invoices: pd.DataFrame, customers: pd.DataFrame,  # noqa: D102
                 transactions: pd.DataFrame, ledger: Ledger, policy: Any,
                 found: Heard | None = None) -> Reconciled: ...


RecordAs = tuple[str, str, Mapping[str, object]]  # run id, kind and parameters of the run


def reconcile_and_check(adapters: Adapters, when: datetime, invoices: str, customers: str | None,
                        bank: list[str], matcher: Matcher | None = None,
                        record_as: RecordAs | None = None) -> Books:
    """Read and check the inputs, match new money, stop on critical quality failures.

    `matcher` is the matching step: in this process by default, or spread over Dask.
    With `record_as` (a run that sends no reminders), a large run is recorded by a
    second process meanwhile: it stores the inputs while this one matches, and the
    results as soon as matching has them, while this one joins and checks them
    (`tasks.persist.start_recording`); `record` then only commits.
    """
    warm_up_docs()  # GX loads for the Data Docs in a helper process meanwhile
    inputs = read_inputs(invoices, customers, bank)
    recorder = start_recording(
        adapters.engine, inputs.invoices, inputs.bank_files,
        int(getattr(adapters.settings, "record_helper_rows", RECORD_HELPER_ROWS))
    ) if record_as else None
    try:
        checked = check_inputs(inputs, when, adapters)
        ledger = load_ledger(adapters.engine, since=(when - UNRESOLVED_LOOKBACK).date())
    except BaseException:
        if recorder is not None:
            recorder.abandon()
        raise
    if recorder is not None:
        recorder.inputs(checked.customers, checked.invoices, inputs.bank_files)
    hand_over: Heard | None = None
    if recorder is not None and record_as is not None:
        run_id, kind, params = record_as

        def hand_over(found: Found) -> None:
            # what matching used and freed goes back first: the helper's copy of the results
            # then takes its place, not its place on top (all processes' peak at 1M: 4.3 GB)
            give_back_memory()
            recorder.results(*results_of(run_id, kind, when, params, checked, found))
            # worked out while the helper stores the matches (1M: 1.4 s sooner)
            recorder.pending(found.pending_after())

    reconciled = (matcher or reconcile_payments)(
        checked.invoices, checked.customers, checked.transactions, ledger, adapters.match_policy,
        found=hand_over)
    checked = check_results(checked, reconciled, when, adapters)
    stop_if_critical(checked)
    return Books(inputs, checked, ledger, reconciled, recorder)


def results_of(run_id: str, kind: str, when: datetime, params: Mapping[str, object],
               checked: Checked, rec: Reconciled | Found, planned: Planned | None = None
               ) -> tuple[Any, ...]:
    """What `record_results` (connectors.storage.recorder) stores of a run, in its order:
    the rows earlier runs stored already are skipped there, so this run's `Found` stores
    what its joined `Reconciled` would."""
    pending = rec.pending_after if isinstance(rec, Reconciled) else None  # Found: sent after
    return (run_id, kind, when, dict(params), rec.matches, rec.discrepancies, checked.quarantine,
            planned.messages if planned else None, pending)


def plan(adapters: Adapters, books: Books, when: date | datetime) -> Planned:
    """The day's reminders; all held back when the config says result findings hold them,
    and those of a stage that needs a person's approval held until it is given."""
    from dunwell.tasks.dunning import held_back, plan_reminders

    rec = books.reconciled
    planned = plan_reminders(rec.invoices_after, books.checked.customers, books.ledger,
                             rec.unmatched_incoming, when, adapters.dunning_policy,
                             payment_plans=kept_payment_plans(adapters.engine, when))
    if holds_dunning(adapters, books.checked):
        return held_back(planned, "quality_finding")
    return held_for_approval(adapters, planned, when)


def record(adapters: Adapters, run_id: str, kind: str, when: datetime, params: Mapping[str, object],
           books: Books, planned: Planned | None = None) -> ImportCounts:
    """The run's one database transaction, outgoing messages included."""
    return record_run(adapters.engine, books.checked.customers, books.checked.invoices,
                      books.inputs.bank_files,
                      results_of(run_id, kind, when, params, books.checked, books.reconciled,
                                 planned), books.recorder)


def deliver(adapters: Adapters, planned: Planned, counts: ImportCounts, when: datetime) -> Sent:
    """Send what this run put in the outbox; returns the actions with Message-IDs."""
    from dunwell.tasks.dunning import MailBudget, send_reminders
    from dunwell.tasks.report import renderer_for

    return send_reminders(planned, adapters.engine, adapters.transport, renderer_for(adapters),
                          counts.claimed, when, MailBudget.of(adapters.settings))


def finish_files(adapters: Adapters, tables: dict, staged: bool = False) -> dict[str, str]:
    """Write the CSVs beside the staged report (unless `staged` already), then move all
    into the output folder."""
    try:
        return publish(adapters.work_dir, adapters.out_dir, tables, staged)
    finally:
        adapters.discard_work()


def reconcile_run(invoices: str, bank: list[str], customers: str | None, out: str,
                  as_of: str | None, dry_run: bool, matcher: Matcher | None = None,
                  **extra: object) -> RunSummary:
    """The body of an ad-hoc reconciliation, whichever way the matching is spread."""
    params = {"invoices": invoices, "customers": customers, "bank": bank, "out": out,
              "dry_run": dry_run, **extra}
    with a_run(out, as_of) as run:
        books = reconcile_and_check(run.adapters, run.when, invoices, customers, bank, matcher,
                                    None if dry_run else (run.run_id, "reconcile", params))
        rec = books.reconciled
        tables = reconciliation_tables(rec.matches, rec.discrepancies, rec.review_candidates)
        # while a recording helper stores the results: the CSVs, then (nothing left that
        # could fail the run) the summary's counts while it commits
        stage(run.adapters.work_dir, tables)
        if books.recorder is not None and books.recorder.has_results:
            books.recorder.request_commit()
        draft = summarise(run.run_id, run.when, rec, [], books.checked, ImportCounts(), {})
        counts = ImportCounts() if dry_run else record(
            run.adapters, run.run_id, "reconcile", run.when, params, books)
        paths = finish_files(run.adapters, tables, staged=True)
        summary = recorded(draft, counts, paths)
        if not dry_run:
            finish_run(run.adapters.engine, run.run_id, "succeeded", summary.__dict__)
    publish_artifacts(summary)
    return summary
