#!/usr/bin/env python3
"""Split connectors/ into folders by role and install flows/tasks/connectors without symlinks.

A rerunnable, idempotent codemod (issue 18). Run from the repository root on a clean
work tree, then review `git status` and commit the result as one "MECHANICAL:" commit:

    python3 scripts/restructure.py            # move with `git mv`, rewrite imports
    python3 scripts/restructure.py --check    # exit 1 if anything is left to do
    python3 scripts/restructure.py --extra connectors/new.py=connectors/outbound/new.py

What it does:
1. `git mv`s each module of MOVES (and the tests that mirror it) to its role folder,
   writes each role folder's `__init__.py` and README.md (one paragraph, ROLES);
2. rewrites every reference in the tracked text files: `dunwell.connectors.X` dotted
   names (imports, monkeypatch targets, import-linter contracts, docs),
   `from dunwell.connectors import X` statements, and `connectors/X.py` paths;
   rewriting is by pattern, so modules added by other branches are rewritten too;
3. removes the symlinks dunwell/{flows,tasks,connectors} and regenerates the
   setuptools `packages` list and `package-dir` table of pyproject.toml from the tree.

A module of connectors/ that MOVES does not name stays where it is and is listed at the
end ("not moved"), so a reviewer can add it with --extra and run the script again.
A second run changes nothing.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SELF = Path(__file__).resolve()

# Old file (or folder) under the repository root -> new place. Tests mirror modules.
MOVES: dict[str, str] = {
    "connectors/canonical.py": "connectors/sources/canonical.py",
    "connectors/csvio.py": "connectors/sources/csvio.py",
    "connectors/invoice_sources.py": "connectors/sources/invoice_sources.py",
    "connectors/sources.py": "connectors/sources/inputs.py",
    "connectors/statements": "connectors/sources/statements",
    "connectors/ledger.py": "connectors/storage/ledger.py",
    "connectors/mail.py": "connectors/outbound/mail.py",
    "connectors/delivery.py": "connectors/outbound/delivery.py",
    "connectors/report.py": "connectors/outbound/report.py",
    "connectors/quality.py": "connectors/quality/validation.py",
    "connectors/offline_docs.py": "connectors/quality/offline_docs.py",
    "connectors/quality_rules.py": "connectors/quality/rules.py",
    "connectors/gx_engine.py": "connectors/quality/gx_engine.py",
    "connectors/data_docs.py": "connectors/quality/data_docs.py",
    "connectors/settings.py": "connectors/settings/config.py",
    "tests/connectors/statements": "tests/connectors/sources/statements",
    "tests/connectors/test_canonical_properties.py":
        "tests/connectors/sources/test_canonical_properties.py",
    "tests/connectors/test_canonical_readers.py":
        "tests/connectors/sources/test_canonical_readers.py",
    "tests/connectors/test_csvio_files.py": "tests/connectors/sources/test_csvio_files.py",
    "tests/connectors/test_invoice_sources.py":
        "tests/connectors/sources/test_invoice_sources.py",
    "tests/connectors/test_delivery.py": "tests/connectors/outbound/test_delivery.py",
    "tests/connectors/test_mail.py": "tests/connectors/outbound/test_mail.py",
    "tests/connectors/test_report.py": "tests/connectors/outbound/test_report.py",
    "tests/connectors/test_report_deliveries.py":
        "tests/connectors/outbound/test_report_deliveries.py",
    "tests/connectors/test_quality.py": "tests/connectors/quality/test_quality.py",
    "tests/connectors/test_quality_rules.py": "tests/connectors/quality/test_quality_rules.py",
    "tests/connectors/test_settings.py": "tests/connectors/settings/test_settings.py",
}
# Modules that stay at connectors/ itself: the composition root and the package marker.
STAYS = {"connectors/__init__.py", "connectors/root.py"}

ROLES: dict[str, str] = {
    "sources": (
        "What comes in. Bank statements in every supported format (`statements/`: MT940,\n"
        "camt.05x, OFX, BAI2, bank CSV layouts described by profiles), the contract's\n"
        "canonical CSVs (`canonical.py`, read through `csvio.py`), invoice exports from CSV,\n"
        "Excel or SQL (`invoice_sources.py`), and `inputs.py`, which turns any of them into\n"
        "the frames of `dunwell/frames.py` with the file hash that makes an import happen\n"
        "once. A bad input is an `InputError` naming file, line and column; nothing here\n"
        "writes to the database or decides anything about money.\n"
    ),
    "storage": (
        "Where state lives between runs: the SQLAlchemy models and engine, the run lock,\n"
        "statements and bookings already recorded, the outbox of sent reminders, the\n"
        "workbench's people and decisions, and `ledger.py`, which reads once at the start\n"
        "of a run what earlier runs left that this run must respect; `files.py` is the one\n"
        "atomic-write helper for every file the product writes. Numbers are `Numeric`,\n"
        "never `Float`; a run that dies halfway leaves the database and files as they were.\n"
    ),
    "outbound": (
        "What goes out. `mail.py` builds messages and holds the one-method `Transport`\n"
        "port with its outbox (.eml files) and SMTP adapters; `delivery.py` sends a batch\n"
        "over one connection with a precise outcome per message (sent, failed, bounced,\n"
        "unknown); `report.py` renders the controller report (HTML, aging chart, CSV\n"
        "attachments). Sending is idempotent through the outbox rows in storage.\n"
    ),
    "quality": (
        "Data quality: the Great Expectations suites of `expectations/` run in memory on\n"
        "frames derived from the inputs (`validation.py`), giving per-expectation outcomes,\n"
        "the quarantined rows with a reason and the clean rest; `offline_docs.py` makes\n"
        "GX's Data Docs readable offline. Findings are values, never exceptions.\n"
    ),
    "settings": (
        "Settings: `config/dunwell.yaml` (no secrets) overridden by `DUNWELL_*` environment\n"
        "variables, validated by pydantic into one `Settings` value (`config.py`), the one\n"
        "module that reads or sets the process environment. Only the composition root\n"
        "(`connectors/root.py`) loads them and hands adapters and policy objects down;\n"
        "pydantic never enters the core.\n"
    ),
}
SYMLINKS = ("dunwell/flows", "dunwell/tasks", "dunwell/connectors")
MAPPED = {"dunwell.flows": "flows", "dunwell.tasks": "tasks",
          "dunwell.connectors": "connectors", "dunwell.migrations": "migrations"}
TEXT_SUFFIXES = {".py", ".md", ".toml", ".ini", ".cfg", ".yaml", ".yml", ".sh", ".txt",
                 ".importlinter", ".html", ".mako"}
NOT_REWRITTEN = {"bench/RESULTS.md", "requirements.lock"}  # history and hashes stay


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True,
                          text=True).stdout


def module_of(path: str) -> str:
    """`connectors/sources/canonical.py` -> `dunwell.connectors.sources.canonical`."""
    dotted = path.removesuffix(".py").replace("/", ".")
    return dotted if dotted.startswith("tests.") else "dunwell." + dotted


def module_moves(moves: dict[str, str]) -> dict[str, str]:
    return {module_of(old): module_of(new) for old, new in moves.items()}


# ---------------------------------------------------------------- step 1: moves
def move_files(moves: dict[str, str], dry: bool) -> list[str]:
    done = []
    for old, new in moves.items():
        src, dst = ROOT / old, ROOT / new
        if not src.exists() or dst.exists():
            continue
        done.append(f"git mv {old} {new}")
        if not dry:
            dst.parent.mkdir(parents=True, exist_ok=True)
            git("mv", old, new)
            depth = new.count("/") - old.count("/")
            for path in [dst] if dst.is_file() else sorted(dst.rglob("*.py")):
                _shift_file_relative(path, depth)
    return done


_HERE = re.compile(r"(Path\(__file__\)(?:\.resolve\(\))?)\.(?:parents\[(\d+)\]|parent\b)")


def _shift_file_relative(path: Path, depth: int) -> None:
    """`Path(__file__).parents[1]` of a file moved one folder deeper becomes `.parents[2]`:
    config/, expectations/ and test fixtures are found where they were."""
    if depth == 0 or path.suffix != ".py":
        return
    text = path.read_text(encoding="utf-8")

    def shifted(match: re.Match[str]) -> str:
        level = int(match[2] or 0) + depth
        return f"{match[1]}.parent" if level == 0 else f"{match[1]}.parents[{level}]"

    new = _HERE.sub(shifted, text)
    if new != text:
        path.write_text(new, encoding="utf-8")


def role_folders(dry: bool) -> list[str]:
    done = []
    for role, text in ROLES.items():
        folder = ROOT / "connectors" / role
        for name, content in (("__init__.py", ""), ("README.md", f"# connectors/{role}\n\n{text}")):
            target = folder / name
            if target.exists():
                continue
            done.append(f"write {target.relative_to(ROOT)}")
            if not dry:
                folder.mkdir(parents=True, exist_ok=True)
                target.write_text(content, encoding="utf-8")
                git("add", str(target.relative_to(ROOT)))
    return done


# ------------------------------------------------------------- step 2: rewrites
class Rewriter:
    """Rewrites old module names and paths in text; a text already rewritten is unchanged."""

    def __init__(self, moves: dict[str, str]) -> None:
        self.modules = module_moves(moves)
        self.paths = moves
        # "dunwell.connectors.settings" became a package holding the old module: a
        # name under it that is one of its children is already new, not old.
        self.children = {old: self._children(new) for old, new in self.modules.items()
                         if new.startswith(old + ".")}
        tops = sorted({m.rsplit(".", 1)[0] for m in self.modules} |
                      {m for m in self.modules}, key=len, reverse=True)
        alternatives = "|".join(re.escape(m) for m in tops)
        self.from_import = re.compile(
            r"^(?P<indent>[ \t]*)from[ \t]+(?P<module>(?:dunwell|tests)(?:\.\w+)+)"
            r"[ \t]+import[ \t]+"
            r"(?P<names>\([^)]*\)|[^\n#]*?(?:\\\n[^\n#]*?)*)(?P<tail>[ \t]*(?:#[^\n]*)?)$",
            re.MULTILINE)
        self.dotted = re.compile(
            r"(?<![\w.])(?<!from )(?P<name>(?:" + alternatives + r")(?:\.\w+)*)(?![\w])")
        path_alts = "|".join(re.escape(p.removesuffix(".py")) for p in
                             sorted(moves, key=len, reverse=True))
        self.path = re.compile(r"(?<![\w.])(?P<path>(?:" + path_alts + r"))(?P<ext>\.py)?(?![\w])")

    def _children(self, new_module: str) -> set[str]:
        package = ROOT / new_module.removeprefix("dunwell.").replace(".", "/").rsplit("/", 1)[0]
        found = {p.stem for p in package.glob("*.py")} | {
            p.name for p in package.iterdir() if p.is_dir()} if package.is_dir() else set()
        found.add(new_module.rsplit(".", 1)[1])
        return found

    def new_name(self, dotted: str) -> str:
        """The new dotted name for an old one (module, or a name inside a module)."""
        for old in sorted(self.modules, key=len, reverse=True):
            if dotted != old and not dotted.startswith(old + "."):
                continue
            rest = dotted[len(old):]
            if old in self.children and (not rest or rest[1:].split(".")[0] in self.children[old]):
                # the package alone, or a name already under it: new, not old (an old
                # `import dunwell.connectors.settings` would need a hand edit)
                return dotted
            return self.modules[old] + rest
        return dotted

    def _from(self, match: re.Match[str]) -> str:
        module, names = match["module"], match["names"]
        parens = names.startswith("(")
        items = [n.strip() for n in names.strip("()").replace("\\\n", " ").split(",")]
        items = [n for n in items if n]
        if not items or "*" in items:
            return match[0]
        groups: dict[str, list[str]] = {}
        for item in items:
            name, _, alias = (part.strip() for part in item.partition(" as "))
            submodule = f"{module}.{name}"
            # `from dunwell.connectors import quality` names the old module itself, even
            # where a package of the same name now holds it
            moved = self.modules.get(submodule, submodule)
            if moved != submodule:
                parent, _, new = moved.rpartition(".")
                bound = alias or name
                groups.setdefault(parent, []).append(new if new == bound else f"{new} as {bound}")
            else:
                target = self.new_name(module)
                if module in self.children and name not in self.children[module]:
                    target = self.modules[module]
                groups.setdefault(target, []).append(item)
        if list(groups) == [module]:
            return match[0]
        lines = []
        for parent, bound in groups.items():
            joined = ", ".join(bound)
            line = f"{match['indent']}from {parent} import {joined}"
            if len(line) > 100 or (parens and len(groups) == 1 and "\n" in names):
                body = "".join(f"{match['indent']}    {b},\n" for b in bound)
                line = f"{match['indent']}from {parent} import (\n{body}{match['indent']})"
            lines.append(line)
        return "\n".join(lines) + match["tail"]

    def _dotted(self, match: re.Match[str]) -> str:
        return self.new_name(match["name"])

    def _path(self, match: re.Match[str]) -> str:
        old = match["path"] + (match["ext"] or "")
        if old in self.paths:
            return self.paths[old]
        if match["ext"] is None and match["path"] in self.paths:  # a folder
            return self.paths[match["path"]]
        if match["ext"] is None and match["path"] + ".py" in self.paths:
            return match[0]  # "connectors/settings" alone names the new folder
        return match[0]

    def rewrite(self, text: str) -> str:
        text = self.from_import.sub(self._from, text)
        text = self.dotted.sub(self._dotted, text)
        return self.path.sub(self._path, text)


def tracked_text_files() -> list[Path]:
    files = []
    for rel in git("ls-files", "-z").split("\0"):
        path = ROOT / rel
        if (not rel or rel in NOT_REWRITTEN or path.is_symlink() or not path.is_file()
                or path.resolve() == SELF):
            continue
        if path.suffix in TEXT_SUFFIXES or path.name in {"Makefile", ".importlinter"}:
            files.append(path)
    return files


def rewrite_all(rewriter: Rewriter, dry: bool) -> list[str]:
    done = []
    for path in tracked_text_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        new = rewriter.rewrite(text)
        if new != text:
            done.append(f"rewrite {path.relative_to(ROOT)}")
            if not dry:
                path.write_text(new, encoding="utf-8")
    return done


# ------------------------------------------------------ step 3: package layout
def remove_symlinks(dry: bool) -> list[str]:
    done = []
    for link in SYMLINKS:
        if (ROOT / link).is_symlink():
            done.append(f"git rm {link}")
            if not dry:
                git("rm", "-q", link)
    return done


def packages() -> tuple[list[str], dict[str, str]]:
    """Every package of the tree, and the folder of each mapped one."""
    found, dirs = [], {}
    for top, folder in [("dunwell", "dunwell"), *MAPPED.items()]:
        base = ROOT / folder
        for init in sorted(base.rglob("__init__.py")):
            rel = init.parent.relative_to(base)
            if any(part.startswith(".") or part == "__pycache__" for part in rel.parts):
                continue
            if init.parent.is_symlink() or any(p.is_symlink() for p in init.parents
                                               if ROOT in p.parents):
                continue
            name = ".".join((top, *rel.parts))
            if top == "dunwell" and rel.parts and ".".join(("dunwell", rel.parts[0])) in MAPPED:
                continue
            found.append(name)
            if top != "dunwell":
                dirs[name] = init.parent.relative_to(ROOT).as_posix()
    return found, dirs


def pyproject_layout(dry: bool) -> list[str]:
    path = ROOT / "pyproject.toml"
    text = path.read_text(encoding="utf-8")
    found, dirs = packages()
    lines = ["packages = ["]
    line = "   "
    for name in found:
        item = f' "{name}",'
        if len(line) + len(item) > 92:
            lines.append(line)
            line = "   "
        line += item
    lines += [line, "]"]
    new = re.sub(r"(?ms)^packages = \[.*?^\]", lambda _: "\n".join(lines), text, count=1)
    table = "\n".join(f'"{k}" = "{v}"' for k, v in dirs.items())
    new = re.sub(r"(?ms)^\[tool\.setuptools\.package-dir\]\n.*?(?=^\[|\Z)",
                 lambda _: f"[tool.setuptools.package-dir]\n{table}\n\n", new, count=1)
    if new == text:
        return []
    if not dry:
        path.write_text(new, encoding="utf-8")
    return ["rewrite pyproject.toml packages and package-dir"]


def sort_imports(rewritten: list[str]) -> None:
    """A rewritten module path can change the order of imports: ruff's isort puts it back."""
    files = [rel for rel in rewritten if rel.endswith(".py")]
    ruff = ROOT / ".venv" / "bin" / "ruff"
    if not files:
        return
    if not ruff.exists():
        print("ruff not found in .venv: run `ruff check --select I --fix` on the rewritten "
              "files", file=sys.stderr)
        return
    subprocess.run([str(ruff), "check", "--quiet", "--select", "I", "--fix", *files],
                   cwd=ROOT, check=False)


