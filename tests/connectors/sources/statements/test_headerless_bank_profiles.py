"""Built-in profiles of exports without a header row (HSBC UK, Wells Fargo, Raiffeisen AT
"Mein ELBA"): read with --profile NAME into their hand-written golden canonical CSVs.

Each fixture in tests/fixtures/statements/banks was written from the bank's published
layout (sources in that folder's README); the golden rows were written by hand from the
fixture's rows, not taken from dunwell's output."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from dunwell.connectors.sources.statements import read_statement, write_canonical_csv
from dunwell.errors import InputError
from tests.connectors.sources.statements.statement_testkit import FIXTURES, golden_rows

BANKS = FIXTURES / "banks"
CASES = ("hsbc_uk", "wells_fargo", "raiffeisen_at")


@pytest.mark.parametrize("name", CASES)
def test_headerless_export_converts_to_its_golden_csv_with_its_profile(name: str,
                                                                       tmp_path: Path) -> None:
    imp = read_statement(BANKS / f"{name}.csv", profile=name)
    out = tmp_path / "bank.csv"
    write_canonical_csv(imp.transactions, out)
    with open(out, encoding="utf-8", newline="") as handle:
        written = list(csv.DictReader(handle))
    assert imp.profile == name
    assert written == golden_rows(BANKS / f"{name}.expected.csv")


def test_each_record_of_a_headerless_export_carries_its_physical_line() -> None:
    imp = read_statement(BANKS / "wells_fargo.csv", profile="wells_fargo")
    assert imp.lines == [1, 2, 3]


def test_a_bad_amount_in_a_headerless_export_names_the_line_and_the_column(
        tmp_path: Path) -> None:
    path = tmp_path / "hsbc.csv"
    path.write_text("03/11/2026,TESCO,-48.89\n04/11/2026,HMRC,12.3.4\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_statement(path, profile="hsbc_uk")
    assert info.value.line == 2 and info.value.column == "column 3"
