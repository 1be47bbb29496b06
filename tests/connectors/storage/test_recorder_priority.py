"""The recording helper stores a run's inputs in a thread that steps back for the run's own
process (`recorder._yielding`): lower priority for that thread only, the step's result or
its error handed back as if it had run in the caller's thread."""

from __future__ import annotations

import os
import threading

import pytest

from dunwell.connectors.storage import recorder


def _priority() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def test_the_inputs_step_runs_at_lower_priority_and_the_caller_keeps_its_own() -> None:
    before = _priority()

    seen = recorder._yielding(lambda start: (start, _priority()), "inputs")

    assert seen == ("inputs", min(before + recorder.YIELD_NICE, 19))
    assert _priority() == before


def test_an_error_in_the_inputs_step_is_raised_in_the_caller() -> None:
    def broken() -> None:
        raise ValueError("no such table: invoices")

    with pytest.raises(ValueError, match="no such table"):
        recorder._yielding(broken)
