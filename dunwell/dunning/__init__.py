"""Dunning: segments, ladders, guards, planning and rendering of polite reminders.

Pure functions over frames (see dunwell.frames): the flow reads files and the
database, calls `load_policy`, `segment_customers` and `plan`, renders each
planned message with `render`, sends it, and stores `actions_frame(...)`.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dunwell.dunning.planner import plan
    from dunwell.dunning.policy import STAGES, DunningPolicy, Step, load_policy
    from dunwell.dunning.records import (
        InvoiceLine,
        Plan,
        PlannedMessage,
        actions_frame,
        message_key,
    )
    from dunwell.dunning.segments import segment_customers

# Imported now: importing the submodule `render` later would otherwise make the package's
# `render` the module rather than the function.
from dunwell.dunning.render import RenderedEmail, UnsafeAddress, make_env, render  # noqa: E402

# Each name from its module on first use: a run that only reads the policy (every reconcile)
# need not import the planner and its holiday calendars (a third of a second).
_HOME = {
    "plan": "planner", "STAGES": "policy", "DunningPolicy": "policy", "Step": "policy",
    "load_policy": "policy", "InvoiceLine": "records", "Plan": "records",
    "PlannedMessage": "records", "actions_frame": "records", "message_key": "records",
    "segment_customers": "segments",
}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"dunwell.dunning.{_HOME[name]}"), name)
    globals()[name] = value
    return value


__all__ = [
    "STAGES", "DunningPolicy", "InvoiceLine", "Plan", "PlannedMessage", "RenderedEmail",
    "Step", "UnsafeAddress", "actions_frame", "load_policy", "make_env", "message_key",
    "plan", "render", "segment_customers",
]
