"""Reconciliation scaled out on Dask: the ad-hoc reconciliation, one matching task per currency.

1. Read and check the invoice export and the statements (here, in the flow's process).
2. Split the new incoming money by currency; match each currency on a Dask worker
   (a local cluster, or the scheduler in the `dask_scheduler_address` setting).
3. Merge the partitions back in statement order: the same result as `reconcile`.
4. Check quality, record it (unless a dry run), write matches.csv, discrepancies.csv and
   review_queue.csv.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
from prefect import flow
from prefect_dask import DaskTaskRunner

from dunwell.connectors.ledger import load_ledger
from dunwell.connectors.root import build
from dunwell.connectors.storage import run_lock
from dunwell.flows.hooks import alert_operators
from dunwell.flows.steps import Books, finish_files, record
from dunwell.matching import Reconciliation
from dunwell.tasks.common import parse_as_of
from dunwell.tasks.inputs import read_inputs
from dunwell.tasks.outputs import reconciliation_tables
from dunwell.tasks.partition import (
    Partition,
    match_partition,
    matching_input,
    merge_partitions,
    reconciled_from,
    split_by_currency,
)
from dunwell.tasks.persist import ImportCounts, finish_run
from dunwell.tasks.quality import check_inputs, check_results, stop_if_critical
from dunwell.tasks.summary import RunSummary, publish_artifacts, summarise


def dask_runner(address: str | None, n_workers: int = 2) -> DaskTaskRunner:
    """The configured Dask scheduler, else a local cluster of `n_workers` processes."""
    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(cluster_kwargs={"n_workers": n_workers, "threads_per_worker": 1,
                                          "processes": True, "dashboard_address": None})


@flow(name="dunwell-match-partitions", persist_result=False)
def match_partitions(parts: list[Partition], customers: pd.DataFrame, policy: Any,
                     aliases: pd.DataFrame | None) -> list[Reconciliation]:
    """Every partition at once on the flow's task runner (Dask)."""
    futures = [match_partition.submit(part, customers, policy, aliases) for part in parts]
    return [future.result() for future in futures]


def partitioned_books(adapters: Any, when: datetime, invoices: str, customers: str | None,
                      bank: list[str], n_workers: int) -> Books:
    """Read and check the inputs, match new money per currency on Dask, check the result."""
    inputs = read_inputs(invoices, customers, bank)
    checked = check_inputs(inputs, when, adapters)
    ledger = load_ledger(adapters.engine)
    given = matching_input(checked.invoices, checked.transactions, ledger)
    runner = dask_runner(adapters.settings.dask_scheduler_address, n_workers)
    results = match_partitions.with_options(task_runner=runner)(
        split_by_currency(given.open_now, given.new), checked.customers,
        adapters.match_policy, ledger.aliases)
    reconciled = reconciled_from(merge_partitions(results, given.open_now, given.new), given,
                                 ledger)
    checked = check_results(checked, reconciled, when, adapters)
    stop_if_critical(checked)
    return Books(inputs, checked, ledger, reconciled)


@flow(name="dunwell-reconcile-partitioned", log_prints=False, on_failure=[alert_operators],
      on_crashed=[alert_operators])
def reconcile_partitioned(invoices: str, bank: list[str], customers: str | None = None,
                          out: str = "out", as_of: str | None = None, dry_run: bool = False,
                          n_workers: int = 2) -> RunSummary:
    """Match the given statements against the invoice export, one currency per Dask worker."""
    when, run_id = parse_as_of(as_of), str(uuid.uuid4())
    params = {"invoices": invoices, "customers": customers, "bank": bank, "out": out,
              "dry_run": dry_run, "partitioned": True}
    adapters = build(Path(out), run_id=run_id)
    try:
        with run_lock(adapters.engine, "dunwell-run"):
            books = partitioned_books(adapters, when, invoices, customers, bank, n_workers)
            rec = books.reconciled
            counts = ImportCounts() if dry_run else record(
                adapters, run_id, "reconcile", when, params, books)
            paths = finish_files(adapters, reconciliation_tables(
                rec.matches, rec.discrepancies, rec.review_candidates))
            summary = summarise(run_id, when, rec, [], books.checked, counts, paths)
            if not dry_run:
                finish_run(adapters.engine, run_id, "succeeded", summary.__dict__)
    finally:
        adapters.discard_work()
    publish_artifacts(summary)
    return summary
