"""bench_peer_files judges each tool's output the same way: the peer's CSV amounts are read
with its own columns, and a verdict says ok, WRONG (silent) or refused."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import bench_peer_files as bench  # noqa: E402 - the bench folder is not a package

SEPA = bench.FIXTURES / "sepa_86.sta"


def test_peer_amount_reads_camt_column_and_strips_the_formula_quote() -> None:
    assert bench.peer_amount({"Amount": "-754.25", "DrCr": "DBIT"}) == Decimal("-754.25")
    assert bench.peer_amount({"amount": "'-1.5"}) == Decimal("-1.5")
    assert bench.peer_amount({"Amount": "7", "amount": "7"}) == Decimal("7")


def test_fixture_truth_comes_from_the_golden_csv_and_leaves_the_profile_csvs_out() -> None:
    cases = {case.path.name: case for case in bench.fixture_cases()}
    assert cases["sepa_86.sta"] == bench.Case("tests", "mt940", SEPA, 2, Decimal("1249.50"),
                                              "EUR")
    assert not any(name.endswith(".csv") for name in cases)


def test_judge_tells_a_right_reading_from_a_wrong_sum_and_a_refusal(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"

    def run(case: bench.Case) -> str:
        argv = bench.dunwell_argv(case.path, out)
        return bench.judge(case, argv, out, bench.dunwell_amount, tmp_path)["verdict"]

    right = bench.Case("tests", "mt940", SEPA, 2, Decimal("1249.50"), "EUR")
    garbage = bench.REPO / "tests" / "fixtures" / "bad" / "statement_garbage.txt"
    assert run(right) == "ok"
    assert run(right._replace(net=Decimal("1249.51"))) == "WRONG"
    assert run(right._replace(path=garbage)) == "refused"
