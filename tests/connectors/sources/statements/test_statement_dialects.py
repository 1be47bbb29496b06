"""Real-file dialects read with the tolerance banks need: what each one warns about, and
what stays an error (a bad amount or date on a transaction)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dunwell.connectors.sources.statements import check_balances, read_statement
from dunwell.connectors.sources.statements.text import decode, detect_8bit
from tests.connectors.sources.statements.statement_testkit import FIXTURES, raises_input_error

MT940 = (FIXTURES / "mt940_dialects_cp1250.sta").read_bytes()
CAMT = (FIXTURES / "camt053_dialects.xml").read_text(encoding="utf-8")
OFX_INV = (FIXTURES / "ofx_investment.ofx").read_text(encoding="utf-8")


def test_mt940_without_closing_balance_is_read_with_a_warning() -> None:
    imp = read_statement(FIXTURES / "mt940_dialects_cp1250.sta")
    assert [b.closing for b in imp.balances] == [Decimal("1379.50"), None]
    assert any("no closing balance (:62F:)" in w and ":13:" in w for w in imp.warnings)
    assert check_balances(imp) == []


def test_polish_windows_1250_text_is_detected_and_named() -> None:
    imp = read_statement(FIXTURES / "mt940_dialects_cp1250.sta")
    assert imp.transactions[1].remittance_info.startswith("OPŁATA")
    assert any("read as Windows-1250" in w for w in imp.warnings)


@pytest.mark.parametrize(("text", "encoding", "expected"), [
    ("OPŁATA ZA PRZELEW, Łódź, źdźbło, gęślą jaźń", "cp1250", "cp1250"),
    ("OPŁATA ZA PRZELEW, Łódź, źdźbło, gęślą jaźń, ąś", "iso8859_2", "iso8859_2"),
    ("Überweisung Müller, Größe, Straße", "cp1252", "cp1252"),
    ("Paiement facture n° 12, échéance à régler, reçu", "cp1252", "cp1252"),
])
def test_eight_bit_code_page_is_detected(text: str, encoding: str, expected: str) -> None:
    data = text.encode(encoding)
    assert detect_8bit(data) == expected
    assert decode(data, "x")[0] == text


def test_mt940_dot_decimals_and_amounts_without_decimals(write) -> None:
    text = MT940.decode("cp1250").replace("C25,", "C25")
    imp = read_statement(write("s.sta", text.encode("utf-8")))
    assert [t.amount for t in imp.transactions] == [Decimal("500"), Decimal("-120.5"),
                                                     Decimal("25")]


def test_mt940_bad_amount_on_a_transaction_stays_an_error(write) -> None:
    text = MT940.decode("cp1250").replace("D120.5NTRF", "D12O.5NTRF")
    error = raises_input_error(read_statement, write("s.sta", text.encode("utf-8")))
    assert (error.line, error.column) == (8, ":61:")


def test_camt_entries_without_booking_date_say_which_date_they_took() -> None:
    imp = read_statement(FIXTURES / "camt053_dialects.xml")
    assert any("1 entries without a booking date were booked on their value date: lines 23"
               in w for w in imp.warnings)
    assert any("on the statement's date" in w and "lines 29" in w for w in imp.warnings)
    assert any("statement has no account" in w for w in imp.warnings)


def test_camt_bad_date_on_an_entry_stays_an_error(write) -> None:
    text = CAMT.replace("<ValDt><Dt>2017-03-31</Dt>", "<ValDt><Dt>2017-13-31</Dt>")
    error = raises_input_error(read_statement, write("c.xml", text))
    assert error.column == "ValDt"
    assert error.line == 23


def test_camt_malformed_balance_is_a_warning(write) -> None:
    text = CAMT.replace('<Amt Ccy="CHF">1325.50</Amt>', '<Amt Ccy="CHF">1.325,50</Amt>')
    imp = read_statement(write("c.xml", text))
    assert len(imp.transactions) == 5
    assert imp.balances[0].closing is None
    assert any("Bal/Amt" in w and "cannot be checked" in w for w in imp.warnings)


def test_ofx_investment_statement_keeps_bank_transactions_and_says_what_it_skipped() -> None:
    imp = read_statement(FIXTURES / "ofx_investment.ofx")
    assert len(imp.transactions) == 2
    assert any("1 investment transactions" in w for w in imp.warnings)


def test_ofx_malformed_balance_keeps_the_transactions_with_a_warning() -> None:
    imp = read_statement(FIXTURES / "ofx_bad_balance.ofx")
    assert len(imp.transactions) == 2
    assert imp.balances[0].closing is None
    assert any("'R$ 5.326,43'" in w and "cannot be checked" in w for w in imp.warnings)


def test_ofx_stray_transaction_says_where_it_was_found(write) -> None:
    text = OFX_INV.replace("<INVSTMTRS>", "<INVSTMTRX>").replace("</INVSTMTRS>", "</INVSTMTRX>")
    error = raises_input_error(read_statement, write("o.ofx", text))
    assert "found inside INVSTMTRX > INVTRANLIST > INVBANKTRAN" in error.problem
    assert error.column == "STMTTRN"


def test_bai2_line_after_a_complete_record_is_still_refused(write) -> None:
    text = (FIXTURES / "bai2_wrapped.bai2").read_text(encoding="utf-8").replace(
        "CHECK 1042 PAID/\n", "CHECK 1042 PAID/\nGARBAGE\n")
    error = raises_input_error(read_statement, write("b.bai2", text))
    assert error.line == 7


def test_czech_iso_8859_2_text_is_detected_and_named() -> None:
    imp = read_statement(FIXTURES / "mt940_czech_iso8859_2.sta")
    assert imp.transactions[1].remittance_info == "Škoda Praha, řádná úhrada, děkujeme"
    assert any(w.endswith("read as ISO-8859-2") for w in imp.warnings)
