"""The canonical CSV readers: what they accept, and how they name what they refuse."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dunwell.connectors.sources import canonical
from dunwell.errors import InputError, InputErrors

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "bad"
HEADER = "invoice_id,customer_id,currency,amount,issue_date,due_date"


def _problems(call) -> list[tuple[int | None, str | int | None, str]]:
    """(line, column, problem) of every error a reader raises."""
    with pytest.raises((InputError, InputErrors)) as caught:
        call()
    errors = caught.value.errors if isinstance(caught.value, InputErrors) else [caught.value]
    return [(e.line, e.column, e.problem) for e in errors]


def _invoices(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "invoices.csv"
    path.write_text(header + "\n" + body, encoding="utf-8")
    return path


def test_valid_invoices_become_minor_units_and_dates(tmp_path):
    frame = canonical.read_invoices(FIXTURES / "valid_invoices.csv")
    assert list(frame["amount_minor"]) == [119000, 25050]
    assert frame["amount_minor"].dtype == "int64"
    assert list(frame["open_minor"]) == [119000, 25050]
    assert list(frame["line"]) == [2, 3]
    assert frame["issue_date"].iloc[0] == pd.Timestamp("2026-10-01")


def test_header_only_invoices_is_an_empty_frame(tmp_path):
    frame = canonical.read_invoices(FIXTURES / "invoices_header_only.csv")
    assert len(frame) == 0
    assert "amount_minor" in frame.columns


@pytest.mark.parametrize("reader", [canonical.read_invoices, canonical.read_bank_csv,
                                    canonical.read_customers])
def test_header_only_file_of_each_kind_reads_as_empty(tmp_path, reader):
    headers = {canonical.read_invoices: canonical.INVOICE_REQUIRED,
               canonical.read_bank_csv: canonical.BANK_REQUIRED,
               canonical.read_customers: canonical.CUSTOMER_REQUIRED}
    path = tmp_path / "only.csv"
    path.write_text(",".join(headers[reader]), encoding="utf-8")  # no newline at the end either
    assert len(reader(path)) == 0


def test_bom_is_accepted_without_warning():
    warnings: list[str] = []
    frame = canonical.read_invoices(FIXTURES / "invoices_bom.csv", warnings)
    assert list(frame["invoice_id"]) == ["INV-1"]
    assert warnings == []


def test_windows_1252_invoices_are_read_with_a_warning():
    warnings: list[str] = []
    frame = canonical.read_invoices(FIXTURES / "invoices_cp1252.csv", warnings)
    assert frame["customer_name"].iloc[0] == "Müller & Söhne – Köln"
    assert len(warnings) == 1 and "read as Windows-1252" in warnings[0]
    assert warnings[0].startswith(str(FIXTURES / "invoices_cp1252.csv") + ":2:")


def test_bom_in_front_of_windows_1252_text_is_not_part_of_the_header(tmp_path):
    path = tmp_path / "bank.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "transaction_id,booking_date,amount,currency,"
                     "counterparty_name\nT1,2026-11-02,1.00,EUR,Müller\n".encode("cp1252"))
    frame = canonical.read_bank_csv(path)
    assert frame["counterparty_name"].iloc[0] == "Müller"


def test_quoted_newlines_keep_the_physical_line_of_later_errors(tmp_path):
    path = _invoices(tmp_path, 'I1,"C\n1\n",EUR,1.00,2026-01-01,2026-02-01\n'
                               "I2,C2,EUR,1.00,2026-01-01,2026-02-31\n")
    assert _problems(lambda: canonical.read_invoices(path)) == [
        (5, "due_date", "'2026-02-31' is not a date as YYYY-MM-DD")]


def test_blank_and_crlf_lines_count_as_physical_lines(tmp_path):
    path = tmp_path / "invoices.csv"
    path.write_bytes((HEADER + "\r\n\r\nI1,C1,EUR,x,2026-01-01,2026-02-01\r\n").encode())
    assert [p[:2] for p in _problems(lambda: canonical.read_invoices(path))] == [(3, "amount")]


def test_old_mac_line_endings_are_lines(tmp_path):
    path = tmp_path / "invoices.csv"
    path.write_bytes((HEADER + "\rI1,C1,EUR,1.00,2026-01-01,2026-02-01\rI2,C1,EUR,x,2026-01-01,"
                      "2026-02-01\r").encode())
    assert [p[:2] for p in _problems(lambda: canonical.read_invoices(path))] == [(3, "amount")]


def test_each_missing_required_column_is_its_own_problem(tmp_path):
    path = _invoices(tmp_path, "I1,C1,2026-01-01\n", header="invoice_id,customer_id,issue_date")
    assert [p[:2] for p in _problems(lambda: canonical.read_invoices(path))] == [
        (1, "currency"), (1, "amount"), (1, "due_date")]


def test_extra_columns_in_any_order_are_kept_or_ignored(tmp_path):
    path = tmp_path / "invoices.csv"
    path.write_text("note,due_date,amount,currency,issue_date,customer_id,invoice_id,\n"
                    "hello,2026-02-01,1.00,EUR,2026-01-01,C1,I1,x\n", encoding="utf-8")
    frame = canonical.read_invoices(path)
    assert list(frame["amount_minor"]) == [100]


@pytest.mark.parametrize(("amount", "currency", "minor"), [
    ("1234.50", "EUR", 123450), ("-12.00", "EUR", -1200), ("0.1", "EUR", 10),
    ("1.230", "EUR", 123), ("1500", "JPY", 1500), ("1.234", "BHD", 1234), ("-0.00", "EUR", 0),
    ("999999999999999.99", "EUR", 99999999999999999), (" 7.00 ", "EUR", 700),
])
def test_amounts_become_exact_minor_units(tmp_path, amount, currency, minor):
    path = _invoices(tmp_path, f'I1,C1,{currency},"{amount}",2026-01-01,2026-02-01\n')
    assert canonical.read_invoices(path)["amount_minor"].tolist() == [minor]


@pytest.mark.parametrize("amount", [
    "1,00", "1.234,56", "1 000.00", "+1.00", "1.", ".5", "1e3", "NaN", "€1.00", "١.٠٠", "１.００",
    "1.005", "12345678901234567",
])
def test_amounts_that_are_not_canonical_are_refused_at_their_cell(tmp_path, amount):
    path = _invoices(tmp_path, f'I1,C1,EUR,"{amount}",2026-01-01,2026-02-01\n')
    assert [p[:2] for p in _problems(lambda: canonical.read_invoices(path))] == [(2, "amount")]


def test_amount_that_overflows_minor_units_of_a_four_decimal_currency_is_refused(tmp_path):
    path = _invoices(tmp_path, "I1,C1,CLF,999999999999999.0001,2026-01-01,2026-02-01\n")
    assert [p[:2] for p in _problems(lambda: canonical.read_invoices(path))] == [(2, "amount")]


@pytest.mark.parametrize("day", ["2026-02-30", "0000-01-01", "2026-1-5", "2026/01/05",
                                 "05.01.2026", "２０２６-01-05", "2026-01-05T10:00"])
def test_dates_that_are_not_iso_calendar_days_are_refused(tmp_path, day):
    path = _invoices(tmp_path, f"I1,C1,EUR,1.00,{day},2026-02-01\n")
    assert [p[:2] for p in _problems(lambda: canonical.read_invoices(path))] == [
        (2, "issue_date")]


def test_too_many_problems_stop_with_a_note_instead_of_a_flood(tmp_path):
    body = "".join(f"I{i},C1,EUR,x,2026-01-01,2026-02-01\n" for i in range(50))
    problems = _problems(lambda: canonical.read_invoices(_invoices(tmp_path, body)))
    assert len(problems) == canonical.MAX_ERRORS + 1
    assert problems[-1][2].startswith(f"stopped after {canonical.MAX_ERRORS} problems")


def test_bank_csv_refuses_a_repeated_transaction_id_at_its_second_line():
    problems = _problems(lambda: canonical.read_bank_csv(
        FIXTURES / "bank_duplicate_transaction_id.csv"))
    assert problems == [(4, "transaction_id",
                         "transaction_id 'T1' appears more than once in the file "
                         "(first on line 2)")]


def test_customers_refuse_unknown_time_zone_and_language():
    problems = _problems(lambda: canonical.read_customers(FIXTURES / "customers_bad_cells.csv"))
    assert [p[:2] for p in problems] == [(2, "language"), (3, "do_not_contact"), (3, "name"),
                                         (3, "timezone")]


def test_error_message_is_one_line_naming_file_line_and_column(tmp_path):
    path = _invoices(tmp_path, "I1,C1,EUR,1.00,2026-01-01,2026-02-01,x\n")
    with pytest.raises(InputError) as caught:
        canonical.read_invoices(path)
    assert str(caught.value) == (f"{path}:2: column 7: this row has 7 cells, "
                                 "the header names 6 columns")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("hidden", ["\u200b", "\u00ad", "\ufeff", "\x07", "\u202e", "\x9f"])
def test_an_id_holding_an_invisible_character_is_refused_with_its_code_point(
        tmp_path: Path, hidden: str) -> None:
    path = _invoices(tmp_path, f"INV-1,C1,EUR,10.00,2026-01-01,2026-02-01\n"
                               f"INV-{hidden}2,C1,EUR,10.00,2026-01-01,2026-02-01\n")
    problems = _problems(lambda: canonical.read_invoices(path))
    assert problems == [(3, "invoice_id", f"{'INV-' + hidden + '2'!r} contains an invisible "
                                          f"character (U+{ord(hidden):04X}); type the id as "
                                          "printed")]


def test_the_invisible_characters_arrow_looks_for_are_those_python_looks_for() -> None:
    import re

    every = [chr(c) for c in range(0x3000) if not 0xD800 <= c < 0xE000] + ["\ufeff", "\uffef"]
    cells = pd.Series([f"A{c}B" for c in every], dtype="str")
    by_arrow = cells.str.contains(canonical._INVISIBLE_CHARS, regex=True).tolist()
    by_python = [re.search(canonical._INVISIBLE, cell) is not None for cell in cells]
    assert by_arrow == by_python
    assert sum(by_arrow) == 9 + 2 + 18 + 33 + 1 + 5 + 7 + 5 + 1
