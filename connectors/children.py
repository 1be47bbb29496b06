"""What every helper process of a run shares: it ends when the run that started it ends.

A run starts helpers (the Data Docs builder, the recording process, the statement
reader). Each gets its run's pid as an argument and watches it, so that a run killed
with `kill -9` leaves no helper behind to write or hold a lock.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

WATCH_SECONDS = 0.2


def start_helper(module: str, env: dict[str, str], stderr: int | None = None
                 ) -> subprocess.Popen[bytes]:
    """`python -m module <this pid>` with this interpreter, talked to through its stdin and
    stdout; `as_helper` in that module ties its life to this process."""
    return subprocess.Popen(  # noqa: S603 - our own module, with this interpreter
        [sys.executable, "-m", module, str(os.getpid())],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, env=env)


def as_helper(code: int) -> None:
    """In a module started by `start_helper`: exit with `code` once the run is gone."""
    end_with_parent(int(sys.argv[1]) if len(sys.argv) > 1 else os.getppid(), code)


def end_with_parent(parent: int, code: int) -> None:
    """As a helper: exit with `code` at once (nothing flushed, nothing committed) as soon as
    the process `parent` is gone."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCH_SECONDS)
        os._exit(code)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
