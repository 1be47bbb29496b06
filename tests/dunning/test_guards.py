"""Every guard holds the letter (or the invoice) back with a reason a person can read.

Runs are on Wednesday 2026-11-25 at 09:00 UTC (10:00 in Berlin) unless said
otherwise. Invoice X1 of customer C1 (pinned standard) is due 2026-11-15, so
10 days late: its friendly step (+3) is due and nothing was sent yet.
"""

from __future__ import annotations

import pandas as pd
import pytest
from dunning_kit import (
    at,
    customer,
    customers,
    history,
    invoice,
    invoices,
    policy,
    rows,
    run,
    sent,
)

NOW = at("2026-11-25")
CUST = customers(customer("C1", "Acme GmbH"))


def _one(**extra: object) -> pd.DataFrame:
    return invoices(invoice("X1", "C1", "2026-11-15", **extra))


def test_an_unguarded_overdue_invoice_gets_its_friendly_reminder() -> None:
    assert rows(run(_one(), CUST, None, NOW)) == ["C1 email friendly X1"]


def test_paid_cancelled_and_credit_notes_are_held_on_the_day_their_step_falls_due() -> None:
    due_today = "2026-11-22"  # +3 on the run day: friendly would fall due today
    inv = invoices(
        invoice("P1", "C1", due_today, status="paid", open="0.00"),
        invoice("K1", "C1", due_today, status="cancelled"),
        invoice("N1", "C1", due_today, status="credit_note"),
    )
    assert rows(run(inv, CUST, None, NOW)) == [
        "C1 hold friendly K1 cancelled",
        "C1 hold friendly N1 credit_note",
        "C1 hold friendly P1 paid",
    ]


def test_a_settled_invoice_is_not_held_again_every_day() -> None:
    inv = _one(status="paid", open="0.00")  # friendly fell due on 2026-11-18
    assert rows(run(inv, CUST, None, NOW)) == []


def test_an_invoice_cleared_by_this_runs_matching_is_held_and_not_reminded() -> None:
    inv = invoices(
        invoice("X1", "C1", "2026-11-15", cleared_by_run=True),
        invoice("X2", "C1", "2026-11-15", cleared_by_run=False),
    )
    assert rows(run(inv, CUST, None, NOW)) == [
        "C1 email friendly X2",
        "C1 hold friendly X1 cleared_by_run",
    ]


def test_a_disputed_invoice_is_held_and_left_out_of_the_letter() -> None:
    inv = invoices(
        invoice("X1", "C1", "2026-11-15", disputed=True), invoice("X2", "C1", "2026-11-15")
    )
    assert rows(run(inv, CUST, None, NOW)) == [
        "C1 email friendly X2",
        "C1 hold friendly X1 disputed",
    ]


def test_a_promise_to_pay_holds_until_its_date_inclusive() -> None:
    inv = _one(promise_to_pay_date=pd.Timestamp("2026-11-25"))
    assert rows(run(inv, CUST, None, NOW)) == [
        "C1 hold friendly X1 promise_to_pay until 2026-11-25"
    ]


def test_a_broken_promise_escalates_exactly_one_step_at_once() -> None:
    # friendly was sent at +3; firm would only come at +14 (11-29), but the promise
    # for 11-22 was broken: firm now, once.
    inv = _one(promise_to_pay_date=pd.Timestamp("2026-11-22"))
    hist = history(sent("C1", "friendly", "X1", "2026-11-18"))
    result = run(inv, CUST, hist, NOW)
    assert rows(result) == ["C1 email firm X1"]
    assert result.messages[0].facts["broken_promise"] == "X1"
    after = pd.concat([hist, history(sent("C1", "firm", "X1", "2026-11-25"))])
    assert rows(run(inv, CUST, after, at("2026-12-01"))) == []  # final waits for +28


