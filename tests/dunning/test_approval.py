"""The send gate: a stage that needs a person's approval is held until approved.

C1 (pinned standard) owes X1, due 2026-10-01; friendly and firm went out in October,
so on 2026-11-25 (55 days late) its final notice is due. C2 owes Y1, due 2026-11-15:
its friendly reminder is due.
"""

from __future__ import annotations

from datetime import date

import pytest
from dunning_kit import at, customer, customers, history, invoice, invoices, rows, run, sent

from dunwell.dunning.approval import (
    AWAITING,
    EXCLUDED,
    ApprovalRule,
    Decision,
    gate,
    key_of,
    load_rule,
    state_of,
)
from dunwell.errors import ConfigError

NOW = at("2026-11-25")
DAY = date(2026, 11, 25)
SEGMENTS = ["key_account", "new", "good", "risky", "standard"]


def _final_plan():  # noqa: ANN202 - a Plan
    cust = customers(customer("C1", "Acme GmbH"), customer("C2", "Borealis Ltd"))
    inv = invoices(invoice("X1", "C1", "2026-10-01"), invoice("Y1", "C2", "2026-11-15"))
    hist = history(sent("C1", "friendly", "X1", "2026-10-04"),
                   sent("C1", "firm", "X1", "2026-10-15"))
    return run(inv, cust, hist, NOW)


def _gated(rule: ApprovalRule, decisions: dict) -> list[str]:
    plan = _final_plan()
    actions, messages = gate(plan.actions, plan.messages, rule, decisions, DAY)
    from dunwell.dunning import Plan

    return rows(Plan(actions, messages))


def test_by_default_a_final_notice_waits_for_approval_and_a_friendly_one_does_not() -> None:
    assert _gated(load_rule({}, SEGMENTS), {}) == [
        f"C1 hold final X1 {AWAITING}", "C2 email friendly Y1"]


def test_an_approved_final_notice_is_sent() -> None:
    plan = _final_plan()
    final = next(m for m in plan.messages if m.stage == "final")
    decisions = {key_of(final): Decision(key_of(final), True, DAY, "clara")}
    assert _gated(load_rule({}, SEGMENTS), decisions) == [
        "C1 email final X1", "C2 email friendly Y1"]


def test_an_excluded_message_is_held_with_its_own_reason_and_leaves_the_outbox() -> None:
    plan = _final_plan()
    final = next(m for m in plan.messages if m.stage == "final")
    decisions = {key_of(final): Decision(key_of(final), False, DAY, "clara", "called us")}
    actions, messages = gate(plan.actions, plan.messages, load_rule({}, SEGMENTS), decisions, DAY)
    assert [m.customer_id for m in messages] == ["C2"]
    assert [a.reason for a in actions if a.customer_id == "C1"] == [EXCLUDED]


def test_an_approval_holds_for_valid_days_after_its_run_day_and_not_before() -> None:
    plan = _final_plan()
    final = next(m for m in plan.messages if m.stage == "final")
    rule = load_rule({"valid_days": 3}, SEGMENTS)
    given = {key_of(final): Decision(key_of(final), True, date(2026, 11, 22))}
    assert state_of(final, rule, given, DAY) == "approved"  # 3 days later
    late = {key_of(final): Decision(key_of(final), True, date(2026, 11, 21))}
    assert state_of(final, rule, late, DAY) == "waiting"
    early = {key_of(final): Decision(key_of(final), True, date(2026, 11, 26))}
    assert state_of(final, rule, early, DAY) == "waiting"


def test_a_segment_can_require_approval_for_other_stages_or_none() -> None:
    rule = load_rule({"segments": {"standard": ["friendly"]}}, SEGMENTS)
    assert _gated(rule, {}) == ["C1 email final X1", f"C2 hold friendly Y1 {AWAITING}"]
    assert _gated(load_rule({"stages": []}, SEGMENTS), {}) == [
        "C1 email final X1", "C2 email friendly Y1"]


def test_the_approval_key_ignores_the_day_but_not_the_invoices() -> None:
    plan = _final_plan()
    later = run(invoices(invoice("X1", "C1", "2026-10-01")), customers(customer("C1")),
                history(sent("C1", "friendly", "X1", "2026-10-04"),
                        sent("C1", "firm", "X1", "2026-10-15")), at("2026-11-26"))
    assert key_of(plan.messages[0]) == key_of(later.messages[0])
    assert plan.messages[0].key != later.messages[0].key
    more = run(invoices(invoice("X1", "C1", "2026-10-01"), invoice("X2", "C1", "2026-10-01")),
               customers(customer("C1")), history(), NOW)
    assert key_of(more.messages[0]) != key_of(plan.messages[0])


@pytest.mark.parametrize(("setting", "named"), [
    ({"stages": ["final", "fnal"]}, "fnal"),
    ({"stages": "final"}, "dunning_approval.stages"),
    ({"segments": {"vip": ["final"]}}, "vip"),
    ({"segments": {"good": ["later"]}}, "later"),
    ({"valid_days": -1}, "valid_days"),
])
def test_a_wrong_setting_is_a_config_error_naming_it(setting: dict, named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        load_rule(setting, SEGMENTS)
