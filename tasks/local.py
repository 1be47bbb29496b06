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
from pathlib import Path
from typing import Any

from dunwell.errors import DunwellError

_LOCAL: ContextVar[bool] = ContextVar("dunwell_local_run", default=False)
_log = logging.getLogger("dunwell.run")
NO_CACHE = "no_cache"  # Prefect's NO_CACHE policy, named without importing Prefect


class _Step:
    """A task: in a local run a plain call (with its retries); under Prefect a Prefect task,
    made on first use, so that a local run never imports Prefect (a second of start-up)."""

    def __init__(self, fn: Callable[..., Any], options: dict[str, Any]) -> None:
        self.fn = fn
        self.options = options
        self.name = options.get("name", fn.__name__)
        self.__doc__ = fn.__doc__
        self._task: Any = None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:  # noqa: D102 - see the class
        if not _LOCAL.get():
            return self.prefect_task(*args, **kwargs)
        retries = int(self.options.get("retries") or 0)
        delays = self.options.get("retry_delay_seconds")
        for attempt in range(retries + 1):
            try:
                return self.fn(*args, **kwargs)
            except DunwellError:
                raise
            except Exception:
                if attempt == retries:
                    raise
                wait = delays[attempt] if isinstance(delays, list) else delays or 0
                _log.warning("%s failed, retrying in %s s", self.name, wait)
                time.sleep(float(wait))
        raise AssertionError("unreachable")  # pragma: no cover

    @property
    def prefect_task(self) -> Any:
        """The Prefect task for runs under Prefect."""
        if self._task is None:
            from prefect import Task
            from prefect.cache_policies import NO_CACHE as PREFECT_NO_CACHE

            options = dict(self.options)
            if options.get("cache_policy") == NO_CACHE:
                options["cache_policy"] = PREFECT_NO_CACHE
            self._task = Task(fn=self.fn, **options)
        return self._task

    def __getattr__(self, name: str) -> Any:
        """Anything else a Prefect task offers (submit, map, with_options, ...)."""
        if name.startswith("__") or "options" not in self.__dict__:  # unpickling, copying
            raise AttributeError(name)
        return getattr(self.prefect_task, name)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled (to a Dask worker) by name: the worker imports the same task."""
        return _step_named, (self.fn.__module__, self.fn.__qualname__)


def _step_named(module: str, name: str) -> _Step:
    import importlib

    return getattr(importlib.import_module(module), name)


def task(**options: Any) -> Callable[[Callable[..., Any]], _Step]:
    """`prefect.task` for dunwell's tasks: the same options, plain calls in a local run."""
    return lambda fn: _Step(fn, options)


def is_local() -> bool:
    """True inside a flow run without a Prefect API (see the module docstring)."""
    return _LOCAL.get()


def run_logger() -> logging.Logger | logging.LoggerAdapter[logging.Logger]:
    """The flow run's logger under Prefect, else dunwell's own."""
    if _LOCAL.get():
        return _log
    from prefect import get_run_logger

    return get_run_logger()


def has_api() -> bool:
    """True when a Prefect API is configured for this process."""
    if not _may_have_api():
        return False
    from prefect.settings import PREFECT_API_URL

    return bool(PREFECT_API_URL.value())


def _may_have_api() -> bool:
    """False only when no place Prefect reads settings from can name an API (environment,
    profiles, prefect.toml, .env, pyproject.toml): then Prefect need not be imported to ask."""
    from dunwell.connectors.settings.config import environment

    env = environment()
    if any(k.startswith("PREFECT_API") or k == "PREFECT_PROFILE" for k in env):
        return True
    home = Path(env.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()
    places = [(home / "profiles.toml", "API"), (Path("prefect.toml"), ""),
              (Path(".env"), "PREFECT_"), (Path("pyproject.toml"), "tool.prefect")]
    for path, marker in places:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if marker in text:
            return True
    return False


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


def run_body(load_flow: Callable[[], Any], body: Callable[..., Any], *args: Any) -> Any:
    """Run a flow under Prefect when an API is configured (`load_flow` imports it), else its
    body locally: a local run then imports no Prefect at all."""
    if has_api():
        return load_flow()(*args)
    with _local():
        return body(*args)
