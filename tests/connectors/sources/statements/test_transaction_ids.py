"""Transaction ids: bank references when given, else stable fingerprints, always unique."""

from __future__ import annotations

from dunwell.connectors.sources.statements import read_statement
from tests.connectors.sources.statements.statement_testkit import FIXTURES

SEPA = (FIXTURES / "sepa_86.sta").read_text(encoding="utf-8")
OFX = (FIXTURES / "ofx_xml.ofx").read_text(encoding="utf-8")


def test_identical_rows_get_distinct_ids_that_survive_a_reread(write) -> None:
    line = ":61:2511031103DR250,50NDDTNONREF\n"
    block = SEPA[SEPA.index(line):SEPA.index(":62F:")]
    text = SEPA.replace(":62F:C251103EUR2249,50", block + ":62F:C251103EUR1999,00")
    path = write("dup.sta", text)
    first = [t.transaction_id for t in read_statement(path).transactions]
    assert len(first) == 3 and len(set(first)) == 3
    assert [t.transaction_id for t in read_statement(path).transactions] == first
    assert all(len(t) == 16 for t in first)


def test_bank_references_are_used_and_made_unique(write) -> None:
    text = OFX.replace("<FITID>X2</FITID>", "<FITID>X1</FITID>")
    ids = [t.transaction_id for t in read_statement(write("dup.ofx", text)).transactions]
    assert ids == ["X1", "X1-2"]


def test_fingerprint_does_not_depend_on_the_file_name(write) -> None:
    a = read_statement(write("a.sta", SEPA)).transactions
    b = read_statement(write("b.txt", SEPA)).transactions
    assert [t.transaction_id for t in a] == [t.transaction_id for t in b]