def test_an_invoice_on_a_payment_plan_is_held_and_its_instalment_reminded() -> None:
    plans = pd.DataFrame(
        {
            "plan_id": ["PP1", "PP1"],
            "customer_id": ["C1", "C1"],
            "currency": ["EUR", "EUR"],
            "invoice_ids": ["X1", "X1"],
            "instalment": [1, 2],
            "due_date": pd.to_datetime(["2026-11-27", "2026-12-27"]),
            "amount_minor": [5000, 5000],
            "paid_minor": [0, 0],
        }
    )
    result = run(_one(), CUST, None, NOW, payment_plans=plans)
    assert rows(result) == ["C1 email instalment PP1#1", "C1 hold friendly X1 payment_plan PP1"]
    assert str(result.messages[0].total) == "50.00"


def test_opted_out_and_paused_customers_are_held() -> None:
    cust = customers(customer("C1", do_not_contact=True), customer("C2"))
    inv = invoices(invoice("X1", "C1", "2026-11-15"), invoice("Y1", "C2", "2026-11-15"))
    assert rows(run(inv, cust, None, NOW, paused=frozenset({"C2"}))) == [
        "C1 hold friendly X1 do_not_contact",
        "C2 hold friendly Y1 paused",
    ]


def test_a_balance_below_the_currency_minimum_is_held() -> None:
    inv = invoices(invoice("X1", "C1", "2026-11-15", amount="4.99"))
    assert rows(run(inv, CUST, None, NOW)) == ["C1 hold friendly X1 below_minimum 5.00 EUR"]


def test_unmatched_money_from_a_similar_name_or_the_same_iban_holds_the_letter() -> None:
    cust = customers(
        customer("C1", "Acme GmbH"),
        customer("C2", "Zeta Ltd", iban="DE89370400440532013000"),
        customer("C3", "Unrelated Corp"),
    )
    inv = invoices(*[invoice(f"{c}X", c, "2026-11-15") for c in ("C1", "C2", "C3")])
    unmatched = pd.DataFrame(
        {
            "transaction_id": ["T1", "T2"],
            "counterparty_name": ["ACME", "Someone Else"],
            "counterparty_iban": ["", "DE89 3704 0044 0532 0130 00"],
            "amount_minor": [10000, 10000],
            "currency": ["EUR", "EUR"],
        }
    )
    assert rows(run(inv, cust, None, NOW, unmatched_incoming=unmatched)) == [
        "C1 hold friendly C1X unmatched_incoming T1",
        "C2 hold friendly C2X unmatched_incoming T2",
        "C3 email friendly C3X",
    ]


def test_min_gap_and_the_30_day_cap_hold_letters() -> None:
    inv = invoices(invoice("X1", "C1", "2026-11-11"))  # firm (+14) due on the run day
    recent = history(sent("C1", "friendly", "X1", "2026-11-22"))
    assert rows(run(inv, CUST, recent, NOW)) == ["C1 hold firm X1 min_gap last message 2026-11-22"]
    busy = history(
        *[
            sent("C1", "friendly", f"O{i}", d)
            for i, d in enumerate(["2026-10-30", "2026-11-05", "2026-11-11", "2026-11-17"])
        ],
        sent("C1", "friendly", "X1", "2026-11-14"),
    )
    assert rows(run(inv, CUST, busy, NOW)) == ["C1 hold firm X1 cap_30_days 4 messages"]


def test_weekends_holidays_and_hours_in_the_customers_timezone_defer_the_letter() -> None:
    inv = _one()
    saturday = rows(run(inv, CUST, None, at("2026-11-28")))
    assert saturday == ["C1 hold friendly X1 not_before 2026-11-30T08:00+01:00"]
    ny = customers(customer("C1", "Acme Inc", country="US", timezone="America/New_York"))
    early = rows(run(inv, ny, None, at("2026-11-25", 9)))  # 04:00 in New York
    assert early == ["C1 hold friendly X1 not_before 2026-11-25T08:00-05:00"]
    thanksgiving = rows(run(inv, ny, None, at("2026-11-26", 15)))
    assert thanksgiving == ["C1 hold friendly X1 not_before 2026-11-27T08:00-05:00"]
    evening = rows(run(inv, CUST, None, at("2026-11-25", 17, 30)))  # 18:30 in Berlin
    assert evening == ["C1 hold friendly X1 not_before 2026-11-26T08:00+01:00"]


