"""`frames.minor_to_text`: minor units back to canonical decimal text, for every exponent."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from dunwell.currencies import display_exponent
from dunwell.frames import exponents, minor_to_text, scale

CODES = st.sampled_from(["EUR", "JPY", "KWD", "CLF", "IDR", "CHF", "XXX", "ZZZ"])


@given(rows=st.lists(st.tuples(st.integers(-(10**17), 10**17), CODES), max_size=10))
@settings(max_examples=300, deadline=None)
def test_minor_units_read_as_decimal_text(rows) -> None:
    minor = pd.Series([m for m, _ in rows], dtype="int64", index=range(5, 5 + len(rows)))
    currency = pd.Series([c for _, c in rows], dtype="str", index=minor.index)
    text = minor_to_text(minor, currency)
    expected = [f"{Decimal(m).scaleb(-display_exponent(c)):f}" for m, c in rows]
    assert text.tolist() == expected
    assert text.dtype == "str" and text.index.equals(minor.index)
    assert [int(Decimal(t) * 10 ** e) for t, e in zip(
        text, exponents(currency), strict=True)] == minor.tolist()
    assert scale(currency).tolist() == [10 ** display_exponent(c) for _, c in rows]
