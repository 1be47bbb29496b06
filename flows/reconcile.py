"""Ad-hoc reconciliation: finance ops match a statement now, with or without recording it.

1. Read and check the invoice export and the statements.
2. Match new incoming money; flag discrepancies.
3. Record it (unless a dry run); write matches.csv, discrepancies.csv, review_queue.csv.
"""

from __future__ import annotations

from prefect import flow

from dunwell.flows.hooks import alert_operators
from dunwell.flows.steps import Matcher, a_run, finish_files, reconcile_and_check, record
from dunwell.tasks.outputs import reconciliation_tables
from dunwell.tasks.persist import ImportCounts, finish_run
from dunwell.tasks.summary import RunSummary, publish_artifacts, summarise


@flow(name="dunwell-reconcile", log_prints=False, on_failure=[alert_operators],
      on_crashed=[alert_operators])
def reconcile(invoices: str, bank: list[str], customers: str | None = None, out: str = "out",
              as_of: str | None = None, dry_run: bool = False) -> RunSummary:
    """Match the given statements against the invoice export."""
    return reconcile_run(invoices, bank, customers, out, as_of, dry_run)


def reconcile_run(invoices: str, bank: list[str], customers: str | None, out: str,
                  as_of: str | None, dry_run: bool, matcher: Matcher | None = None,
                  **extra: object) -> RunSummary:
    """The body of an ad-hoc reconciliation, whichever way the matching is spread."""
    params = {"invoices": invoices, "customers": customers, "bank": bank, "out": out,
              "dry_run": dry_run, **extra}
    with a_run(out, as_of) as run:
        books = reconcile_and_check(run.adapters, run.when, invoices, customers, bank, matcher)
        rec = books.reconciled
        counts = ImportCounts() if dry_run else record(
            run.adapters, run.run_id, "reconcile", run.when, params, books)
        paths = finish_files(run.adapters, reconciliation_tables(
            rec.matches, rec.discrepancies, rec.review_candidates))
        summary = summarise(run.run_id, run.when, rec, [], books.checked, counts, paths)
        if not dry_run:
            finish_run(run.adapters.engine, run.run_id, "succeeded", summary.__dict__)
    publish_artifacts(summary)
    return summary
