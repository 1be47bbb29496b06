"""The policy file loads into frozen records; mistakes are ConfigErrors that name the key."""

from __future__ import annotations

import copy
from datetime import time

import pytest
from dunning_kit import POLICY_DATA

from dunwell.dunning import STAGES, load_policy
from dunwell.errors import ConfigError


def test_the_shipped_policy_loads_with_the_contracts_steps() -> None:
    policy = load_policy(copy.deepcopy(POLICY_DATA))
    standard = policy.segment("standard")
    assert [(s.stage, s.day) for s in standard.ladder] == [
        ("pre_due", -3),
        ("friendly", 3),
        ("firm", 14),
        ("final", 28),
        ("human_review", 42),
    ]
    assert {r.name for r in policy.segments} >= {"good", "standard", "risky", "new", "key_account"}
    assert all(r.ladder[-1].stage == "human_review" for r in policy.segments)
    assert policy.sending.send_time == time(9, 30)
    assert policy.min_balance_minor["EUR"] == 500
    assert not policy.packs.regulation_f and not policy.packs.eu_late_payment
    assert STAGES == ("pre_due", "friendly", "firm", "final", "human_review")


def _broken(path: list[str], value: object) -> dict:
    data = copy.deepcopy(POLICY_DATA)
    target = data
    for key in path[:-1]:
        target = target[key] if not isinstance(target, list) else target[int(key)]
    target[path[-1] if not isinstance(target, list) else int(path[-1])] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (["segments", "4", "ladder", "4", "step"], "lawyer", "'lawyer' is not one of"),
        (["segments", "4", "ladder", "1", "day"], -10, "step days must increase"),
        (["segments", "4", "ladder"], [{"step": "friendly", "day": 3}], "must end in human_review"),
        (["sending", "send_time"], "half past nine", "must be a time like 09:30"),
        (["sending", "send_time"], "20:00", "send_time must fall inside business_hours"),
        (["limits", "min_balance"], {"EUR": "five"}, "limits.min_balance.EUR is not an amount"),
        (["limits", "min_gap_days"], -1, "limits.min_gap_days must be a whole number"),
        (["segments", "0", "when"], {"shoe_size": 42}, "unknown conditions ['shoe_size']"),
        (["sending", "business_days"], ["mon", "funday"], "unknown days"),
    ],
)
def test_mistakes_are_config_errors_that_say_what_is_wrong(path, value, message) -> None:
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_policy(_broken(path, value))


def test_a_policy_without_a_fallback_segment_is_refused() -> None:
    data = copy.deepcopy(POLICY_DATA)
    data["segments"] = data["segments"][:-1]
    with pytest.raises(ConfigError, match="last segment must have no `when`"):
        load_policy(data)


def test_a_non_mapping_is_refused() -> None:
    with pytest.raises(ConfigError, match="mapping"):
        load_policy(["not", "a", "policy"])  # type: ignore[arg-type]
