"""Data quality: the suites in `expectations/` run by Great Expectations on derived frames.

Each dataset gets a derived frame (blank ids as nulls, booleans for checks GX
cannot express such as IBAN checksums or "at most the currency's decimals"),
one validation of its suite, and a `QualityResult`: per-expectation outcomes, the
rows that failed a row-level expectation (`quarantine`, with a `reason`) and the
rest (`clean`). The suites are evaluated with pandas (`quality_rules`, the same
findings as GX, checked against it in the tests); a suite using an expectation
that has no rule there is validated by GX itself. GX renders the Data Docs into
the output folder, in a helper process (`data_docs`).
"""

from __future__ import annotations

import functools
import json
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pycountry
from schwifty.registry import get_iban_spec

from dunwell.connectors.quality import data_docs
from dunwell.connectors.quality import rules as quality_rules
from dunwell.connectors.quality.rules import ROW as _ROW
from dunwell.connectors.quality.rules import Verdict
from dunwell.currencies import MINOR_UNITS, display_exponent, is_currency
from dunwell.errors import CriticalQualityFailure, InvariantBroken
from dunwell.frames import positions
from dunwell.model import Decision
from dunwell.money import D, exponent, to_minor

SUITES_DIR = Path(__file__).resolve().parents[2] / "expectations"
SAMPLE_ROWS = 5
_GX_LOCK = threading.Lock()  # a GX context is not thread-safe; Prefect may run tasks in threads
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outcome:
    """One expectation's result, in the controller's words.

    Attributes:
      name: the human reason the expectation guards against ("invoice_id duplicated").
      expectation: the GX expectation type, for the Data Docs reader.
      success: true when no row (or the dataset) failed it.
      unexpected_count: how many rows failed; 0 for dataset-level checks.
      sample: up to five failing rows as {"line": ..., key column: ...}.
      critical: a failure stops the run before any reminder is sent.
      row_level: failing rows are quarantined rather than stopping the run.
      observed: the observed value of a dataset-level check (a rate), else "".
      invariant: a rule dunwell's own results must always keep; failing it is a bug.
      quarantines: failing rows are held back; false for a weak field that the rest of
        the row outweighs (a payer IBAN that fails its checksum: the money still came).
    """

    name: str
    expectation: str
    success: bool
    unexpected_count: int
    sample: tuple[dict[str, str], ...]
    critical: bool
    row_level: bool
    observed: str = ""
    invariant: bool = False
    quarantines: bool = True


@dataclass(frozen=True, slots=True, eq=False)
class QualityResult:
    """A dataset's checkpoint: outcomes, quarantined rows (with `reason`) and clean rows;
    `validation` is what the Data Docs show of it."""

    dataset: str
    outcomes: tuple[Outcome, ...]
    quarantine: pd.DataFrame
    clean: pd.DataFrame
    rows: int
    validation: dict = field(default_factory=dict)

    @property
    def success(self) -> bool:
        """True when every expectation passed."""
        return all(o.success for o in self.outcomes)

    @property
    def critical_failures(self) -> tuple[Outcome, ...]:
        """Failed expectations that must stop the run."""
        return tuple(o for o in self.outcomes if o.critical and not o.success)

    @property
    def findings(self) -> tuple[Outcome, ...]:
        """Failed dataset-level checks (a rate out of bounds): reported, never a stop."""
        return tuple(o for o in self.outcomes
                     if not o.success and not o.row_level and not o.critical)


