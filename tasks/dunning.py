"""Dunning tasks: plan from facts, then send each message exactly once."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import date, datetime
from email.message import EmailMessage
from typing import Any

import pandas as pd
from sqlalchemy.engine import Engine

from dunwell.connectors.outbound.delivery import Delivery
from dunwell.connectors.storage.ledger import Ledger
from dunwell.dunning import plan as plan_dunning
from dunwell.dunning import segment_customers
from dunwell.frames import CUSTOMERS, INVOICES, check
from dunwell.model import Channel, DunningAction
from dunwell.tasks.local import NO_CACHE, run_logger, task

HOLD_PREFIX = "hold:"


@dataclass(frozen=True)
class Planned:
    """The plan of one run: actions for actions.csv and the messages behind them."""

    actions: list[DunningAction]
    messages: list[Any]
    segments: pd.DataFrame


@task(name="plan reminders", cache_policy=NO_CACHE)
def plan_reminders(invoices: pd.DataFrame, customers: pd.DataFrame, ledger: Ledger,
                   unmatched_incoming: pd.DataFrame, as_of: date | datetime, policy: Any,
                   payments_history: pd.DataFrame | None = None,
                   payment_plans: pd.DataFrame | None = None) -> Planned:
    """Segments and the reminder plan, computed from facts as of this run.

    A plain date means that day at the policy's send time in each customer's timezone.
    """
    check(invoices, INVOICES)
    pinned = check(customers, CUSTOMERS).copy()
    if ledger.pinned:
        manual = pinned["customer_id"].map(ledger.pinned)
        pinned["segment"] = manual.where(manual.notna(), pinned["segment"]).astype("str")
    history = payments_history if payments_history is not None else pd.DataFrame()
    segments = segment_customers(pinned, invoices, history, _day(as_of), policy)
    result = plan_dunning(invoices, pinned, ledger.history, as_of, policy,
                          unmatched_incoming=unmatched_incoming, paused=ledger.paused,
                          payment_plans=payment_plans, segments=segments)
    return Planned(list(result.actions), list(result.messages), segments)


def _day(as_of: date | datetime) -> date:
    return as_of.date() if isinstance(as_of, datetime) else as_of


@dataclass(frozen=True)
class MailBudget:
    """When a run stops sending: after `failures` in a row, or `seconds` spent failing."""

    failures: int = 5
    seconds: float = 300.0

    @classmethod
    def of(cls, settings: Any) -> MailBudget:
        """The budget from dunwell settings."""
        return cls(int(settings.mail_failure_limit), float(settings.mail_failure_seconds))


@dataclass
class _Spent:
    """Failures so far in this run."""

    budget: MailBudget
    in_a_row: int = 0
    seconds: float = 0.0

    def add(self, delivery: Delivery, took: float) -> None:
        if delivery.status in ("failed", "unknown"):
            self.in_a_row, self.seconds = self.in_a_row + 1, self.seconds + took
        else:
            self.in_a_row = 0

    @property
    def exhausted(self) -> bool:
        return self.in_a_row >= self.budget.failures or self.seconds >= self.budget.seconds


@dataclass(frozen=True)
class Sent:
    """The actions with their outcome, and why sending stopped early (empty if it did not)."""

    actions: list[DunningAction]
    stopped: str = ""


@task(name="send reminders", retries=0, cache_policy=NO_CACHE)
def send_reminders(planned: Planned, engine: Engine, transport: Any, renderer: Any,
                   claimed: frozenset[str], as_of: datetime,
                   budget: MailBudget | None = None) -> Sent:
    """Deliver the messages this run put in the outbox; each key goes out once at most.

    Each attempt is committed as `sending` before the SMTP transaction. Just before
    sending, the invoices are checked again: one paid or disputed meanwhile stops the
    message. Once the failure budget is spent, the rest stays planned for the next run.
    """
    from dunwell.connectors.outbound.delivery import open_batch

    logger = run_logger()
    still_open = _dunnable_invoice_ids(engine)
    spent = _Spent(budget or MailBudget())
    outcome: dict[str, str] = {}
    with open_batch(transport) as batch:
        for message in planned.messages:
            if spent.exhausted:
                outcome.setdefault(message.key, HOLD_PREFIX + (
                    "already_sent" if message.key not in claimed else "mail_budget_spent"))
                continue
            outcome[message.key] = _send_one(message, engine, batch, renderer, claimed,
                                             still_open, spent, as_of)
    stopped = ""
    if spent.exhausted:
        left = sum(1 for v in outcome.values() if v == HOLD_PREFIX + "mail_budget_spent")
        why = (f"{spent.in_a_row} failed deliveries in a row"
               if spent.in_a_row >= spent.budget.failures
               else f"{spent.seconds:.0f} s spent on failed deliveries")
        stopped = (f"sending stopped after {why} (mail server trouble); {left} reminders "
                   "stay planned for the next run")
        logger.error(stopped)
    return Sent([_settle(a, outcome) for a in planned.actions], stopped)


def _send_one(message: Any, engine: Engine, batch: Any, renderer: Any, claimed: frozenset[str],
              still_open: set[str], spent: _Spent, as_of: datetime) -> str:
    """Send one claimed message; the Message-ID, or a hold reason saying why not."""
    from dunwell.connectors import storage
    from dunwell.connectors.storage.approvals import keep_copy

    if message.key not in claimed:
        return HOLD_PREFIX + "already_sent"
    # an instalment line names its plan (PLAN#n), not an invoice: only invoices are rechecked
    listed = {line.invoice_id for line in message.lines
              if line.open_amount > 0 and line.stage != "instalment"}
    if not listed <= still_open:
        storage.mark_failed(engine, message.key, "invoice no longer open at send time")
        return HOLD_PREFIX + "changed_before_sending"
    if message.channel != Channel.EMAIL:
        storage.mark_sent(engine, message.key, "", as_of)
        return ""
    msg = renderer(message)
    mid = stable_message_id(msg, message.key)
    if not storage.begin_attempt(engine, message.key, mid, as_of):
        return HOLD_PREFIX + "already_sent"
    keep_copy(engine, message.key, msg)  # the reminder as sent, for the customer page
    started = time.monotonic()
    delivery = batch.deliver(msg)
    spent.add(delivery, time.monotonic() - started)
    return _record(engine, message, mid, delivery, as_of)


def _record(engine: Engine, message: Any, mid: str, delivery: Delivery, as_of: datetime) -> str:
    """Store the outcome; the action's Message-ID or hold reason."""
    from dunwell.connectors import storage

    logger = run_logger()
    if delivery.status == "sent":
        storage.mark_sent(engine, message.key, mid, as_of, delivery.code, delivery.detail)
        return mid
    if delivery.status == "bounced":
        storage.mark_bounced(engine, message.key, delivery.detail, delivery.code,
                             delivery.recipient or message.recipient)
    elif delivery.status == "unknown":
        storage.mark_unknown(engine, message.key, delivery.detail)
    else:
        storage.mark_failed(engine, message.key, delivery.detail, delivery.code)
    # the server's text may quote the address: it stays in the outbox, out of the logs
    logger.warning("%s reminder for customer %s: %s %s", message.stage, message.customer_id,
                   delivery.status, delivery.code or "")
    reason = {"failed": "delivery_failed", "unknown": "delivery_unknown"}.get(
        delivery.status, delivery.status)
    code = f" {delivery.code}" if delivery.code else ""
    return HOLD_PREFIX + f"{reason}{code}"


