"""The matching policy: thresholds and tolerances, a frozen value built from config."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from dunwell.money import D, to_minor

_FEE_BY_CURRENCY = {"IDR": "250000.00", "JPY": "2500", "HUF": "5000.00"}


@dataclass(frozen=True)
class MatchPolicy:
    """How sure the engine must be, and which differences it forgives.

    Attributes:
      auto_threshold: confidence (0-100) from which a match is booked without a person.
      review_threshold: confidence from which a match is proposed for review; below it
        the payment is reported as unmatched.
      bank_fee_tolerance: a short payment up to this amount (invoice currency, major
        units) is a bank fee, not a short payment.
      bank_fee_tolerance_by_currency: per-currency overrides of bank_fee_tolerance.
      bank_fee_max_percent: and the fee is at most this share of the open amount.
      ambiguity_margin: a runner-up this close to the best candidate makes it a review.
      name_score_cutoff: payer-name similarity (0-100) below which a name is no evidence.
      max_subset_size: the most invoices one unreferenced payment is tried against.
      max_subset_invoices: the most open invoices of a customer searched for a subset.
      max_review_candidates: ranked candidates kept per review item.
    """

    auto_threshold: int = 90
    review_threshold: int = 60
    bank_fee_tolerance: str | Decimal = "15.00"
    bank_fee_tolerance_by_currency: Mapping[str, str] = field(
        default_factory=lambda: dict(_FEE_BY_CURRENCY))
    bank_fee_max_percent: float = 5.0
    ambiguity_margin: int = 10
    name_score_cutoff: int = 80
    max_subset_size: int = 5
    max_subset_invoices: int = 12
    max_review_candidates: int = 5

    def __post_init__(self) -> None:
        if not 0 <= self.review_threshold <= self.auto_threshold <= 100:
            raise ValueError("need 0 <= review_threshold <= auto_threshold <= 100")
        if self.max_subset_size < 1 or self.max_subset_invoices < 1:
            raise ValueError("subset limits must be positive")

    def fee_tolerance_minor(self, currency: str) -> int:
        """The bank fee tolerance in a currency's minor units."""
        amount = self.bank_fee_tolerance_by_currency.get(currency, self.bank_fee_tolerance)
        return to_minor(D(str(amount)), currency)
