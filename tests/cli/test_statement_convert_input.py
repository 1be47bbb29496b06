"""`dunwell statement convert` on bad input: refused, and the output file never touched.

The statement formats' own tests live in tests/connectors/sources/statements; here is
the command-line surface: what a user sees and what is left on disk.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from cli_harness import assert_refused, error_lines, where

OLD_OUTPUT = b"transaction_id,booking_date,amount,currency\nOLD,2026-01-01,1.00,EUR\n"


@pytest.fixture
def existing_output(workdir):
    """A bank.csv from an earlier conversion, which a refused run must leave as it was."""
    (workdir.path / "bank.csv").write_bytes(OLD_OUTPUT)
    return "bank.csv"


@pytest.mark.parametrize(("fixture", "line"), [
    ("statement_garbage.txt", 1),
    ("statement_empty.sta", 1),
    ("statement_binary.pdf", 1),
    ("statement_truncated.sta", None),
    ("statement_truncated.xml", 8),
    ("invoices_binary.csv", 1),
    ("bank_utf16.csv", 1),
    ("bank_duplicate_transaction_id.csv", 4),
    ("statement_amount_40_digits.sta", 5),  # once a decimal.InvalidOperation traceback
    ("bank_invisible_character.csv", 2),
])
def test_unreadable_statement_is_refused_and_the_old_output_kept(cli, workdir, existing_output,
                                                                fixture, line):
    source = workdir.copy(fixture)
    before = workdir.snapshot()
    outcome = cli("statement", "convert", source, "-o", existing_output)
    errors = error_lines(outcome)
    assert len(errors) == 1, outcome
    file, found_line, column = where(errors[0])
    assert file == source
    assert found_line is not None and (line is None or found_line == line), errors
    assert_refused(outcome, [(file, found_line, column)], before, workdir.snapshot(), workdir.db)
    assert (workdir.path / existing_output).read_bytes() == OLD_OUTPUT


def test_bank_csv_with_bad_cells_lists_every_cell(cli, workdir, existing_output):
    source = workdir.copy("bank_bad_cells.csv", "export.csv")
    before = workdir.snapshot()
    outcome = cli("statement", "convert", source, "-o", existing_output)
    expected = [("export.csv", 2, "amount"), ("export.csv", 3, "booking_date"),
                ("export.csv", 4, "currency"), ("export.csv", 5, "amount")]
    assert_refused(outcome, expected, before, workdir.snapshot(), workdir.db)


@pytest.mark.parametrize(("make", "problem"), [
    (lambda w: None, "file not found"),
    (lambda w: (w.path / "statement.sta").mkdir(), "not a file"),
])
def test_missing_statement_or_a_folder_is_refused(cli, workdir, existing_output, make, problem):
    make(workdir)
    before = workdir.snapshot()
    outcome = cli("statement", "convert", "statement.sta", "-o", existing_output)
    assert_refused(outcome, [("statement.sta", None, None)], before, workdir.snapshot(),
                   workdir.db)
    assert error_lines(outcome) == [f"statement.sta: {problem}"]


def test_unknown_profile_is_refused_naming_the_known_ones(cli, workdir, existing_output):
    source = workdir.copy("valid_bank.csv", "export.csv")
    before = workdir.snapshot()
    outcome = cli("statement", "convert", source, "-o", existing_output, "--profile", "nope")
    assert_refused(outcome, [("export.csv", None, None)], before, workdir.snapshot(), workdir.db)
    assert "unknown CSV profile 'nope'" in error_lines(outcome)[0]


def test_unknown_currency_option_is_refused(cli, workdir, existing_output):
    source = workdir.copy("valid_bank.csv", "export.csv")
    before = workdir.snapshot()
    outcome = cli("statement", "convert", source, "-o", existing_output, "--currency", "EURO")
    assert_refused(outcome, [("--currency", None, None)], before, workdir.snapshot(), workdir.db)


def test_output_that_is_a_folder_is_refused(cli, workdir):
    source = workdir.copy("valid_bank.csv", "export.csv")
    (workdir.path / "out").mkdir()
    before = workdir.snapshot()
    outcome = cli("statement", "convert", source, "-o", "out")
    assert_refused(outcome, [("out", None, None)], before, workdir.snapshot(), workdir.db)


def test_output_that_is_the_input_is_refused_so_the_statement_is_never_lost(cli, workdir):
    source = workdir.copy("valid_bank.csv", "bank.csv")
    before = workdir.snapshot()
    outcome = cli("statement", "convert", source, "-o", "./bank.csv")
    assert_refused(outcome, [("bank.csv", None, None)], before, workdir.snapshot(), workdir.db)


@pytest.mark.parametrize("fixture", ["bank_cp1252.csv"])
def test_windows_1252_bank_csv_converts_with_a_warning(cli, workdir, fixture):
    source = workdir.copy(fixture, "export.csv")
    outcome = cli("statement", "convert", source, "-o", "bank.csv")
    assert outcome.exit_code == 0, outcome
    assert "Traceback" not in outcome.stdout + outcome.stderr
    assert error_lines(outcome) == []
    assert "warning: export.csv:2: not valid UTF-8; read as Windows-1252" in outcome.stderr
    rows = list(csv.DictReader((workdir.path / "bank.csv").open(encoding="utf-8")))
    assert rows[0]["counterparty_name"] == "MÜLLER & SÖHNE"
    assert rows[0]["remittance_info"] == "Rechnung INV-1 – danke"
    assert not workdir.db.exists(), "statement convert reads no database"


def test_utf8_bom_bank_csv_converts_without_warning(cli, workdir):
    source = workdir.copy("bank_bom.csv", "export.csv")
    outcome = cli("statement", "convert", source, "-o", "bank.csv")
    assert outcome.exit_code == 0, outcome
    assert outcome.stderr == ""
    assert outcome.stdout.startswith("1 transaction (canonical) -> bank.csv")
    rows = list(csv.DictReader((workdir.path / "bank.csv").open(encoding="utf-8")))
    assert [r["transaction_id"] for r in rows] == ["T1"]
    assert rows[0]["amount"] == "1190.00"


def test_header_only_bank_csv_converts_to_an_empty_bank_csv(cli, workdir):
    (workdir.path / "export.csv").write_text(
        "transaction_id,booking_date,amount,currency\n", encoding="utf-8")
    outcome = cli("statement", "convert", "export.csv", "-o", "bank.csv")
    assert outcome.exit_code == 0, outcome
    assert "0 transactions" in outcome.stdout
    lines = (workdir.path / "bank.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("transaction_id,booking_date,amount,currency")
    assert len(lines) == 1


def test_output_below_a_file_is_refused(cli, workdir):
    source = workdir.copy("valid_bank.csv", "export.csv")
    before = workdir.snapshot()
    outcome = cli("statement", "convert", source, "-o", "export.csv/bank.csv")
    assert_refused(outcome, [("export.csv/bank.csv", None, None)], before, workdir.snapshot(),
                   workdir.db)


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_output_that_cannot_be_written_is_a_user_error_not_a_traceback(cli, workdir):
    source = workdir.copy("valid_bank.csv", "export.csv")
    outcome = cli("statement", "convert", source, "-o", "/proc/bank.csv")
    assert outcome.exit_code == 2, outcome
    assert "Traceback" not in outcome.stdout + outcome.stderr
    assert error_lines(outcome)[0].startswith("/proc/bank.csv: cannot write")


def test_bank_csv_export_with_a_bad_cell_is_refused_at_its_line_and_column(cli, workdir,
                                                                         existing_output):
    """Through a profile (ING's decimal comma, yyyymmdd): the bank's own column names."""
    source = workdir.copy("statement_ing_bad_cells.csv", "ing.csv")
    before = workdir.snapshot()
    outcome = cli("statement", "convert", source, "-o", existing_output)
    errors = error_lines(outcome)
    assert errors and where(errors[0]) == ("ing.csv", 3, "Datum"), outcome
    assert_refused(outcome, [where(e) for e in errors], before, workdir.snapshot(), workdir.db)


def test_a_profile_that_does_not_fit_the_file_is_refused_naming_the_missing_column(
        cli, workdir, existing_output):
    source = workdir.copy("valid_bank.csv", "export.csv")
    before = workdir.snapshot()
    outcome = cli("statement", "convert", source, "-o", existing_output, "--profile", "ing_nl")
    assert_refused(outcome, [("export.csv", 1, "Datum")], before, workdir.snapshot(), workdir.db)


UNKNOWN_BANK = ("Account:;DE89370400440532013000\n\n"
                "Booking date;Counterparty;Description;Amount;Currency\n"
                "03.11.2025;ACME GmbH;RE 17;1.234,56;EUR\n04.11.2025;Shop;Order;-9,99;EUR\n")


def test_profile_infer_writes_a_profile_that_convert_then_uses(cli, workdir):
    (workdir.path / "export.csv").write_text(UNKNOWN_BANK, encoding="utf-8")
    (workdir.path / "profiles").mkdir()
    outcome = cli("statement", "profile", "infer", "export.csv", "-o", "profiles/mybank.yaml")
    assert outcome.exit_code == 0, outcome.stderr
    assert "amount = 'Amount'" in outcome.stdout
    converted = cli("statement", "convert", "export.csv", "-o", "bank.csv", "--profiles",
                    "profiles")
    assert converted.exit_code == 0, converted.stderr
    assert "csv:mybank" in converted.stdout and "EUR net 1224.57" in converted.stdout
    with open(workdir.path / "bank.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["account"] for r in rows] == ["DE89370400440532013000"] * 2


def test_profile_infer_on_an_unplaceable_csv_exits_2_and_writes_nothing(cli, workdir):
    (workdir.path / "x.csv").write_text("a;b;c\nfoo;bar;baz\nqux;quux;corge\n", encoding="utf-8")
    before = workdir.snapshot()
    outcome = cli("statement", "profile", "infer", "x.csv", "-o", "x.yaml")
    assert outcome.exit_code == 2
    assert workdir.snapshot() == before
    assert len(error_lines(outcome)) == 1


def test_profiles_option_must_name_a_folder(cli, workdir):
    (workdir.path / "export.csv").write_text(UNKNOWN_BANK, encoding="utf-8")
    outcome = cli("statement", "convert", "export.csv", "-o", "bank.csv", "--profiles", "nope")
    assert outcome.exit_code == 2
    assert "--profiles" in error_lines(outcome)[0]


@pytest.mark.parametrize(("fixture", "expected"), [
    # the file ends inside the last quoted cell: the cut row was kept, the rest lost silently
    ("statement_ing_cut_in_quote.csv",
     "statement_ing_cut_in_quote.csv:5: column Mededelingen: a quoted cell starts in this row "
     "and its closing quote is missing (the file may be cut off)"),
    # a closing quote lost in line 3 joined lines 3 and 4 into one row: line 4's payment was lost
    ("statement_ing_stray_quote.csv",
     "statement_ing_stray_quote.csv:3: column 10: this row has 17 cells, the header names 9 "
     "columns (a stray quote joining two rows?)"),
])
def test_bank_csv_with_a_quote_that_never_closes_is_refused_at_line_and_column(
        cli, workdir, existing_output, fixture, expected):
    source = workdir.copy(fixture)
    before = workdir.snapshot()
    outcome = cli("statement", "convert", source, "-o", existing_output)
    assert error_lines(outcome) == [expected]
    assert_refused(outcome, [where(expected)], before, workdir.snapshot(), workdir.db)


def test_bank_csv_cut_inside_a_quote_is_refused_by_reconcile_too(cli, workdir):
    invoices = workdir.copy("valid_invoices.csv", "invoices.csv")
    bank = workdir.copy("statement_ing_cut_in_quote.csv", "ing.csv")
    before = workdir.snapshot()
    outcome = cli("reconcile", "--invoices", invoices, "--bank", bank, "--out", "out")
    assert_refused(outcome, [("ing.csv", 5, "Mededelingen")], before, workdir.snapshot(),
                   workdir.db)


def test_convert_nets_each_currency_in_file_order() -> None:
    from datetime import date
    from decimal import Decimal

    from dunwell.commands import _net_by_currency
    from dunwell.model import BankTxn, TransactionId

    def txn(amount: str, ccy: str) -> BankTxn:
        return BankTxn(TransactionId("t"), date(2025, 1, 2), Decimal(amount), ccy)

    assert _net_by_currency([]) == {}
    one = _net_by_currency([txn("1.10", "EUR"), txn("-0.10", "EUR")])
    assert one == {"EUR": Decimal("1.00")} and str(one["EUR"]) == "1.00"
    assert _net_by_currency([txn("5", "USD"), txn("1.10", "EUR"), txn("-2", "USD")]) == {
        "USD": Decimal(3), "EUR": Decimal("1.10")}
