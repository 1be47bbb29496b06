"""Fixtures for the CLI tests: a scratch cwd with its own database URL, and an in-process runner."""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cli_harness import PREFECT_ENV, Outcome, Workdir
from typer.testing import CliRunner


@pytest.fixture
def workdir(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory,
            monkeypatch: pytest.MonkeyPatch) -> Iterator[Workdir]:
    """cwd = a fresh folder; the database URL points into it; Prefect settings stay per test."""
    folder = tmp_path / "work"
    folder.mkdir()
    db = folder / "db.sqlite"
    monkeypatch.chdir(folder)
    monkeypatch.setenv("DUNWELL_DATABASE_URL", f"sqlite:///{db}")
    for name, value in PREFECT_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path_factory.mktemp("prefect-home")))
    yield Workdir(folder, db)


@pytest.fixture
def cli(workdir: Workdir) -> Callable[..., Outcome]:
    """Run `dunwell ARGS` in-process (fast); an escaped exception shows up as a traceback."""
    from dunwell.cli import app

    def run(*args: str) -> Outcome:
        result = CliRunner().invoke(app, list(args))
        stderr = result.stderr
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            stderr += "\n" + "".join(traceback.format_exception(result.exception))
        return Outcome(result.exit_code, result.stdout, stderr)

    return run
