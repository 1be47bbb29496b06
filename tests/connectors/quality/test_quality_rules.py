"""The pandas rules find exactly what Great Expectations finds, suite by suite.

Random frames drawn from small pools (so that duplicates, blanks, missing dates, bad
codes and ties all occur) go through both: `quality_rules.evaluate` and GX validating
the same suite. Every expectation must agree on success, failing rows and counts.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from dunwell.connectors.quality import gx_engine
from dunwell.connectors.quality import rules as quality_rules
from dunwell.connectors.quality import validation as quality

AS_OF = date(2026, 11, 20)
IBANS = ["DE89370400440532013000", "DE89370400440532013001", "", "GB82WEST12345698765432",
         "XX00", None]


def _pick(rng: np.random.Generator, pool: list, n: int) -> list:
    return [pool[i] for i in rng.integers(0, len(pool), n)]


def _dates(rng: np.random.Generator, n: int) -> pd.Series:
    days = _pick(rng, ["2026-10-01", "2026-11-20", "2026-11-21", "2027-01-05", None], n)
    return pd.to_datetime(pd.Series(days, dtype="object"))


def invoices(rng: np.random.Generator, n: int) -> pd.DataFrame:
    amount = np.array(_pick(rng, [10000, 0, -500, 1, 250050], n), dtype="int64")
    frame = pd.DataFrame({
        "invoice_id": _pick(rng, ["INV-1", "INV-2", "R-3", "", " ", "INV-4", "INV-5"], n),
        "customer_id": _pick(rng, ["C1", "C2", "", "C3"], n),
        "customer_name": "Acme",
        "currency": _pick(rng, ["EUR", "JPY", "EURO", "usd", "BHD"], n),
        "amount_minor": amount,
        "open_minor": np.minimum(amount, np.array(_pick(rng, [0, 500, 10000, -10], n))),
        "amount": _pick(rng, ["100.00", "1.005", "100", "12.5", "7.1234"], n),
        "open_amount": _pick(rng, ["100.00", "0.001", "3"], n),
        "issue_date": _dates(rng, n), "due_date": _dates(rng, n),
        "status": _pick(rng, ["open", "paid", "credit_note", "cancelled", "", "void"], n),
    })
    frame["line"] = range(2, n + 2)
    return frame


def customers(rng: np.random.Generator, n: int) -> pd.DataFrame:
    frame = pd.DataFrame({
        "customer_id": _pick(rng, ["C1", "C2", "C3", "", "C4", "C5", "C6"], n),
        "name": _pick(rng, ["Acme", "", "Beta GmbH"], n),
        "iban": _pick(rng, IBANS, n),
        "country": _pick(rng, ["DE", "", "XX", "gb", "FR"], n),
    })
    frame["line"] = range(2, n + 2)
    return frame


def transactions(rng: np.random.Generator, n: int) -> pd.DataFrame:
    frame = pd.DataFrame({
        "transaction_id": _pick(rng, [f"T{i}" for i in range(n)] + ["", "T1"], n),
        "booking_date": _dates(rng, n),
        "amount_minor": np.array(_pick(rng, [5000, 0, -300, 1], n), dtype="int64"),
        "amount": _pick(rng, ["50.00", "0.5", "1.999"], n),
        "currency": _pick(rng, ["EUR", "KWD", "XYZ"], n),
        "counterparty_iban": _pick(rng, IBANS, n),
    })
    frame["line"] = range(2, n + 2)
    return frame


def reconciliation(rng: np.random.Generator, n: int) -> pd.DataFrame:
    frame = pd.DataFrame({
        "transaction_id": _pick(rng, ["T1", "T2", "T3", "T4", "", "T5"], n),
        "invoice_id": _pick(rng, ["INV-1", "INV-2", "", "INV-3"], n),
        "decision": _pick(rng, ["auto", "review", "unmatched", "", "maybe"], n),
        "applied_minor": np.array(_pick(rng, [0, 5000, 10000], n), dtype="int64"),
        "amount_minor": np.array(_pick(rng, [5000, -200, 10000], n), dtype="int64"),
        "invoice_open_minor": np.array(_pick(rng, [0, 5000, 10000], n), dtype="int64"),
        "currency": "EUR",
    })
    frame["line"] = range(2, n + 2)
    return frame


FRAMES = {"invoices": invoices, "customers": customers, "transactions": transactions,
          "reconciliation": reconciliation}


def _both(dataset: str, frame: pd.DataFrame, bounds: dict | None = None):  # noqa: ANN202
    spec = quality.load_suite(dataset)
    derived = quality.DERIVE[dataset](frame.reset_index(drop=True))
    derived[quality_rules.ROW] = np.arange(len(derived))
    params = quality._parameters(spec, AS_OF, bounds)  # noqa: SLF001 - the same parameters
    return (quality_rules.evaluate(spec, derived.copy(), params),
            gx_engine.validate(spec, derived.copy(), params), spec)


def _agree(ours, theirs, spec) -> list[bool]:  # noqa: ANN001
    """Assert both engines give each expectation the same verdict; the verdicts."""
    assert ours is not None, "every shipped suite has pandas rules"
    for exp, mine, gx in zip(spec["expectations"], ours, theirs, strict=True):
        name = exp["meta"].get("reason", exp["type"])
        assert mine.success == gx.success, name
        assert mine.rows.tolist() == gx.rows.tolist(), name
        for key in ("unexpected_count", "element_count", "missing_count"):
            if key in gx.result:
                assert mine.result.get(key) == gx.result[key], (name, key)
        if "observed_value" in gx.result:
            expected = gx.result["observed_value"]
            got = mine.result["observed_value"]
            assert (got is None and expected is None) or got == pytest.approx(expected), name
    return [bool(gx.success) for gx in theirs]


@pytest.mark.slow
@pytest.mark.parametrize("dataset", sorted(FRAMES))
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rules_find_what_great_expectations_finds(dataset, seed):
    rng = np.random.default_rng(seed)
    frame = FRAMES[dataset](rng, 60)
    verdicts = _agree(*_both(dataset, frame))
    assert verdicts, "the suite compared no expectation"


@pytest.mark.slow
@pytest.mark.parametrize("dataset", sorted(FRAMES))
def test_rules_agree_on_an_empty_frame(dataset):
    frame = FRAMES[dataset](np.random.default_rng(0), 5).iloc[0:0]
    verdicts = _agree(*_both(dataset, frame))
    assert verdicts, "the suite compared no expectation"


@pytest.mark.slow
@pytest.mark.parametrize("bounds", [{"match_rate_min": 0.99}, {"review_share_max": 0.0},
                                    {"match_rate_min": 0.0, "match_rate_max": 0.01}])
def test_rate_bounds_are_judged_as_great_expectations_judges_them(bounds):
    frame = reconciliation(np.random.default_rng(7), 40)
    verdicts = _agree(*_both("reconciliation", frame, bounds))
    assert not all(verdicts), "bounds this tight must fail a rate expectation in both engines"


def test_a_suite_with_an_expectation_without_a_rule_goes_to_great_expectations(tmp_path):
    spec = {"name": "custom", "expectations": [
        {"type": "expect_column_values_to_match_regex", "kwargs": {"column": "a", "regex": "x"}},
    ]}
    assert quality_rules.evaluate(spec, pd.DataFrame({"a": ["x"]}), {}) is None
    mostly = {"name": "m", "expectations": [{"type": "expect_column_values_to_not_be_null",
                                             "kwargs": {"column": "a", "mostly": 0.5}}]}
    assert quality_rules.evaluate(mostly, pd.DataFrame({"a": ["x"]}), {}) is None
