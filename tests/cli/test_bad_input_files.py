"""Every bad input file a user can give is refused the same way, before any flow starts.

Exit 2, one `error:` line per problem naming file, physical line and column,
no traceback, no output written, no database created. Runs in-process through
Typer's CliRunner; tests/cli/test_cli_subprocess.py checks the real process.
"""

from __future__ import annotations

import pytest
from cli_harness import assert_refused, error_lines

VALID = ("valid_invoices.csv", "valid_customers.csv", "valid_bank.csv")

# fixture -> (file, line, column) of every problem in it
INVOICE_CASES = {
    "invoices_missing_column.csv": [(1, "due_date")],
    "invoices_empty_required_cell.csv": [(3, "customer_id")],
    "invoices_decimal_comma.csv": [(2, "amount")],
    "invoices_three_decimals_eur.csv": [(2, "amount")],
    "invoices_non_iso_currency.csv": [(2, "currency")],
    "invoices_bad_date.csv": [(2, "issue_date"), (3, "due_date")],
    "invoices_invalid_status.csv": [(2, "status")],
    "invoices_bad_boolean.csv": [(2, "disputed")],
    # the first record spans lines 2-4; the bad amount is on physical line 5
    "invoices_multiline_cell.csv": [(5, "amount")],
    "invoices_blank_lines.csv": [(5, "status")],
    "invoices_crlf.csv": [(3, "due_date")],
    "invoices_row_too_long.csv": [(3, 10)],
    "invoices_unclosed_quote.csv": [(3, "customer_name")],
    "invoices_duplicate_header.csv": [(1, "amount")],
    "invoices_semicolons.csv": [(1, 1)],
    "invoices_arabic_digits.csv": [(2, "amount")],
    "invoices_zero_width_space.csv": [(3, "invoice_id")],
    "invoices_too_large.csv": [(2, "amount")],
    "invoices_header_case.csv": [(1, "amount"), (1, "due_date")],
    "invoices_utf16.csv": [(1, None)],
    "invoices_empty.csv": [(1, None)],
    "invoices_binary.csv": [(1, None)],
}


@pytest.mark.parametrize("fixture", sorted(INVOICE_CASES))
def test_bad_invoices_file_is_refused_naming_line_and_column(cli, workdir, fixture):
    invoices = workdir.copy(fixture, "invoices.csv")
    bank = workdir.copy("valid_bank.csv", "bank.csv")
    before = workdir.snapshot()
    outcome = cli("reconcile", "--invoices", invoices, "--bank", bank, "--out", "out")
    expected = [("invoices.csv", line, column) for line, column in INVOICE_CASES[fixture]]
    assert_refused(outcome, expected, before, workdir.snapshot(), workdir.db)


def test_each_problem_has_its_own_line_with_the_bad_value(cli, workdir):
    invoices = workdir.copy("invoices_bad_date.csv", "invoices.csv")
    bank = workdir.copy("valid_bank.csv", "bank.csv")
    outcome = cli("reconcile", "--invoices", invoices, "--bank", bank, "--out", "out")
    assert error_lines(outcome) == [
        "invoices.csv:2: column issue_date: '2026-02-30' is not a date as YYYY-MM-DD",
        "invoices.csv:3: column due_date: '04.11.2026' is not a date as YYYY-MM-DD",
    ]


def test_bad_customers_file_is_refused_for_dunning(cli, workdir):
    invoices = workdir.copy("valid_invoices.csv", "invoices.csv")
    customers = workdir.copy("customers_bad_cells.csv", "customers.csv")
    before = workdir.snapshot()
    outcome = cli("dunning", "--invoices", invoices, "--customers", customers,
                  "--as-of", "2026-11-20", "--out", "out")
    expected = [("customers.csv", 2, "language"), ("customers.csv", 3, "name"),
                ("customers.csv", 3, "timezone"), ("customers.csv", 3, "do_not_contact")]
    assert_refused(outcome, expected, before, workdir.snapshot(), workdir.db)


@pytest.mark.parametrize(("fixture", "expected"), [
    ("bank_duplicate_transaction_id.csv", [(4, "transaction_id")]),
    ("bank_invisible_character.csv", [(2, "transaction_id")]),
    ("bank_bad_cells.csv", [(2, "amount"), (3, "booking_date"), (4, "currency"), (5, "amount")]),
])
def test_bad_bank_csv_is_refused_by_reconcile(cli, workdir, fixture, expected):
    invoices = workdir.copy("valid_invoices.csv", "invoices.csv")
    bank = workdir.copy(fixture, "bank.csv")
    before = workdir.snapshot()
    outcome = cli("reconcile", "--invoices", invoices, "--bank", bank, "--out", "out")
    assert_refused(outcome, [("bank.csv", *where) for where in expected], before,
                   workdir.snapshot(), workdir.db)


def test_duplicate_transaction_id_says_where_it_first_appeared(cli, workdir):
    invoices = workdir.copy("valid_invoices.csv", "invoices.csv")
    bank = workdir.copy("bank_duplicate_transaction_id.csv", "bank.csv")
    outcome = cli("reconcile", "--invoices", invoices, "--bank", bank, "--out", "out")
    assert error_lines(outcome) == [
        "bank.csv:4: column transaction_id: transaction_id 'T1' appears more than once "
        "in the file (first on line 2)"]


