"""BAI2: type codes, funds types, continuation records, and bad input."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dunwell.connectors.sources.statements import read_statement
from tests.connectors.sources.statements.statement_testkit import FIXTURES, raises_input_error

GOOD = (FIXTURES / "bai2_continuation.bai2").read_text(encoding="utf-8")


def test_currency_defaults_to_usd_when_no_record_states_one(write) -> None:
    imp = read_statement(write("x.bai2", GOOD.replace(",2400,EUR,", ",2400,,")))
    assert {t.currency for t in imp.transactions} == {"USD"}


def test_distribution_funds_type_skips_its_pairs(write) -> None:
    text = GOOD.replace("16,475,2500,V,251102,1200,BREF2,,CHECK PAID/",
                        "16,475,2500,D,2,0,1500,1,1000,BREF2,,CHECK PAID/")
    txn = read_statement(write("d.bai2", text)).transactions[1]
    assert (txn.transaction_id, txn.amount, txn.remittance_info) == (
        "BREF2", Decimal("-25.00"), "CHECK PAID")


def test_yen_amounts_have_no_minor_unit(write) -> None:
    text = GOOD.replace(",2400,EUR,", ",2400,JPY,").replace("88,015,172500,,/", "88,015,1725,,/")
    text = text.replace("010,100000", "010,1000").replace(",50000,", ",500,")
    text = text.replace(",2500,", ",25,").replace(",25000,", ",250,")
    assert [t.amount for t in read_statement(write("y.bai2", text)).transactions] == [
        Decimal(500), Decimal(-25), Decimal(250)]


@pytest.mark.parametrize(("old", "new", "line", "column"), [
    ("16,475,2500,", "16,475,25.00,", 7, "16 amount"),
    ("16,475,2500,", "16,475,,", 7, "16 field 3"),
    ("16,475,", "16,999,", 7, "16 type code"),
    ("16,475,2500,V,", "16,475,2500,Q,", 7, "16 funds type"),
    ("251102,2400", "251302,2400", 2, "02 as-of date"),
    ("2400,EUR", "2400,EURO", 2, "02 currency"),
    ("99,372500,1,11/\n", "", 10, "99"),
    ("49,372500,7/", "47,372500,7/", 9, "record"),
])
def test_bad_bai2_raises_input_error_naming_line_and_field(write, old, new, line, column) -> None:
    assert old in GOOD
    error = raises_input_error(read_statement, write("bad.bai2", GOOD.replace(old, new, 1)))
    assert (error.line, error.column) == (line, column)


def test_currency_argument_replaces_the_usd_default(write) -> None:
    imp = read_statement(write("x.bai2", GOOD.replace(",2400,EUR,", ",2400,,")), currency="CAD")
    assert {t.currency for t in imp.transactions} == {"CAD"}


@pytest.mark.parametrize("sample", ["bai2_spec_example.bai2", "canadian_bank_cad.bai2"])
def test_a_file_written_on_one_physical_line_reads_like_the_original(write, sample) -> None:
    from tests.connectors.sources.statements.statement_testkit import SAMPLES

    text = (SAMPLES / "bai2" / sample).read_text(encoding="utf-8")
    lines = [line.rstrip() for line in text.splitlines()]
    assert all(line.endswith("/") for line in lines)  # every record closed by its '/'
    one = read_statement(write("one.bai2", "".join(lines) + "\n"))
    many = read_statement(write("many.bai2", text))
    assert [(t.transaction_id, t.amount, t.remittance_info) for t in one.transactions] == [
        (t.transaction_id, t.amount, t.remittance_info) for t in many.transactions]
    assert len(one.transactions) > 0


def test_slash_inside_detail_text_is_no_record_boundary(write) -> None:
    text = GOOD.replace("CHECK PAID/", "CHECK 2025/16, PAID 1/02, 3/88/")
    txn = read_statement(write("t.bai2", text)).transactions[1]
    assert txn.remittance_info == "CHECK 2025/16, PAID 1/02, 3/88"


def test_a_second_record_on_the_line_after_a_trailer_is_read(write) -> None:
    text = (FIXTURES / "bai2_records_on_one_line.bai2").read_text(encoding="utf-8")
    imp = read_statement(write("t.bai2", text.replace("BANK FEE/\n", "BANK FEE/16,165,7,0,X9,/\n")
                                .replace("49,221000,7", "49,221007,8")))
    assert [t.amount for t in imp.transactions][-1] == Decimal("0.07")
    assert sum(t.amount for t in imp.transactions) == Decimal("210.07")
