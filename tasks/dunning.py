"""Dunning tasks: plan from facts, then send each message exactly once."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import pandas as pd
from prefect.cache_policies import NO_CACHE
from sqlalchemy.engine import Engine

from dunwell.connectors.ledger import Ledger
from dunwell.dunning import plan as plan_dunning
from dunwell.dunning import segment_customers
from dunwell.model import Channel, DunningAction
from dunwell.tasks.local import run_logger, task

HOLD_PREFIX = "hold:"


@dataclass(frozen=True)
class Planned:
    """The plan of one run: actions for actions.csv and the messages behind them."""

    actions: list[DunningAction]
    messages: list[Any]
    segments: pd.DataFrame


@task(name="plan reminders", cache_policy=NO_CACHE)
def plan_reminders(invoices: pd.DataFrame, customers: pd.DataFrame, ledger: Ledger,
                   unmatched_incoming: pd.DataFrame, as_of: datetime, policy: Any,
                   payments_history: pd.DataFrame | None = None) -> Planned:
    """Segments and the reminder plan, computed from facts as of this run."""
    pinned = customers.copy()
    if ledger.pinned:
        manual = pinned["customer_id"].map(ledger.pinned)
        pinned["segment"] = manual.where(manual.notna(), pinned["segment"]).astype("str")
    history = payments_history if payments_history is not None else pd.DataFrame()
    segments = segment_customers(pinned, invoices, history, as_of.date(), policy)
    result = plan_dunning(invoices, pinned, ledger.history, as_of, policy,
                          unmatched_incoming=unmatched_incoming, paused=ledger.paused,
                          segments=segments)
    return Planned(list(result.actions), list(result.messages), segments)


@task(name="send reminders", retries=0, cache_policy=NO_CACHE)
def send_reminders(planned: Planned, engine: Engine, transport: Any, renderer: Any,
                   claimed: frozenset[str], as_of: datetime) -> list[DunningAction]:
    """Deliver the messages this run put in the outbox; each key goes out once at most.

    Just before sending, the invoices are checked again in the database: one paid
    or disputed in the meantime stops the message.
    """
    from dunwell.connectors.storage import mark_failed, mark_sent

    logger = run_logger()
    still_open = _dunnable_invoice_ids(engine)
    outcome: dict[str, str] = {}
    for message in planned.messages:
        if message.key not in claimed:
            outcome[message.key] = HOLD_PREFIX + "already_sent"
            continue
        if not {line.invoice_id for line in message.lines if line.open_amount > 0} <= still_open:
            mark_failed(engine, message.key, "invoice no longer open at send time")
            outcome[message.key] = HOLD_PREFIX + "changed_before_sending"
            continue
        if message.channel != Channel.EMAIL:
            mark_sent(engine, message.key, "", as_of)
            outcome[message.key] = ""
            continue
        try:
            message_id = transport.send(renderer(message))
        except Exception as exc:  # noqa: BLE001 - recorded and reported, never resent blindly
            mark_failed(engine, message.key, type(exc).__name__)
            logger.warning("reminder for customer %s not delivered: %s",
                           message.customer_id, type(exc).__name__)
            outcome[message.key] = HOLD_PREFIX + f"delivery_failed {type(exc).__name__}"
            continue
        mark_sent(engine, message.key, message_id, as_of)
        outcome[message.key] = message_id
    return [_settle(a, outcome) for a in planned.actions]


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

    from dunwell.connectors.mail import FileOutbox

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
    holds = [a for a in planned.actions if a.channel == Channel.HOLD]
    lines += ["", f"{len(holds)} held back (see actions.csv for each reason)."]
    digest = out / "digest.md"
    out.mkdir(parents=True, exist_ok=True)
    digest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"digest": str(digest), "preview": str(out / "preview")}
