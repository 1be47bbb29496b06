"""Optional legal packs that change what a letter says.

EU late payment (Directive 2011/7/EU) for business debts: a fixed
compensation per overdue invoice and statutory interest at the reference
rate plus 8 points a year, simple interest on the open amount, day count
actual/365, rounded half up to the currency's minor unit. Shown in the final
notice. Regulation F's limits are guards (see guards.py and window.py).
"""

from __future__ import annotations

from decimal import Decimal

from dunwell.dunning.policy import Packs
from dunwell.money import quantize

_DAYS_A_YEAR = Decimal(365)
_HUNDRED = Decimal(100)


def statutory_interest(
    open_amount: Decimal, days_late: int, packs: Packs, currency: str
) -> Decimal:
    """Interest owed for `days_late` days at reference rate + margin, per year, simple."""
    if days_late <= 0:
        return quantize(Decimal(0), currency)
    rate = (packs.eu_reference_rate + packs.eu_margin_points) / _HUNDRED
    return quantize(open_amount * rate * Decimal(days_late) / _DAYS_A_YEAR, currency)


def late_payment(
    open_amount: Decimal, days_late: int, currency: str, packs: Packs
) -> tuple[Decimal | None, Decimal | None]:
    """(fixed compensation, interest) for one overdue invoice; (None, None) when not due."""
    if not packs.eu_late_payment or days_late <= 0:
        return None, None
    fixed = packs.eu_fixed_compensation.get(currency)
    return fixed, statutory_interest(open_amount, days_late, packs, currency)
