"""A local `dunwell reconcile` loads neither Prefect nor Great Expectations in its own process.

Both take seconds to import. Without a Prefect API the flow runs as plain calls, and the
suites are evaluated with pandas; GX only renders the Data Docs, in a helper process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

_RUN = """
import json, sys
from dunwell.cli import app
try:
    app(sys.argv[1:], prog_name="dunwell")
except SystemExit as done:
    code = done.code
print(json.dumps({"exit": code, "prefect": "prefect" in sys.modules,
                  "gx": "great_expectations" in sys.modules}))
"""


@pytest.mark.slow
def test_a_local_reconcile_imports_no_prefect_and_no_great_expectations(tmp_path: Path) -> None:
    data, out = tmp_path / "data", tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_API", "DUNWELL_"))}
    env.update(DUNWELL_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite'}",
               PREFECT_HOME=str(tmp_path / "prefect"), DO_NOT_TRACK="1")
    subprocess.run([sys.executable, "-m", "dunwell.cli", "demo", "--data-only", "--out",
                    str(data), "--customers", "20", "--invoices", "120"],
                   cwd=tmp_path, env=env, check=True, capture_output=True)
    done = subprocess.run(
        [sys.executable, "-c", _RUN, "reconcile", "--invoices", str(data / "invoices.csv"),
         "--customers", str(data / "customers.csv"), "--bank", str(data / "bank.csv"),
         "--out", str(out)], cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert loaded == {"exit": 0, "prefect": False, "gx": False}, done.stderr[-2000:]
    assert (out / "matches.csv").exists()
    index = (out / "data_docs" / "index.html").read_text(encoding="utf-8")
    assert "reconciliation" in index and "transactions" in index