def check(
    dataset: str,
    frame: pd.DataFrame,
    *,
    as_of: date,
    out_dir: Path,
    bounds: Mapping[str, float] | None = None,
) -> QualityResult:
    """Run `expectations/<dataset>.json` on a frame; split it into quarantine and clean."""
    spec = load_suite(dataset)
    derived = DERIVE[dataset](frame.reset_index(drop=True))
    derived[_ROW] = np.arange(len(derived))
    params = _parameters(spec, as_of, bounds)
    run_time = datetime.now(UTC).isoformat()
    verdicts = quality_rules.evaluate(spec, derived, params)
    if verdicts is None:  # an expectation without a pandas rule: GX validates the suite
        from dunwell.connectors.quality import gx_engine

        with _GX_LOCK:
            verdicts = gx_engine.validate(spec, derived, params)
    suite_critical = bool(spec.get("meta", {}).get("critical", False))
    outcomes: list[Outcome] = []
    failing: dict[int, list[str]] = {}
    for exp, verdict in zip(spec["expectations"], verdicts, strict=True):
        outcome, rows = _outcome(exp, verdict, frame, suite_critical)
        outcomes.append(outcome)
        for row in rows:
            failing.setdefault(row, []).append(outcome.name)
    quarantine, clean = _split(frame.reset_index(drop=True), failing)
    log.info("quality %s: %d rows, %d quarantined", dataset, len(frame), len(quarantine))
    return QualityResult(dataset, tuple(outcomes), quarantine, clean, len(frame),
                         data_docs.validation(spec, verdicts, len(frame), run_time))


def stop_on_critical(results: Iterable[QualityResult]) -> None:
    """Raise CriticalQualityFailure naming every failed critical check; call before sending.

    A broken invariant of dunwell's own results raises InvariantBroken first: a bug.
    """
    results = list(results)
    broken = [f"{r.dataset}: {o.name} ({_where(o)})" for r in results for o in r.outcomes
              if o.invariant and not o.success]
    if broken:
        raise InvariantBroken(
            "dunwell bug, please report it: its own results break a rule that must always "
            "hold, nothing was written: " + "; ".join(broken))
    problems = [
        f"{r.dataset}: {o.name} ({_where(o)})" for r in results for o in r.critical_failures
    ]
    if problems:
        raise CriticalQualityFailure(
            "critical data-quality check failed, no reminder was sent: " + "; ".join(problems)
        )


def build_data_docs(results: Iterable[QualityResult], out_dir: Path) -> Path:
    """Start building the run's static Data Docs under out_dir/data_docs; their index.html.

    Call it once, after the run's checks; `warm_up_docs()` at the start of a run lets
    GX load meanwhile, and `finish_data_docs()` waits for the site (publishing does).
    """
    results = list(results)
    index = data_docs.build([r.validation for r in results], _docs_dir(out_dir))
    names = ", ".join(r.dataset for r in results)
    log.info("data docs for %s being built in %s", names or "no dataset", _docs_dir(out_dir))
    return index


def finish_data_docs() -> Path | None:
    """Wait for the Data Docs being built; their index.html (None when none were started)."""
    return data_docs.finish()


def warm_up_docs() -> None:
    """Let GX load for the Data Docs in a helper process while the run goes on."""
    data_docs.warm_up()


def reconciliation_frame(
    transactions: pd.DataFrame, matches: pd.DataFrame, invoices_before: pd.DataFrame
) -> pd.DataFrame:
    """The reconciliation dataset: a row per link, and one per unmatched transaction.

    `invoices_before` are the invoices as they stood before this statement, so
    that "cleared twice" compares booked payments with what was open. Only the links
    matches.csv shows count: a review item's alternatives (rank 2 and on) are proposals,
    and two of them may well share an invoice.
    """
    rank = matches["rank"] if "rank" in matches else pd.Series(1, index=matches.index)
    links = matches[rank.fillna(1).astype("int64") == 1].copy()
    if "applied_minor" not in links:
        ccy = links["transaction_id"].map(transactions.set_index("transaction_id")["currency"])
        links["applied_minor"] = [
            to_minor(D(str(a)), c) for a, c in zip(links["applied_amount"], ccy, strict=True)
        ]
    columns = ["transaction_id", "invoice_id", "decision", "applied_minor"]
    txns = transactions[["transaction_id", "amount_minor", "currency", "line"]]
    frame = txns.merge(links[columns], on="transaction_id", how="left")
    frame["invoice_id"] = frame["invoice_id"].fillna("")
    frame["decision"] = frame["decision"].fillna("unmatched")
    frame["applied_minor"] = frame["applied_minor"].fillna(0).astype("int64")
    first = invoices_before.drop_duplicates("invoice_id")
    at = positions(first["invoice_id"], frame["invoice_id"])
    open_ = first["open_minor"].reset_index(drop=True).reindex(at)
    frame["invoice_open_minor"] = open_.fillna(0).astype("int64").to_numpy()
    return frame


