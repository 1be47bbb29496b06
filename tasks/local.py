"""Local runs: a flow's body as plain Python when no Prefect API is configured.

Prefect 3 runs no task without an API: a command-line run on a laptop would start
a temporary Prefect server (seconds of start-up) only to throw it away. Where
`PREFECT_API_URL` is set (a deployment, a server the team runs), flows run under
Prefect as always; otherwise the CLI runs the same flow function with every task
a plain call, retries kept, no artifacts and no failure hooks (the person at the
terminal reads the error).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from prefect import Task, get_run_logger

from dunwell.errors import DunwellError

_LOCAL: ContextVar[bool] = ContextVar("dunwell_local_run", default=False)
_log = logging.getLogger("dunwell.run")


class _Step(Task):  # type: ignore[type-arg]
    """A Prefect task that, in a local run, is a plain call (with its retries)."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:  # noqa: D102 - see the class
        if not _LOCAL.get():
            return super().__call__(*args, **kwargs)
        delays = self.retry_delay_seconds
        for attempt in range(self.retries + 1):
            try:
                return self.fn(*args, **kwargs)
            except DunwellError:
                raise
            except Exception:
                if attempt == self.retries:
                    raise
                wait = delays[attempt] if isinstance(delays, list) else delays or 0
                _log.warning("%s failed, retrying in %s s", self.name, wait)
                time.sleep(float(wait))
        raise AssertionError("unreachable")  # pragma: no cover


def task(**options: Any) -> Callable[[Callable[..., Any]], Task]:  # type: ignore[type-arg]
    """`prefect.task` for dunwell's tasks: the same options, plain calls in a local run."""
    return lambda fn: _Step(fn=fn, **options)


def is_local() -> bool:
    """True inside a flow run without a Prefect API (see the module docstring)."""
    return _LOCAL.get()


def run_logger() -> logging.Logger | logging.LoggerAdapter:  # type: ignore[type-arg]
    """The flow run's logger under Prefect, else dunwell's own."""
    return _log if _LOCAL.get() else get_run_logger()


def has_api() -> bool:
    """True when a Prefect API is configured for this process."""
    from prefect.settings import PREFECT_API_URL

    return bool(PREFECT_API_URL.value())


@contextmanager
def _local() -> Iterator[None]:
    token = _LOCAL.set(True)
    try:
        yield
    finally:
        _LOCAL.reset(token)


def run_flow(flow: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a flow under Prefect when an API is configured, else its function locally."""
    if has_api():
        return flow(*args, **kwargs)
    with _local():
        return flow.fn(*args, **kwargs)