def stable_message_id(msg: EmailMessage, key: str) -> str:
    """Give the message a Message-ID made from its key: every attempt of a key carries the
    same id, so a mail system can tell a repeat from a new message."""
    domain = str(msg["Message-ID"] or "").strip("<> ").rpartition("@")[2] or "dunwell.local"
    mid = f"<dunning.{key[:40]}@{domain}>"
    del msg["Message-ID"]
    msg["Message-ID"] = mid
    return mid


def _dunnable_invoice_ids(engine: Engine) -> set[str]:
    """Invoices that may still be dunned according to the database, right now."""
    from sqlalchemy.orm import Session

    from dunwell.connectors.storage import load_invoices

    with Session(engine) as session:
        current = load_invoices(session, open_only=True)
    dunnable = (current["open_minor"] > 0) & ~current["disputed"]
    return set(current.loc[dunnable, "invoice_id"])


def _settle(action: DunningAction, outcome: dict[str, str]) -> DunningAction:
    """An email action gets its Message-ID, or becomes a hold saying why it was not sent."""
    result = outcome.get(action.facts.get("key", ""))
    if action.channel != Channel.EMAIL or result is None:
        return action
    if result.startswith(HOLD_PREFIX):
        return replace(action, channel=Channel.HOLD, reason=result[len(HOLD_PREFIX):])
    return replace(action, message_id=result)


def held_back(planned: Planned, reason: str) -> Planned:
    """The plan with every email turned into a hold giving `reason`; nothing goes out.

    Held messages are not put in the outbox, so a later run may send them.
    """
    actions = [replace(a, channel=Channel.HOLD, reason=reason) if a.channel == Channel.EMAIL
               else a for a in planned.actions]
    messages = [m for m in planned.messages if m.channel != Channel.EMAIL]
    return Planned(actions, messages, planned.segments)


@task(name="write dunning digest", cache_policy=NO_CACHE)
def write_digest(planned: Planned, out_dir: Any, renderer: Any) -> dict[str, str]:
    """A dry run's plan for a person to approve: digest.md and a preview of every email."""
    from pathlib import Path

    from dunwell.connectors.outbound.mail import FileOutbox

    out = Path(out_dir)
    preview = FileOutbox(out / "preview")
    lines = ["# Dunning plan (dry run: nothing was sent)", "",
             "| customer | currency | stage | invoices | to | not before |",
             "|---|---|---|---|---|---|"]
    for message in planned.messages:
        if message.channel == Channel.EMAIL:
            preview.send(renderer(message))
        lines.append(f"| {message.customer_id} | {message.currency} | {message.stage} | "
                     f"{len(message.lines)} | {message.recipient} | {message.not_before} |")
    if not planned.messages:
        lines.append("| (none: no reminder is due in this run) | | | | | |")
    holds = [a for a in planned.actions if a.channel == Channel.HOLD]
    lines += ["", f"## Held back: {len(holds)}", "",
              "| customer | currency | stage | invoices | why |", "|---|---|---|---|---|"]
    lines += [f"| {a.customer_id} | {a.currency} | {a.stage} | {' '.join(a.invoice_ids)} | "
              f"{a.reason} |" for a in holds]
    digest = out / "digest.md"
    out.mkdir(parents=True, exist_ok=True)
    digest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"digest": str(digest), "preview": str(out / "preview")}
