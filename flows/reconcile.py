"""Ad-hoc reconciliation: finance ops match a statement now, with or without recording it.

1. Read and check the invoice export and the statements.
2. Match new incoming money; flag discrepancies.
3. Record it (unless a dry run); write matches.csv, discrepancies.csv, review_queue.csv.
"""

from __future__ import annotations

from prefect import flow

from dunwell.flows.hooks import alert_operators
from dunwell.flows.steps import reconcile_run
from dunwell.tasks.summary import RunSummary

__all__ = ["reconcile", "reconcile_run"]


@flow(name="dunwell-reconcile", log_prints=False, on_failure=[alert_operators],
      on_crashed=[alert_operators])
def reconcile(invoices: str, bank: list[str], customers: str | None = None, out: str = "out",
              as_of: str | None = None, dry_run: bool = False) -> RunSummary:
    """Match the given statements against the invoice export."""
    return reconcile_run(invoices, bank, customers, out, as_of, dry_run)
