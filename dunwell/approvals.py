"""Dunning before it goes out: the next run's messages, previewed and approved by a person.

The planned messages are computed by the run's own planner from what the
database holds (the last import, and every decision since) for a run day, and
rendered exactly as the run would render them. Approvals and exclusions are
recorded here, audited; the run enforces them (`dunwell.dunning.approval.gate`).
Shared by the CLI (`dunwell dunning approve`) and the web (/dunning).
"""

from __future__ import annotations

import threading
import time
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Engine

from dunwell.access import Actor, require
from dunwell.connectors import storage
from dunwell.connectors.storage import people
from dunwell.connectors.storage.approvals import (
    load_decisions,
    plan_inputs_version,
    save_decision,
)
from dunwell.dunning.approval import ApprovalRule, key_of, load_rule, state_of
from dunwell.errors import InputError

STATES = ("waiting", "approved", "excluded", "free")


@dataclass(frozen=True)
class PlannedRow:
    """One planned message of the next run, with where its approval stands.

    Attributes:
      key: the approval key (customer, currency, stage, invoices).
      state: waiting (needs a person), approved, excluded, or free (needs nobody).
    """

    key: str
    customer_id: str
    customer_name: str
    currency: str
    stage: str
    segment: str
    channel: str
    recipient: str
    invoice_ids: tuple[str, ...]
    total: Decimal
    state: str
    decided_by: str = ""
    why: str = ""


@dataclass(frozen=True)
class Group:
    """The messages of one stage and segment, and whether that stage needs approval there."""

    stage: str
    segment: str
    needs_approval: bool
    rows: list[PlannedRow]

    @property
    def counts(self) -> dict[str, int]:
        """How many messages per approval state."""
        found = Counter(r.state for r in self.rows)
        return {s: found[s] for s in STATES if found[s]}


@dataclass(frozen=True)
class Outlook:
    """The next run's messages by stage and segment, and the holds it would list."""

    day: date
    groups: list[Group]
    holds: dict[str, int] = field(default_factory=dict)
    valid_days: int = 7

    @property
    def waiting(self) -> int:
        """Messages that wait for a person's approval."""
        return sum(g.counts.get("waiting", 0) for g in self.groups)


@dataclass(frozen=True)
class _Computed:
    day: date
    planned: Any
    rule: ApprovalRule
    decisions: dict
    context: Any


def _context() -> Any:
    """Settings, policy and the approval rule, as the run's composition root reads them."""
    from dunwell.connectors.root import read_policy
    from dunwell.connectors.settings.config import load_settings

    settings = load_settings()
    policy = read_policy(settings.dunning_policy_path)
    rule = load_rule(settings.dunning_approval, [s.name for s in policy.segments])
    return SimpleNamespace(settings=settings, dunning_policy=policy, rule=rule,
                           templates_dir=settings.templates_dir)


PLAN_SECONDS = 600.0  # a plan is reused while its inputs are unchanged, at most this long
_PLANS: OrderedDict[tuple, tuple[float, Any]] = OrderedDict()
_PLANNING = threading.Lock()


def _compute(engine: Engine, day: date) -> _Computed:
    """The run's plan for `day` from the database's invoices, customers, history and plans,
    with the approvals as they stand now. Planning reads every open invoice (seconds at
    volume), so the plan is kept while what it reads is unchanged (`plan_inputs_version`:
    no run, no person's decision, no delivery since) and the configuration is the same;
    approvals, read fresh each time, never change the plan, only its states."""
    context = _context()
    with storage.transaction(engine) as session:
        version = plan_inputs_version(session)
    key = (engine.url.render_as_string(hide_password=True), day, version,
           repr(context.dunning_policy), repr(context.rule))
    with _PLANNING:  # one plan at a time: a page and its preview frame ask at once
        hit = _PLANS.get(key)
        if hit is None or time.monotonic() - hit[0] > PLAN_SECONDS:
            hit = (time.monotonic(), _plan(engine, day, context))
            _PLANS[key] = hit
            while len(_PLANS) > 4:
                _PLANS.popitem(last=False)
    with storage.transaction(engine) as session:
        decisions = load_decisions(session)
    return _Computed(day, hit[1], context.rule, decisions, context)


def _plan(engine: Engine, day: date, context: Any) -> Any:
    from dunwell.connectors.storage.ledger import load_ledger
    from dunwell.connectors.storage.plans import kept_plans
    from dunwell.tasks.dunning import plan_reminders

    with storage.transaction(engine) as session:
        invoices = storage.load_invoices(session, open_only=True)
        customers = storage.load_customers(session)
        plans = kept_plans(session, day)
    ledger = load_ledger(engine)
    return plan_reminders.fn(invoices, customers, ledger, ledger.unresolved_incoming, day,
                             context.dunning_policy, payment_plans=plans)


def warm(engine: Engine, day: date | None = None) -> None:
    """Plan the next run ahead (for `day`, default today), so that the first person to open
    the Dunning page does not wait for it."""
    _compute(engine, day or run_day(""))


