"""What every helper process of a run shares: it ends when the run that started it ends.

A run starts helpers (the Data Docs builder, the recording process, the statement
reader). Each gets its run's pid as an argument and watches it, so that a run killed
with `kill -9` leaves no helper behind to write or hold a lock.
"""

from __future__ import annotations

import os
import threading
import time

WATCH_SECONDS = 0.2


def end_with_parent(parent: int, code: int) -> None:
    """As a helper: exit with `code` at once (nothing flushed, nothing committed) as soon as
    the process `parent` is gone."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCH_SECONDS)
        os._exit(code)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
