"""CAMT: namespaces, batches that do not add up, encodings, and bad input."""

from __future__ import annotations

import pytest

from dunwell.connectors.sources.statements import read_statement
from tests.connectors.sources.statements.statement_testkit import FIXTURES, raises_input_error

GOOD = (FIXTURES / "camt053_batch.xml").read_text(encoding="utf-8")


def _replace(old: str, new: str, count: int = 1) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, count)


def test_namespace_version_does_not_matter(write) -> None:
    text = GOOD.replace("camt.053.001.06", "camt.053.001.02")
    assert len(read_statement(write("v2.xml", text)).transactions) == 5


def test_document_without_namespace_reads(write) -> None:
    text = GOOD.replace(' xmlns:c="urn:iso:std:iso:20022:tech:xsd:camt.053.001.06"', "")
    text = text.replace("<c:", "<").replace("</c:", "</")
    assert len(read_statement(write("nons.xml", text)).transactions) == 5


def test_batch_whose_details_do_not_add_up_is_one_row(write) -> None:
    text = _replace('<c:Amt Ccy="EUR">50.00</c:Amt>', '<c:Amt Ccy="EUR">49.99</c:Amt>')
    ids = [t.transaction_id for t in read_statement(write("b.xml", text)).transactions]
    assert ids[:2] == ["E1", "E2"]


def test_ultimate_debtor_beside_the_debtor_is_kept_as_on_behalf_of(write) -> None:
    text = _replace("<c:Dbtr><c:Nm>Beta GmbH</c:Nm></c:Dbtr>",
                    "<c:Dbtr><c:Nm>Beta Holding</c:Nm></c:Dbtr>"
                    "<c:UltmtDbtr><c:Nm>Beta Maschinen GmbH</c:Nm></c:UltmtDbtr>")
    rows = {t.counterparty_name: t.remittance_info
            for t in read_statement(write("u.xml", text)).transactions}
    assert rows["Beta Holding"] == "RF18539007547034 / on behalf of Beta Maschinen GmbH"
    # An ultimate debtor alone stands in for the debtor's name.
    assert rows["Gamma SA"] == "INV-3"


def test_latin1_bytes_in_a_utf8_document_are_read_as_cp1252_with_a_warning(write) -> None:
    data = _replace("Beta GmbH", "B\xe9ta GmbH").encode("latin-1")
    imp = read_statement(write("l1.xml", data))
    assert imp.transactions[1].counterparty_name == "Béta GmbH"
    assert any("Windows-1252" in w for w in imp.warnings)


@pytest.mark.parametrize(("old", "new", "column"), [
    ('<c:Amt Ccy="EUR">80.00</c:Amt>', '<c:Amt Ccy="EUR">80,00</c:Amt>', "Ntry/Amt"),
    ('<c:Amt Ccy="EUR">80.00</c:Amt>', '<c:Amt Ccy="E1">80.00</c:Amt>', "Ntry/Amt/@Ccy"),
    ('<c:Amt Ccy="EUR">80.00</c:Amt>', '<c:Amt>80.00</c:Amt>', "Ntry/Amt/@Ccy"),
    ("<c:CdtDbtInd>CRDT</c:CdtDbtInd><c:Sts><c:Cd>BOOK</c:Cd></c:Sts>\n    <c:BookgDt><c:Dt>"
     "2025-11-03</c:Dt></c:BookgDt><c:AcctSvcrRef>E2",
     "<c:CdtDbtInd>CRED</c:CdtDbtInd><c:Sts><c:Cd>BOOK</c:Cd></c:Sts>\n    <c:BookgDt><c:Dt>"
     "2025-11-03</c:Dt></c:BookgDt><c:AcctSvcrRef>E2", "CdtDbtInd"),
    ("<c:Dt>2025-11-03</c:Dt></c:BookgDt><c:AcctSvcrRef>E2",
     "<c:Dt>2025-11-31</c:Dt></c:BookgDt><c:AcctSvcrRef>E2", "BookgDt"),
    ("<c:BookgDt><c:Dt>2025-11-03</c:Dt></c:BookgDt><c:AcctSvcrRef>E2", "<c:AcctSvcrRef>E2",
     "BookgDt"),
])
def test_bad_camt_raises_input_error_naming_line_and_field(write, old, new, column) -> None:
    error = raises_input_error(read_statement, write("bad.xml", _replace(old, new)))
    assert error.column == column
    assert error.line is not None and error.line > 1


@pytest.mark.parametrize("cut", [200, 1500, len(GOOD) - 30])
def test_truncated_camt_raises_input_error_with_line(write, cut: int) -> None:
    error = raises_input_error(read_statement, write("cut.xml", GOOD[:cut]))
    assert "XML" in error.problem and error.line


def test_external_entities_are_not_resolved(write, tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    text = GOOD.replace('<?xml version="1.0" encoding="UTF-8"?>',
                        f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>')
    text = text.replace(">INV-1<", ">&x;<")
    try:
        imp = read_statement(write("xxe.xml", text))
    except Exception as exc:  # noqa: BLE001 - either refused or left unresolved is fine
        assert "TOPSECRET" not in str(exc)
        return
    assert all("TOPSECRET" not in (t.remittance_info or "") for t in imp.transactions)


def test_xml_error_with_a_multi_line_libxml_message_is_one_line(write) -> None:
    text = (FIXTURES / "camt053_batch.xml").read_bytes().replace(b"<?xml", b"<\x00?xml", 1)
    error = raises_input_error(read_statement, write("nul.xml", text))
    assert "\n" not in error.message and error.line == 1
