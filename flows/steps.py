"""Steps that several runbooks share: read, check, match and record, in that order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dunwell.connectors.ledger import Ledger, load_ledger
from dunwell.tasks.inputs import Inputs, read_inputs
from dunwell.tasks.persist import ImportCounts, record_run
from dunwell.tasks.quality import Checked, check_inputs, check_results, stop_if_critical
from dunwell.tasks.reconcile import Reconciled, reconcile_payments


@dataclass(frozen=True)
class Books:
    """Everything known after the morning's reconciliation has been recorded."""

    inputs: Inputs
    checked: Checked
    ledger: Ledger
    reconciled: Reconciled
    counts: ImportCounts


def reconcile_and_record(adapters: Any, run_id: str, kind: str, when: datetime,
                         invoices: str, customers: str | None, bank: list[str],
                         params: dict[str, object], record: bool = True) -> Books:
    """Read and check the inputs, match new money, stop on critical failures, record it all."""
    inputs = read_inputs(invoices, customers, bank)
    checked = check_inputs(inputs, when, adapters)
    ledger = load_ledger(adapters.engine)
    reconciled = reconcile_payments(checked.invoices, checked.customers, checked.transactions,
                                    ledger, adapters.match_policy)
    checked = check_results(checked, reconciled, when, adapters)
    stop_if_critical(checked)
    counts = ImportCounts()
    if record:
        counts = record_run(adapters.engine, run_id, kind, when, params, checked.customers,
                            reconciled.invoices_after, inputs.bank_files, reconciled.matches,
                            reconciled.discrepancies, checked.quarantine)
    return Books(inputs, checked, ledger, reconciled, counts)
