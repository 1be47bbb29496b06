"""The Data Docs, built by Great Expectations in a helper process started early in the run.

Importing GX costs seconds; the run needs GX only to render the Data Docs at the end.
`warm_up()` (called when a run starts) launches `python -m dunwell.connectors.quality.gx_engine`,
which imports GX on the other core while this process reads, checks and matches;
`build()` then hands it the run's validation results as JSON and waits for the site.
A helper that is never used (the run stopped on bad input) is stopped when the process ends.
"""

from __future__ import annotations

import atexit
import json
import subprocess
import sys
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dunwell.connectors.settings.config import environment

if TYPE_CHECKING:  # not imported: the helper starts before this process imports pandas
    from dunwell.connectors.quality.rules import Verdict

BUILD_TIMEOUT_SECONDS = 600
_helper: subprocess.Popen | None = None
_lock = threading.Lock()


def warm_up() -> None:
    """Start the helper process now, so that GX is imported by the time the docs are built."""
    global _helper  # noqa: PLW0603 - one helper per process, replaced after each build
    with _lock:
        if _helper is None or _helper.poll() is not None:
            _helper = _start()


def _start() -> subprocess.Popen:
    env = {**environment(), "GX_ANALYTICS_ENABLED": "False"}
    return subprocess.Popen(  # noqa: S603 - our own module, with this interpreter
        [sys.executable, "-m", "dunwell.connectors.quality.gx_engine"], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def _take() -> subprocess.Popen:
    """The warm helper (or a new one); each builds one site."""
    global _helper  # noqa: PLW0603
    with _lock:
        helper = _helper if _helper is not None and _helper.poll() is None else _start()
        _helper = None
    return helper


def validation(suite: dict, verdicts: Iterable[Verdict], rows: int, run_time: str) -> dict:
    """One suite's results as the helper reads them (see gx_engine.build_site)."""
    return {"suite": suite["name"], "expectations": suite["expectations"],
            "meta": suite.get("meta", {}), "rows": rows, "run_time": run_time,
            "results": [{"success": v.success, "result": v.result, "config": v.config}
                        for v in verdicts]}


def build(validations: list[dict], site: Path) -> Path:
    """The Data Docs of these validations written into `site`; its index.html."""
    payload = json.dumps({"site": str(site), "validations": validations}, default=str)
    helper = _take()
    try:
        _, err = helper.communicate(payload.encode("utf-8"), timeout=BUILD_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        helper.kill()
        helper.communicate()
        raise RuntimeError(f"Data Docs not built within {BUILD_TIMEOUT_SECONDS} s") from None
    if helper.returncode != 0:
        tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        raise RuntimeError(f"Data Docs could not be built: {tail[0]}")
    return site / "index.html"


@atexit.register
def _stop() -> None:
    """An unused helper is stopped: it has written nothing, it only imported GX."""
    global _helper  # noqa: PLW0603
    helper, _helper = _helper, None
    if helper is not None and helper.poll() is None:
        helper.kill()
        helper.communicate()


def helper_running() -> Any:
    """The waiting helper process, if any (for tests)."""
    return _helper
