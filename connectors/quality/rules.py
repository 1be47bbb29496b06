"""The expectation suites evaluated with pandas: the same findings as Great Expectations, fast.

Great Expectations takes seconds to import and validates a million rows slowly; the
suites in `expectations/` use a handful of expectation types whose meaning is simple.
Each is evaluated here on the derived frame, vectorised, with GX's own rules for
missing values (a map expectation skips nulls; a pair skips a row where both are
null). A suite with an expectation type or option not listed in `RULES` returns None,
and the caller validates it with GX itself. `tests/connectors/quality/test_quality_rules.py`
checks every rule against GX on crafted frames.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

PARTIAL = 20  # failing values shown per expectation in the Data Docs, as GX shows them
ROW = "_row"


@dataclass(frozen=True, slots=True, eq=False)
class Verdict:
    """One expectation's result.

    Attributes:
      success: the expectation holds.
      rows: positions (0-based) of the failing rows, sorted; empty for dataset checks.
      result: GX's result fields (counts, a few failing values, observed value), JSON-safe.
      config: the expectation with its parameters filled in (type, kwargs, meta).
    """

    success: bool
    rows: np.ndarray
    result: dict[str, Any]
    config: dict[str, Any]


@dataclass(frozen=True, slots=True)
class _Rule:
    """How to evaluate one expectation type: the kwargs it understands and the test."""

    kwargs: frozenset[str]
    test: Callable[[pd.DataFrame, dict[str, Any]], tuple[np.ndarray, np.ndarray]]


def _column_map(fails: Callable[[pd.Series, dict[str, Any]], pd.Series]):  # noqa: ANN202
    """A single-column map expectation: nulls are not judged, the rest must not fail."""

    def test(frame: pd.DataFrame, kw: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        values = frame[kw["column"]]
        judged = values.notna().to_numpy()
        failing = np.zeros(len(values), dtype=bool)
        if judged.any():
            failing[judged] = fails(values[judged], kw).to_numpy(dtype=bool)
        return judged, failing

    return test


def _not_null(frame: pd.DataFrame, kw: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    missing = frame[kw["column"]].isna().to_numpy()
    return np.ones(len(frame), dtype=bool), missing


def _between(values: pd.Series, kw: dict[str, Any]) -> pd.Series:
    low, high = kw.get("min_value"), kw.get("max_value")
    failing = pd.Series(False, index=values.index)
    if low is not None:
        failing |= ~(values >= low)
    if high is not None:
        failing |= ~(values <= high)
    return failing


def _pair_greater(frame: pd.DataFrame, kw: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    a, b = frame[kw["column_A"]], frame[kw["column_B"]]
    judged = ~(a.isna() & b.isna()).to_numpy()
    holds = (a >= b) if kw.get("or_equal") else (a > b)
    return judged, judged & ~holds.to_numpy(dtype=bool)


def _compound_unique(frame: pd.DataFrame, kw: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    columns = list(kw["column_list"])
    judged = ~frame[columns].isna().all(axis=1).to_numpy()
    failing = np.zeros(len(frame), dtype=bool)
    if judged.any():
        failing[judged] = frame.loc[judged, columns].duplicated(keep=False).to_numpy()
    return judged, failing


RULES: dict[str, _Rule] = {
    "expect_column_values_to_not_be_null": _Rule(frozenset({"column"}), _not_null),
    "expect_column_values_to_be_unique": _Rule(
        frozenset({"column"}), _column_map(lambda v, _: v.duplicated(keep=False))),
    "expect_column_values_to_be_in_set": _Rule(
        frozenset({"column", "value_set"}),
        _column_map(lambda v, kw: ~v.isin(list(kw["value_set"])))),
    "expect_column_values_to_not_be_in_set": _Rule(
        frozenset({"column", "value_set"}),
        _column_map(lambda v, kw: v.isin(list(kw["value_set"])))),
    "expect_column_values_to_be_between": _Rule(
        frozenset({"column", "min_value", "max_value", "row_condition", "condition_parser"}),
        _column_map(_between)),
    "expect_column_pair_values_a_to_be_greater_than_b": _Rule(
        frozenset({"column_A", "column_B", "or_equal"}), _pair_greater),
    "expect_compound_columns_to_be_unique": _Rule(
        frozenset({"column_list"}), _compound_unique),
}
_MEAN = "expect_column_mean_to_be_between"
_MEAN_KWARGS = frozenset({"column", "min_value", "max_value"})


def supported(spec: Mapping[str, Any]) -> bool:
    """True when every expectation of the suite has a rule here, with only known options."""
    for exp in spec["expectations"]:
        kwargs = set(exp.get("kwargs", {}))
        if exp["type"] == _MEAN:
            if not kwargs <= _MEAN_KWARGS:
                return False
            continue
        rule = RULES.get(exp["type"])
        if rule is None or not kwargs <= rule.kwargs:
            return False
        if exp["kwargs"].get("condition_parser", "pandas") != "pandas":
            return False
    return True


def evaluate(spec: Mapping[str, Any], frame: pd.DataFrame,
             params: Mapping[str, Any]) -> list[Verdict] | None:
    """Every expectation of the suite on the derived frame; None when a rule is missing."""
    if not supported(spec):
        return None
    return [_one(exp, frame, _resolved(exp.get("kwargs", {}), params)) for exp in
            spec["expectations"]]


def _resolved(kwargs: Mapping[str, Any], params: Mapping[str, Any]) -> dict[str, Any]:
    """Suite parameters ({"$PARAMETER": name}) replaced by their values."""
    return {k: params[v["$PARAMETER"]] if isinstance(v, dict) and "$PARAMETER" in v else v
            for k, v in kwargs.items()}


def _one(exp: Mapping[str, Any], frame: pd.DataFrame, kw: dict[str, Any]) -> Verdict:
    config = {"type": exp["type"], "kwargs": _safe(kw), "meta": dict(exp.get("meta", {}))}
    if exp["type"] == _MEAN:
        return _mean(frame, kw, config)
    scoped = frame
    if kw.get("row_condition"):
        scoped = frame.query(kw["row_condition"])
    judged, failing = RULES[exp["type"]].test(scoped, kw)
    rows = scoped[ROW].to_numpy()[failing]
    column = kw.get("column") or kw.get("column_A") or (kw.get("column_list") or [None])[0]
    result = {**_counts(len(scoped), int((~judged).sum()), int(failing.sum())),
              "partial_unexpected_list": [], "partial_unexpected_counts": [],
              "partial_unexpected_index_list": []}
    if column is not None and column in frame and failing.any():
        shown = scoped[failing]
        result["partial_unexpected_list"] = [_safe(v) for v in shown[column].head(PARTIAL)]
        result["partial_unexpected_counts"] = [
            {"value": v, "count": c} for v, c in _top(shown[column])]
        keys = [c for c in (column, "line", ROW) if c in frame]
        result["partial_unexpected_index_list"] = [
            {k: _safe(v) for k, v in zip(keys, row, strict=True)}
            for row in shown[keys].head(PARTIAL).itertuples(index=False)]
    return Verdict(not failing.any(), np.sort(rows.astype("int64")), result, config)


def _counts(elements: int, missing: int, unexpected: int) -> dict[str, Any]:
    judged = elements - missing
    return {"element_count": elements, "missing_count": missing,
            "missing_percent": 100.0 * missing / elements if elements else None,
            "unexpected_count": unexpected,
            "unexpected_percent": 100.0 * unexpected / judged if judged else None,
            "unexpected_percent_total": 100.0 * unexpected / elements if elements else None,
            "unexpected_percent_nonmissing": 100.0 * unexpected / judged if judged else None}


def _top(values: pd.Series) -> list[tuple[Any, int]]:
    """The most frequent failing values, at most PARTIAL, as GX lists them."""
    counts = values.astype("object").value_counts(dropna=False).head(PARTIAL)
    return [(_safe(v), int(c)) for v, c in counts.items()]


def _mean(frame: pd.DataFrame, kw: dict[str, Any], config: dict[str, Any]) -> Verdict:
    """A dataset check: the column's mean over its non-null values within the bounds."""
    values = pd.to_numeric(frame[kw["column"]], errors="coerce")
    mean = float(values.mean()) if values.notna().any() else float("nan")
    low, high = kw.get("min_value"), kw.get("max_value")
    holds = mean == mean and (low is None or mean >= low) and (high is None or mean <= high)
    result = {"observed_value": None if mean != mean else mean}
    return Verdict(bool(holds), np.array([], dtype="int64"), result, config)


def _safe(value: Any) -> Any:
    """A value as JSON can carry it: numpy scalars unwrapped, dates as ISO text, NaN as None."""
    if isinstance(value, dict):
        return {k: _safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_safe(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, datetime | date | pd.Timestamp):
        return value.isoformat()
    return value
