"""Dunning on its own: reminders from the invoice export (after matching any statement given).

1. Read and check invoices, customers and (optionally) statements; match new money.
2. Plan reminders from facts; a dry run stops here and writes the plan and a digest.
3. Send each message exactly once; write actions.csv.
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
from dunwell.tasks.dunning import plan_reminders, send_reminders, write_digest
from dunwell.tasks.outputs import dunning_tables, publish
from dunwell.tasks.persist import finish_run
from dunwell.tasks.report import renderer_for
from dunwell.tasks.summary import publish_artifacts, summarise


@flow(name="dunwell-dunning", log_prints=False)
def dunning(invoices: str, customers: str, bank: list[str] | None = None, out: str = "out",
            as_of: str | None = None, dry_run: bool = False) -> RunSummary:
    """Plan and send the day's reminders."""
    when, run_id = parse_as_of(as_of), str(uuid.uuid4())
    params = {"invoices": invoices, "customers": customers, "bank": bank, "out": out,
              "as_of": as_of, "dry_run": dry_run}
    adapters = build(Path(out))
    with run_lock(adapters.engine, "dunwell-run"):
        books = reconcile_and_record(adapters, run_id, "dunning", when, invoices, customers,
                                     bank or [], params, record=not dry_run)
        rec = books.reconciled
        planned = plan_reminders(rec.invoices_after, books.checked.customers, books.ledger,
                                 rec.unmatched_incoming, when, adapters.dunning_policy)
        if dry_run:
            actions = planned.actions
            paths = write_digest(planned, adapters.out_dir, renderer_for(adapters))
        else:
            actions = send_reminders(planned, adapters.engine, adapters.transport,
                                     renderer_for(adapters), run_id, when)
            paths = {"outbox": str(adapters.out_dir / "outbox")}
        paths |= publish(adapters.out_dir, dunning_tables(actions))
        summary = summarise(run_id, when, rec if bank else None, actions, books.checked,
                            books.counts, paths, adapters)
        if not dry_run:
            finish_run(adapters.engine, run_id, "succeeded", summary.__dict__)
    publish_artifacts(summary)
    return summary
