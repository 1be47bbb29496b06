"""MT940: dialect details, :86: layouts, and bad input naming file, line and tag."""

from __future__ import annotations

import gc
from decimal import Decimal

import pytest

from dunwell.connectors.sources.statements import read_statement
from dunwell.connectors.sources.statements.mt940_details import join_lines, parse_details
from tests.connectors.sources.statements.statement_testkit import FIXTURES, raises_input_error

GOOD = (FIXTURES / "sepa_86.sta").read_text(encoding="utf-8")


def _replace(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new)


def test_reversal_marks_book_against_the_original_direction() -> None:
    amounts = [t.amount for t in read_statement(FIXTURES / "reversal.sta").transactions]
    assert amounts == [Decimal("100.00"), Decimal("-100.00"), Decimal("40.00"), Decimal("-0.50")]


def test_format_is_recognised_by_content_not_name(write) -> None:
    path = write("statement.xml", GOOD)
    assert read_statement(path).format == "mt940"


def test_header_lines_and_dash_trailers_are_skipped(write) -> None:
    text = "ABNANL2A\n940\nABNANL2A\n" + GOOD + "-\n\n"
    assert len(read_statement(write("a.txt", text)).transactions) == 2


def test_utf8_bom_is_accepted(write) -> None:
    path = write("bom.sta", b"\xef\xbb\xbf" + GOOD.encode("utf-8"))
    assert len(read_statement(path).transactions) == 2


def test_latin1_text_is_read_as_cp1252_with_a_warning(write) -> None:
    path = write("l1.sta", _replace("Stadtwerke", "Stadtw\xe4rke").encode("latin-1"))
    imp = read_statement(path)
    assert imp.transactions[1].counterparty_name == "Stadtwärke Beispiel"
    assert any("Windows-1252" in w for w in imp.warnings)


def test_dutch_keyed_details_give_name_iban_and_remittance() -> None:
    details = parse_details(["/TRTP/SEPA OVERBOEKING/IBAN/NL91ABNA0417164300/BIC/ABNANL2A/NAME/",
                             "ACME BV/REMI/INV 2025-17/EREF/E2E-1"])
    assert details == ("ACME BV", "NL91ABNA0417164300", "INV 2025-17")


def test_ultimate_debtor_is_kept_as_on_behalf_of() -> None:
    sepa = parse_details(["166?00SEPA-UEBERWEISUNG?20EREF+E2E-7?21SVWZ+Rechnung Maerz?22ABWA+M",
                          "ueller Bau GmbH?31DE89370400440532013000?32Holding AG"])
    dutch = parse_details(["/TRTP/SEPA OVERBOEKING/NAME/ACME HOLDING BV/REMI/Betaling/ULTD/",
                           "ACME Installatie BV/NL123/EREF/E2E-1"])
    assert sepa.remittance == "Rechnung Maerz / on behalf of Mueller Bau GmbH"
    assert dutch.remittance == "Betaling / on behalf of ACME Installatie BV"


def test_ultimate_debtor_naming_the_payer_adds_nothing() -> None:
    details = parse_details(["166?20SVWZ+Rechnung 4711 ABWA+Holding AG?32Holding AG"])
    assert details.remittance == "Rechnung 4711"


def test_free_text_details_keep_line_breaks_as_spaces() -> None:
    assert join_lines(["short line", "next"]) == "short line next"
    assert join_lines(["x" * 65, "yz"]) == "x" * 65 + "yz"


@pytest.mark.parametrize(("old", "new", "line", "column"), [
    (":61:2510311031CR1500,00", ":61:2510311031CR15OO,00", 5, ":61:"),
    (":61:2510311031CR", ":61:2513311031CR", 5, ":61:"),
    (":61:2510311031CR", ":61:2510311399CR", 5, ":61:"),
    (":61:2510311031CR1500,00", ":61:2510311031XX1500,00", 5, ":61:"),
    (":60F:C251030EUR1000,00", ":60F:C251030EUR1.000,00", 4, ":60F:"),
    (":60F:C251030EUR1000,00", ":60F:C251030EURO", 4, ":60F:"),
    (":25:10020030/1234567890\n", "", 1, ":25:"),
    (":62F:C251103EUR2249,50\n", ":62F:C251103EUR2249;50\n", 12, ":62F:"),
    (":20:STARTUMSE\n", "", 1, ":20:"),
])
def test_bad_mt940_raises_input_error_naming_line_and_tag(write, old, new, line, column) -> None:
    error = raises_input_error(read_statement, write("bad.sta", _replace(old, new)))
    assert (error.line, error.column) == (line, column)
    assert "bad.sta" in str(error)


def test_truncated_mt940_is_read_with_a_warning_that_the_balance_cannot_be_checked(write
                                                                                 ) -> None:
    imp = read_statement(write("cut.sta", GOOD[: GOOD.index(":62F:")]))
    assert len(imp.transactions) == 2
    assert imp.balances[0].closing is None
    assert any("no closing balance (:62F:)" in w for w in imp.warnings)


def test_excess_decimals_for_the_currency_are_refused(write) -> None:
    error = raises_input_error(read_statement, write("x.sta", _replace("1500,00", "1500,001")))
    assert "more decimals" in error.problem


def test_statement_line_after_the_closing_balance_is_refused(write) -> None:
    text = GOOD.replace("-\n", ":61:2511041104C1,00NTRFNONREF\n-\n")
    error = raises_input_error(read_statement, write("late.sta", text))
    assert (error.line, error.column) == (13, ":61:")


def test_repeated_and_unordered_subfields_join_in_subfield_order() -> None:
    details = parse_details(["166?21 paid?32ACME?20Invoice?3207?61 late?20 4711"])
    assert details.remittance == "Invoice 4711 paid late"
    assert details.name == "ACME07"


@pytest.mark.parametrize("enabled", [True, False])
def test_reading_leaves_the_garbage_collector_as_it_found_it(write, enabled: bool) -> None:
    bad = write("bad.sta", _replace(":61:2511031103DR250,50", ":61:2511031103DR2x0,50"))
    (gc.enable if enabled else gc.disable)()
    try:
        assert len(read_statement(write("good.sta", GOOD)).transactions) == 2
        assert gc.isenabled() is enabled
        raises_input_error(read_statement, bad)
        assert gc.isenabled() is enabled
    finally:
        gc.enable()
