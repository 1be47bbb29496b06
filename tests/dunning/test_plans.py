"""Payment plans agreed by hand: payments fill the instalments in date order; a missed one
breaks the plan once the grace days are over."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from dunwell.dunning.plans import fill, status

DUES = [(date(2027, 1, 10), Decimal("40.00")), (date(2026, 12, 10), Decimal("40.00"))]


def test_payments_fill_the_earliest_instalment_first() -> None:
    parts = fill(DUES, Decimal("50.00"))
    assert [(p.number, p.due_date, p.paid) for p in parts] == [
        (1, date(2026, 12, 10), Decimal("40.00")), (2, date(2027, 1, 10), Decimal("10.00"))]


def test_a_plan_is_kept_until_an_instalment_is_missed_beyond_the_grace_days() -> None:
    unpaid = fill(DUES, Decimal("0"))
    assert status(unpaid, date(2026, 12, 15)) == "kept"  # 5 days late: still in grace
    assert status(unpaid, date(2026, 12, 16)) == "broken"
    assert status(fill(DUES, Decimal("40.00")), date(2026, 12, 31)) == "kept"
    assert status(fill(DUES, Decimal("80.00")), date(2027, 3, 1)) == "completed"


def test_more_paid_than_agreed_completes_the_plan_and_a_refund_counts_as_nothing() -> None:
    assert status(fill(DUES, Decimal("95.00")), date(2027, 3, 1)) == "completed"
    assert [p.paid for p in fill(DUES, Decimal("-5"))] == [Decimal(0), Decimal(0)]
