"""Payment plans agreed by hand: what each instalment has received, and whether the plan is kept.

What the customer paid since the plan started (what was owed then less what is
owed now on its invoices) fills the instalments in date order. A plan is kept
while no instalment is more than `grace_days` past its date without being paid
in full; a broken plan stops holding the ladder, so dunning resumes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

GRACE_DAYS = 5


@dataclass(frozen=True, slots=True)
class Instalment:
    """One instalment: its number, date, amount and what it has received so far."""

    number: int
    due_date: date
    amount: Decimal
    paid: Decimal


def fill(dues: list[tuple[date, Decimal]], paid_so_far: Decimal) -> list[Instalment]:
    """The instalments in date order, each credited with what the payments cover."""
    left = max(paid_so_far, Decimal(0))
    out = []
    for number, (due, amount) in enumerate(sorted(dues), start=1):
        share = min(left, amount)
        left -= share
        out.append(Instalment(number, due, amount, share))
    return out


def status(instalments: list[Instalment], day: date, grace_days: int = GRACE_DAYS) -> str:
    """`completed`, `broken` (an instalment missed beyond the grace days) or `kept`."""
    if all(i.paid >= i.amount for i in instalments):
        return "completed"
    late = day - timedelta(days=grace_days)
    if any(i.paid < i.amount and i.due_date < late for i in instalments):
        return "broken"
    return "kept"
