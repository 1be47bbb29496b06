"""The dunning policy as frozen records, validated once from the YAML's dict.

`load_policy` is pure: the caller reads config/dunning.yaml and passes the
dict. Every problem raises `ConfigError` naming the key that is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from decimal import Decimal
from typing import Any

from dunwell.errors import ConfigError
from dunwell.model import Stage
from dunwell.money import MoneyError, to_minor

STAGES: tuple[str, ...] = tuple(stage.value for stage in Stage)
"""The contract's step names, in ladder order."""
HUMAN_REVIEW = Stage.HUMAN_REVIEW.value
LIKELIHOODS = ("high", "medium", "low")


@dataclass(frozen=True, slots=True)
class Step:
    """One rung of a ladder: the stage, its day relative to the due date, its template."""

    stage: str
    day: int
    template: str


@dataclass(frozen=True, slots=True)
class SegmentRule:
    """A segment, the facts that put a customer in it, and its ladder.

    Attributes:
      name: the segment's name (good, standard, risky, new, key_account, ...).
      when: conditions on the customer's facts; empty means "everyone left".
      ladder: steps in stage order, always ending with human_review.
    """

    name: str
    when: dict[str, Any]
    ladder: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class Sending:
    """When messages may leave: send time, business hours and days, defaults per customer."""

    send_time: time
    hours_start: time
    hours_end: time
    business_days: frozenset[int]
    default_timezone: str
    default_country: str
    default_language: str
    languages: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Packs:
    """Optional legal packs, off by default."""

    regulation_f: bool = False
    regf_max_attempts_7_days: int = 7
    regf_hours: tuple[time, time] = (time(8), time(21))
    eu_late_payment: bool = False
    eu_fixed_compensation: dict[str, Decimal] = field(default_factory=dict)
    eu_reference_rate: Decimal = Decimal("0")
    eu_margin_points: Decimal = Decimal("8")


@dataclass(frozen=True, slots=True)
class DunningPolicy:
    """Everything the planner needs to decide who hears what, and when."""

    sending: Sending
    min_gap_days: int
    max_messages_per_30_days: int
    min_balance_minor: dict[str, int]
    history_days: int
    new_customer_days: int
    likelihood_high: dict[str, float]
    likelihood_low: dict[str, float]
    segments: tuple[SegmentRule, ...]
    instalment_reminder_days: int
    company: dict[str, str]
    packs: Packs

    def segment(self, name: str) -> SegmentRule:
        """The rule of a segment by name; a pinned unknown segment is a config problem."""
        for rule in self.segments:
            if rule.name == name:
                return rule
        raise ConfigError(f"dunning policy: unknown segment {name!r}")


_DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


def _time(value: Any, key: str) -> time:
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(f"dunning policy: {key} must be a time like 09:30: {value!r}") from None


