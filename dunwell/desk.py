"""What people do at their desk, from the shell: decide review items, record what
customers said. The rules live in `dunwell.workbench`, shared with the web; the
shell user acts as an admin and every decision lands in the audit log.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
from rich.console import Console

from dunwell import workbench
from dunwell.access import cli_actor
from dunwell.connectors import root, storage
from dunwell.connectors.settings.config import load_settings, mask_url
from dunwell.connectors.storage.approvals import last_dunning_holds
from dunwell.dunning.approval import AWAITING, EXCLUDED
from dunwell.errors import InputError


def _engine():  # noqa: ANN202 - an SQLAlchemy Engine
    return root.database()


def review_list(console: Console, limit: int, parked: bool = False) -> int:
    """Print the review queue (or the payments parked out of it), one block per payment
    with its ranked candidates.

    `limit` counts payments; returns how many payments are listed in all.
    """
    from dunwell.connectors.storage.queue import waiting_and_parked

    with storage.transaction(_engine()) as session:
        queue = storage.list_review(session, parked=parked)
        left_out = 0 if parked else waiting_and_parked(session)[1]
    waiting = int(queue["transaction_id"].nunique())
    what = "payments are parked with a note" if parked else "payments wait for a person"
    console.print(f"[bold]{waiting} {what}[/bold]"
                  + (f" (showing {limit})" if waiting > limit else ""))
    if left_out:
        console.print(f"{left_out} more parked with a note: dunwell review list --parked",
                      highlight=False)
    for transaction_id, items in list(queue.groupby("transaction_id", sort=False))[:limit]:
        first = items.iloc[0]
        console.print(f"\n[bold]{transaction_id}[/bold]  {first['booking_date']}  "
                      f"{first['currency']} {first['amount']}  from {first['counterparty_name']}",
                      highlight=False, soft_wrap=True)
        if first["remittance_info"]:
            console.print(f"  text: {first['remittance_info']}", highlight=False, soft_wrap=True)
        for item in items.itertuples(index=False):
            console.print(f"  {item.rank}. {item.invoice_id} ({item.customer_id}) "
                          f"{item.currency} {item.applied_amount}, confidence {item.confidence}: "
                          f"{item.reasons}", highlight=False, soft_wrap=True)
    if waiting:
        console.print("\naccept: dunwell review accept TRANSACTION INVOICE   "
                      "reject: dunwell review reject TRANSACTION INVOICE", highlight=False,
                      soft_wrap=True)
    return waiting


def review_decide(transaction_id: str, invoice_id: str, accept: bool) -> None:
    """Accept (book, and learn the payer's name and IBAN) or reject a proposed match."""
    if accept:
        workbench.review_accept(_engine(), cli_actor(), transaction_id, [invoice_id])
    else:
        workbench.review_reject(_engine(), cli_actor(), transaction_id, invoice_id)


def review_accept(transaction_id: str, invoice_ids: list[str], difference: str = "",
                  note: str = "") -> None:
    """Book a payment to one or several invoices, optionally with a difference kind."""
    workbench.review_accept(_engine(), cli_actor(), transaction_id, invoice_ids, note,
                            difference=difference)


def review_park(transaction_id: str, note: str, park: bool) -> None:
    """Park a payment (out of the queue, with a note) or put it back."""
    if park:
        workbench.review_park(_engine(), cli_actor(), transaction_id, note)
    else:
        workbench.review_unpark(_engine(), cli_actor(), transaction_id, note)


def unmatched_mark(transaction_id: str, kind: str, note: str) -> None:
    """Mark unmatched money as refund or unrelated; an empty kind removes the mark."""
    if kind:
        workbench.payment_mark(_engine(), cli_actor(), transaction_id, kind, note)
    else:
        workbench.payment_unmark(_engine(), cli_actor(), transaction_id, note)


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


def status(console: Console) -> None:
    """Where the state lives and what it holds: database, last runs, review, messages."""
    settings = root.load()
    with storage.transaction(root.database(settings)) as session:
        seen = storage.overview(session)
    console.print(f"database: {settings.database_url_display}", highlight=False, soft_wrap=True)
    console.print(f"invoices: {seen.invoices:,} ({seen.open_invoices:,} open)", highlight=False)
    console.print(f"review: {seen.review_payments:,} payments wait for a person"
                  + ("  (dunwell review list)" if seen.review_payments else ""), highlight=False)
    if seen.parked_payments:
        plural = "" if seen.parked_payments == 1 else "s"
        console.print(f"parked: {seen.parked_payments:,} payment{plural} parked with a note, "
                      "out of the queue  (dunwell review unpark TRANSACTION)", highlight=False)
    messages = ", ".join(f"{status} {count:,}" for status, count in sorted(seen.messages.items()))
    console.print(f"messages: {messages or 'none yet'}", highlight=False)
    with storage.transaction(_engine()) as session:
        as_of, holds = last_dunning_holds(session)
    if holds.get(AWAITING) or holds.get(EXCLUDED):
        console.print(f"approval: the run of {as_of[:10]} held {holds.get(AWAITING, 0):,} "
                      f"awaiting_approval, {holds.get(EXCLUDED, 0):,} excluded_by_person  "
                      "(dunwell dunning planned)", highlight=False)
    console.print("last runs:" if seen.runs else "last runs: none yet", highlight=False)
    for kind, state, as_of, started, run_id in seen.runs:
        console.print(f"  {started[:16]}  {kind:<10} {state:<10} as of {as_of or '-'}  {run_id}",
                      highlight=False, soft_wrap=True)


def local_database_file() -> Path:
    """The SQLite file of the configured database; `reset` removes nothing else."""
    from sqlalchemy.engine import make_url

    url = root.load().database_url
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        raise InputError("reset", f"the database is {mask_url(url)}: reset only "
                         "removes a local SQLite file; drop a server database yourself")
    return Path(parsed.database)


def reset(database: Path) -> bool:
    """Remove the SQLite file (and its journal files); True when there was one."""
    found = False
    for path in (database, *database.parent.glob(database.name + "-*")):
        if path.exists():
            path.unlink()
            found = True
    return found


def deliveries_waiting(console: Console) -> int:
    """Print the emails a person must look at (bounced, unknown); returns how many.

    A run that died while sending is made safe first (when no run is alive), so what it
    was sending is listed right after the crash, not only after the next run."""
    engine = _engine()
    recovered = storage.recover_when_idle(engine)
    waiting = storage.waiting_for_a_person(engine)
    if recovered:
        console.print(str(recovered), highlight=False, soft_wrap=True)
    elif recovered is None:
        console.print("a run is going on: the messages it is sending are not listed until "
                      "it ends", highlight=False, soft_wrap=True)
    console.print(f"[bold]{len(waiting)} deliveries wait for a person[/bold]")
    for row in waiting.to_dict("records"):
        code = "" if pd.isna(row["smtp_code"]) else f" {int(row['smtp_code'])}"
        when = pd.Timestamp(row["attempted_at"]).isoformat(timespec="minutes")
        console.print(f"\n[bold]{row['status']}{code}[/bold]  {row['customer_id']}  "
                      f"{row['stage']}  to {row['recipient']}  {when}", highlight=False,
                      soft_wrap=True)
        console.print(f"  Message-ID {row['message_id']}: {row['detail'] or ''}",
                      highlight=False, soft_wrap=True)
    if len(waiting):
        console.print("\nunknown: look the Message-ID up in the mail server's log, then "
                      "dunwell delivery settle MESSAGE-ID --delivered (or --not-delivered: "
                      "the next run sends it again)\nbounced: correct the address, then "
                      "dunwell customer resume CUSTOMER", highlight=False, soft_wrap=True)
    return len(waiting)


def delivery_settle(message: str, delivered: bool) -> None:
    """Record a person's answer for an unknown delivery (by Message-ID or key); a message
    a dead run was sending counts as unknown (the person read its id in the mail log)."""
    engine = _engine()
    storage.recover_when_idle(engine)
    try:
        storage.settle_unknown(engine, message, delivered)
    except LookupError as exc:
        raise InputError("delivery", str(exc)) from None


def _run_day(as_of: str | None) -> date:
    """The run day asked for, else today in the company's time zone."""
    from dunwell.tasks.common import parse_as_of

    if as_of:
        return parse_as_of(as_of, source="--as-of").date()
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(load_settings().company_timezone)).date()