def test_several_bad_files_and_a_bad_date_are_all_listed_in_one_run(cli, workdir):
    invoices = workdir.copy("invoices_bad_date.csv", "invoices.csv")
    customers = workdir.copy("customers_bad_cells.csv", "customers.csv")
    bank = workdir.copy("bank_duplicate_transaction_id.csv", "bank.csv")
    second = workdir.copy("statement_garbage.txt", "second.txt")
    before = workdir.snapshot()
    outcome = cli("dunning", "--invoices", invoices, "--customers", customers, "--bank", bank,
                  "--bank", second, "--as-of", "2026-02-30", "--out", "out")
    expected = [("--as-of", None, None),
                ("invoices.csv", 2, "issue_date"), ("invoices.csv", 3, "due_date"),
                ("customers.csv", 2, "language"), ("customers.csv", 3, "name"),
                ("customers.csv", 3, "timezone"), ("customers.csv", 3, "do_not_contact"),
                ("bank.csv", 4, "transaction_id"), ("second.txt", 1, None)]
    assert_refused(outcome, expected, before, workdir.snapshot(), workdir.db)


def test_header_only_invoices_is_valid_and_empty(cli, workdir):
    """No invoices is a valid state; the only refusal here is the other file's."""
    invoices = workdir.copy("invoices_header_only.csv", "invoices.csv")
    bank = workdir.copy("bank_duplicate_transaction_id.csv", "bank.csv")
    before = workdir.snapshot()
    outcome = cli("reconcile", "--invoices", invoices, "--bank", bank, "--out", "out")
    assert_refused(outcome, [("bank.csv", 4, "transaction_id")], before, workdir.snapshot(),
                   workdir.db)


@pytest.mark.parametrize("command", ["reconcile", "dunning", "report"])
@pytest.mark.parametrize(("make", "problem"), [
    (lambda w: None, "file not found"),
    (lambda w: (w.path / "invoices.csv").mkdir(), "is a folder, not a file"),
])
def test_missing_or_folder_invoices_is_refused_by_every_command(cli, workdir, command, make,
                                                                problem):
    make(workdir)
    customers = workdir.copy("valid_customers.csv", "customers.csv")
    bank = workdir.copy("valid_bank.csv", "bank.csv")
    args = {"reconcile": ["--bank", bank],
            "dunning": ["--customers", customers, "--as-of", "2026-11-20"],
            "report": ["--bank", bank, "--as-of", "2026-11-20"]}[command]
    before = workdir.snapshot()
    outcome = cli(command, "--invoices", "invoices.csv", *args, "--out", "out")
    assert_refused(outcome, [("invoices.csv", None, None)], before, workdir.snapshot(),
                   workdir.db)
    assert error_lines(outcome) == [f"invoices.csv: {problem}"]


@pytest.mark.parametrize("fixture", ["statement_garbage.txt", "statement_empty.sta",
                                     "statement_binary.pdf", "statement_truncated.sta",
                                     "statement_truncated.xml"])
def test_unreadable_statement_given_as_bank_is_refused(cli, workdir, fixture):
    invoices = workdir.copy("valid_invoices.csv", "invoices.csv")
    bank = workdir.copy(fixture)
    before = workdir.snapshot()
    outcome = cli("reconcile", "--invoices", invoices, "--bank", bank, "--out", "out")
    errors = error_lines(outcome)
    assert_refused(outcome, [(bank, *_line_and_column(e)) for e in errors], before,
                   workdir.snapshot(), workdir.db)
    assert len(errors) == 1


def _line_and_column(error: str) -> tuple[int | None, str | int | None]:
    from cli_harness import where

    _, line, column = where(error)
    return line, column


def test_out_that_is_a_file_is_refused_and_left_alone(cli, workdir):
    invoices = workdir.copy("valid_invoices.csv", "invoices.csv")
    bank = workdir.copy("bank_duplicate_transaction_id.csv", "bank.csv")
    (workdir.path / "out").write_text("not a folder\n")
    before = workdir.snapshot()
    outcome = cli("reconcile", "--invoices", invoices, "--bank", bank, "--out", "out")
    assert_refused(outcome, [("out", None, None), ("bank.csv", 4, "transaction_id")], before,
                   workdir.snapshot(), workdir.db)


def test_customers_pinning_an_unknown_segment_are_refused_before_the_run(cli, workdir):
    """Else the dunning run would stop halfway on a ConfigError about the policy."""
    invoices = workdir.copy("valid_invoices.csv", "invoices.csv")
    customers = workdir.copy("customers_unknown_segment.csv", "customers.csv")
    before = workdir.snapshot()
    outcome = cli("dunning", "--invoices", invoices, "--customers", customers,
                  "--as-of", "2026-11-20", "--out", "out")
    assert_refused(outcome, [("customers.csv", 3, "segment")], before, workdir.snapshot(),
                   workdir.db)


def test_out_below_a_file_is_refused(cli, workdir):
    invoices = workdir.copy("valid_invoices.csv", "invoices.csv")
    bank = workdir.copy("valid_bank.csv", "bank.csv")
    before = workdir.snapshot()
    outcome = cli("reconcile", "--invoices", invoices, "--bank", bank, "--out", "bank.csv/out")
    assert_refused(outcome, [("bank.csv/out", None, None)], before, workdir.snapshot(),
                   workdir.db)


def test_validation_collects_encoding_warnings_of_every_file(workdir):
    """What the CLI prints as `warning:` lines before a run: one per file read as Windows-1252."""
    from dunwell.tasks.inputs import load_inputs

    invoices = workdir.copy("invoices_cp1252.csv", "invoices.csv")
    bank = workdir.copy("bank_cp1252.csv", "bank.csv")
    customers = workdir.copy("valid_customers.csv", "customers.csv")
    inputs = load_inputs(invoices, customers, [bank])
    assert inputs.warnings == ["invoices.csv:2: not valid UTF-8; read as Windows-1252",
                               "bank.csv:2: not valid UTF-8; read as Windows-1252"]
    assert inputs.invoices["customer_name"].iloc[0] == "Müller & Söhne – Köln"
