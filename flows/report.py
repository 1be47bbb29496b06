"""The controller report on its own (the weekly report, or on demand).

1. Read and check the invoice export and statements; match new money.
2. Build report.html with its attachments and Data Docs; record the run.
3. Move the files into place and email the report to the controllers.
"""

from __future__ import annotations

from prefect import flow

from dunwell.flows.hooks import alert_operators
from dunwell.flows.steps import a_run, finish_files, reconcile_and_check, record
from dunwell.tasks.outputs import reconciliation_tables
from dunwell.tasks.persist import finish_run
from dunwell.tasks.report import deliver_report, make_report
from dunwell.tasks.summary import RunSummary, publish_artifacts, summarise


@flow(name="dunwell-report", log_prints=False, on_failure=[alert_operators],
      on_crashed=[alert_operators])
def report(invoices: str, bank: list[str], customers: str | None = None, out: str = "out",
           as_of: str | None = None, email_to: list[str] | None = None) -> RunSummary:
    """Reconcile what is new, then write and send the controller report."""
    params = {"invoices": invoices, "customers": customers, "bank": bank, "out": out,
              "as_of": as_of}
    with a_run(out, as_of) as run:
        adapters, when = run.adapters, run.when
        books = reconcile_and_check(adapters, when, invoices, customers, bank)
        rec = books.reconciled
        built = make_report(adapters, when, rec, [], books.checked)
        counts = record(adapters, run.run_id, "report", when, params, books)
        paths = finish_files(adapters, reconciliation_tables(
            rec.matches, rec.discrepancies, rec.review_candidates))
        paths |= deliver_report(adapters, built, email_to)
        summary = summarise(run.run_id, when, rec, [], books.checked, counts, paths)
        finish_run(adapters.engine, run.run_id, "succeeded", summary.__dict__)
    publish_artifacts(summary)
    return summary
