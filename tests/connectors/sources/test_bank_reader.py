"""The statement reader helper hands back what `read_bank` reads in the run's own process,
and nothing for a file it cannot read (the run reads that one itself, to report it)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd

from dunwell.connectors.sources.bank_reader import BankReader
from dunwell.connectors.sources.inputs import read_bank

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
READABLE = ["statements/bank.csv", "statements/mt940_czech_iso8859_2.sta",
            "statements/camt053_batch.xml", "statements/ofx_sgml_cp1252.ofx",
            "statements/bai2_wrapped.bai2"]
UNREADABLE = ["bad/statement_garbage.txt", "bad/bank_duplicate_transaction_id.csv"]


def test_the_helper_reads_each_statement_as_the_run_would(tmp_path: Path) -> None:
    paths = [tmp_path / f"{i}-{Path(name).name}" for i, name in enumerate(READABLE)]
    for name, path in zip(READABLE, paths, strict=True):
        shutil.copy(FIXTURES / name, path)

    files = BankReader(paths, dict(os.environ)).files()

    assert all(files), files
    for path, got in zip(paths, files, strict=True):
        assert got is not None
        here = read_bank(path)
        assert (got.path, got.sha256, got.format) == (here.path, here.sha256, here.format)
        assert got.warnings == here.warnings
        assert got.balance_findings == here.balance_findings
        pd.testing.assert_frame_equal(got.transactions, here.transactions)
        assert len(got.transactions) > 0


def test_a_file_the_helper_cannot_read_comes_back_empty_handed(tmp_path: Path) -> None:
    good = tmp_path / "bank.csv"
    shutil.copy(FIXTURES / READABLE[0], good)
    bad = [FIXTURES / name for name in UNREADABLE]

    files = BankReader([bad[0], good, bad[1], tmp_path / "missing.sta"], dict(os.environ)).files()

    assert [f is None for f in files] == [True, False, True, True]


def test_a_helper_that_dies_leaves_the_run_to_read_every_file(tmp_path: Path) -> None:
    good = tmp_path / "bank.csv"
    shutil.copy(FIXTURES / READABLE[0], good)
    reader = BankReader([good], dict(os.environ))
    reader._process.kill()  # noqa: SLF001 - a helper killed from outside

    assert reader.files() == [None]


def test_a_helper_that_cannot_start_hands_back_nothing(tmp_path: Path) -> None:
    good = tmp_path / "bank.csv"
    shutil.copy(FIXTURES / READABLE[0], good)
    broken = {**os.environ, "PYTHONHOME": "/nonexistent"}  # no standard library to start with

    assert BankReader([good], broken).files() == [None]
