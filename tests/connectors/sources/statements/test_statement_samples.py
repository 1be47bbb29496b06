"""The 39 real-world samples convert with the count and net sum EXPECTED.csv gives."""

from __future__ import annotations

import csv
import os
import re
from collections import defaultdict
from decimal import Decimal

import pytest

from dunwell.connectors.sources.statements import check_balances, read_statement
from tests.connectors.sources.statements.statement_testkit import SAMPLES

if not (SAMPLES / "EXPECTED.csv").is_file():  # pragma: no cover - CI has ../shared/samples
    if os.environ.get("CI"):
        raise RuntimeError(f"CI must have the shared samples at {SAMPLES}")
    pytest.skip(f"samples not found at {SAMPLES}", allow_module_level=True)

EXPECTED = list(csv.DictReader(open(SAMPLES / "EXPECTED.csv", encoding="utf-8")))



def _net(text: str) -> dict[str, Decimal]:
    parts = text.split()
    return {parts[i]: Decimal(parts[i + 1]) for i in range(0, len(parts), 2)}


@pytest.mark.parametrize("row", EXPECTED, ids=[r["file"] for r in EXPECTED])
def test_sample_converts_with_expected_count_and_net_sum(row: dict[str, str]) -> None:
    imp = read_statement(SAMPLES / row["file"])
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for txn in imp.transactions:
        sums[txn.currency] += txn.amount
    count, net = int(row["transactions"]), _net(row["net_sum_by_currency"])
    assert imp.format == row["format"]
    assert len(imp.transactions) == count
    assert dict(sums) == net
    assert len({t.transaction_id for t in imp.transactions}) == count
    assert len(imp.lines) == count and imp.lines == sorted(imp.lines)
    assert all(t.account for t in imp.transactions) or imp.format == "csv"


@pytest.mark.parametrize("row", [r for r in EXPECTED if "reconcile" in r["notes"]],
                         ids=lambda r: r["file"])
def test_sample_balance_findings_match_the_statements_that_do_not_reconcile(row) -> None:
    ok, total = map(int, re.search(r"(\d+)/(\d+) statements reconcile", row["notes"]).groups())
    imp = read_statement(SAMPLES / row["file"])
    findings = [f for f in check_balances(imp) if "closing balance is" in f]
    assert len(imp.balances) == total
    assert len(findings) == total - ok


def test_sparkasse_export_is_recognised_by_its_header() -> None:
    imp = read_statement(SAMPLES / "csv/sparkasse_de_csvcamt.csv")
    assert imp.profile == "sparkasse_csv_camt"


def test_sample_reading_is_repeatable() -> None:
    path = SAMPLES / "mt940/betterplace_sepa.sta"
    assert read_statement(path).transactions == read_statement(path).transactions