def _row(message: Any, computed: _Computed) -> PlannedRow:
    decision = computed.decisions.get(key_of(message))
    state = state_of(message, computed.rule, computed.decisions, computed.day)
    return PlannedRow(
        key_of(message), message.customer_id, message.customer_name, message.currency,
        message.stage, message.facts.get("segment", ""), str(message.channel), message.recipient,
        message.invoice_ids, message.total, state,
        decision.actor if decision and state in ("approved", "excluded") else "",
        decision.why if decision and state in ("approved", "excluded") else "")


def outlook(engine: Engine, actor: Actor, day: date) -> Outlook:
    """The planned messages of the run on `day`, by stage and segment: the groups that need
    approval first, each in ladder order."""
    from dunwell.dunning import STAGES

    require(actor, "view")
    computed = _compute(engine, day)
    rows = [_row(m, computed) for m in computed.planned.messages]
    order = {s: i for i, s in enumerate(STAGES)}
    # the work first: groups that wait for a person, then those sent without one
    keys = sorted({(r.stage, r.segment) for r in rows},
                  key=lambda k: (not computed.rule.needs(k[1], k[0]), order.get(k[0], -1), k[1]))
    groups = [Group(stage, segment, computed.rule.needs(segment, stage),
                    sorted((r for r in rows if (r.stage, r.segment) == (stage, segment)),
                           key=lambda r: (r.customer_name.lower(), r.customer_id)))
              for stage, segment in keys]
    holds = Counter(a.reason.split(" ")[0] for a in computed.planned.actions
                    if str(a.channel) == "hold")
    return Outlook(day, groups, dict(sorted(holds.items())), computed.rule.valid_days)


def _find(computed: _Computed, key: str) -> Any:
    for message in computed.planned.messages:
        if key_of(message) == key:
            return message
    raise InputError("message", "that message is not planned for this run day any more; "
                     "reload the list")


def preview(engine: Engine, actor: Actor, day: date, key: str) -> tuple[PlannedRow, Any]:
    """One planned message and the email exactly as the run would hand it to the mail server."""
    from dunwell.tasks.report import renderer_for

    require(actor, "view")
    computed = _compute(engine, day)
    message = _find(computed, key)
    return _row(message, computed), renderer_for(computed.context)(message)


def _decide(session: Any, actor: Actor, message: Any, computed: _Computed, approved: bool,
            why: str) -> None:
    save_decision(session, key=key_of(message), customer_id=message.customer_id,
                  currency=message.currency, stage=message.stage,
                  segment=message.facts.get("segment", ""),
                  invoice_ids=" ".join(message.invoice_ids), run_date=computed.day,
                  approved=approved, actor=actor.name, why=why)
    people.record_audit(session, actor=actor.name, role=actor.role, via=actor.via,
                        action="dunning.approve" if approved else "dunning.exclude",
                        subject=f"{message.stage} to {message.customer_id} ({message.currency})",
                        customer_id=message.customer_id,
                        detail=f"run {computed.day}: {' '.join(message.invoice_ids)}", why=why)


def approve(engine: Engine, actor: Actor, day: date, *, stage: str, segment: str | None = None,
            keys: list[str] | None = None, why: str = "") -> int:
    """Approve the waiting messages of a stage (of one segment, or only these keys) for the run
    on `day`; exclusions stay. Each is audited. Returns how many were approved."""
    require(actor, "dunning.approve")
    computed = _compute(engine, day)
    chosen = [m for m in computed.planned.messages
              if m.stage == stage and (segment is None or m.facts.get("segment") == segment)
              and (keys is None or key_of(m) in keys)
              and state_of(m, computed.rule, computed.decisions, day) == "waiting"]
    if keys and len(chosen) < len(set(keys)):
        raise InputError("message", "a chosen message no longer waits for approval; reload")
    with storage.transaction(engine) as session:
        for message in chosen:
            _decide(session, actor, message, computed, True, why)
    return len(chosen)


def exclude(engine: Engine, actor: Actor, day: date, key: str, why: str) -> PlannedRow:
    """Keep one planned message from being sent, with the reason (required, audited)."""
    require(actor, "dunning.approve")
    if not why.strip():
        raise InputError("why", "say why this message is excluded (it goes into the audit log)")
    computed = _compute(engine, day)
    message = _find(computed, key)
    with storage.transaction(engine) as session:
        _decide(session, actor, message, computed, False, why.strip())
    return _row(message, computed)


def find_key(engine: Engine, actor: Actor, day: date, customer_id: str, stage: str,
             currency: str | None = None) -> str:
    """The approval key of a customer's planned message of a stage (for the shell)."""
    require(actor, "view")
    computed = _compute(engine, day)
    found = [key_of(m) for m in computed.planned.messages
             if m.customer_id == customer_id and m.stage == stage
             and (currency is None or m.currency == currency)]
    if len(found) != 1:
        raise InputError("CUSTOMER", f"{len(found)} planned {stage} messages to {customer_id!r} "
                         f"on {day}" + ("; give --currency" if found else ""))
    return found[0]


def run_day(text: str = "") -> date:
    """The run day a person asked for (YYYY-MM-DD), else today in the company's time zone."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from dunwell.connectors.settings.config import load_settings

    if text.strip():
        try:
            return date.fromisoformat(text.strip())
        except ValueError:
            raise InputError("day", f"{text!r} is not a date like 2026-12-07") from None
    return datetime.now(ZoneInfo(load_settings().company_timezone)).date()
