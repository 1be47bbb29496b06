"""actions.csv rows, their facts, exactly-once keys, EU late-payment arithmetic, every template."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from dunning_kit import (
    TEMPLATES,
    at,
    customer,
    customers,
    history,
    invoice,
    invoices,
    policy,
    run,
    sent,
)
from jinja2 import FileSystemLoader

from dunwell.dunning import actions_frame, make_env, message_key, render
from dunwell.dunning.packs import late_payment, statutory_interest
from dunwell.frames import ACTION_COLUMNS

CUST = customers(customer("C1", "Acme GmbH"))


def test_actions_frame_has_the_contract_columns_and_facts_say_why() -> None:
    inv = invoices(
        invoice("X2", "C1", "2026-11-15"), invoice("X1", "C1", "2026-11-15", disputed=True)
    )
    result = run(inv, CUST, None, at("2026-11-25"))
    frame = actions_frame(result.actions)
    assert list(frame.columns) == ACTION_COLUMNS
    assert frame.to_dict("records") == [
        {
            "run_date": "2026-11-25",
            "customer_id": "C1",
            "currency": "EUR",
            "invoice_ids": "X2",
            "stage": "friendly",
            "channel": "email",
            "template": "friendly",
            "language": "en",
            "reason": "friendly due: 10 days past due",
            "message_id": "",
        },
        {
            "run_date": "2026-11-25",
            "customer_id": "C1",
            "currency": "EUR",
            "invoice_ids": "X1",
            "stage": "friendly",
            "channel": "hold",
            "template": "friendly",
            "language": "en",
            "reason": "disputed",
            "message_id": "",
        },
    ]
    facts = result.actions[0].facts
    assert facts["segment"] == "standard" and facts["segment_reason"] == "pinned by hand"
    assert facts["days_past_due"] == "10" and facts["invoice_stages"] == "X2=friendly"
    assert facts["key"] == result.messages[0].key
    assert all(isinstance(v, str) for a in result.actions for v in a.facts.values())


def test_the_key_covers_customer_currency_stage_invoice_set_and_day() -> None:
    day = at("2026-11-25").date()
    key = message_key("C1", "EUR", "friendly", ["X2", "X1"], day)
    assert key == message_key("C1", "EUR", "friendly", ["X1", "X2"], day)
    assert len(key) == 64
    others = [
        message_key("C2", "EUR", "friendly", ["X1", "X2"], day),
        message_key("C1", "USD", "friendly", ["X1", "X2"], day),
        message_key("C1", "EUR", "firm", ["X1", "X2"], day),
        message_key("C1", "EUR", "friendly", ["X1"], day),
        message_key("C1", "EUR", "friendly", ["X1", "X2"], at("2026-11-26").date()),
    ]
    assert key not in others and len(set(others)) == 5


def test_a_planned_key_already_in_history_is_held_as_already_sent() -> None:
    inv = invoices(invoice("X1", "C1", "2026-11-15"))
    first = run(inv, CUST, None, at("2026-11-25"))
    key = first.messages[0].key
    again = run(
        inv,
        CUST,
        history(sent("C1", "friendly", "X1", "2026-11-25", key=key)),
        at("2026-11-25", 14),
    )
    assert [(a.channel, a.reason, a.stage) for a in again.actions] == [
        ("hold", "already_sent", "friendly")
    ]


def test_eu_statutory_interest_is_decimal_exact_and_rounded_half_up() -> None:
    packs = policy(packs={"eu_late_payment": {"enabled": True, "reference_rate": "2.15"}}).packs
    # 1000.00 * 10.15% * 30 / 365 = 8.3424... ; 2500.00 * 10.15% * 73 / 365 = 50.75 exactly
    assert statutory_interest(Decimal("1000.00"), 30, packs, "EUR") == Decimal("8.34")
    assert statutory_interest(Decimal("2500.00"), 73, packs, "EUR") == Decimal("50.75")
    assert late_payment(Decimal("1000.00"), 30, "EUR", packs) == (Decimal("40.00"), Decimal("8.34"))
    assert late_payment(Decimal("1000.00"), 30, "USD", packs) == (None, Decimal("8.34"))
    assert late_payment(Decimal("1000.00"), 0, "EUR", packs) == (None, None)
    off = policy().packs
    assert late_payment(Decimal("1000.00"), 30, "EUR", off) == (None, None)


def test_consumers_get_no_business_late_payment_charges() -> None:
    pol = policy(packs={"eu_late_payment": {"enabled": True}})
    cust = customers(customer("C1", customer_type="consumer"), customer("C2"))
    inv = invoices(invoice("X1", "C1", "2026-10-17"), invoice("Y1", "C2", "2026-10-17"))
    hist = history(
        *[
            sent(c, s, i, d)
            for c, i in (("C1", "X1"), ("C2", "Y1"))
            for s, d in (("friendly", "2026-10-20"), ("firm", "2026-10-31"))
        ]
    )
    result = run(inv, cust, hist, at("2026-11-25"), pol)
    fees = {m.customer_id: m.lines[0].compensation for m in result.messages}
    assert [m.stage for m in result.messages] == ["final", "final"]
    assert fees == {"C1": None, "C2": Decimal("40.00")}


@pytest.mark.parametrize("language", ["en", "de", "fr", "es", "id"])
def test_every_template_of_every_language_renders(language: str) -> None:
    inv = invoices(invoice("X1", "C1", "2026-11-15"))
    message = run(
        inv, customers(customer("C1", language=language)), None, at("2026-11-25")
    ).messages[0]
    env = make_env(FileSystemLoader(TEMPLATES))
    for template in ("pre_due", "friendly", "firm", "final", "instalment", "human_review"):
        email = render(dataclasses.replace(message, template=template), env, policy().company)
        assert email.subject and "X1" in email.text and "X1" in email.html
        assert "\n" not in email.subject
