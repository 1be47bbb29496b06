"""Rules of the house that no import contract can state: who reads the environment and
who renames files into place."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CODE = ("dunwell", "flows", "tasks", "connectors")
ENVIRONMENT = re.compile(r"\bos\.(environ|getenv|putenv|unsetenv)\b")
RENAME = re.compile(r"\bos\.replace\(|\.replace\(\s*(output|target|path|final)\b|\bos\.rename\(")


def _sources() -> list[Path]:
    return [path for folder in CODE for path in sorted((REPO / folder).rglob("*.py"))
            if not any(part.startswith(".") for part in path.relative_to(REPO).parts)]


def _offenders(pattern: re.Pattern[str], allowed: set[str]) -> list[str]:
    return [f"{path.relative_to(REPO)}:{number}"
            for path in _sources() if path.relative_to(REPO).as_posix() not in allowed
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if pattern.search(line)]


def _settings_module() -> str:
    """The settings module, before or after connectors/ is split by role."""
    split = REPO / "connectors" / "settings" / "config.py"
    return (split if split.exists() else REPO / "connectors" / "settings.py"
            ).relative_to(REPO).as_posix()


def test_only_the_settings_module_reads_the_environment() -> None:
    assert _offenders(ENVIRONMENT, {_settings_module()}) == []


def test_the_rule_finds_a_module_that_reads_the_environment() -> None:
    # The check above must be able to fail: the pattern sees the usual spellings.
    lines = ['url = os.environ["X"]', "os.getenv('X')", "os.environ.get('X')"]
    assert all(ENVIRONMENT.search(line) for line in lines)


def test_files_are_renamed_into_place_by_the_one_atomic_write_helper() -> None:
    helper = {"connectors/storage/files.py", "tasks/outputs.py"}  # outputs moves folders
    assert _offenders(RENAME, helper) == []

