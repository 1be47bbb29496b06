"""The bad-input harness: run `dunwell` in a scratch folder and check the refusal.

Importable (not a conftest) so that each test module names what it uses.

A refusal is exit code 2, one `error:` line per problem naming file, line and
column, no traceback, no file written or changed and no database created.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bad"
# what the CLI sets with os.environ.setdefault: tests pin them so nothing leaks between tests
PREFECT_ENV = {"DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
               "PREFECT_LOGGING_LEVEL": "WARNING",
               "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
               "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180"}

# (file, line, column) that one error line must name; line or column None when it has none
Where = tuple[str, int | None, str | int | None]


@dataclass(frozen=True)
class Outcome:
    """What a CLI run left behind."""

    exit_code: int
    stdout: str
    stderr: str


@dataclass
class Workdir:
    """A scratch folder used as cwd, with the fixtures a test copies in."""

    path: Path
    db: Path

    def copy(self, name: str, as_name: str | None = None) -> str:
        """Copy a fixture from tests/fixtures/bad into the folder; returns its relative name."""
        target = self.path / (as_name or name)
        shutil.copyfile(FIXTURES / name, target)
        return target.name

    def snapshot(self) -> dict[str, bytes]:
        """Every file below the folder with its bytes (folders alone are not output)."""
        return {str(p.relative_to(self.path)): p.read_bytes()
                for p in sorted(self.path.rglob("*")) if p.is_file()}


def run_subprocess(workdir: Workdir, *args: str) -> Outcome:
    """Run the real `python -m dunwell.cli` in the workdir: the exit code a shell sees."""
    env = {k: v for k, v in os.environ.items() if k not in PREFECT_ENV and k != "PREFECT_HOME"}
    env["DUNWELL_DATABASE_URL"] = f"sqlite:///{workdir.db}"
    env["COLUMNS"] = "200"
    proc = subprocess.run([sys.executable, "-m", "dunwell.cli", *args], cwd=workdir.path,
                          env=env, capture_output=True, text=True, timeout=120)
    return Outcome(proc.returncode, proc.stdout, proc.stderr)


def error_lines(outcome: Outcome) -> list[str]:
    """The `error:` lines of stderr, prefix removed."""
    return [line.removeprefix("error: ") for line in outcome.stderr.splitlines()
            if line.startswith("error: ")]


def where(error: str) -> Where:
    """(file, line, column) an error line names: `file:line: column C: problem`."""
    found = re.match(r"^(?P<file>[^:]+?)(?::(?P<line>\d+))?: (?:column (?P<col>[^:]+): )?", error)
    assert found, f"not a `file:line: column C: problem` line: {error!r}"
    line = int(found["line"]) if found["line"] else None
    column: str | int | None = found["col"]
    if column is not None and column.isdigit():
        column = int(column)
    return found["file"], line, column


def assert_refused(outcome: Outcome, expected: list[Where],
                   before: dict[str, bytes], after: dict[str, bytes], db: Path) -> None:
    """Exit 2, exactly the expected error lines, no traceback, nothing written, no database."""
    everything = outcome.stdout + outcome.stderr
    assert "Traceback" not in everything, everything
    assert outcome.exit_code == 2, everything
    errors = error_lines(outcome)
    assert sorted(map(where, errors), key=repr) == sorted(expected, key=repr), everything
    noise = [line for line in outcome.stderr.splitlines()
             if line.strip() and not line.startswith(("error: ", "warning: "))]
    assert noise == [], everything
    assert after == before, "a refused run wrote or changed files"
    assert not db.exists(), "a refused run created the database"
