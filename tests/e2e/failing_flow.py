"""A flow that always fails, wired to the operators' alert like the runbooks are."""

from __future__ import annotations

from prefect import flow

from dunwell.flows.hooks import alert_operators


@flow(name="dunwell-broken", on_failure=[alert_operators], retries=0)
def broken(reason: str = "the statement share is unreachable") -> None:
    """Fail at once, as a run whose input folder is gone would."""
    raise OSError(reason)
