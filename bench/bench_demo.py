"""How long `make demo` takes from a clean checkout, part by part.

Clones the repository's HEAD into a temporary folder (like a new user's
checkout) and times: creating the virtualenv and installing (`make install`),
then `make demo`. pip's download cache is whatever this machine has; the
figure says which.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"


def timed(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    """Run a command, fail loudly if it fails, return seconds of wall time."""
    started = time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)
    return round(time.perf_counter() - started, 1)


def main() -> int:
    """Clone, install, run the demo; write bench/out/demo.json."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "DUNWELL_"))}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if ".venv" not in p)
    with tempfile.TemporaryDirectory(prefix="dunwell-demo-") as tmp:
        checkout = Path(tmp) / "dunwell"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(checkout)], check=True)
        cache = "warm" if (Path.home() / ".cache" / "pip").exists() else "cold"
        install = timed(["make", "install"], checkout, env)
        demo = timed(["make", "demo"], checkout, env)
        again = timed(["make", "demo"], checkout, env)
    total = round(install + demo, 1)
    result = {"install_seconds": install, "demo_seconds": demo, "total_seconds": total,
              "second_demo_seconds": again, "pip_cache": cache,
              "markdown": "\n".join([
                  "| part | seconds |", "|---|---|",
                  f"| virtualenv + install (`make install`, pip cache {cache}) | {install} |",
                  f"| first `make demo` (generate, run the daily job) | {demo} |",
                  f"| total from a clean checkout | {total} |",
                  f"| a second `make demo` (nothing to install) | {again} |"])}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "demo.json").write_text(json.dumps(result, indent=2))
    print(result["markdown"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
