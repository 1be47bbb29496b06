"""Dunning: segments, ladders, guards, planning and rendering of polite reminders.

Pure functions over frames (see dunwell.frames): the flow reads files and the
database, calls `load_policy`, `segment_customers` and `plan`, renders each
planned message with `render`, sends it, and stores `actions_frame(...)`.
"""

from dunwell.dunning.planner import plan
from dunwell.dunning.policy import STAGES, DunningPolicy, Step, load_policy
from dunwell.dunning.records import (
    InvoiceLine,
    Plan,
    PlannedMessage,
    actions_frame,
    message_key,
)
from dunwell.dunning.render import RenderedEmail, UnsafeAddress, make_env, render
from dunwell.dunning.segments import segment_customers

__all__ = [
    "STAGES", "DunningPolicy", "InvoiceLine", "Plan", "PlannedMessage", "RenderedEmail",
    "Step", "UnsafeAddress", "actions_frame", "load_policy", "make_env", "message_key",
    "plan", "render", "segment_customers",
]
