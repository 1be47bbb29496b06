"""The README's examples work verbatim on any day: a Saturday, a public holiday, a weekday.

The demo's books are those of a fixed day, so what the README shows must come out
whatever the machine's clock says; each clock runs every example in a fresh folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.readme_commands import README, examples, run_all

CLOCKS = {
    "saturday": "2026-12-05T10:00:00+00:00",
    "christmas": "2026-12-25T08:00:00+01:00",
    "tuesday": "2027-03-02T16:30:00-05:00",
}

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


def test_the_readme_shows_commands_to_check() -> None:
    found = examples(README.read_text(encoding="utf-8"))
    commands = [e.command for e in found]
    assert "make demo" in commands
    assert any(c.startswith("dunwell review accept") for c in commands)
    assert sum(len(e.shown) for e in found) > 40


@pytest.mark.parametrize("clock", sorted(CLOCKS))
def test_every_readme_example_prints_what_the_readme_shows(clock: str, tmp_path: Path) -> None:
    results = run_all(tmp_path, CLOCKS[clock])
    problems = [f"$ {example.command}\n  missing: {missing}\n  printed:\n{printed}"
                for example, printed, missing in results if missing]
    assert not problems, "\n".join(problems)
    assert (tmp_path / "demo-out" / "outbox").is_dir()
    assert len(list((tmp_path / "demo-out" / "outbox").glob("*.eml"))) > 50
