"""Statements read by the reader helper (connectors/sources/bank_reader.py) are refused
exactly as statements read by the run itself: the helper hands back only what it read,
and the run reads a file the helper could not read again, to report it."""

from __future__ import annotations

import pytest
from cli_harness import assert_refused, error_lines, where


def _several_bad_files(cli, workdir, monkeypatch, helper_bytes: int):
    monkeypatch.setenv("DUNWELL_READ_HELPER_BYTES", str(helper_bytes))
    invoices = workdir.copy("invoices_bad_date.csv", "invoices.csv")
    bank = workdir.copy("bank_duplicate_transaction_id.csv", "bank.csv")
    second = workdir.copy("statement_garbage.txt", "second.txt")
    third = workdir.copy("statement_ing_bad_cells.csv", "third.csv")
    before = workdir.snapshot()
    outcome = cli("reconcile", "--invoices", invoices, "--bank", bank, "--bank", second,
                  "--bank", third, "--bank", "missing.sta", "--out", "out")
    return outcome, before


@pytest.mark.parametrize("helper_bytes", [0, 10**12], ids=["helper", "in-process"])
def test_bad_statements_are_refused_the_same_whoever_reads_them(cli, workdir, monkeypatch,
                                                                helper_bytes):
    outcome, before = _several_bad_files(cli, workdir, monkeypatch, helper_bytes)
    expected = [("invoices.csv", 2, "issue_date"), ("invoices.csv", 3, "due_date"),
                ("bank.csv", 4, "transaction_id"), ("second.txt", 1, None),
                ("missing.sta", None, None)]
    refused = [line for line in error_lines(outcome) if line.startswith("third.csv")]
    assert refused, outcome.stderr  # the bank CSV profile's bad cells, each with its line
    assert_refused(outcome, expected + [where(line) for line in refused], before,
                   workdir.snapshot(), workdir.db)


def test_the_helper_says_word_for_word_what_the_run_says(cli, workdir, monkeypatch):
    with_helper, _ = _several_bad_files(cli, workdir, monkeypatch, 0)
    without, _ = _several_bad_files(cli, workdir, monkeypatch, 10**12)
    assert error_lines(with_helper) == error_lines(without)
    assert with_helper.exit_code == without.exit_code == 2