def dunning_planned(console: Console, as_of: str | None) -> int:
    """Print the run's planned messages by stage and segment; returns how many wait."""
    from dunwell import approvals

    seen = approvals.outlook(_engine(), cli_actor(), _run_day(as_of))
    console.print(f"[bold]run of {seen.day}: {seen.waiting} messages wait for approval"
                  "[/bold]", highlight=False)
    for group in seen.groups:
        counts = ", ".join(f"{state} {n}" for state, n in group.counts.items())
        needs = "needs approval" if group.needs_approval else "sent without approval"
        console.print(f"\n{group.stage} / {group.segment} ({needs}): {counts}", highlight=False)
        for row in group.rows:
            console.print(f"  {row.state:<9} {row.customer_id}  {row.currency} {row.total}  "
                          f"{' '.join(row.invoice_ids)}  {row.why}", highlight=False,
                          soft_wrap=True)
    if seen.waiting:
        console.print("\napprove: dunwell dunning approve --stage STAGE [--segment S] "
                      "[--customer C]   exclude: dunwell dunning exclude CUSTOMER --stage "
                      "STAGE --note WHY", highlight=False, soft_wrap=True)
    return seen.waiting


def dunning_approve(stage: str, segment: str | None, customer: str | None, as_of: str | None,
                    note: str) -> int:
    """Approve waiting messages of a stage for the run day; how many."""
    from dunwell import approvals

    day, engine = _run_day(as_of), _engine()
    keys = [approvals.find_key(engine, cli_actor(), day, customer, stage)] if customer else None
    return approvals.approve(engine, cli_actor(), day, stage=stage, segment=segment, keys=keys,
                             why=note)


def dunning_exclude(customer: str, stage: str, currency: str | None, as_of: str | None,
                    note: str) -> None:
    """Exclude one planned message, with the reason."""
    from dunwell import approvals

    day, engine = _run_day(as_of), _engine()
    key = approvals.find_key(engine, cli_actor(), day, customer, stage, currency)
    approvals.exclude(engine, cli_actor(), day, key, note)


def payment_plan(customer_id: str, invoice_ids: list[str], instalments: list[str],
                 note: str) -> str:
    """Agree a payment plan for a customer's invoices; the new plan's id."""
    from dunwell import payment_plans

    return payment_plans.create(_engine(), cli_actor(), customer_id, invoice_ids,
                                "\n".join(instalments), note)


def payment_plan_cancel(customer_id: str, plan_id: str, note: str) -> str:
    """Cancel a customer's payment plan, with the reason; the plan's invoices."""
    from dunwell import payment_plans

    return payment_plans.cancel(_engine(), cli_actor(), plan_id, note,
                                customer_id=customer_id).invoice_ids
