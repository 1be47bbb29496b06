"""The send gate: stages a person must approve before they leave, per segment.

A message of such a stage leaves only when a person approved it (by its
approval key: customer, currency, stage and invoices, not the day, so an
approval given while previewing holds for the run that sends it) within the
rule's `valid_days`. Otherwise it is held with `awaiting_approval`, or with
`excluded_by_person` when a person excluded it. Pure: the decisions are passed in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from dunwell.dunning.policy import STAGES
from dunwell.dunning.records import PlannedMessage
from dunwell.errors import ConfigError
from dunwell.model import Channel, DunningAction

AWAITING = "awaiting_approval"
EXCLUDED = "excluded_by_person"
DEFAULT_STAGES = ("final", "human_review")
RULE_KEYS = ("stages", "segments", "valid_days")
"""The keys of the `dunning_approval` setting."""


@dataclass(frozen=True, slots=True)
class ApprovalRule:
    """Which stages need a person's approval before they are sent.

    Attributes:
      stages: for every segment without its own list.
      segments: segment name -> its own list (empty: nothing needs approval there).
      valid_days: an approval (or exclusion) holds for runs up to this many days
        after the run day it was given for; then the message needs a person again.
    """

    stages: frozenset[str] = frozenset(DEFAULT_STAGES)
    segments: Mapping[str, frozenset[str]] = field(default_factory=dict)
    valid_days: int = 7

    def needs(self, segment: str, stage: str) -> bool:
        """True when a message of this stage to this segment waits for a person."""
        return stage in self.segments.get(segment, self.stages)


@dataclass(frozen=True, slots=True)
class Decision:
    """A person's word on one planned message: approved or excluded, for which run day."""

    key: str
    approved: bool
    run_date: date
    actor: str = ""
    why: str = ""

    def holds_on(self, day: date, valid_days: int) -> bool:
        """True when this decision applies to a run on `day`."""
        return self.run_date <= day <= self.run_date + timedelta(days=valid_days)


def _stages(value: Any, where: str) -> frozenset[str]:
    if not isinstance(value, list | tuple):
        raise ConfigError(f"dunning_approval.{where}: a list of stages, like [final, human_review]")
    unknown = [s for s in value if s not in STAGES]
    if unknown:
        raise ConfigError(f"dunning_approval.{where}: {unknown} are not stages; "
                          f"known: {', '.join(STAGES)}")
    return frozenset(value)


def load_rule(data: Mapping[str, Any] | None, segments: Iterable[str]) -> ApprovalRule:
    """The rule from the `dunning_approval` setting; ConfigError naming the key that is wrong."""
    data = dict(data or {})
    known = set(segments)
    own = data.get("segments") or {}
    if not isinstance(own, Mapping):
        raise ConfigError("dunning_approval.segments: a mapping of segment: [stages]")
    strangers = sorted(str(s) for s in own if s not in known)
    if strangers:
        raise ConfigError(f"dunning_approval.segments: {strangers} are not segments of the "
                          f"dunning policy; known: {', '.join(sorted(known))}")
    days = data.get("valid_days", 7)
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise ConfigError(f"dunning_approval.valid_days: a whole number of days >= 0, not {days!r}")
    stages = _stages(data["stages"], "stages") if "stages" in data else frozenset(DEFAULT_STAGES)
    return ApprovalRule(stages, {str(s): _stages(v or [], f"segments.{s}") for s, v in own.items()},
                        days)


def approval_key(customer_id: str, currency: str, stage: str, invoice_ids: Iterable[str]) -> str:
    """What an approval names: customer, currency, stage and the sorted invoices (no day)."""
    text = "\x1f".join([customer_id, currency, stage, " ".join(sorted(invoice_ids))])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def key_of(message: PlannedMessage) -> str:
    """The approval key of a planned message."""
    return approval_key(message.customer_id, message.currency, message.stage, message.invoice_ids)


def state_of(message: PlannedMessage, rule: ApprovalRule, decisions: Mapping[str, Decision],
             day: date) -> str:
    """`free` (needs nobody), `approved`, `excluded` or `waiting`."""
    if not rule.needs(message.facts.get("segment", ""), message.stage):
        return "free"
    decision = decisions.get(key_of(message))
    if decision is None or not decision.holds_on(day, rule.valid_days):
        return "waiting"
    return "approved" if decision.approved else "excluded"


def gate(actions: list[DunningAction], messages: list[PlannedMessage], rule: ApprovalRule,
         decisions: Mapping[str, Decision],
         day: date) -> tuple[list[DunningAction], list[PlannedMessage]]:
    """The run's actions and messages with every message a person has not approved held.

    A held message leaves the list of messages (so it is not put in the outbox and a
    later run plans it again) and its action becomes a hold saying why.
    """
    held: dict[str, str] = {}
    for message in messages:
        state = state_of(message, rule, decisions, day)
        if state in ("waiting", "excluded"):
            held[message.key] = AWAITING if state == "waiting" else EXCLUDED
    if not held:
        return actions, messages
    gated = [replace(a, channel=Channel.HOLD, reason=held[a.facts["key"]])
             if a.channel != Channel.HOLD and a.facts.get("key") in held else a for a in actions]
    return gated, [m for m in messages if m.key not in held]
