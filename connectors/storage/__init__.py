"""Storage: dunwell's state in SQLite or PostgreSQL, through SQLAlchemy 2 and Alembic.

Repository functions take a `Session` and never commit: the caller wraps a
whole run in one transaction (`with transaction(engine) as session:`), so a
run that fails halfway leaves the database as it was. The outbox functions
also take an `Engine`, committing at once, so a claim holds before sending.
"""

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
    close_stale_runs,
    finish_run,
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
    "upsert_customers", "upsert_invoices",
]
