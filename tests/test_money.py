"""The money gate: Decimal in, never a float; exact minor units; one currency per sum."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dunwell.money import (
    D,
    Money,
    MoneyError,
    exponent,
    format_money,
    format_plain,
    from_minor,
    has_excess_precision,
    quantize,
    to_minor,
)

CURRENCIES = st.sampled_from(["EUR", "USD", "JPY", "BHD", "CLF", "GBP", "KWD"])
MINOR = st.integers(-(10**18), 10**18)


@pytest.mark.parametrize(("text", "value"), [
    ("1234.50", Decimal("1234.50")), ("-12.00", Decimal("-12.00")), ("0", Decimal(0)),
    (" 7.5 ", Decimal("7.5")), (12, Decimal(12)), (Decimal("3.14"), Decimal("3.14")),
])
def test_gate_takes_canonical_text_ints_and_decimals(text, value):
    assert D(text) == value
    assert isinstance(D(text), Decimal)


@pytest.mark.parametrize("bad", [
    1.5, 0.1, True, float("nan"), Decimal("NaN"), Decimal("Infinity"),
    "1,50", "1.234,56", "1e3", "+1", "", "abc", "1.", ".5",
    "١٢.٥٠",
])
def test_gate_refuses_floats_non_finite_values_and_non_canonical_text(bad):
    with pytest.raises(MoneyError):
        D(bad)


@pytest.mark.parametrize(("amount", "currency", "rounded"), [
    ("0.005", "EUR", "0.01"), ("-0.005", "EUR", "-0.01"), ("0.0049", "EUR", "0.00"),
    ("2.5", "JPY", "3"), ("1.0005", "BHD", "1.001"), ("10", "EUR", "10.00"),
])
def test_quantize_rounds_half_up_to_the_currency_minor_unit(amount, currency, rounded):
    assert str(quantize(D(amount), currency)) == rounded


def test_exponents_follow_iso_4217():
    assert [exponent(c) for c in ("EUR", "JPY", "BHD", "CLF")] == [2, 0, 3, 4]


@pytest.mark.parametrize("currency", ["IDR", "HUF", "TWD", "COP", "ISK", "UGX"])
def test_exponents_come_from_iso_not_from_cldr_cash_digits(currency):
    # CLDR (babel >= 2.19) gives IDR 0 digits, ISO 4217 gives 2; ISK and UGX are 0 in ISO
    iso = {"IDR": 2, "HUF": 2, "TWD": 2, "COP": 2, "ISK": 0, "UGX": 0}
    assert exponent(currency) == iso[currency]


@pytest.mark.parametrize("code", ["XXX", "XAU", "XTS", "ABC", "eur", ""])
def test_codes_without_a_minor_unit_are_not_money(code):
    with pytest.raises(MoneyError):
        exponent(code)


@pytest.mark.parametrize(("amount", "currency", "locale", "text"), [
    ("158432.46", "IDR", "id", "Rp158.432,46"),
    ("1234.5", "EUR", "de", "1.234,50\xa0€"),
    ("158432", "JPY", "ja", "￥158,432"),
    ("1.5", "BHD", "en", "BHD1.500"),
])
def test_amounts_for_people_keep_the_iso_decimals(amount, currency, locale, text):
    assert format_money(D(amount), currency, locale) == text


def test_to_minor_refuses_an_amount_finer_than_the_currency():
    with pytest.raises(MoneyError):
        to_minor(D("1.005"), "EUR")
    assert has_excess_precision(D("1.005"), "EUR")
    assert not has_excess_precision(D("1.050"), "EUR")


@given(minor=MINOR, currency=CURRENCIES)
def test_minor_units_round_trip_exactly(minor, currency):
    amount = from_minor(minor, currency)
    assert isinstance(amount, Decimal)
    assert -amount.as_tuple().exponent == exponent(currency) or exponent(currency) == 0
    assert to_minor(amount, currency) == minor


@settings(max_examples=200)
@given(amount=st.decimals(allow_nan=False, allow_infinity=False, places=2,
                          min_value=Decimal("-1e15"), max_value=Decimal("1e15")))
def test_a_cent_amount_round_trips_through_minor_units_and_text(amount):
    minor = to_minor(amount, "EUR")
    assert isinstance(minor, int)
    assert from_minor(minor, "EUR") == amount
    assert D(format_plain(amount, "EUR")) == amount


@given(a=MINOR, b=MINOR, currency=CURRENCIES)
def test_adding_money_of_one_currency_is_exact(a, b, currency):
    total = Money(from_minor(a, currency), currency) + Money(from_minor(b, currency), currency)
    assert total.currency == currency
    assert to_minor(total.amount, currency) == a + b


@pytest.mark.parametrize("op", [lambda x, y: x + y, lambda x, y: x - y])
def test_combining_two_currencies_raises(op):
    with pytest.raises(MoneyError):
        op(Money(D("1.00"), "EUR"), Money(D("1.00"), "USD"))


def test_money_prints_as_the_contract_text():
    assert str(Money(D("1234.5"), "EUR")) == "EUR 1234.50"
    assert str(-Money(D("1"), "JPY")) == "JPY -1"
    assert Money(D("0.125"), "EUR").quantized() == Money(D("0.13"), "EUR")
