"""The Data Docs, built by Great Expectations in a helper process started early in the run.

Importing GX costs seconds; the run needs GX only to render the Data Docs at the end.
`warm_up()` (called when a run starts) launches `python -m dunwell.connectors.quality.gx_engine`,
which imports GX on the other core while this process reads, checks and matches;
`build()` then hands it the run's validation results as JSON and returns at once: the
helper writes the site while the run records and writes its other outputs, and `finish()`
waits for it before the staging folder is published (on the demo data the helper was still
importing GX when the checks were done: waiting there cost the run over a second).
A helper that is never used (the run stopped on bad input) is stopped when the process ends,
and so is a build whose run failed (`abandon()`): its staging folder is being removed.
"""

from __future__ import annotations

import atexit
import json
import subprocess
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dunwell.connectors.children import start_helper
from dunwell.connectors.settings.config import environment

if TYPE_CHECKING:  # not imported: the helper starts before this process imports pandas
    from dunwell.connectors.quality.rules import Verdict

BUILD_TIMEOUT_SECONDS = 600
_helper: subprocess.Popen | None = None
_lock = threading.Lock()


@dataclass
class _Build:
    """A site being written by a helper; `done` holds its stderr once it has exited."""

    helper: subprocess.Popen
    site: Path
    thread: threading.Thread | None = None
    done: dict[str, Any] = field(default_factory=dict)

    def run(self, payload: bytes) -> None:
        try:
            self.done["err"] = self.helper.communicate(payload, timeout=BUILD_TIMEOUT_SECONDS)[1]
        except subprocess.TimeoutExpired:
            self.helper.kill()
            self.helper.communicate()
            self.done["timeout"] = True
        except (OSError, ValueError) as exc:  # killed by abandon() while feeding it
            self.done["err"] = str(exc).encode()


_building: _Build | None = None


def warm_up() -> None:
    """Start the helper process now, so that GX is imported by the time the docs are built."""
    global _helper  # noqa: PLW0603 - one helper per process, replaced after each build
    with _lock:
        if _helper is None or _helper.poll() is not None:
            _helper = _start()


def _start() -> subprocess.Popen:
    env = {**environment(), "GX_ANALYTICS_ENABLED": "False"}
    return start_helper("dunwell.connectors.quality.gx_engine", env, stderr=subprocess.PIPE)


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
    """Start writing the Data Docs of these validations into `site`; its index.html.

    Returns at once; `finish()` waits for the site (and raises if it could not be built).
    """
    global _building  # noqa: PLW0603 - one build per run, finished before its outputs move
    abandon()
    payload = json.dumps({"site": str(site), "validations": validations}, default=str)
    job = _Build(_take(), site)
    job.thread = threading.Thread(target=job.run, args=(payload.encode("utf-8"),),
                                  name="data-docs", daemon=True)
    job.thread.start()
    with _lock:
        _building = job
    return site / "index.html"


def finish() -> Path | None:
    """Wait for the site being built, if any; its index.html. Raises if it was not built."""
    global _building  # noqa: PLW0603
    with _lock:
        job, _building = _building, None
    if job is None or job.thread is None:
        return None
    job.thread.join()
    if job.done.get("timeout"):
        raise RuntimeError(f"Data Docs not built within {BUILD_TIMEOUT_SECONDS} s")
    if job.helper.returncode != 0:
        err = job.done.get("err") or b""
        tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        raise RuntimeError(f"Data Docs could not be built: {tail[0]}")
    return job.site / "index.html"


def abandon() -> None:
    """Stop a build nobody will wait for (its run failed): it must not write into a staging
    folder that is being removed."""
    global _building  # noqa: PLW0603
    with _lock:
        job, _building = _building, None
    if job is None:
        return
    if job.helper.poll() is None:
        job.helper.kill()
    if job.thread is not None:
        job.thread.join()


@atexit.register
def _stop() -> None:
    """An unused helper is stopped: it has written nothing, it only imported GX."""
    global _helper  # noqa: PLW0603
    abandon()
    helper, _helper = _helper, None
    if helper is not None and helper.poll() is None:
        helper.kill()
        helper.communicate()


def helper_running() -> Any:
    """The waiting helper process, if any (for tests)."""
    return _helper
