"""Reconciliation scaled out on Dask: the ad-hoc reconciliation, one matching task per currency.

1. Read and check the invoice export and the statements (here, in the flow's process).
2. Split the new incoming money by currency; match each currency on a Dask worker
   (a local cluster, or the scheduler in the `dask_scheduler_address` setting).
3. Merge the partitions back in statement order: the same result as `reconcile`.
4. Check quality, record it (unless a dry run), write matches.csv, discrepancies.csv and
   review_queue.csv.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from prefect import flow
from prefect_dask import DaskTaskRunner

from dunwell.connectors.storage.ledger import Ledger
from dunwell.flows.hooks import alert_operators
from dunwell.flows.reconcile import reconcile_run
from dunwell.flows.steps import Matcher
from dunwell.matching import Reconciliation
from dunwell.tasks.partition import (
    Partition,
    match_partition,
    merge_partitions,
    reconciled_from,
    split_by_currency,
)
from dunwell.tasks.reconcile import Heard, Reconciled, prepare
from dunwell.tasks.summary import RunSummary


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


def on_dask(address: str | None, n_workers: int) -> Matcher:
    """A matching step that gives each currency's payments to a Dask worker."""

    def match(invoices: pd.DataFrame, customers: pd.DataFrame, transactions: pd.DataFrame,
              ledger: Ledger, policy: Any, found: Heard | None = None) -> Reconciled:
        given = prepare(invoices, transactions, ledger)
        runner = dask_runner(address, n_workers)
        # prefect-dask's runner is generic over its own future type, which Prefect's stubs
        # do not accept as a TaskRunner[PrefectFuture]; at run time it is one.
        results = match_partitions.with_options(task_runner=runner)(  # type: ignore[arg-type]
            split_by_currency(given.open_now, given.new), customers, policy, ledger.aliases)
        merged = merge_partitions(results, given.open_now, given.new)
        return reconciled_from(merged, given, ledger, found)

    return match


@flow(name="dunwell-reconcile-partitioned", log_prints=False, on_failure=[alert_operators],
      on_crashed=[alert_operators])
def reconcile_partitioned(invoices: str, bank: list[str], customers: str | None = None,
                          out: str = "out", as_of: str | None = None, dry_run: bool = False,
                          n_workers: int = 2) -> RunSummary:
    """Match the given statements against the invoice export, one currency per Dask worker."""
    from dunwell.connectors import root

    matcher = on_dask(root.load().dask_scheduler_address, n_workers)
    return reconcile_run(invoices, bank, customers, out, as_of, dry_run, matcher,
                         partitioned=True)
