"""The real process, as a shell sees it: exit codes, stderr, and no traceback.

A few runs only (each starts Python, pandas and Prefect); the in-process tests
cover the cases, these prove that what they check is what a user gets.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from cli_harness import assert_refused, error_lines, run_subprocess

pytestmark = pytest.mark.slow


def test_module_entry_point_refuses_bad_files_with_exit_2(workdir):
    invoices = workdir.copy("invoices_multiline_cell.csv", "invoices.csv")
    customers = workdir.copy("customers_bad_cells.csv", "customers.csv")
    bank = workdir.copy("bank_duplicate_transaction_id.csv", "bank.csv")
    before = workdir.snapshot()
    outcome = run_subprocess(workdir, "dunning", "--invoices", invoices, "--customers", customers,
                             "--bank", bank, "--as-of", "tomorrow", "--out", "out")
    expected = [("--as-of", None, None), ("invoices.csv", 5, "amount"),
                ("customers.csv", 2, "language"), ("customers.csv", 3, "name"),
                ("customers.csv", 3, "timezone"), ("customers.csv", 3, "do_not_contact"),
                ("bank.csv", 4, "transaction_id")]
    assert_refused(outcome, expected, before, workdir.snapshot(), workdir.db)
    assert not (workdir.path / "out").exists()


def test_installed_dunwell_script_refuses_garbage_and_keeps_the_old_output(workdir):
    script = Path(sys.executable).with_name("dunwell")
    if not script.exists():
        pytest.skip("the dunwell console script is not installed next to this Python")
    source = workdir.copy("statement_binary.pdf")
    (workdir.path / "bank.csv").write_bytes(b"transaction_id,booking_date,amount,currency\n")
    before = workdir.snapshot()
    env = {**os.environ, "DUNWELL_DATABASE_URL": f"sqlite:///{workdir.db}"}
    import subprocess

    proc = subprocess.run([str(script), "statement", "convert", source, "-o", "bank.csv"],
                          cwd=workdir.path, env=env, capture_output=True, text=True, timeout=120)
    from cli_harness import Outcome

    outcome = Outcome(proc.returncode, proc.stdout, proc.stderr)
    assert_refused(outcome, [(source, 1, None)], before, workdir.snapshot(), workdir.db)


@pytest.mark.parametrize("args", [
    ["reconcile", "--invoices", "invoices.csv", "--no-such-option"],
    ["statement", "convert"],
])
def test_usage_error_in_a_real_process_exits_2_without_traceback(workdir, args):
    outcome = run_subprocess(workdir, *args)
    assert outcome.exit_code == 2, outcome
    assert "Traceback" not in outcome.stdout + outcome.stderr


def test_windows_1252_bank_csv_converts_in_a_real_process_with_a_warning(workdir):
    source = workdir.copy("bank_cp1252.csv", "export.csv")
    outcome = run_subprocess(workdir, "statement", "convert", source, "-o", "bank.csv")
    assert outcome.exit_code == 0, outcome
    assert error_lines(outcome) == []
    assert "warning: export.csv:2: not valid UTF-8; read as Windows-1252" in outcome.stderr
    assert "MÜLLER & SÖHNE" in (workdir.path / "bank.csv").read_text(encoding="utf-8")
    assert not workdir.db.exists()
