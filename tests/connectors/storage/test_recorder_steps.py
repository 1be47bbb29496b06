"""Parts of the recording helper (connectors/storage/recorder.py).

It stores a run's inputs in a thread that steps back for the run's own process
(`_yielding`): lower priority for that thread only, the step's result or its error
handed back as if it had run in the caller's thread. It reads the parent's messages
ahead (`_read_ahead`) and keeps none of them once handed on."""

from __future__ import annotations

import gc
import os
import pickle
import threading
import time
import weakref

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


class Rows:
    """Stands for a message's frames: weakly referable, unpickled as a new object."""


def test_a_message_read_ahead_is_not_kept_once_handed_on() -> None:
    read_end, write_end = os.pipe()
    with os.fdopen(read_end, "rb") as source, os.fdopen(write_end, "wb") as sink:
        pickle.dump(("inputs", (Rows(),)), sink)
        sink.flush()  # and the pipe stays open: the reader waits for the next message
        messages = recorder._read_ahead(source)
        kind, payload = messages.get(timeout=10)
        rows = weakref.ref(payload[0])
        del payload
        deadline = time.monotonic() + 5  # the reader lets go just after handing it on
        while rows() is not None and time.monotonic() < deadline:
            gc.collect()
            time.sleep(0.01)

        assert kind == "inputs"
        assert rows() is None, "the reading thread still holds the last message"