def _int(value: Any, key: str, low: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ConfigError(f"dunning policy: {key} must be a whole number >= {low}, not {value!r}")
    return value


def _amounts(data: Any, key: str) -> dict[str, Decimal]:
    if not isinstance(data, dict):
        raise ConfigError(f"dunning policy: {key} must map currency codes to amounts")
    out: dict[str, Decimal] = {}
    for ccy, text in data.items():
        try:
            out[str(ccy)] = Decimal(str(text))
            to_minor(out[str(ccy)], str(ccy))
        except (ArithmeticError, MoneyError, ValueError, KeyError):
            raise ConfigError(f"dunning policy: {key}.{ccy} is not an amount: {text!r}") from None
    return out


def _sending(data: dict[str, Any]) -> Sending:
    hours = data.get("business_hours", {"start": "08:00", "end": "18:00"})
    days = data.get("business_days", ["mon", "tue", "wed", "thu", "fri"])
    unknown = [d for d in days if str(d).lower()[:3] not in _DAYS]
    if unknown:
        raise ConfigError(f"dunning policy: sending.business_days has unknown days {unknown}")
    sending = Sending(
        send_time=_time(data.get("send_time", "09:30"), "sending.send_time"),
        hours_start=_time(hours.get("start"), "sending.business_hours.start"),
        hours_end=_time(hours.get("end"), "sending.business_hours.end"),
        business_days=frozenset(_DAYS[str(d).lower()[:3]] for d in days),
        default_timezone=str(data.get("default_timezone", "UTC")),
        default_country=str(data.get("default_country", "")),
        default_language=str(data.get("default_language", "en")),
        languages=tuple(data.get("languages", ["en", "de", "fr", "es", "id"])),
    )
    if not sending.hours_start < sending.hours_end:
        raise ConfigError("dunning policy: business_hours.start must be before end")
    if not sending.hours_start <= sending.send_time < sending.hours_end:
        raise ConfigError("dunning policy: send_time must fall inside business_hours")
    return sending


def _ladder(name: str, raw: Any) -> tuple[Step, ...]:
    if not isinstance(raw, list) or not raw:
        raise ConfigError(f"dunning policy: segment {name!r} needs a ladder (a list of steps)")
    steps = []
    for i, item in enumerate(raw):
        stage = str(item.get("step", ""))
        if stage not in STAGES:
            raise ConfigError(
                f"dunning policy: segment {name!r} step {i + 1}: {stage!r} is not one of {STAGES}"
            )
        day = item.get("day")
        if isinstance(day, bool) or not isinstance(day, int):
            raise ConfigError(f"dunning policy: segment {name!r} {stage}: day must be a number")
        steps.append(Step(stage, day, str(item.get("template", stage))))
    _check_order(name, steps)
    return tuple(steps)


def _check_order(name: str, steps: list[Step]) -> None:
    order = [STAGES.index(s.stage) for s in steps]
    if order != sorted(set(order)):
        raise ConfigError(f"dunning policy: segment {name!r}: steps must follow {STAGES} once each")
    if any(b.day <= a.day for a, b in zip(steps, steps[1:], strict=False)):
        raise ConfigError(f"dunning policy: segment {name!r}: step days must increase")
    if steps[-1].stage != HUMAN_REVIEW:
        raise ConfigError(f"dunning policy: segment {name!r}: the ladder must end in human_review")


_WHEN_KEYS = {
    "likelihood", "new_customer", "min_open_balance",
    "min_on_time_share", "max_on_time_share", "min_avg_days_late", "max_avg_days_late",
}


def _segments(raw: Any) -> tuple[SegmentRule, ...]:
    if not isinstance(raw, list) or not raw:
        raise ConfigError("dunning policy: segments must be a non-empty list")
    rules = []
    for item in raw:
        name = str(item.get("name", ""))
        when = dict(item.get("when") or {})
        if not name or (bad := set(when) - _WHEN_KEYS):
            raise ConfigError(f"dunning policy: segment {name!r}: unknown conditions {sorted(bad)}")
        if "min_open_balance" in when:
            when["min_open_balance"] = {
                c: to_minor(a, c)
                for c, a in _amounts(when["min_open_balance"], f"{name}.min_open_balance").items()
            }
        rules.append(SegmentRule(name, when, _ladder(name, item.get("ladder"))))
    if rules[-1].when:
        raise ConfigError("dunning policy: the last segment must have no `when` (the fallback)")
    return tuple(rules)


def _packs(raw: dict[str, Any]) -> Packs:
    regf = raw.get("regulation_f") or {}
    eu = raw.get("eu_late_payment") or {}
    hours = regf.get("hours", {"start": "08:00", "end": "21:00"})
    return Packs(
        regulation_f=bool(regf.get("enabled", False)),
        regf_max_attempts_7_days=_int(regf.get("max_attempts_7_days", 7), "regf", 1),
        regf_hours=(_time(hours["start"], "regf.start"), _time(hours["end"], "regf.end")),
        eu_late_payment=bool(eu.get("enabled", False)),
        eu_fixed_compensation=_amounts(eu.get("fixed_compensation", {"EUR": "40.00"}), "eu"),
        eu_reference_rate=Decimal(str(eu.get("reference_rate", "0"))),
        eu_margin_points=Decimal(str(eu.get("margin_points", "8"))),
    )


def load_policy(data: dict[str, Any]) -> DunningPolicy:
    """Validate the policy dict (as read from YAML) into a frozen DunningPolicy."""
    if not isinstance(data, dict):
        raise ConfigError("dunning policy: expected a mapping at the top level")
    limits = data.get("limits", {})
    seg = data.get("segmentation", {})
    try:
        return DunningPolicy(
            sending=_sending(data.get("sending", {})),
            min_gap_days=_int(limits.get("min_gap_days", 5), "limits.min_gap_days"),
            max_messages_per_30_days=_int(limits.get("max_messages_per_30_days", 4), "cap", 1),
            min_balance_minor={
                c: to_minor(a, c)
                for c, a in _amounts(limits.get("min_balance", {}), "limits.min_balance").items()
            },
            history_days=_int(seg.get("history_days", 365), "segmentation.history_days", 1),
            new_customer_days=_int(seg.get("new_customer_days", 90), "new_customer_days"),
            likelihood_high=dict(seg.get("likelihood_high", {"min_on_time_share": 0.9})),
            likelihood_low=dict(seg.get("likelihood_low", {"max_on_time_share": 0.6})),
            segments=_segments(data.get("segments")),
            instalment_reminder_days=_int(data.get("instalment_reminder_days", 3), "instalments"),
            company={str(k): str(v) for k, v in (data.get("company") or {}).items()},
            packs=_packs(data.get("packs") or {}),
        )
    except (AttributeError, TypeError, KeyError) as exc:
        raise ConfigError(f"dunning policy: malformed section ({exc})") from None
