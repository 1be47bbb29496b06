#!/usr/bin/env python3
"""Lay out the installed package as one folder of links, for tools that read files.

`flows/`, `tasks/` and `connectors/` sit at the top of the repository and install as
`dunwell.flows` etc. through setuptools' package-dir mapping (pyproject.toml).
Python imports them through the editable install, but mypy and import-linter find
modules by walking folders, so they read this tree instead:

    .dunwell/tree/dunwell/money.py       -> dunwell/money.py
    .dunwell/tree/dunwell/connectors     -> connectors/
    .dunwell/tree/dunwell/migrations     -> migrations/

    python3 scripts/package_tree.py [TARGET]    # default .dunwell/tree; prints TARGET

Rebuilt on every call (cheap: links only), so new modules are always seen.
"""
from __future__ import annotations

import shutil
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def mapped_folders() -> dict[str, Path]:
    """`dunwell.flows` -> ROOT/flows for each top-level mapping of the package-dir table."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    table = config.get("tool", {}).get("setuptools", {}).get("package-dir", {})
    return {name: ROOT / folder for name, folder in table.items()
            if name.count(".") == 1 and name.startswith("dunwell.")}


def build(target: Path) -> Path:
    """Make `target/dunwell`: a link per entry of dunwell/, and per mapped subpackage."""
    package = target / "dunwell"
    if target.exists():
        shutil.rmtree(target)
    package.mkdir(parents=True)
    mapped = mapped_folders()
    for entry in sorted((ROOT / "dunwell").iterdir()):
        if entry.name == "__pycache__" or f"dunwell.{entry.name}" in mapped:
            continue
        (package / entry.name).symlink_to(entry.resolve())
    for name, folder in mapped.items():
        (package / name.split(".", 1)[1]).symlink_to(folder.resolve())
    return target


def main() -> int:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / ".dunwell" / "tree"
    print(build(target.resolve()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
