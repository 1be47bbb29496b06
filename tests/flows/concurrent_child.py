"""One flow run in its own process, started at a signal: `python concurrent_child.py SPEC.json`.

The spec names the flow (`daily` or `reconcile`), its keyword arguments and two files: the
child writes `ready` once everything is imported, then waits for `go` to exist, so that
several children start their runs within milliseconds of each other. It prints one JSON
line: the final state type and message.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def main(spec_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text())
    if spec["flow"] == "daily":
        from dunwell.flows.daily import daily as chosen
    else:
        from dunwell.flows.reconcile import reconcile as chosen
    Path(spec["ready"]).touch()
    deadline = time.monotonic() + 120
    while not Path(spec["go"]).exists():
        if time.monotonic() > deadline:
            raise SystemExit("no go signal within 120 s")
        time.sleep(0.01)
    state = chosen(**spec["kwargs"], return_state=True)
    print(json.dumps({"type": state.type.value, "message": state.message or ""}))


if __name__ == "__main__":
    main(sys.argv[1])
