"""A CSV no profile fits and inference cannot place is refused in one line that lists the
built-in profiles and says how to go on (--profile, statement profile infer)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cli_harness import Outcome, Workdir

BUILTIN = sorted(p.stem for p in (Path(__file__).resolve().parents[2] / "config" / "profiles")
                 .glob("*.yaml"))


def test_unrecognised_csv_names_the_builtin_profiles_and_the_way_out(
        cli: Callable[..., Outcome], workdir: Workdir) -> None:
    source = workdir.path / "mystery.csv"
    source.write_text("Kolonne A;Kolonne B;Kolonne C\nfoo;bar;baz\nqux;quux;corge\n",
                      encoding="utf-8")
    outcome = cli("statement", "convert", str(source), "-o", "bank.csv")
    assert outcome.exit_code == 2
    problems = [line for line in outcome.stderr.splitlines() if line.strip()]
    assert len(problems) == 1, outcome.stderr
    line = problems[0]
    assert "mystery.csv" in line
    assert "--profile" in line
    assert "statement profile infer" in line
    missing = [name for name in BUILTIN if name not in line]
    assert not missing, f"built-in profiles not listed: {missing}"
    assert "Traceback" not in outcome.stderr
    assert not (workdir.path / "bank.csv").exists()