def unplaced() -> list[str]:
    """Modules still at connectors/ or tests/connectors/ top level that MOVES does not name."""
    left = []
    for folder in ("connectors", "tests/connectors"):
        for path in sorted((ROOT / folder).glob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel not in STAYS and rel not in MOVES and path.name != "conftest.py":
                left.append(rel)
    return left


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if "
                        "a run would change something")
    parser.add_argument("--extra", action="append", default=[], metavar="OLD=NEW",
                        help="one more move, e.g. connectors/x.py=connectors/outbound/x.py")
    args = parser.parse_args()
    moves = dict(MOVES)
    for extra in args.extra:
        old, _, new = extra.partition("=")
        if not new:
            parser.error(f"--extra {extra}: expected OLD=NEW")
        moves[old] = new
    dry = args.check
    done = move_files(moves, dry) + role_folders(dry)
    done += rewrite_all(Rewriter(moves), dry)
    done += remove_symlinks(dry) + pyproject_layout(dry)
    if not dry:
        sort_imports([line.split(" ", 1)[1] for line in done if line.startswith("rewrite ")])
    for line in done:
        print(line)
    for rel in unplaced():
        print(f"not moved (add it to MOVES or pass --extra): {rel}", file=sys.stderr)
    if dry and done:
        return 1
    print("nothing to do" if not done else f"{len(done)} changes; review `git status`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
