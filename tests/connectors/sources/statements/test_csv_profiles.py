"""Bank CSV profiles: recognition, explicit choice, amounts, and bad input."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dunwell.connectors.sources.statements import load_profiles, read_statement
from dunwell.connectors.sources.statements.csv_bank import after_lines
from dunwell.connectors.sources.statements.text import amount, check_precision
from dunwell.errors import ConfigError, FormatNotRecognised
from tests.connectors.sources.statements.statement_testkit import (
    FIXTURE_PROFILES,
    FIXTURES,
    raises_input_error,
)

GOOD = (FIXTURES / "debit_credit.csv").read_bytes().decode("cp1252")


@pytest.mark.parametrize(("text", "decimal", "thousands", "expected"), [
    ("1.234,56", ",", ".", "1234.56"),
    ("11'373.94", ".", "'", "11373.94"),
    ("$1,036.47", ".", ",", "1036.47"),
    ("-45,00", ",", ".", "-45.00"),
    ("45,00-", ",", ".", "-45.00"),
    ("(12.50)", ".", ",", "-12.50"),
    ("2,", ",", "", "2"),
    ("0,3", ",", "", "0.3"),
    ("1 234,56", ",", "", "1234.56"),
])
def test_localised_amounts_parse_to_decimals(text, decimal, thousands, expected) -> None:
    value = amount(text.replace("$", ""), "f", 1, "amount", decimal=decimal, thousands=thousands)
    assert value == Decimal(expected)


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "1.234,56.7", "--5", "1e5", "NaN"])
def test_garbage_amounts_are_input_errors(text: str) -> None:
    raises_input_error(amount, text, "f", 3, "Betrag", decimal=",", thousands=".")


def test_every_sample_profile_loads() -> None:
    assert {"ing_nl", "knab_nl", "n26", "schwab_checking", "sparkasse_csv_camt",
            "ubs_ch_fr"} <= set(load_profiles())


def test_explicit_profile_is_used_and_unknown_profile_is_an_input_error(write) -> None:
    path = write("x.csv", GOOD.encode("cp1252"))
    imp = read_statement(path, profile="testbank_debit_credit", profiles_dir=FIXTURE_PROFILES)
    assert len(imp.transactions) == 2
    error = raises_input_error(read_statement, path, profile="nope", profiles_dir=FIXTURE_PROFILES)
    assert "testbank_debit_credit" in error.problem


def test_unknown_csv_layout_is_not_recognised(write) -> None:
    with pytest.raises(FormatNotRecognised):
        read_statement(write("x.csv", "a;b;c\n1;2;3\n"))


@pytest.mark.parametrize(("old", "new", "line", "column"), [
    ("03.11.2025", "31.11.2025", 4, "Buchung"),
    ('"1.234,56"', '"1.234,5x"', 4, "Haben"),
    (';"-45,00";;EUR', ";;;EUR", 5, "Soll/Haben"),
    (";EUR;gebucht\n04", ";EURO;gebucht\n04", 4, "Währung"),
    ("Soll;Haben", "Sol;Haben", 3, "Soll"),
])
def test_bad_csv_rows_raise_input_error_naming_line_and_column(write, old, new, line,
                                                               column) -> None:
    assert old in GOOD
    path = write("bad.csv", GOOD.replace(old, new, 1).encode("cp1252"))
    kwargs = {"profile": "testbank_debit_credit", "profiles_dir": FIXTURE_PROFILES}
    error = raises_input_error(read_statement, path, **kwargs)
    assert (error.line, error.column) == (line, column)


def test_a_profile_without_amount_columns_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("header: [a]\ncolumns:\n  booking_date: a\n")
    with pytest.raises(ConfigError):
        load_profiles(tmp_path)


def test_a_profile_with_unknown_settings_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text(
        "header: [a]\nsepartor: ';'\ncolumns:\n  booking_date: a\n  amount: b\n")
    with pytest.raises(ConfigError):
        load_profiles(tmp_path)


def test_currency_argument_fills_a_profile_without_currency(tmp_path: Path, write) -> None:
    (tmp_path / "plain.yaml").write_text(
        "header: [Date, Amount, Memo]\ncolumns:\n  booking_date: Date\n  amount: Amount\n"
        "  remittance_info: Memo\n")
    path = write("plain.csv", "Date,Amount,Memo\n2025-11-03,-12.50,coffee\n")
    error = raises_input_error(read_statement, path, profiles_dir=tmp_path)
    assert (error.line, error.column) == (2, "currency")
    imp = read_statement(path, currency="chf", profiles_dir=tmp_path)
    assert (imp.transactions[0].currency, imp.transactions[0].amount) == ("CHF", Decimal("-12.50"))


def test_sign_column_and_bom_header_are_understood(write) -> None:
    text = ('\ufeff"Datum","Naam / Omschrijving","Rekening","Tegenrekening","Code","Af Bij",'
            '"Bedrag (EUR)","MutatieSoort","Mededelingen"\n'
            '"20251103","ACME","NL91ABNA0417164300","","GT","Af","1.234,50","x","INV 7"\n')
    imp = read_statement(write("ing.csv", text))
    assert imp.profile == "ing_nl"
    assert imp.transactions[0].amount == Decimal("-1234.50")


def _one_column_profile(folder: Path, decimal: str, thousands: str) -> Path:
    folder.mkdir()
    (folder / "one_amount.yaml").write_text(
        f'header: [Datum, Betrag]\nseparator: ";"\ndecimal: "{decimal}"\n'
        f'thousands: "{thousands}"\ncurrency: EUR\n'
        "columns:\n  booking_date: Datum\n  amount: Betrag\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize(("decimal", "thousands", "cells"), [
    (".", ",", ["+5", "5.", "-0", "007.50", "-12.3", "1,234.56", "(3.00)", "12-"]),
    (",", ".", ["+5", "2,", "-0", "007,50", "-12,3", "1.234,56", "3,00-", " 4 "]),
])
def test_a_profile_reads_each_amount_as_the_amount_parser_does(
        write, tmp_path: Path, decimal: str, thousands: str, cells: list[str]) -> None:
    folder = _one_column_profile(tmp_path / "profiles", decimal, thousands)
    rows = "".join(f"2026-01-0{i + 1};{cell}\n" for i, cell in enumerate(cells))
    imp = read_statement(write("x.csv", "Datum;Betrag\n" + rows), profiles_dir=folder)
    wanted = [check_precision(amount(c.strip(), "f", 1, "Betrag", decimal=decimal,
                                     thousands=thousands), "EUR", "f", 1, "amount")
              for c in cells]
    assert [str(t.amount) for t in imp.transactions] == [str(w) for w in wanted]


@pytest.mark.parametrize("cell", ["1234567890123456", "5.123", "+0.001"])
def test_an_amount_the_currency_cannot_hold_is_refused_as_the_amount_parser_reads_it(
        write, tmp_path: Path, cell: str) -> None:
    folder = _one_column_profile(tmp_path / "profiles", ".", "")
    path = write("x.csv", f"Datum;Betrag\n2026-01-02;1.00\n2026-01-03;{cell}\n")
    error = raises_input_error(read_statement, path, profiles_dir=folder)
    expected = raises_input_error(check_precision, amount(cell, "f", 3, "Betrag"), "EUR",
                                  str(path), 3, "amount")
    assert (error.line, error.column, error.problem) == (3, "amount", expected.problem)


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet="a\n\r\"", max_size=30), count=st.integers(0, 12))
def test_the_text_after_some_lines_is_what_splitting_every_line_gives(text: str,
                                                                      count: int) -> None:
    assert after_lines(text, count) == text.split("\n", count)[-1]
