"""Properties of the canonical readers: any text gives a frame or an InputError, never a crash;
valid amounts round-trip exactly to minor units."""

from __future__ import annotations

import csv
import io
import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dunwell.connectors.sources import canonical
from dunwell.errors import InputError, InputErrors
from dunwell.money import D, exponent, to_minor

# any text a spreadsheet could hold: no surrogates (not encodable), NUL included
CELL = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
AMOUNTISH = st.one_of(CELL, st.from_regex(r"-?[0-9]{0,20}([.,][0-9]{0,6})?", fullmatch=True))
DATEISH = st.one_of(CELL, st.from_regex(r"[0-9]{1,5}-[0-9]{1,3}-[0-9]{1,3}", fullmatch=True))
CURRENCIES = st.sampled_from(["EUR", "USD", "JPY", "BHD", "CLF", "CHF"])
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _refused_or_typed(frame) -> bool:  # noqa: ANN001
    """Refused (None), or a frame whose amounts are int64 minor units and lines are numbers."""
    if frame is None:
        return True
    minor = [c for c in frame.columns if c.endswith("_minor")]
    typed = all(str(frame[c].dtype) == "int64" for c in minor)
    return typed and str(frame["line"].dtype) == "int64"


def _read(reader, data: bytes):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "input.csv"
        path.write_bytes(data)
        try:
            return reader(path)
        except (InputError, InputErrors):
            return None


@SETTINGS
@given(amounts=st.lists(AMOUNTISH, min_size=1, max_size=4), dates=st.lists(DATEISH, min_size=4,
                                                                            max_size=4))
def test_any_amount_or_date_text_gives_a_frame_or_an_input_error(amounts, dates):
    rows = [canonical.INVOICE_REQUIRED + ["open_amount", "promise_to_pay_date"]]
    for i, amount in enumerate(amounts):
        rows.append([f"I{i}", "C1", "EUR", amount, dates[i % 4], dates[(i + 1) % 4], amount,
                     dates[(i + 2) % 4]])
    assert _refused_or_typed(_read(canonical.read_invoices, _csv(rows)))


@SETTINGS
@given(cells=st.lists(CELL, min_size=4, max_size=4), currency=st.one_of(CELL, CURRENCIES))
def test_any_bank_row_gives_a_frame_or_an_input_error(cells, currency):
    rows = [canonical.BANK_REQUIRED, [cells[0], cells[1], cells[2], currency],
            [cells[0], cells[3], cells[2], currency]]
    assert _refused_or_typed(_read(canonical.read_bank_csv, _csv(rows)))


@SETTINGS
@given(data=st.binary(max_size=300))
def test_any_bytes_after_a_valid_header_give_a_frame_or_an_input_error(data):
    header = (",".join(canonical.INVOICE_REQUIRED) + "\n").encode()
    assert _refused_or_typed(_read(canonical.read_invoices, header + data))


@st.composite
def amount_texts(draw) -> tuple[str, str]:
    """A canonical amount string for a currency, trailing zeros and all."""
    currency = draw(CURRENCIES)
    places = exponent(currency)
    whole = draw(st.integers(0, 10 ** min(15, 18 - places) - 1))
    sign = draw(st.sampled_from(["", "-"]))
    if places == 0:
        return f"{sign}{whole}", currency
    frac = draw(st.integers(0, 10**places - 1))
    zeros = draw(st.integers(0, 3))
    digits = f"{frac:0{places}d}" + "0" * zeros
    cut = draw(st.integers(0, len(digits)))
    digits = digits if digits[cut:].strip("0") else digits[:cut]
    return (f"{sign}{whole}.{digits}" if digits else f"{sign}{whole}"), currency


@SETTINGS
@given(amounts=st.lists(amount_texts(), min_size=1, max_size=5))
def test_valid_amount_text_round_trips_exactly_to_minor_units(amounts):
    rows = [canonical.INVOICE_REQUIRED]
    rows += [[f"I{i}", "C1", ccy, text, "2026-01-01", "2026-02-01"]
             for i, (text, ccy) in enumerate(amounts)]
    frame = _read(canonical.read_invoices, _csv(rows))
    assert frame is not None, amounts
    assert frame["amount_minor"].dtype == "int64"
    expected = [to_minor(D(text), ccy) for text, ccy in amounts]
    assert frame["amount_minor"].tolist() == expected
    for (text, ccy), minor in zip(amounts, expected, strict=True):
        assert Decimal(minor).scaleb(-exponent(ccy)) == Decimal(text)


@SETTINGS
@given(cells=st.lists(CELL, min_size=6, max_size=6))
def test_any_customer_cells_give_a_frame_or_an_input_error(cells):
    rows = [["customer_id", "name", "language", "country", "timezone", "do_not_contact"],
            cells, ["C2", "Bolt BV", "nl", "NL", "Europe/Amsterdam", "false"]]
    assert _refused_or_typed(_read(canonical.read_customers, _csv(rows)))


@SETTINGS
@given(rows=st.lists(st.tuples(st.integers(1 - 10**15, 10**15 - 1), CURRENCIES, CELL), min_size=1,
                     max_size=5))
def test_bank_csv_written_then_read_gives_the_same_minor_units_and_text(rows):
    import pandas as pd

    frame = pd.DataFrame({
        "transaction_id": [f"T{i}" for i in range(len(rows))],
        "booking_date": pd.to_datetime(["2026-11-02"] * len(rows)).astype("datetime64[s]"),
        "amount_minor": pd.Series([m for m, _, _ in rows], dtype="int64"),
        "currency": [c for _, c, _ in rows],
        "counterparty_name": "", "counterparty_iban": "",
        "remittance_info": [text for _, _, text in rows], "account": "",
    })
    with tempfile.TemporaryDirectory() as folder:
        path = canonical.write_bank(frame, Path(folder) / "bank.csv")
        back = canonical.read_bank_csv(path)
    assert back["amount_minor"].tolist() == frame["amount_minor"].tolist()
    # text keeps its meaning; line ends and edge spaces are normalised on reading
    assert back["remittance_info"].tolist() == [
        t.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n").strip()
        for t in frame["remittance_info"]]
