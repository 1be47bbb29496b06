"""Quality checkpoints inside the flows: quarantine failing rows, stop on critical failures.

Findings about the results (a match rate out of bounds) never stop a run; where the
config says so they hold back reminders.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pandas as pd

from dunwell.connectors.quality import validation as quality
from dunwell.connectors.settings.config import HOLD_SETTING
from dunwell.tasks.inputs import Inputs
from dunwell.tasks.local import NO_CACHE, task

if TYPE_CHECKING:
    from dunwell.connectors.root import Adapters


def _bounds(adapters: Adapters) -> dict[str, Any]:
    return {k: v for k, v in dict(adapters.settings.quality or {}).items() if k != HOLD_SETTING}


def holds_dunning(adapters: Adapters, checked: Checked) -> bool:
    """True when the config asks to hold reminders back and a result check found something."""
    wanted = bool(dict(adapters.settings.quality or {}).get(HOLD_SETTING, False))
    return wanted and any(r.findings for r in checked.results)


@dataclass(frozen=True)
class Checked:
    """Inputs after their checkpoints: clean frames, quarantined rows and every result."""

    invoices: pd.DataFrame
    customers: pd.DataFrame
    transactions: pd.DataFrame
    results: list[Any] = field(default_factory=list)
    quarantine: pd.DataFrame = field(default_factory=pd.DataFrame)
    data_docs: str = ""


def _quarantined(result: Any) -> pd.DataFrame:
    frame = result.quarantine.copy()
    frame.insert(0, "dataset", result.dataset)
    return frame


@task(name="check input quality", cache_policy=NO_CACHE)
def check_inputs(inputs: Inputs, as_of: datetime, adapters: Adapters) -> Checked:
    """Run the invoices, customers and transactions suites; failing rows go to quarantine."""
    bounds = _bounds(adapters)
    results = [
        quality.check(name, frame, as_of=as_of.date(), out_dir=adapters.work_dir, bounds=bounds)
        for name, frame in (("invoices", inputs.invoices), ("customers", inputs.customers),
                            ("transactions", inputs.transactions))
    ]
    invoices, customers, transactions = (r.clean for r in results)
    quarantine = pd.concat([_quarantined(r) for r in results], ignore_index=True)
    return Checked(invoices, customers, transactions, results, quarantine)


@task(name="check reconciliation quality", cache_policy=NO_CACHE)
def check_results(checked: Checked, reconciled: Any, as_of: datetime,
                  adapters: Adapters) -> Checked:
    """Match rate, review share and 'no invoice cleared twice' over this run's statements.

    Transactions imported before count with the decisions made then, so that
    re-running a statement gives the same figures as the first run.
    """
    frame = quality.reconciliation_frame(reconciled.transactions, reconciled.matches,
                                         checked.invoices)
    result = quality.check("reconciliation", frame, as_of=as_of.date(),
                           out_dir=adapters.work_dir, bounds=_bounds(adapters))
    results = [*checked.results, result]
    docs = quality.build_data_docs(results, adapters.work_dir)
    return replace(checked, results=results, data_docs=str(docs))


@task(name="stop if a critical check failed", cache_policy=NO_CACHE)
def stop_if_critical(checked: Checked) -> None:
    """No reminder is sent on data that failed a critical suite; a broken invariant is a bug."""
    quality.stop_on_critical(checked.results)
