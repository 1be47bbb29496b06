"""Inference of unknown bank CSV layouts: count and net sum right on real exports.

Each file in bench/bank_csv is converted through `dunwell statement convert`
with only --currency; a layout counts as inferred when the count and the net
sum match EXPECTED.csv. A refusal (exit 2) is not a wrong sum, and is listed.
A layout that a built-in profile reads (a bank added to the built-ins after it was
collected here) is inferred anyway, so that this stays a measure of inference:
`statement profile infer` writes a profile, and the file is converted with it.
Target: at least 8 of 10, and no wrong sum ever.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILES = HERE / "bank_csv"
OUT = HERE / "out" / "bank_csv.json"
TARGET = 8


def convert(path: Path, currency: str, out: Path, *more: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of one conversion."""
    return _dunwell("statement", "convert", str(path), "-o", str(out), "--currency", currency,
                    *more)


def _dunwell(*argv: str) -> tuple[int, str, str]:
    proc = subprocess.run([sys.executable, "-m", "dunwell.cli", *argv], capture_output=True,
                          text=True, cwd=HERE.parent)
    return proc.returncode, proc.stdout, proc.stderr


def via_inferred_profile(path: Path, currency: str, out: Path) -> tuple[int, str, str]:
    """The conversion through a profile `statement profile infer` wrote for the file."""
    folder = out.parent / "inferred"
    folder.mkdir(exist_ok=True)
    code, stdout, stderr = _dunwell("statement", "profile", "infer", str(path), "-o",
                                    str(folder / "inferred.yaml"), "--currency", currency)
    if code != 0:
        return code, stdout, stderr
    code, more, stderr = convert(path, currency, out, "--profiles", str(folder), "--profile",
                                 "inferred")
    return code, stdout + more + "\ncsv:inferred (profile infer)", stderr


def main() -> int:
    with open(FILES / "EXPECTED.csv", encoding="utf-8", newline="") as handle:
        cases = list(csv.DictReader(handle))
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for case in cases:
            out = Path(folder) / "bank.csv"
            out.unlink(missing_ok=True)
            code, stdout, stderr = convert(FILES / case["file"], case["currency"], out)
            built_in = code == 0 and "csv:inferred" not in stdout
            if built_in:  # read by a built-in profile: not a test of inference
                out.unlink(missing_ok=True)
                code, stdout, stderr = via_inferred_profile(FILES / case["file"],
                                                            case["currency"], out)
            count, net = 0, Decimal(0)
            if code == 0:
                with open(out, encoding="utf-8", newline="") as handle:
                    rows = list(csv.DictReader(handle))
                count = len(rows)
                net = sum((Decimal(r["amount"]) for r in rows), Decimal(0))
            right = code == 0 and count == int(case["transactions"]) and net == Decimal(
                case["net"])
            verdict = "ok" if right else ("refused" if code == 2 else "WRONG")
            errors = [ln for ln in stderr.splitlines() if ln.startswith("error")]
            results.append({"file": case["file"], "verdict": verdict, "count": count,
                            "net": str(net), "expected_count": int(case["transactions"]),
                            "expected_net": case["net"], "error": errors[0] if errors else "",
                            "built_in_profile_too": built_in})
            print(f"{case['file']:24} {verdict:8} {count:>3} txns net {net:>10} "
                  f"(expected {case['transactions']} / {case['net']})"
                  + ("  [a built-in profile reads it too; inferred by profile infer]"
                     if built_in else ""))
    inferred = sum(r["verdict"] == "ok" for r in results)
    wrong = sum(r["verdict"] == "WRONG" for r in results)
    print(f"inferred {inferred} of {len(results)} layouts; {wrong} wrong sums "
          f"(target >= {TARGET}, 0 wrong)")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"inferred": inferred, "layouts": len(results), "wrong": wrong,
                               "target": TARGET, "results": results}, indent=2) + "\n",
                   encoding="utf-8")
    return 0 if inferred >= TARGET and not wrong else 1


if __name__ == "__main__":
    sys.exit(main())
