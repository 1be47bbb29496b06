"""csvio: how a file's bytes become text, and how output appears only when complete."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dunwell.connectors.sources import csvio
from dunwell.errors import InputError, InputErrors


def test_utf8_with_bom_decodes_without_warning(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"\xef\xbb\xbfa,b\n1,2\n")
    assert csvio.decode(path) == ("a,b\n1,2\n", [])


def test_invalid_utf8_falls_back_to_windows_1252_naming_the_first_bad_line(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"a,b\n1,2\n3,\x80 \xe9t\xe9\n")
    text, warnings = csvio.decode(path)
    assert text.endswith("3,€ été\n")
    assert warnings == [f"{path}:3: not valid UTF-8; read as Windows-1252"]


@pytest.mark.parametrize(("make", "problem"), [
    (lambda p: None, "file not found"),
    (lambda p: p.mkdir(), "is a folder, not a file"),
    (lambda p: p.write_bytes("a,b\n".encode("utf-16")), "is UTF-16 text"),
])
def test_unreadable_file_is_an_input_error_naming_it(tmp_path, make, problem):
    path = tmp_path / "a.csv"
    make(path)
    with pytest.raises(InputError) as caught:
        csvio.decode(path)
    assert caught.value.source == str(path)
    assert problem in caught.value.problem


def test_binary_content_is_refused_at_the_line_of_its_first_nul(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"a,b\n1,2\n\x00\x00")
    with pytest.raises(InputError) as caught:
        csvio.read_table(path, ["a"])
    assert (caught.value.line, "binary" in caught.value.problem) == (3, True)


def test_header_in_another_case_gets_a_hint(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("Invoice_ID,Due Date\n1,2\n", encoding="utf-8")
    with pytest.raises(InputErrors) as caught:
        csvio.read_table(path, ["invoice_id", "due_date"])
    assert [(e.column, e.problem.split("(")[1]) for e in caught.value.errors] == [
        ("invoice_id", "found 'Invoice_ID': names are lower case with underscores)"),
        ("due_date", "found 'Due Date': names are lower case with underscores)")]


def test_every_row_keeps_its_physical_line(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text('\n\na,b\n1,"x\ny"\n\n  \n3,4\n5,"\n\n"\n7,8', encoding="utf-8")
    table = csvio.read_table(path, ["a", "b"])
    assert table.frame["line"].tolist() == [4, 8, 9, 12]


def test_written_csv_appears_only_when_complete(tmp_path):
    target = tmp_path / "out" / "bank.csv"
    frame = pd.DataFrame({"a": ["1", "2"], "b": ["x", "y"]})
    csvio.write_csv_atomic(frame, target, ["a", "b"])
    assert target.read_text(encoding="utf-8") == "a,b\n1,x\n2,y\n"


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "bank.csv"
    target.write_bytes(b"old\n")

    def rows():
        yield ["1", "x"]
        raise RuntimeError("disk pulled out")

    with pytest.raises(RuntimeError):
        csvio.write_rows_atomic(rows(), target, ["a", "b"])
    assert target.read_bytes() == b"old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bank.csv"]


def test_a_missing_column_fails_the_write_before_the_target_changes(tmp_path):
    target = tmp_path / "bank.csv"
    target.write_bytes(b"old\n")
    with pytest.raises(KeyError):
        csvio.write_csv_atomic(pd.DataFrame({"a": ["1"]}), target, ["a", "b"])
    assert target.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["bank.csv"]


def test_rows_round_trip_through_write_and_read(tmp_path: Path):
    target = tmp_path / "t.csv"
    rows = [["1", 'quote " and, comma'], ["2", "new\nline"], ["3", "Müller – €"]]
    csvio.write_rows_atomic(rows, target, ["a", "b"])
    frame = csvio.read_table(target, ["a", "b"]).frame
    assert frame[["a", "b"]].values.tolist() == rows
    assert frame["line"].tolist() == [2, 3, 5]


_CELLS = st.text(alphabet=st.sampled_from(list('ab ,"\n\r\t;ü€\u200b\x00-0')), max_size=6)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(_CELLS, st.integers(-10**15, 10**15), _CELLS,
                               st.one_of(_CELLS, st.integers(-10**20, 10**20), st.none())),
                     max_size=8),
       arrow_text=st.booleans(), start=st.integers(0, 3))
def test_csv_made_by_arrow_is_byte_for_byte_what_pandas_writes(rows, arrow_text, start,
                                                                tmp_path_factory):
    frame = pd.DataFrame([r[:3] for r in rows], columns=["text", "number", "more, text"]
                         ).astype({"number": "int64"})
    frame["mixed"] = pd.Series([r[3] for r in rows], dtype=object)  # ints, text and None
    if arrow_text:
        frame = frame.astype({"text": "str", "more, text": "str"})
    frame = frame.iloc[start:]  # a slice: Arrow arrays with an offset
    columns = ["more, text", "number", "mixed", "text"]
    path = tmp_path_factory.mktemp("csv") / "out.csv"
    csvio.write_csv_atomic(frame, path, columns)
    written = path.read_bytes()
    assert csvio._csv_lines(frame, columns) is not None  # the Arrow path, not the fallback
    assert written == frame.to_csv(columns=columns, index=False,
                                   lineterminator="\n").encode("utf-8")


def test_csv_of_other_columns_is_left_to_pandas(tmp_path: Path) -> None:
    frame = pd.DataFrame({"amount": [1.5, 2.25], "id": ["a", "b"], "day": pd.to_datetime(
        ["2026-01-01", "2026-01-02"])})
    assert csvio._csv_lines(frame, ["id", "amount"]) is None
    flags = pd.DataFrame({"id": ["a", "b"], "flag": pd.Series([True, 1], dtype=object)})
    assert csvio._csv_lines(flags, ["id", "flag"]) is None  # True is no int here
    assert csvio._csv_lines(frame, ["id"]) is None  # a lone empty cell is quoted
    path = csvio.write_csv_atomic(frame, tmp_path / "out.csv", ["id", "amount", "day"])
    assert path.read_text() == "id,amount,day\na,1.5,2026-01-01\nb,2.25,2026-01-02\n"


_CSV_PIECES = st.sampled_from(["a", "Zoë", ",", '"', '""', "\n", "\n\n", " ", "\t", "'",
                               "R-102", "1,5", '"x\ny"', "\\", "\x01"])


_CSV_CELL = st.one_of(st.text(st.sampled_from('ab Zoë1-,."\'\t'), max_size=6),
                     st.text(st.sampled_from('ab,\n"'), max_size=6).map(
                         lambda t: '"' + t.replace('"', '""') + '"'))
# rows of three cells (some quoted, with commas, newlines and quotes inside), blank lines,
# and pieces that make no CSV at all
_CSV_BODY = st.one_of(
    st.lists(st.one_of(st.lists(_CSV_CELL, min_size=3, max_size=3).map(",".join),
                       st.sampled_from(["", " ", "a,b", '"open'])),
             max_size=6).map("\n".join),
    st.lists(_CSV_PIECES, max_size=40).map("".join))


@settings(max_examples=400, deadline=None)
@given(header=st.sampled_from(["a,b,c", "a,b", '"a",b,"c d"', "a, b ,c", "a,,c"]),
       body=_CSV_BODY)
def test_arrow_reads_a_csv_as_pandas_does_or_leaves_it_to_pandas(header, body):
    text = header + "\n" + body
    names = csvio._first_row(text)
    try:
        expected = csvio._pandas_parsed("a.csv", text, names)
    except InputError:
        expected = None  # refused: Arrow must not read it either, pandas' error is said
    read = csvio._arrow_parsed(text, names)
    if read is not None:
        assert expected is not None
        pd.testing.assert_frame_equal(read, expected)


def test_a_quote_left_open_to_the_end_is_refused_at_its_line(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text('a,b\n1,2\n3,"four\n5,6\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        csvio.read_table(path, ["a", "b"])
    assert (caught.value.line, caught.value.column) == (3, "b")
    assert "closing quote is missing" in str(caught.value)


def test_the_header_is_read_from_its_own_line_even_with_quotes_further_on():
    assert csvio._first_row('a,b\n"x\ny",2\n') == ["a", "b"]
    assert csvio._first_row('"a\nb",c\n1,2\n') == ["a\nb", "c"]
    assert csvio._first_row("a,b") == ["a", "b"]
