"""Run the README's shell examples as a new user would, on a chosen clock, and compare.

Every line starting with `$ ` in the README's plain code blocks is a command; the lines
after it (up to the next command or the block's end) are what it printed. A shown line
must appear in what the command printed (spaces collapsed); `...` stands for lines
left out, and the run id (`dunwell run a6a97304`) is random. `dunwell` runs on the
chosen clock (time-machine); `make demo` runs the Makefile's demo command (the real
`make demo` when the folder is a copy of the checkout, as in `make test-cold`).

    python tests/e2e/readme_commands.py 2026-12-05T10:00:00+00:00 [WORKDIR]
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"
COPIED = ["tests/fixtures/statements/sepa_86.sta", "docs/examples/bad_invoices.csv"]
MAKE_DEMO = "dunwell demo --out demo-out"
SHIM = """#!{python}
import sys
from datetime import datetime

import time_machine

from dunwell.cli import main

with time_machine.travel(datetime.fromisoformat({clock!r}), tick=True):
    main()
"""


@dataclass
class Example:
    """One `$ command` of the README and the lines it shows."""

    command: str
    shown: list[str] = field(default_factory=list)


def examples(text: str) -> list[Example]:
    """The README's commands in order, with the output each shows."""
    found: list[Example] = []
    for block in re.findall(r"^```(?:sh|console)?\n(.*?)^```", text, re.S | re.M):
        lines = block.splitlines()
        if not any(line.startswith("$ ") for line in lines):
            continue
        current: Example | None = None
        pending = ""
        for line in lines:
            if pending:
                pending += " " + line.strip()
                if not line.endswith("\\"):
                    current = Example(pending.replace("\\ ", ""))
                    found.append(current)
                    pending = ""
                continue
            if line.startswith("$ "):
                if line.endswith("\\"):
                    pending = line[2:-1].strip()
                    continue
                current = Example(line[2:].strip())
                found.append(current)
            elif current is not None and line.strip():
                current.shown.append(line)
    return found


def _normal(line: str) -> str:
    return " ".join(line.split())


def mismatches(example: Example, printed: str) -> list[str]:
    """The shown lines that the command did not print."""
    actual = {_normal(line) for line in printed.splitlines()}
    missing = []
    for line in example.shown:
        if line.strip() == "..." or line.startswith(("dunwell run ", "# ")):
            continue
        if _normal(line) not in actual:
            missing.append(line)
    return missing


def prepare(workdir: Path, clock: str) -> dict[str, str]:
    """A folder with the files the examples name, and `dunwell` on the clock."""
    for name in COPIED:
        if not (workdir / name).exists():  # a copy of the checkout has them already
            (workdir / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(REPO / name, workdir / name)
    bin_dir = workdir / ".clock-bin"
    bin_dir.mkdir(exist_ok=True)
    shim = bin_dir / "dunwell"
    shim.write_text(SHIM.format(python=sys.executable, clock=clock), encoding="utf-8")
    shim.chmod(0o755)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DUNWELL_", "PREFECT_")) or k == "PREFECT_HOME"}
    env.update({"PATH": f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", "COLUMNS": "100",
                "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                "PREFECT_HOME": str(workdir / ".dunwell" / "prefect"), "TERM": "dumb"})
    return env


Outcome = tuple[Example, str, list[str]]


def run_all(workdir: Path, clock: str, stop: int | None = None) -> list[Outcome]:
    """Run the examples (the first `stop` of them) in `workdir`; (example, output, missing)."""
    env = prepare(workdir, clock)
    assert "$(DUNWELL) demo --out demo-out" in (REPO / "Makefile").read_text(encoding="utf-8")
    results = []
    for example in examples(README.read_text(encoding="utf-8"))[:stop]:
        command = example.command
        if command == "make demo":  # the real `make demo` in a checkout, on the clock
            command = (f"make demo DUNWELL={workdir / '.clock-bin' / 'dunwell'}"
                       if (workdir / "Makefile").exists() else MAKE_DEMO)
        proc = subprocess.run(["bash", "-c", command], cwd=workdir, env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
        results.append((example, proc.stdout, mismatches(example, proc.stdout)))
    return results


def main() -> int:
    clock = sys.argv[1]
    workdir = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(tempfile.mkdtemp())
    workdir.mkdir(parents=True, exist_ok=True)
    failed = 0
    for example, printed, missing in run_all(workdir, clock):
        print(f"$ {example.command}\n{printed}")
        for line in missing:
            print(f"README MISMATCH: shown but not printed: {line!r}")
        failed += bool(missing)
    print(f"{len(examples(README.read_text(encoding='utf-8'))) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