def test_no_address_holds_the_letter_and_an_invoice_address_wins() -> None:
    cust = customers(customer("C1", email=""), customer("C2", email=""))
    inv = invoices(
        invoice("X1", "C1", "2026-11-15"),
        invoice("Y1", "C2", "2026-11-15", email="billing@c2.example"),
    )
    result = run(inv, cust, None, NOW)
    assert rows(result) == ["C1 hold friendly X1 no_email", "C2 email friendly Y1"]
    assert result.messages[0].recipient == "billing@c2.example"


def test_regulation_f_caps_attempts_to_consumers_when_switched_on() -> None:
    pol = policy(
        packs={"regulation_f": {"enabled": True, "max_attempts_7_days": 2}},
        limits={"min_gap_days": 0, "max_messages_per_30_days": 30},
    )
    cust = customers(customer("C1", customer_type="consumer"), customer("C2"))
    inv = invoices(invoice("X1", "C1", "2026-11-15"), invoice("Y1", "C2", "2026-11-15"))
    hist = history(
        *[
            sent(c, "pre_due", f"Z{c}{i}", d)
            for c in ("C1", "C2")
            for i, d in enumerate(["2026-11-20", "2026-11-23"])
        ]
    )
    assert rows(run(inv, cust, hist, NOW, pol)) == [
        "C1 hold friendly X1 regulation_f 2 attempts in 7 days",
        "C2 email friendly Y1",
    ]


def test_an_unapplied_credit_note_is_netted_in_the_letter_and_can_cover_it() -> None:
    inv = invoices(
        invoice("X1", "C1", "2026-11-15"),
        invoice("CN1", "C1", "2026-11-01", amount="-30.00", status="credit_note"),
    )
    result = run(inv, CUST, None, NOW)
    assert rows(result) == ["C1 email friendly CN1 X1"]
    lines = [(x.invoice_id, x.stage, str(x.open_amount)) for x in result.messages[0].lines]
    assert lines == [("CN1", "credit_note", "-30.00"), ("X1", "friendly", "100.00")]
    assert str(result.messages[0].total) == "70.00"
    big = invoices(
        invoice("X1", "C1", "2026-11-15"),
        invoice("CN1", "C1", "2026-11-01", amount="-100.00", status="credit_note"),
    )
    assert rows(run(big, CUST, None, NOW)) == ["C1 hold friendly CN1 X1 credit_covers_balance"]


def test_a_naive_moment_is_refused_rather_than_guessed() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        run(_one(), CUST, None, NOW.replace(tzinfo=None))


def test_an_address_that_is_not_one_plain_address_is_held_not_guessed() -> None:
    cust = customers(
        customer("C1", email="ap@acme.example, boss@acme.example"),
        customer("C2", email="Acme <ap@c2.example>"),
    )
    inv = invoices(invoice("X1", "C1", "2026-11-15"), invoice("Y1", "C2", "2026-11-15"))
    assert rows(run(inv, cust, None, NOW)) == [
        "C1 hold friendly X1 invalid_email",
        "C2 hold friendly Y1 invalid_email",
    ]


def test_regulation_f_keeps_consumer_letters_between_8_am_and_9_pm_local() -> None:
    pol = policy(
        sending={"business_hours": {"start": "07:00", "end": "22:00"}},
        packs={"regulation_f": {"enabled": True}},
    )
    cust = customers(customer("C1", customer_type="consumer"), customer("C2"))
    inv = invoices(invoice("X1", "C1", "2026-11-15"), invoice("Y1", "C2", "2026-11-15"))
    early = at("2026-11-25", 6, 30)  # 07:30 in Berlin
    assert rows(run(inv, cust, None, early, pol)) == [
        "C1 hold friendly X1 not_before 2026-11-25T08:00+01:00",
        "C2 email friendly Y1",
    ]
