"""The run's side of the send gate and of payment plans: read what people decided, apply it.

The rules live in the core (`dunwell.dunning.approval`, `dunwell.dunning.plans`);
here the decisions and plans are read from the database for one run.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from dunwell.dunning.approval import ApprovalRule, gate, load_rule

if TYPE_CHECKING:
    from dunwell.connectors.root import Adapters


def approval_rule(adapters: Adapters) -> ApprovalRule:
    """The `dunning_approval` setting checked against the policy's segments."""
    segments = [rule.name for rule in adapters.dunning_policy.segments]
    return load_rule(getattr(adapters.settings, "dunning_approval", None), segments)


def held_for_approval(adapters: Adapters, planned: Any, day: date | datetime) -> Any:
    """The plan with every message of a stage that needs approval, and has none, held."""
    from dunwell.connectors.storage.approvals import load_decisions
    from dunwell.tasks.dunning import Planned

    with Session(adapters.engine) as session:
        decisions = load_decisions(session)
    run_day = day.date() if isinstance(day, datetime) else day
    actions, messages = gate(planned.actions, planned.messages, approval_rule(adapters),
                             decisions, run_day)
    return Planned(actions, messages, planned.segments)


def kept_payment_plans(engine: Engine, day: date | datetime) -> pd.DataFrame:
    """Instalments of the payment plans kept on this day, for the planner."""
    from dunwell.connectors.storage.plans import kept_plans

    with Session(engine) as session:
        return kept_plans(session, day.date() if isinstance(day, datetime) else day)
