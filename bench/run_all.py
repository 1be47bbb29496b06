"""Run every benchmark and write bench/RESULTS.md with the machine and the date.

Each bench script prints its own table and writes bench/out/<name>.json;
this collects them so that every figure quoted anywhere comes from one run.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
BENCHES = [
    ("statements", ["bench_statements.py"]),
    ("matching", ["bench_matching.py"]),
    ("dunning", ["bench_dunning.py"]),
    ("dask", ["bench_dask.py"]),
    ("demo", ["bench_demo.py"]),
]


def machine() -> str:
    """One line describing the machine the figures come from."""
    cpu = "unknown cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{platform.node()}: {os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, "
            f"Python {platform.python_version()}, {platform.system()} {platform.release()}")


def run(name: str, argv: list[str]) -> dict:
    """Run one bench script; its JSON output or the reason it has none."""
    script = HERE / argv[0]
    if not script.exists():
        return {"skipped": f"{argv[0]} not present"}
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, str(script), *argv[1:]], cwd=HERE.parent)
    elapsed = time.perf_counter() - started
    result_file = OUT / f"{name}.json"
    if proc.returncode != 0 or not result_file.exists():
        return {"failed": f"exit {proc.returncode}", "seconds": round(elapsed, 1)}
    return json.loads(result_file.read_text())


def to_markdown(results: dict[str, dict]) -> str:
    """RESULTS.md: one section per bench, the JSON figures as tables or lists."""
    lines = ["# Benchmark results", "",
             f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}.",
             "Reproduce with `make bench` (writes this file and bench/out/*.json).", ""]
    for name, data in results.items():
        lines += [f"## {name}", ""]
        md = data.get("markdown") if isinstance(data, dict) else None
        lines += [md] if md else ["```", json.dumps(data, indent=2, default=str), "```"]
        lines.append("")
    return "\n".join(lines)


def main() -> int:
    """Run all (or the named) benches and write RESULTS.md."""
    OUT.mkdir(parents=True, exist_ok=True)
    wanted = set(sys.argv[1:])
    results = {n: run(n, a) for n, a in BENCHES if not wanted or n in wanted}
    (HERE / "RESULTS.md").write_text(to_markdown(results), encoding="utf-8")
    print(f"wrote {HERE / 'RESULTS.md'}")
    return 0 if not any("failed" in r for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
