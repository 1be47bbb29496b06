"""The daily job, as an operator would do it by hand.

1. Read the invoice export, the customers and the bank statements; validate them.
2. Check data quality; hold back rows that fail (quarantine).
3. Match new incoming money to open invoices; flag discrepancies.
4. Stop here if a critical input check failed: nobody gets a reminder on bad data;
   findings about the results (a low match rate) hold reminders back where configured.
5. Plan reminders from facts.
6. Record everything in one database transaction, the outgoing messages included.
7. Send each message once; build the controller report with what was delivered;
   move the CSVs and the report into place; email the report.
"""

from __future__ import annotations

from prefect import flow

from dunwell.flows.hooks import alert_operators
from dunwell.flows.steps import a_run, deliver, finish_files, plan, reconcile_and_check, record
from dunwell.tasks.dunning import Sent
from dunwell.tasks.outputs import dunning_tables, reconciliation_tables
from dunwell.tasks.persist import finish_run
from dunwell.tasks.report import deliver_report, make_report
from dunwell.tasks.summary import (
    RunSummary,
    deliveries,
    publish_artifacts,
    summarise,
    with_deliveries,
)


@flow(name="dunwell-daily", log_prints=False, on_failure=[alert_operators],
      on_crashed=[alert_operators])
def daily(invoices: str, customers: str | None = None, bank: list[str] | None = None,
          out: str = "out", as_of: str | None = None, dry_run: bool = False,
          email_to: list[str] | None = None) -> RunSummary:
    """Ingest, validate, reconcile, dun and report: the whole morning in one run."""
    params = {"invoices": invoices, "customers": customers, "bank": bank, "out": out,
              "as_of": as_of, "dry_run": dry_run}
    with a_run(out, as_of) as run:
        adapters, when = run.adapters, run.when
        books = reconcile_and_check(adapters, when, invoices, customers, bank or [])
        rec = books.reconciled
        planned = plan(adapters, books, run.plan_at)
        counts = record(adapters, run.run_id, "daily", when, params, books,
                        None if dry_run else planned)
        sent = Sent(planned.actions) if dry_run else deliver(adapters, planned, counts, when)
        actions = sent.actions
        report = make_report(adapters, when, rec, actions, books.checked,
                             deliveries(adapters.engine, run.run_id))
        paths = finish_files(adapters, {
            **reconciliation_tables(rec.matches, rec.discrepancies, rec.review_candidates),
            **dunning_tables(actions)})
        paths |= deliver_report(adapters, report, email_to)
        summary = with_deliveries(
            summarise(run.run_id, when, rec, actions, books.checked, counts, paths),
            adapters.engine, run.notes, sent.stopped)
        finish_run(adapters.engine, run.run_id, "succeeded", summary.__dict__)
    publish_artifacts(summary)
    return summary
