"""Great Expectations itself: validating a suite dunwell's rules cannot read, and the Data Docs.

Importing GX takes seconds, so no run imports this module in its own process unless a
suite needs GX to validate it (an expectation type `quality_rules` has no rule for).
The Data Docs are built by `python -m dunwell.connectors.quality.gx_engine` in a helper process
(see `data_docs`): it imports GX while the run reads and matches, then reads the run's
validation results as JSON on stdin and writes the site. GX runs in memory, no usage
statistics, no progress bars; only the Data Docs site is written.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import json
import sys
import types
from datetime import datetime
from pathlib import Path
from typing import Any


class _Deferred(types.ModuleType):
    """A module imported on the first use of one of its attributes, not when imported."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.__spec__ = importlib.machinery.ModuleSpec(name, None)

    def __getattr__(self, attr: str) -> Any:
        name = self.__name__
        if sys.modules.get(name) is self:
            del sys.modules[name]
        real = importlib.import_module(name)
        self.__dict__.update(real.__dict__)
        return getattr(real, attr)


def _defer(*names: str) -> None:
    """GX imports these when it starts, for features the Data Docs of dunwell's suites never
    use (scipy.stats for one distribution expectation, altair for charts): they are imported
    on first use instead. The helper's start is the critical path of a small run: this took
    about a second of its three on the demo data."""
    for name in names:
        sys.modules.setdefault(name, _Deferred(name))


if __name__ == "__main__":  # the helper process, before the seconds of importing GX
    from dunwell.connectors.children import as_helper

    # so that no helper outlives its run or writes into a staging folder nobody publishes
    as_helper(0)
    # It loads GX while the run reads and matches on both cores, and the docs are wanted
    # only at the end: it takes a core when one is free (1M: the reading 1 s sooner).
    __import__("os").nice(10)
    _defer("scipy.stats", "altair")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from dunwell.connectors.settings.config import gx_analytics_off  # noqa: E402

gx_analytics_off()

import great_expectations as gx  # noqa: E402 - analytics must be off before import
from great_expectations.core.expectation_suite import ExpectationSuite  # noqa: E402
from great_expectations.core.expectation_validation_result import (  # noqa: E402
    ExpectationSuiteValidationResult,
    ExpectationValidationResult,
)
from great_expectations.core.run_identifier import RunIdentifier  # noqa: E402
from great_expectations.data_context.types.base import (  # noqa: E402
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)
from great_expectations.data_context.types.resource_identifiers import (  # noqa: E402
    ExpectationSuiteIdentifier,
    ValidationResultIdentifier,
)
from great_expectations.expectations.expectation_configuration import (  # noqa: E402
    ExpectationConfiguration,
)

from dunwell.connectors.quality.offline_docs import make_offline  # noqa: E402
from dunwell.connectors.quality.rules import ROW, Verdict, _safe  # noqa: E402

DOCS_SITE = "dunwell"
_DROPPED = ("unexpected_list", "unexpected_index_list", "unexpected_index_query")


def context(site: Path | None = None):  # noqa: ANN201 - GX's context type is private
    """An in-memory GX context; with `site`, one Data Docs site written there."""
    sites = {}
    if site is not None:
        sites[DOCS_SITE] = {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                              "base_directory": str(site)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        }
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        data_docs_sites=sites,
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
    )
    return gx.get_context(project_config=config, mode="ephemeral")


def validate(spec: dict, derived: pd.DataFrame, params: dict) -> list[Verdict]:
    """Run the suite with GX on the derived frame: one Verdict per expectation."""
    ctx = context()
    name = spec["name"]
    suite = ctx.suites.add(ExpectationSuite(name=name, expectations=spec["expectations"],
                                            meta=spec.get("meta", {})))
    batch = (ctx.data_sources.add_pandas("dunwell").add_dataframe_asset(name)
             .add_batch_definition_whole_dataframe("run"))
    definition = ctx.validation_definitions.add(
        gx.ValidationDefinition(name=name, data=batch, suite=suite))
    result_format = {"result_format": "COMPLETE", "unexpected_index_column_names": ["line", ROW]}
    validation = definition.run(batch_parameters={"dataframe": derived},
                                expectation_parameters=params, result_format=result_format)
    return [_verdict(exp, res) for exp, res in zip(spec["expectations"], validation.results,
                                                   strict=True)]


def _verdict(exp: dict, res: Any) -> Verdict:
    if res.exception_info and res.exception_info.get("raised_exception"):
        raise RuntimeError(
            f"{exp['type']} could not run: {res.exception_info['exception_message']}")
    result = dict(res.result or {})
    rows = sorted({int(i[ROW]) for i in result.get("unexpected_index_list") or []})
    kept = {k: _safe(v) for k, v in result.items() if k not in _DROPPED}
    config = res.expectation_config
    return Verdict(bool(res.success), np.array(rows, dtype="int64"), kept,
                   {"type": config.type, "kwargs": _safe(dict(config.kwargs)),
                    "meta": dict(exp.get("meta", {}))})


def build_site(payload: dict) -> Path:
    """Write the Data Docs site for the validations in `payload` (see data_docs.payload)."""
    site = Path(payload["site"])
    ctx = context(site)
    for validation in payload["validations"]:
        _store(ctx, validation)
    ctx.build_data_docs(site_names=[DOCS_SITE])
    make_offline(site)
    return site / "index.html"


def _store(ctx: Any, validation: dict) -> None:
    """One suite's results into the context's stores, as GX's own run would keep them."""
    name = validation["suite"]
    if name not in {s.name for s in ctx.suites.all()}:
        ctx.suites.add(ExpectationSuite(name=name, expectations=validation["expectations"],
                                        meta=validation.get("meta", {})))
    results = [ExpectationValidationResult(
        success=r["success"], result=r["result"],
        expectation_config=ExpectationConfiguration(
            type=r["config"]["type"], kwargs=r["config"]["kwargs"], meta=r["config"]["meta"]),
        exception_info={"raised_exception": False, "exception_traceback": None,
                        "exception_message": None})
        for r in validation["results"]]
    good = sum(bool(r.success) for r in results)
    run_id = RunIdentifier(run_time=datetime.fromisoformat(validation["run_time"]))
    suite_result = ExpectationSuiteValidationResult(
        success=good == len(results), results=results, suite_name=name,
        statistics={"evaluated_expectations": len(results), "successful_expectations": good,
                    "unsuccessful_expectations": len(results) - good,
                    "success_percent": 100.0 * good / len(results) if results else None},
        meta={"great_expectations_version": gx.__version__,
              "batch_spec": {"batch_data": "PandasDataFrame"},
              "active_batch_definition": {"datasource_name": "dunwell",
                                          "data_connector_name": "fluent",
                                          "data_asset_name": name,
                                          "batch_identifiers": {"dataframe": "<DATAFRAME>"}},
              "batch_parameters": {"dataframe": "<DATAFRAME>"},
              "run_id": run_id, "validation_time": run_id.run_time,
              "rows": validation.get("rows")})
    key = ValidationResultIdentifier(ExpectationSuiteIdentifier(name=name), run_id,
                                     f"dunwell-{name}")
    ctx.validation_results_store.store_validation_results(suite_result, key)


def main() -> int:
    """The helper process: GX imported; build the site from the JSON on stdin, if any."""
    text = sys.stdin.read()
    if not text.strip():  # the run ended before its checks (bad input): nothing to build
        return 0
    build_site(json.loads(text))
    return 0


if __name__ == "__main__":
    sys.exit(main())
