"""The daily job, as an operator would do it by hand.

1. Read the invoice export, the customers and the bank statements; validate them.
2. Check data quality; hold back rows that fail (quarantine).
3. Match new incoming money to open invoices; flag discrepancies.
4. Stop here if a critical quality check failed: nobody gets a reminder on bad data.
5. Record everything in one database transaction.
6. Plan reminders from facts, and send each exactly once.
7. Write the CSVs and the controller report; email the report.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from prefect import flow

from dunwell.connectors.root import build
from dunwell.connectors.storage import run_lock
from dunwell.flows.steps import reconcile_and_record
from dunwell.flows.summary import RunSummary
from dunwell.tasks.common import parse_as_of
from dunwell.tasks.dunning import plan_reminders, send_reminders
from dunwell.tasks.outputs import dunning_tables, publish, reconciliation_tables
from dunwell.tasks.persist import finish_run
from dunwell.tasks.report import deliver_report, make_report, renderer_for
from dunwell.tasks.summary import publish_artifacts, summarise


@flow(name="dunwell-daily", log_prints=False)
def daily(invoices: str, customers: str | None = None, bank: list[str] | None = None,
          out: str = "out", as_of: str | None = None, dry_run: bool = False,
          email_to: list[str] | None = None) -> RunSummary:
    """Ingest, validate, reconcile, dun and report: the whole morning in one run."""
    when, run_id = parse_as_of(as_of), str(uuid.uuid4())
    params = {"invoices": invoices, "customers": customers, "bank": bank, "out": out,
              "as_of": as_of, "dry_run": dry_run}
    adapters = build(Path(out))
    with run_lock(adapters.engine, "dunwell-run"):
        books = reconcile_and_record(adapters, run_id, "daily", when, invoices, customers,
                                     bank or [], params)
        rec = books.reconciled
        planned = plan_reminders(rec.invoices_after, books.checked.customers, books.ledger,
                                 rec.unmatched_incoming, when, adapters.dunning_policy)
        actions = planned.actions if dry_run else send_reminders(
            planned, adapters.engine, adapters.transport, renderer_for(adapters), run_id, when)
        paths = publish(adapters.out_dir, {
            **reconciliation_tables(rec.matches, rec.discrepancies, rec.review_candidates),
            **dunning_tables(actions)})
        report = make_report(adapters, when, rec, actions, books.checked)
        paths |= deliver_report(adapters, report, email_to)
        summary = summarise(run_id, when, rec, actions, books.checked, books.counts, paths,
                            adapters)
        finish_run(adapters.engine, run_id, "succeeded", summary.__dict__)
    publish_artifacts(summary)
    return summary
