"""Storage: dunwell's state in SQLite or PostgreSQL, through SQLAlchemy 2 and Alembic.

Repository functions take a `Session` and never commit: the caller wraps a
whole run in one transaction (`with transaction(engine) as session:`), so a
run that fails halfway leaves the database as it was. The outbox functions
also take an `Engine`, committing at once, so a claim holds before sending.

Importing the package loads no submodule: each name below is imported on first use
(PEP 562), so `dunwell.connectors.storage.files`, the atomic-write helper that
`statement convert` needs, does not pull in SQLAlchemy, Alembic and pandas.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dunwell.connectors.storage.decisions import (
        invoice_events,
        pause_customer,
        pin_segment,
        record_dispute,
        record_promise,
        resolve_dispute,
        resume_customer,
    )
    from dunwell.connectors.storage.engine import (
        MIGRATIONS_DIR,
        create_db_engine,
        find_migrations,
        migrate,
        open_db,
        transaction,
    )
    from dunwell.connectors.storage.outbox import (
        abandon_sending,
        begin_attempt,
        claim_message,
        deliveries,
        mark_bounced,
        mark_failed,
        mark_sent,
        mark_unknown,
        record_bounce,
        sent_history,
        settle_unknown,
        waiting_for_a_person,
    )
    from dunwell.connectors.storage.overview import Overview, overview
    from dunwell.connectors.storage.receivables import (
        load_customers,
        load_invoices,
        load_pending,
        manual_events,
        set_pending,
        upsert_customers,
        upsert_invoices,
    )
    from dunwell.connectors.storage.reconciliation import (
        accept_review,
        accept_several,
        add_alias,
        applied_transaction_ids,
        list_review,
        load_aliases,
        reject_review,
        rejected_pairs,
        save_reconciliation,
    )
    from dunwell.connectors.storage.runs import (
        RUN_LOCK,
        close_stale_runs,
        finish_run,
        recover_stopped,
        recover_when_idle,
        run_lock,
        save_quarantine,
        start_run,
    )
    from dunwell.connectors.storage.statements import (
        ImportOutcome,
        load_transactions,
        record_statement_import,
    )

__all__ = [
    "Overview", "overview", "abandon_sending", "begin_attempt", "close_stale_runs", "deliveries",
    "mark_bounced", "mark_unknown", "settle_unknown", "waiting_for_a_person",
    "MIGRATIONS_DIR", "accept_review", "accept_several", "add_alias", "applied_transaction_ids",
    "claim_message",
    "create_db_engine", "find_migrations", "finish_run", "ImportOutcome", "invoice_events",
    "list_review", "load_aliases", "load_customers", "load_invoices", "load_pending",
    "set_pending", "load_transactions",
    "manual_events", "mark_failed", "mark_sent", "migrate", "open_db", "pause_customer",
    "pin_segment", "record_bounce", "record_dispute", "record_promise", "record_statement_import",
    "reject_review", "rejected_pairs", "resolve_dispute", "resume_customer", "run_lock",
    "save_quarantine", "save_reconciliation", "sent_history", "start_run", "transaction",
    "upsert_customers", "upsert_invoices", "RUN_LOCK", "recover_stopped", "recover_when_idle",
]

_WHERE = {
    "ImportOutcome": "statements",
    "MIGRATIONS_DIR": "engine",
    "Overview": "overview",
    "RUN_LOCK": "runs",
    "abandon_sending": "outbox",
    "accept_review": "reconciliation",
    "accept_several": "reconciliation",
    "add_alias": "reconciliation",
    "applied_transaction_ids": "reconciliation",
    "begin_attempt": "outbox",
    "claim_message": "outbox",
    "close_stale_runs": "runs",
    "create_db_engine": "engine",
    "deliveries": "outbox",
    "find_migrations": "engine",
    "finish_run": "runs",
    "invoice_events": "decisions",
    "list_review": "reconciliation",
    "load_aliases": "reconciliation",
    "load_customers": "receivables",
    "load_invoices": "receivables",
    "load_pending": "receivables",
    "load_transactions": "statements",
    "manual_events": "receivables",
    "mark_bounced": "outbox",
    "mark_failed": "outbox",
    "mark_sent": "outbox",
    "mark_unknown": "outbox",
    "migrate": "engine",
    "open_db": "engine",
    "overview": "overview",
    "pause_customer": "decisions",
    "pin_segment": "decisions",
    "record_bounce": "outbox",
    "record_dispute": "decisions",
    "record_promise": "decisions",
    "record_statement_import": "statements",
    "recover_stopped": "runs",
    "recover_when_idle": "runs",
    "reject_review": "reconciliation",
    "rejected_pairs": "reconciliation",
    "resolve_dispute": "decisions",
    "resume_customer": "decisions",
    "run_lock": "runs",
    "save_quarantine": "runs",
    "save_reconciliation": "reconciliation",
    "sent_history": "outbox",
    "set_pending": "receivables",
    "settle_unknown": "outbox",
    "start_run": "runs",
    "transaction": "engine",
    "upsert_customers": "receivables",
    "upsert_invoices": "receivables",
    "waiting_for_a_person": "outbox",
}
"""Each public name -> the submodule that defines it."""


def __getattr__(name: str) -> Any:
    """Import a public name's submodule when the name is first asked for."""
    module = _WHERE.get(name)
    if module is None:  # a submodule used through the package (`storage.approvals`)
        try:
            value = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as missing:
            if missing.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    else:
        value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
