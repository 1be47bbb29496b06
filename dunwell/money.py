"""Money: the one gate for amounts, quantised to each currency's minor unit.

Amounts are `Decimal` in records and integer minor units in vectorised code;
a float never passes the gate, and adding two currencies raises.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from dunwell.currencies import MINOR_UNITS

_CANONICAL = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
ROUNDING = ROUND_HALF_UP
MAX_WHOLE_DIGITS = 15
"""Digits before the decimal point an amount may have: int64 minor units must hold it."""


class MoneyError(ValueError):
    """An amount that cannot be money: a float, garbage, or mixed currencies."""


def D(value: str | int | Decimal) -> Decimal:  # noqa: N802 - beancount's name for the gate
    """Turn a canonical decimal string, int or Decimal into a Decimal; floats are refused."""
    if isinstance(value, bool) or isinstance(value, float):
        raise MoneyError(f"refusing {type(value).__name__} {value!r}: money is never a float")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise MoneyError(f"not a finite amount: {value!r}")
        return value
    if isinstance(value, int):
        return Decimal(value)
    text = value.strip()
    if not _CANONICAL.match(text):
        raise MoneyError(f"not an amount with a dot as decimal separator: {value!r}")
    try:
        return Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the regex already guards
        raise MoneyError(f"not an amount: {value!r}") from exc


def exponent(currency: str) -> int:
    """Digits after the decimal point for a currency by ISO 4217 (EUR 2, JPY 0, BHD 3)."""
    try:
        return MINOR_UNITS[currency]
    except KeyError:
        raise MoneyError(f"{currency!r} is not an ISO 4217 currency code") from None


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round an amount to the currency's minor unit, half up."""
    return amount.quantize(Decimal(1).scaleb(-exponent(currency)), rounding=ROUNDING)


def has_excess_precision(amount: Decimal, currency: str) -> bool:
    """True when an amount carries more decimals than its currency allows."""
    return quantize(amount, currency) != amount


def to_minor(amount: Decimal, currency: str) -> int:
    """Amount in integer minor units (cents); raises if it does not fit exactly."""
    scaled = amount.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        raise MoneyError(f"{amount} has more decimals than {currency} allows")
    return int(scaled)


def from_minor(minor: int, currency: str) -> Decimal:
    """Integer minor units back to a Decimal with the currency's exponent."""
    return Decimal(int(minor)).scaleb(-exponent(currency)).quantize(
        Decimal(1).scaleb(-exponent(currency))
    )


def format_plain(amount: Decimal, currency: str) -> str:
    """The contract's canonical text: a dot, the currency's decimals, no grouping."""
    return f"{quantize(amount, currency):f}"


def format_money(amount: Decimal, currency: str, locale: str, pattern: str | None = None) -> str:
    """An amount for people, in the locale's style but with ISO 4217 decimals, not CLDR's."""
    from babel import Locale  # for people's text only: reading and converting never need it
    from babel.numbers import parse_pattern

    where = Locale.parse(locale)
    fixed = copy.copy(parse_pattern(pattern) if pattern else where.currency_formats["standard"])
    digits = exponent(currency)
    fixed.frac_prec = (digits, digits)
    text: str = fixed.apply(quantize(amount, currency), where, currency=currency,
                            currency_digits=False)
    return text


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in one currency.

    Attributes:
      amount: the value, a Decimal at the currency's precision or finer.
      currency: ISO 4217 code.
    """

    amount: Decimal
    currency: str

    def __add__(self, other: Money) -> Money:
        return Money(self.amount + _same(self, other).amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.amount - _same(self, other).amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def quantized(self) -> Money:
        return Money(quantize(self.amount, self.currency), self.currency)

    def __str__(self) -> str:
        return f"{self.currency} {format_plain(self.amount, self.currency)}"


def _same(a: Money, b: Money) -> Money:
    if a.currency != b.currency:
        raise MoneyError(f"cannot combine {a.currency} and {b.currency}")
    return b
