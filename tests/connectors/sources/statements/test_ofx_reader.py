"""OFX/QFX: SGML and XML, encodings, and bad input."""

from __future__ import annotations

import pytest

from dunwell.connectors.sources.statements import read_statement
from tests.connectors.sources.statements.statement_testkit import FIXTURES, raises_input_error

SGML = (FIXTURES / "ofx_sgml_cp1252.ofx").read_bytes().decode("cp1252")
XML = (FIXTURES / "ofx_xml.ofx").read_text(encoding="utf-8")


def test_undeclared_cp1252_is_read_with_a_warning(write) -> None:
    text = XML.replace("Monthly fee", "Frais bancaires \u00e9t\u00e9")
    imp = read_statement(write("x.ofx", text.encode("cp1252")))
    assert imp.transactions[1].counterparty_name == "Frais bancaires été"
    assert any("Windows-1252" in w for w in imp.warnings)


def test_currency_argument_fills_a_missing_curdef(write) -> None:
    imp = read_statement(write("x.ofx", XML.replace("<CURDEF>GBP</CURDEF>", "")), currency="GBP")
    assert {t.currency for t in imp.transactions} == {"GBP"}


def test_closing_balance_only_gives_no_finding() -> None:
    imp = read_statement(FIXTURES / "ofx_xml.ofx")
    assert imp.balances[0].opening is None and imp.balances[0].closing is not None


@pytest.mark.parametrize(("old", "new", "column"), [
    ("<TRNAMT>-19.90", "<TRNAMT>-19.9x", "TRNAMT"),
    ("<TRNAMT>-19.90", "<TRNAMTX>-19.90", "TRNAMT"),
    ("<DTPOSTED>20251103\r\n", "<DTPOSTED>20251332\r\n", "DTPOSTED"),
    ("<DTPOSTED>20251103\r\n", "", "DTPOSTED"),
    ("<CURDEF>EUR", "<CURDEF>", "CURDEF"),
    ("<ACCTID>FR7630004000031234567890143", "", "ACCTID"),
    ("</STMTTRN>\r\n</BANKTRANLIST>", "</BANKTRANLIST>", "STMTTRN"),
])
def test_bad_ofx_raises_input_error_naming_line_and_field(write, old, new, column) -> None:
    assert old in SGML
    path = write("bad.ofx", SGML.replace(old, new).encode("cp1252"))
    error = raises_input_error(read_statement, path)
    assert error.column == column and error.line and error.line > 10


def test_truncated_ofx_raises_input_error(write) -> None:
    cut = XML[: XML.index("</BANKTRANLIST>")]
    error = raises_input_error(read_statement, write("cut.ofx", cut))
    assert "truncated" in error.problem


def test_a_file_cut_inside_a_transaction_names_the_last_line_it_holds(write) -> None:
    cut = SGML[: SGML.rindex("</STMTTRN>")].rstrip()  # ends on the last leaf, <NAME>
    lines = cut.count("\n") + 1
    error = raises_input_error(read_statement, write("cut.ofx", cut.encode("cp1252")))
    assert "truncated" in error.problem and error.line == lines
