"""Own fixtures, written from the specifications, against hand-written canonical CSVs."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from dunwell.connectors.sources.statements import (
    check_balances,
    read_statement,
    write_canonical_csv,
)
from tests.connectors.sources.statements.statement_testkit import (
    FIXTURE_PROFILES,
    FIXTURES,
    golden_rows,
)

CASES = {
    "sepa_86.sta": "mt940",
    "reversal.sta": "mt940",
    "camt053_batch.xml": "camt053",
    "camt054.xml": "camt054",
    "ofx_sgml_cp1252.ofx": "ofx",
    "ofx_xml.ofx": "ofx",
    "bai2_continuation.bai2": "bai2",
    "debit_credit.csv": "csv",
    "bank.csv": "canonical",
    "mt940_dialects_cp1250.sta": "mt940",
    "camt053_dialects.xml": "camt053",
    "ofx_investment.ofx": "ofx",
    "ofx_bad_balance.ofx": "ofx",
    "bai2_wrapped.bai2": "bai2",
    "bai2_records_on_one_line.bai2": "bai2",
    "mt940_czech_iso8859_2.sta": "mt940",
    "rich_profile.csv": "csv",
}


def _golden(name: str) -> Path:
    return FIXTURES / (name.rsplit(".", 1)[0] + ".expected.csv")


@pytest.mark.parametrize("name", CASES)
def test_fixture_converts_to_its_golden_canonical_csv(name: str, tmp_path: Path) -> None:
    imp = read_statement(FIXTURES / name, profiles_dir=FIXTURE_PROFILES)
    out = tmp_path / "bank.csv"
    write_canonical_csv(imp.transactions, out)
    with open(out, encoding="utf-8", newline="") as handle:
        written = list(csv.DictReader(handle))
    assert imp.format == CASES[name]
    assert written == golden_rows(_golden(name))


@pytest.mark.parametrize("name", [n for n in CASES if n not in ("debit_credit.csv", "bank.csv",
                                                                 "rich_profile.csv")])
def test_fixture_statements_balance(name: str) -> None:
    imp = read_statement(FIXTURES / name, profiles_dir=FIXTURE_PROFILES)
    assert check_balances(imp) == []
    assert sum(b.count for b in imp.balances) == len(imp.transactions)


def test_written_canonical_csv_reads_back_identically(tmp_path: Path) -> None:
    imp = read_statement(FIXTURES / "camt053_batch.xml")
    out = tmp_path / "bank.csv"
    write_canonical_csv(imp.transactions, out)
    again = read_statement(out)
    assert again.format == "canonical"
    assert again.transactions == imp.transactions


def test_camt_pending_entry_is_skipped_with_a_warning() -> None:
    imp = read_statement(FIXTURES / "camt053_batch.xml")
    assert "E3" not in {t.transaction_id for t in imp.transactions}
    assert any("1 entries not booked" in w for w in imp.warnings)


def test_declared_cp1252_ofx_reads_without_warning() -> None:
    assert read_statement(FIXTURES / "ofx_sgml_cp1252.ofx").warnings == []


def test_csv_profile_is_recognised_from_its_header() -> None:
    imp = read_statement(FIXTURES / "debit_credit.csv", profiles_dir=FIXTURE_PROFILES)
    assert imp.profile == "testbank_debit_credit"
    assert any("lines 6 (vorgemerkt)" in w for w in imp.warnings)


@pytest.mark.parametrize(("name", "lines"), [
    ("sepa_86.sta", [5, 9]), ("camt053_batch.xml", [17, 21, 24, 29, 42]),
    ("ofx_xml.ofx", [15, 20]), ("bai2_continuation.bai2", [5, 7, 8]), ("bank.csv", [2, 3]),
    ("debit_credit.csv", [4, 5]),
])
def test_each_transaction_carries_the_line_it_starts_on(name: str, lines: list[int]) -> None:
    imp = read_statement(FIXTURES / name, profiles_dir=FIXTURE_PROFILES)
    assert imp.lines == lines