def load_suite(dataset: str) -> dict:
    """The suite file for a dataset, as a dict (GX 1.x suite JSON plus dunwell meta)."""
    path = SUITES_DIR / f"{dataset}.json"
    if dataset not in DERIVE or not path.is_file():
        raise ValueError(f"no quality suite for dataset {dataset!r}")
    return json.loads(path.read_text(encoding="utf-8"))


def _docs_dir(out_dir: Path) -> Path:
    return Path(out_dir).resolve() / "data_docs"


def _parameters(spec: dict, as_of: date, bounds: Mapping[str, float] | None) -> dict:
    """Suite parameters: the as-of date, ISO code lists, and rate bounds (config over defaults).

    Currencies are dunwell's one table (`dunwell.currencies`), the codes the readers accept;
    pycountry's list lags ISO (no ANG or BGN) and counts metals and XXX as currencies."""
    params: dict[str, object] = {
        "as_of": datetime(as_of.year, as_of.month, as_of.day),
        "currencies": sorted(MINOR_UNITS),
        "countries": sorted(c.alpha_2 for c in pycountry.countries),
    }
    params.update(spec.get("meta", {}).get("defaults", {}))
    params.update(bounds or {})
    return params


def _outcome(exp: dict, verdict: Verdict, frame: pd.DataFrame, suite_critical: bool):  # noqa: ANN202
    """Turn a verdict into an Outcome and the positions of its failing rows."""
    meta = exp.get("meta", {})
    result = verdict.result
    rows = [int(r) for r in verdict.rows]
    row_level = bool(meta.get("row_level", False))
    observed = result.get("observed_value")
    # a rate over no payments (a quiet day) has nothing to judge: it passes, shown as n/a
    unmeasured = not row_level and (observed is None or observed != observed)
    outcome = Outcome(
        name=meta.get("reason", exp["type"]),
        expectation=exp["type"],
        success=bool(verdict.success) or unmeasured,
        unexpected_count=int(result.get("unexpected_count") or 0),
        sample=tuple(_sample_row(frame, r) for r in rows[:SAMPLE_ROWS]),
        critical=bool(meta.get("critical", suite_critical)),
        row_level=row_level,
        observed=_observed(observed, row_level),
        invariant=bool(meta.get("invariant", False)),
        quarantines=bool(meta.get("quarantine", True)),
    )
    return outcome, rows if outcome.row_level and outcome.quarantines else []


def _observed(value: object, row_level: bool) -> str:
    if row_level:
        return ""
    if value is None or value != value:
        return "n/a"
    return f"{value:.1%}" if isinstance(value, float) else str(value)


def _sample_row(frame: pd.DataFrame, position: int) -> dict[str, str]:
    """A failing row for the report: its line and its first identifying columns."""
    row = frame.iloc[position]
    keys = ["line", *[c for c in frame.columns if c.endswith("_id")][:2]]
    return {k: str(row[k]) for k in keys if k in frame}


