"""Blind measurement of bank CSV inference on layouts written without reading it.

bench/bank_csv_blind holds one export per real bank that dunwell has no
built-in profile for, each written from the bank's published layout by
make_corpus.py, with the truth (count, net sum, currency) computed there by
construction. The inference code was not read while writing them.

Each file is converted the way a new user would: `dunwell statement convert
FILE -o out.csv`, no --profile and no --currency. Verdicts:
  ok       exit 0, count and net sum equal the truth (and the currency)
  refused  exit 2 with an error line: a clear refusal, not a wrong sum
  WRONG    exit 0 with a wrong count, net sum or currency: the worst outcome
  failed   any other exit (a crash, exit 1)
A second pass gives each file --currency (what a user knows of their own
account) and is reported beside the first.

Usage: python bench/bench_bank_csv_blind.py [FOLDER]
FOLDER is a corpus folder with a truth.json (a path, or a name under bench/);
the default is bench/bank_csv_blind. The figures go to bench/out/<folder name>.json.
bench/bank_csv_blind2 is the second, held-out corpus (see its README).
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_FILES = HERE / "bank_csv_blind"


def corpus_folder(argv: list[str]) -> Path:
    """The corpus folder named on the command line, or the first blind corpus."""
    if not argv:
        return DEFAULT_FILES
    given = Path(argv[0])
    for folder in (given, HERE / given):
        if (folder / "truth.json").is_file():
            return folder.resolve()
    raise SystemExit(f"{argv[0]}: no truth.json there (a corpus folder, a path or a name "
                     "under bench/)")


def _dunwell() -> list[str]:
    exe = Path(sys.executable).with_name("dunwell")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "dunwell.cli"]


def convert(path: Path, out: Path, currency: str | None) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of one conversion from the shell."""
    argv = [*_dunwell(), "statement", "convert", str(path), "-o", str(out)]
    if currency:
        argv += ["--currency", currency]
    env = {**os.environ, "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    proc = subprocess.run(argv, capture_output=True, text=True, cwd=HERE.parent, env=env,
                          timeout=300)
    return proc.returncode, proc.stdout, proc.stderr


def judge(path: Path, truth: dict, currency: str | None, folder: Path) -> dict:
    """One file's verdict against its truth."""
    out = folder / "out.csv"
    out.unlink(missing_ok=True)
    code, stdout, stderr = convert(path, out, currency)
    count, net, currencies = 0, Decimal(0), set()
    if code == 0 and out.exists():
        with open(out, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        count = len(rows)
        net = sum((Decimal(r["amount"]) for r in rows), Decimal(0))
        currencies = {r.get("currency", "") for r in rows}
    right = (code == 0 and count == truth["count"] and net == Decimal(truth["net_sum"])
             and currencies == {truth["currency"]})
    if right:
        verdict = "ok"
    elif code == 0:
        verdict = "WRONG"
    elif code == 2 and any(line.strip() for line in stderr.splitlines()):
        verdict = "refused"
    else:
        verdict = "failed"
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    return {"verdict": verdict, "exit": code, "count": count, "net": str(net),
            "currencies": sorted(currencies), "inferred": "inferred" in stdout,
            "message": lines[0] if lines else "", "stdout": stdout.strip()[:400]}


def markdown(results: list[dict], summary: dict, corpus: str = "bench/bank_csv_blind") -> str:
    """The table RESULTS.md shows: one row per file, both passes."""
    lines = [f"Blind corpus ({corpus}, banks without a built-in profile), "
             "`dunwell statement convert FILE -o out.csv`, then with `--currency`.", "",
             f"Without --currency: {summary['plain']}; with --currency: "
             f"{summary['with_currency']}.", "",
             "| file | bank | want count / net | plain | got | --currency | got |",
             "|---|---|---|---|---|---|---|"]
    for r in results:
        p, c = r["plain"], r["with_currency"]
        lines.append(f"| {r['file']} | {r['bank']} | {r['expected_count']} / "
                     f"{r['expected_net']} {r['currency']} | {p['verdict']} | {p['count']} / "
                     f"{p['net']} | {c['verdict']} | {c['count']} / {c['net']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    files = corpus_folder(sys.argv[1:] if argv is None else argv)
    out = HERE / "out" / f"{files.name}.json"
    try:
        corpus = str(files.relative_to(HERE.parent))
    except ValueError:
        corpus = str(files)
    truth = json.loads((files / "truth.json").read_text(encoding="utf-8"))
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, want in truth.items():
            plain = judge(files / name, want, None, folder)
            given = judge(files / name, want, want["currency"], folder)
            results.append({"file": name, "bank": want["bank"], "expected_count": want["count"],
                            "expected_net": want["net_sum"], "currency": want["currency"],
                            "plain": plain, "with_currency": given})
            print(f"{name:20} {want['bank']:26} plain {plain['verdict']:8} "
                  f"{plain['count']:>3}/{want['count']:<3} net {plain['net']:>10} "
                  f"(want {want['net_sum']}) | --currency {given['verdict']}")
            for mode in (plain, given):
                if mode["verdict"] != "ok" and mode["message"]:
                    print(f"    {mode['message'][:200]}")
    summary = {}
    for mode in ("plain", "with_currency"):
        verdicts = [r[mode]["verdict"] for r in results]
        summary[mode] = {v: verdicts.count(v) for v in ("ok", "refused", "WRONG", "failed")}
    print(f"{len(results)} files; plain: {summary['plain']}; --currency: "
          f"{summary['with_currency']}")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"files": len(results), **summary,
                               "markdown": markdown(results, summary, corpus),
                               "results": results},
                              indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
