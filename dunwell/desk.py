"""What people do at their desk, from the shell: decide review items, record what
customers said. The rules live in `dunwell.workbench`, shared with the web; the
shell user acts as an admin and every decision lands in the audit log.
"""

from __future__ import annotations

from datetime import date

from rich.console import Console

from dunwell import workbench
from dunwell.access import cli_actor
from dunwell.connectors import storage
from dunwell.connectors.settings import load_settings


def _engine():  # noqa: ANN202 - an SQLAlchemy Engine
    return storage.open_db(load_settings().database_url)


def review_list(console: Console, limit: int) -> int:
    """Print the review queue, one block per payment with its ranked candidates.

    `limit` counts payments; returns how many payments wait in all.
    """
    with storage.transaction(_engine()) as session:
        queue = storage.list_review(session)
    waiting = int(queue["transaction_id"].nunique())
    console.print(f"[bold]{waiting} payments wait for a person[/bold]"
                  + (f" (showing {limit})" if waiting > limit else ""))
    for transaction_id, items in list(queue.groupby("transaction_id", sort=False))[:limit]:
        first = items.iloc[0]
        console.print(f"\n[bold]{transaction_id}[/bold]  {first['booking_date']}  "
                      f"{first['currency']} {first['amount']}  from {first['counterparty_name']}",
                      highlight=False)
        if first["remittance_info"]:
            console.print(f"  text: {first['remittance_info']}", highlight=False)
        for item in items.itertuples(index=False):
            console.print(f"  {item.rank}. {item.invoice_id} ({item.customer_id}) "
                          f"{item.currency} {item.applied_amount}, confidence {item.confidence}: "
                          f"{item.reasons}", highlight=False)
    if waiting:
        console.print("\naccept: dunwell review accept TRANSACTION INVOICE   "
                      "reject: dunwell review reject TRANSACTION INVOICE", highlight=False)
    return waiting


def review_decide(transaction_id: str, invoice_id: str, accept: bool) -> None:
    """Accept (book, and learn the payer's name and IBAN) or reject a proposed match."""
    if accept:
        workbench.review_accept(_engine(), cli_actor(), transaction_id, [invoice_id])
    else:
        workbench.review_reject(_engine(), cli_actor(), transaction_id, invoice_id)


def customer_state(customer_id: str, action: str, segment: str | None = None,
                   note: str = "") -> None:
    """Pause or resume a customer's reminders, or pin their dunning segment."""
    workbench.customer_state(_engine(), cli_actor(), customer_id, action, segment, note)


def invoice_dispute(invoice_id: str, resolved: bool, who: str, text: str) -> None:
    """Record that a customer disputes an invoice (no reminders) or that it was resolved."""
    workbench.invoice_dispute(_engine(), cli_actor(), invoice_id, resolved, who, text)


def invoice_promise(invoice_id: str, promised: date, who: str, text: str) -> None:
    """Record a promise to pay by a date: reminders wait until then."""
    workbench.invoice_promise(_engine(), cli_actor(), invoice_id, promised, who, text)
