"""Format detection by content, and the inputs that are no statement at all."""

from __future__ import annotations

import pytest

from dunwell.connectors.sources.statements import read_statement
from dunwell.errors import FormatNotRecognised, InputError
from tests.connectors.sources.statements.statement_testkit import FIXTURES, raises_input_error


@pytest.mark.parametrize(("name", "kind"), [
    ("sepa_86.sta", "mt940"), ("camt053_batch.xml", "camt053"), ("camt054.xml", "camt054"),
    ("ofx_xml.ofx", "ofx"), ("ofx_sgml_cp1252.ofx", "ofx"), ("bai2_continuation.bai2", "bai2"),
    ("bank.csv", "canonical"),
])
def test_format_is_recognised_whatever_the_file_is_called(write, name: str, kind: str) -> None:
    path = write("statement.dat", (FIXTURES / name).read_bytes())
    assert read_statement(path).format == kind


@pytest.mark.parametrize("content", [b"", b"   \n\r\n", b"\x00\x01\x02garbage\xff",
                                     b"hello world\n",
                                     b"<html><body>no</body></html>", b"%PDF-1.7\n%\xe2\xe3"])
def test_empty_or_garbage_files_raise_input_error(write, content: bytes) -> None:
    error = raises_input_error(read_statement, write("x.dat", content))
    assert "x.dat" in str(error)


def test_missing_file_is_an_input_error(tmp_path) -> None:
    with pytest.raises(InputError):
        read_statement(tmp_path / "missing.sta")


def test_xml_that_is_no_statement_is_not_recognised(write) -> None:
    with pytest.raises(FormatNotRecognised):
        read_statement(write("x.xml", '<?xml version="1.0"?><Document><Foo/></Document>'))


def test_every_sample_is_identified_by_exactly_one_reader() -> None:
    from dunwell.connectors.sources.statements import READERS
    from dunwell.connectors.sources.statements.detect import head_text
    from tests.connectors.sources.statements.statement_testkit import SAMPLES

    files = [p for p in SAMPLES.glob("*/*") if p.parent.name != "csv"]
    assert len(files) >= 30
    for path in files:
        head = head_text(path.read_bytes())
        start = head.lstrip(" \t\r\n\x00\x01")
        takers = [type(r).__name__ for r in READERS if r.identify(start, head)]
        assert len(takers) == 1, (path.name, takers)
