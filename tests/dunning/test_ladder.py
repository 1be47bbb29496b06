"""The stage comes from facts: a missed day catches up with one letter, never a burst or a skip.

Customer C1 is pinned to `standard`: pre_due -3, friendly +3, firm +14,
final +28, human_review +42. Runs at 09:00 UTC on weekdays.
"""

from __future__ import annotations

import pandas as pd
from dunning_kit import at, customer, customers, history, invoice, invoices, rows, run, sent

CUST = customers(customer("C1", "Acme GmbH"))


def test_standard_customers_get_pre_due_three_days_before_the_due_date() -> None:
    inv = invoices(invoice("X1", "C1", "2026-11-26"))
    assert rows(run(inv, CUST, None, at("2026-11-22"))) == []  # a Sunday, and -4 anyway
    assert rows(run(inv, CUST, None, at("2026-11-23"))) == ["C1 email pre_due X1"]


def test_forty_days_late_with_nothing_sent_starts_with_the_friendly_reminder() -> None:
    inv = invoices(invoice("X1", "C1", "2026-10-16"))  # 40 days late on 11-25
    result = run(inv, CUST, None, at("2026-11-25"))
    assert rows(result) == ["C1 email friendly X1"]
    assert len(result.messages) == 1


def test_after_a_gap_of_weeks_the_next_letter_is_one_step_further_only() -> None:
    inv = invoices(invoice("X1", "C1", "2026-10-01"))  # +55: final and human_review days are gone
    hist = history(sent("C1", "friendly", "X1", "2026-10-05"))
    assert rows(run(inv, CUST, hist, at("2026-11-25"))) == ["C1 email firm X1"]


def test_a_letter_lists_all_open_invoices_and_the_highest_stage_sets_the_tone() -> None:
    inv = invoices(
        invoice("X1", "C1", "2026-11-11"),
        invoice("X2", "C1", "2026-11-22"),
        invoice("X3", "C1", "2026-11-28"),
        invoice("X4", "C1", "2026-12-20"),
    )
    hist = history(sent("C1", "friendly", "X1", "2026-11-14"))
    result = run(inv, CUST, hist, at("2026-11-25"))
    assert rows(result) == ["C1 email firm X1 X2 X3"]  # X4 is not due for anything yet
    stages = [(line.invoice_id, line.stage, line.days_overdue) for line in result.messages[0].lines]
    assert stages == [("X1", "firm", 14), ("X2", "friendly", 3), ("X3", "pre_due", -3)]


def test_an_invoice_already_listed_is_not_pushed_past_its_own_step_days() -> None:
    # X2 was listed in X1's firm letter at +3: that counts as its friendly step, not firm.
    inv = invoices(invoice("X1", "C1", "2026-10-28"), invoice("X2", "C1", "2026-11-08"))
    hist = history(
        sent("C1", "pre_due", "X1", "2026-10-25"),
        sent("C1", "friendly", "X1", "2026-10-31"),
        sent("C1", "firm", "X1 X2", "2026-11-11"),
    )
    assert rows(run(inv, CUST, hist, at("2026-11-20"))) == []  # X2 firm only at +14 = 11-22
    assert rows(run(inv, CUST, hist, at("2026-11-23"))) == ["C1 email firm X1 X2"]


def test_every_ladder_ends_with_a_hand_over_to_a_person_then_silence() -> None:
    inv = invoices(invoice("X1", "C1", "2026-10-13"))  # +43
    hist = history(
        sent("C1", "friendly", "X1", "2026-10-16"),
        sent("C1", "firm", "X1", "2026-10-27"),
        sent("C1", "final", "X1", "2026-11-10"),
    )
    result = run(inv, CUST, hist, at("2026-11-25"))
    assert rows(result) == ["C1 human_review human_review X1"]
    assert result.emails == []
    assert [(h.channel, h.recipient) for h in result.handovers] == [("human_review", "")]
    handed = pd.concat([hist, history(sent("C1", "human_review", "X1", "2026-11-25"))])
    assert rows(run(inv, CUST, handed, at("2026-11-30"))) == []


def test_a_hand_over_ignores_sending_hours_because_no_customer_is_written_to() -> None:
    inv = invoices(invoice("X1", "C1", "2026-10-13"))
    hist = history(
        sent("C1", "friendly", "X1", "2026-10-16"),
        sent("C1", "firm", "X1", "2026-10-27"),
        sent("C1", "final", "X1", "2026-11-10"),
    )
    assert rows(run(inv, CUST, hist, at("2026-11-28"))) == ["C1 human_review human_review X1"]


def test_good_payers_get_fewer_and_later_steps_risky_ones_earlier() -> None:
    cust = customers(customer("G", segment="good"), customer("R", segment="risky"))
    inv = invoices(invoice("G1", "G", "2026-11-20"), invoice("R1", "R", "2026-11-20"))
    assert rows(run(inv, cust, None, at("2026-11-23"))) == ["R email friendly R1"]
    assert rows(run(inv, cust, None, at("2026-11-30"))) == [
        "G email friendly G1",
        "R email friendly R1",
    ]
