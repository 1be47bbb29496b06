"""Dunning on its own: reminders from the invoice export (after matching any statement given).

1. Read and check invoices, customers and (optionally) statements; match new money.
2. Plan reminders from facts. A dry run stops here: the plan, a digest and a
   preview of every email are written for a person to approve; nothing is recorded.
3. Record the run with its outgoing messages; send each once; write actions.csv.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from prefect import flow

from dunwell.flows.hooks import alert_operators
from dunwell.flows.steps import a_run, deliver, finish_files, plan, reconcile_and_check, record
from dunwell.tasks.dunning import Sent, write_digest
from dunwell.tasks.outputs import dunning_tables
from dunwell.tasks.persist import ImportCounts, finish_run
from dunwell.tasks.report import outbox_path, renderer_for
from dunwell.tasks.summary import RunSummary, publish_artifacts, summarise, with_deliveries


@flow(name="dunwell-dunning", log_prints=False, on_failure=[alert_operators],
      on_crashed=[alert_operators])
def dunning(invoices: str, customers: str, bank: list[str] | None = None, out: str = "out",
            as_of: str | None = None, dry_run: bool = False) -> RunSummary:
    """Plan and send the day's reminders."""
    params = {"invoices": invoices, "customers": customers, "bank": bank, "out": out,
              "as_of": as_of, "dry_run": dry_run}
    with a_run(out, as_of) as run:
        adapters, when = run.adapters, run.when
        books = reconcile_and_check(adapters, when, invoices, customers, bank or [])
        rec = books.reconciled
        planned = plan(adapters, books, run.plan_at)
        if dry_run:
            write_digest(planned, adapters.work_dir, renderer_for(adapters))
            counts, sent = ImportCounts(), Sent(planned.actions)
            actions = sent.actions
        else:
            counts = record(adapters, run.run_id, "dunning", when, params, books, planned)
            sent = deliver(adapters, planned, counts, when)
            actions = sent.actions
        paths = finish_files(adapters, dunning_tables(actions))
        paths |= _dry_run_paths(adapters.out_dir) if dry_run else outbox_path(adapters)
        summary = replace(summarise(run.run_id, when, rec if bank else None, actions,
                                    books.checked, counts, paths), dry_run=dry_run)
        summary = with_deliveries(summary, adapters.engine, run.notes, sent.stopped)
        if not dry_run:
            finish_run(adapters.engine, run.run_id, "succeeded", summary.__dict__)
    publish_artifacts(summary)
    return summary


def _dry_run_paths(out_dir: Path) -> dict[str, str]:
    """The digest to approve and the email previews, when there are any."""
    found = {"digest": out_dir / "digest.md", "preview": out_dir / "preview"}
    return {name: str(path) for name, path in found.items() if path.exists()}