def _split(frame: pd.DataFrame, failing: dict[int, list[str]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Failing rows with their reasons joined by '; ', and the clean rest."""
    mask = np.zeros(len(frame), dtype=bool)
    mask[list(failing)] = True
    quarantine = frame[mask].copy()
    quarantine["reason"] = ["; ".join(failing[i]) for i in np.flatnonzero(mask).tolist()]
    return quarantine, frame[~mask].copy()


def _where(o: Outcome) -> str:
    if o.row_level:
        lines = ", ".join(s.get("line", "?") for s in o.sample)
        return (
            f"{o.unexpected_count} rows, lines {lines}" if lines else f"{o.unexpected_count} rows"
        )
    return f"observed {o.observed}" if o.observed else "failed"


# --- derived frames: one function per dataset, vectorised --------------------------------


def _blank_to_null(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    out = frame.copy()
    for col in columns:
        if col in out:
            out[col] = out[col].astype("object").where(out[col].astype("str").str.strip() != "")
    return out


def _decimals_ok(text: pd.Series, currency: pd.Series) -> pd.Series:
    """True where an amount's text has no more significant decimals than its currency allows."""
    text = text.astype("str").str.strip()
    dot = text.str.rfind(".").to_numpy()
    length = text.str.len().to_numpy()
    # Decimals written, less the trailing zeros (which say nothing): '1.50' uses one.
    zeros = length - text.str.rstrip("0").str.len().to_numpy()
    used = np.where(dot < 0, 0, np.maximum(length - dot - 1 - zeros, 0))
    exps = currency.map({c: _safe_exponent(c) for c in pd.unique(currency)})
    allowed = pd.to_numeric(exps).to_numpy()  # numeric also when empty
    return pd.Series(used <= allowed, index=text.index, dtype=bool)


def _safe_exponent(currency: str) -> int:
    try:
        return exponent(currency)
    except Exception:  # noqa: BLE001 - babel raises several kinds; the currency check reports it
        return 2


def _amount_decimals_ok(frame: pd.DataFrame, raw: str, minor: str) -> pd.Series:
    """`_decimals_ok` of the amount as the source wrote it when the frame keeps it, else of
    the text `minor_to_text` would rebuild from minor units, counted without building it."""
    if raw in frame:
        return _decimals_ok(frame[raw].astype("str"), frame["currency"])
    # A currency that is no ISO code is reported by its own check; its amount reads as EUR's.
    places = _per_distinct(frame["currency"].astype("str"),
                           lambda c: display_exponent(c if is_currency(c) else "EUR"))
    used = _decimals_used(frame[minor].to_numpy(dtype="int64"), places.astype("int64"))
    allowed = _per_distinct(frame["currency"], _safe_exponent)
    return pd.Series(used <= allowed, index=frame.index, dtype=bool)


def _per_distinct(values: pd.Series, judge: Callable[[str], int]) -> np.ndarray:
    """`judge` of each row's value, called once per distinct value (missing ones included);
    a dict `.map` over an Arrow string column costs ten times more."""
    codes, distinct = pd.factorize(values, sort=False, use_na_sentinel=False)
    return np.array([judge(v) for v in distinct])[codes]


def _decimals_used(minor: np.ndarray, places: np.ndarray) -> np.ndarray:
    """Significant decimals of minor units written with `places` decimals ('1.50': one):
    a decimal is spent unless the fraction is divisible by ten to its position."""
    fraction = np.abs(minor) % np.power(10, places)
    used = places.copy()
    for k in range(1, int(places.max(initial=0)) + 1):
        used -= (k <= places) & (fraction % 10**k == 0)
    return used


def _iban_ok(values: pd.Series) -> pd.Series:
    """True/False per IBAN checksum and length, null where the IBAN is blank.

    Judged once per distinct IBAN: a statement repeats its payers' accounts.
    """
    codes, distinct = pd.factorize(values.astype("object"), sort=False, use_na_sentinel=True)
    verdicts = np.array([*(_one_iban_ok(str(v).strip()) for v in distinct), None], dtype=object)
    return pd.Series(verdicts[codes] if len(codes) else [], index=values.index, dtype="object")


_DIGITS = str.maketrans({chr(c): str(c - ord("A") + 10) for c in range(ord("A"), ord("Z") + 1)})


def _one_iban_ok(text: str) -> bool | None:
    """schwifty's structural check (characters, country length and format, mod 97),
    with the country's spec looked up once: constructing an IBAN object costs 30x more."""
    if not text:
        return None
    iban = "".join(text.split()).upper()
    spec = _iban_spec(iban[:2])
    if spec is None or len(iban) != spec.iban_length or not iban.isalnum() or not iban.isascii():
        return False
    if not iban[2:4].isdigit() or not spec.regex.match(iban[4:]):
        return False
    moved = iban[4:] + iban[:4]
    return int(moved.translate(_DIGITS)) % 97 == 1


@functools.cache
def _iban_spec(country: str):  # noqa: ANN202 - schwifty's IBANSpec
    try:
        return get_iban_spec(country)
    except Exception:  # noqa: BLE001 - an unknown country code is simply no IBAN
        return None


def _derive_invoices(frame: pd.DataFrame) -> pd.DataFrame:
    out = _blank_to_null(frame, ["invoice_id", "customer_id"])
    out["amount_decimals_ok"] = _amount_decimals_ok(frame, "amount", "amount_minor")
    out["open_decimals_ok"] = _amount_decimals_ok(frame, "open_amount", "open_minor")
    amount, open_ = frame["amount_minor"], frame["open_minor"]
    positive = (open_ >= 0) & (open_ <= amount)
    negative = (open_ <= 0) & (open_ >= amount)
    out["open_within_amount"] = np.where(amount >= 0, positive, negative).astype(bool)
    return out


def _derive_customers(frame: pd.DataFrame) -> pd.DataFrame:
    out = _blank_to_null(frame, ["customer_id", "name", "country"])
    out["iban_checksum_ok"] = _iban_ok(frame.get("iban", pd.Series("", index=frame.index)))
    return out


def _derive_transactions(frame: pd.DataFrame) -> pd.DataFrame:
    out = _blank_to_null(frame, ["transaction_id"])
    out["amount_decimals_ok"] = _amount_decimals_ok(frame, "amount", "amount_minor")
    ibans = frame.get("counterparty_iban", pd.Series("", index=frame.index))
    out["iban_checksum_ok"] = _iban_ok(ibans)
    return out


def _derive_statements(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["balance_adds_up"] = (
        frame["opening_minor"] + frame["movement_minor"] == frame["closing_minor"]
    ).astype(bool)
    ordered = frame.sort_values(["account", "statement_date"], kind="stable")
    previous = ordered.groupby("account")["closing_minor"].shift(1)
    chains = previous.isna() | (previous == ordered["opening_minor"])
    out["chains_previous"] = chains.reindex(frame.index).astype(bool)
    return out


def _derive_reconciliation(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.assign(decision=frame["decision"].fillna("").replace("", "unmatched"))
    out = _blank_to_null(frame, ["transaction_id", "invoice_id"])
    auto = frame["decision"].eq(Decision.AUTO) & frame["invoice_id"].ne("")
    booked = (frame["applied_minor"].where(auto, 0)
              .groupby(frame["invoice_id"], sort=False).transform("sum"))
    out["cleared_once"] = ~(auto & (booked > frame["invoice_open_minor"]))
    first = ~frame["transaction_id"].duplicated()
    incoming = first & (frame.get("amount_minor", pd.Series(1, index=frame.index)) > 0)
    by_txn, _ = pd.factorize(frame["transaction_id"].astype("object").fillna(""), sort=False)
    matched = _any_per(frame["decision"].isin(list(Decision)), by_txn)
    auto_any = _any_per(frame["decision"].eq(Decision.AUTO), by_txn)
    out["transaction_matched"] = matched.astype(float).where(incoming)
    out["transaction_in_review"] = (~auto_any).astype(float).where(incoming & matched)
    return out


def _any_per(flags: pd.Series, keys: np.ndarray) -> pd.Series:
    """Per row: whether any row with the same key (codes from `pd.factorize`) has the flag."""
    hits = np.bincount(keys[flags.to_numpy(dtype=bool)], minlength=len(keys))
    return pd.Series(hits[keys] > 0, index=flags.index, dtype=bool)


DERIVE: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
    "invoices": _derive_invoices,
    "customers": _derive_customers,
    "transactions": _derive_transactions,
    "statements": _derive_statements,
    "reconciliation": _derive_reconciliation,
}
