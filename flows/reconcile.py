"""Ad-hoc reconciliation: finance ops match a statement now, with or without recording it.

1. Read and check the invoice export and the statements.
2. Match new incoming money; flag discrepancies.
3. Record it (unless a dry run); write matches.csv, discrepancies.csv, review_queue.csv.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from prefect import flow

from dunwell.connectors.root import build
from dunwell.connectors.storage import run_lock
from dunwell.flows.steps import finish_files, reconcile_and_check, record
from dunwell.tasks.common import parse_as_of
from dunwell.tasks.outputs import reconciliation_tables
from dunwell.tasks.persist import ImportCounts, finish_run
from dunwell.tasks.summary import RunSummary, publish_artifacts, summarise


@flow(name="dunwell-reconcile", log_prints=False)
def reconcile(invoices: str, bank: list[str], customers: str | None = None, out: str = "out",
              as_of: str | None = None, dry_run: bool = False) -> RunSummary:
    """Match the given statements against the invoice export."""
    when, run_id = parse_as_of(as_of), str(uuid.uuid4())
    params = {"invoices": invoices, "customers": customers, "bank": bank, "out": out,
              "dry_run": dry_run}
    adapters = build(Path(out), run_id=run_id)
    try:
        with run_lock(adapters.engine, "dunwell-run"):
            books = reconcile_and_check(adapters, when, invoices, customers, bank)
            rec = books.reconciled
            counts = ImportCounts() if dry_run else record(
                adapters, run_id, "reconcile", when, params, books)
            paths = finish_files(adapters, reconciliation_tables(
                rec.matches, rec.discrepancies, rec.review_candidates))
            summary = summarise(run_id, when, rec, [], books.checked, counts, paths, adapters)
            if not dry_run:
                finish_run(adapters.engine, run_id, "succeeded", summary.__dict__)
    finally:
        adapters.discard_work()
    publish_artifacts(summary)
    return summary
