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
FILES = HERE / "bank_csv_blind"
OUT = HERE / "out" / "bank_csv_blind.json"


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


def markdown(results: list[dict], summary: dict) -> str:
    """The table RESULTS.md shows: one row per file, both passes."""
    lines = ["Blind corpus (bench/bank_csv_blind, banks without a built-in profile), "
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


def main() -> int:
    truth = json.loads((FILES / "truth.json").read_text(encoding="utf-8"))
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, want in truth.items():
            plain = judge(FILES / name, want, None, folder)
            given = judge(FILES / name, want, want["currency"], folder)
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
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"files": len(results), **summary,
                               "markdown": markdown(results, summary), "results": results},
                              indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
