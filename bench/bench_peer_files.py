"""Every real statement file we hold, read by dunwell and by the peer, judged against its truth.

Issue 16 asks dunwell to read every file the peer package `bankstatementparser` 0.0.29
reads, with no silent error. The files: ../shared/samples (EXPECTED.csv), bench/bank_csv
(EXPECTED.csv), the blind corpora bench/bank_csv_blind..5 (truth.json) and the statement
fixtures under tests/fixtures/statements with a hand-written golden .expected.csv.
Each file is converted as it is: `dunwell statement convert FILE -o OUT` from the shell,
and the peer's `create_parser(FILE).export_csv(OUT)` in its throwaway venv (made by
bench_statements.peer_python). Verdicts, per tool and file:
  ok       count and net sum equal the truth
  WRONG    an output with a wrong count or net sum: a silent error
  refused  no output: an error line, an exception or a timeout
A dunwell refusal of a file whose truth names its currency is tried again with
`--currency` and reported apart. Writes bench/out/peer_files.json.
Run: `python bench/bench_peer_files.py`.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_statements import (  # noqa: E402 - the bench folder is not a package
    PEER,
    PEER_SCRIPT,
    dunwell_argv,
    peer_python,
)

REPO = HERE.parent
SAMPLES = (REPO.parent / "shared" / "samples").resolve()
FIXTURES = REPO / "tests" / "fixtures" / "statements"
OUT = HERE / "out" / "peer_files.json"
BLIND = ("bank_csv_blind", "bank_csv_blind2", "bank_csv_blind3", "bank_csv_blind4",
         "bank_csv_blind5", "bank_csv_blind6")
FORMATS = ("mt940", "camt053", "ofx", "bai2", "csv")
SUFFIX_FORMAT = {".sta": "mt940", ".xml": "camt053", ".ofx": "ofx", ".bai2": "bai2"}
TIMEOUT_S = 120
VERDICTS = ("ok", "WRONG", "refused")


class Case(NamedTuple):
    """One file and what a right reading gives.

    Attributes:
        source: the corpus it comes from (samples, bank_csv, bank_csv_blind2, tests, ...).
        format: mt940, camt053, ofx, bai2 or csv.
        path: the file.
        count: the number of transactions.
        net: their signed sum.
        currency: the account's currency when the truth names one, else "".
    """

    source: str
    format: str
    path: Path
    count: int
    net: Decimal
    currency: str


def sample_cases() -> list[Case]:
    """../shared/samples, with EXPECTED.csv's count and net sum (one currency per file)."""
    if not (SAMPLES / "EXPECTED.csv").is_file():
        return []
    with open(SAMPLES / "EXPECTED.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    cases = []
    for row in rows:
        parts = row["net_sum_by_currency"].split()
        currencies, sums = parts[0::2], [Decimal(p) for p in parts[1::2]]
        cases.append(Case("samples", row["format"], SAMPLES / row["file"],
                          int(row["transactions"]), sum(sums, Decimal(0)),
                          currencies[0] if len(currencies) == 1 else ""))
    return cases


def bank_csv_cases() -> list[Case]:
    """bench/bank_csv, with its EXPECTED.csv."""
    with open(HERE / "bank_csv" / "EXPECTED.csv", encoding="utf-8", newline="") as handle:
        return [Case("bank_csv", "csv", HERE / "bank_csv" / row["file"],
                     int(row["transactions"]), Decimal(row["net"]), row["currency"])
                for row in csv.DictReader(handle)]


def blind_cases() -> list[Case]:
    """The blind bank CSV corpora, each with its truth.json."""
    cases = []
    for name in BLIND:
        truth = json.loads((HERE / name / "truth.json").read_text(encoding="utf-8"))
        cases += [Case(name, "csv", HERE / name / file, want["count"],
                       Decimal(want["net_sum"]), want["currency"])
                  for file, want in truth.items()]
    return cases


def fixture_cases() -> list[Case]:
    """MT940, CAMT, OFX and BAI2 fixtures under tests/ whose golden .expected.csv was
    written by hand; the CSV fixtures there need a test profile or --profile, so are left."""
    cases = []
    for golden in sorted(FIXTURES.glob("*.expected.csv")):
        stem = golden.name.removesuffix(".expected.csv")
        for path in sorted(FIXTURES.glob(f"{stem}.*")):
            if path.suffix in SUFFIX_FORMAT:
                with open(golden, encoding="utf-8", newline="") as handle:
                    rows = list(csv.DictReader(handle))
                currencies = {r["currency"] for r in rows}
                cases.append(Case("tests", SUFFIX_FORMAT[path.suffix], path, len(rows),
                                  sum((Decimal(r["amount"]) for r in rows), Decimal(0)),
                                  currencies.pop() if len(currencies) == 1 else ""))
    return cases


def peer_amount(row: dict[str, str]) -> Decimal:
    """The signed amount of one row of the peer's CSV.

    Its columns differ by parser: MT940, OFX and BAI2 write `amount`, CAMT writes
    `Amount` (BAI2 writes both, equal). Both are already signed (CAMT negates DBIT
    itself, `DrCr` only repeats the mark). export_csv prefixes a cell starting with
    +/- that is not a plain number with a quote against spreadsheet formulas: strip it.
    """
    cell = row.get("amount") or row.get("Amount") or ""
    return Decimal(cell.strip().lstrip("'"))


def dunwell_amount(row: dict[str, str]) -> Decimal:
    """The signed amount of one row of dunwell's canonical CSV."""
    return Decimal(row["amount"])


def error_line(stderr: str) -> str:
    """The line that says why: dunwell's `error:` line, else the last line (an exception)."""
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.startswith("error")]
    return (errors or lines[-1:] or [""])[0][:300]


def judge(case: Case, argv: list[str], out: Path, amount: Callable[[dict[str, str]], Decimal],
          cwd: Path) -> dict:
    """Run one tool on one file and judge what it wrote against the truth."""
    out.unlink(missing_ok=True)
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, cwd=cwd, timeout=TIMEOUT_S,
                              env={**os.environ, "DO_NOT_TRACK": "1",
                                   "PREFECT_SERVER_ANALYTICS_ENABLED": "false"})
    except subprocess.TimeoutExpired:
        return {"verdict": "refused", "exit": None, "count": 0, "net": None,
                "message": f"timeout after {TIMEOUT_S} s"}
    if proc.returncode != 0 or not out.exists():
        return {"verdict": "refused", "exit": proc.returncode, "count": 0, "net": None,
                "message": error_line(proc.stderr) or "no output written"}
    with open(out, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    try:
        net: Decimal | None = sum((amount(r) for r in rows), Decimal(0))
    except (InvalidOperation, KeyError, TypeError):
        net = None
    right = len(rows) == case.count and net == case.net
    # Judged on count and sum only; the currency written is kept to be read beside them
    # (the peer's CSV reader writes none).
    currencies = sorted({r.get("currency") or r.get("Currency") or "" for r in rows})
    return {"verdict": "ok" if right else "WRONG", "exit": 0, "count": len(rows),
            "net": None if net is None else str(net), "currencies": currencies, "message": ""}


def compare(case: Case, peer: Path | None, folder: Path) -> dict:
    """dunwell and the peer on one file; dunwell again with --currency if it refused."""
    ours_out, peer_out = folder / "dunwell.csv", folder / "peer.csv"
    row: dict = {"source": case.source, "file": case.path.name, "format": case.format,
                 "want_count": case.count, "want_net": str(case.net),
                 "currency": case.currency,
                 "dunwell": judge(case, dunwell_argv(case.path, ours_out), ours_out,
                                  dunwell_amount, folder)}
    if peer is not None:
        row["peer"] = judge(case, [str(peer), "-c", PEER_SCRIPT, str(case.path),
                                   str(peer_out)], peer_out, peer_amount, folder)
    if row["dunwell"]["verdict"] == "refused" and case.currency:
        row["dunwell_with_currency"] = judge(
            case, [*dunwell_argv(case.path, ours_out), "--currency", case.currency],
            ours_out, dunwell_amount, folder)
    return row


def verdict(row: dict, tool: str) -> str:
    """A tool's verdict on one file ('-' when it did not run)."""
    return str(row.get(tool, {}).get("verdict", "-"))


def totals(results: list[dict]) -> dict:
    """The figures issue 16 is judged by."""
    tally = {tool: Counter(verdict(r, tool) for r in results) for tool in ("dunwell", "peer")}
    gaps = [r for r in results if verdict(r, "peer") == "ok" and verdict(r, "dunwell") != "ok"]
    return {"files": len(results),
            "peer_ok": tally["peer"]["ok"], "dunwell_ok": tally["dunwell"]["ok"],
            "peer_ok_dunwell_not": len(gaps),
            "dunwell_ok_peer_not": sum(verdict(r, "dunwell") == "ok" and verdict(r, "peer")
                                       != "ok" for r in results),
            "dunwell_wrong": tally["dunwell"]["WRONG"], "peer_wrong": tally["peer"]["WRONG"],
            "dunwell_refused": tally["dunwell"]["refused"],
            "peer_refused": tally["peer"]["refused"],
            "dunwell_ok_with_currency": sum(verdict(r, "dunwell_with_currency") == "ok"
                                            for r in results),
            "to_fix": [f"{r['source']}/{r['file']}" for r in gaps]}


def format_table(results: list[dict]) -> list[str]:
    """One Markdown row per format: files, then ok / WRONG / refused per tool."""
    lines = ["| format | files | dunwell ok | dunwell WRONG | dunwell refused | peer ok | "
             "peer WRONG | peer refused | peer ok, dunwell not |", "|---" * 9 + "|"]
    for fmt in (*FORMATS, "all"):
        rows = [r for r in results if fmt in ("all", r["format"])]
        cells = [str(sum(verdict(r, tool) == v for r in rows))
                 for tool in ("dunwell", "peer") for v in VERDICTS]
        gaps = sum(verdict(r, "peer") == "ok" and verdict(r, "dunwell") != "ok" for r in rows)
        lines.append(f"| {fmt} | {len(rows)} | {' | '.join(cells)} | {gaps} |")
    return lines


def markdown(results: list[dict], summary: dict, peer_note: str) -> str:
    """What RESULTS.md shows: the table per format, then the files to fix."""
    lines = [f"Every real statement file with a known truth, `dunwell statement convert FILE "
             f"-o OUT` beside {peer_note} (`create_parser(FILE).export_csv(OUT)`), each as "
             "it is. ok = count and net sum right; WRONG = an output with a wrong count or "
             "sum (silent); refused = an error or exception.", "", *format_table(results), "",
             f"dunwell refusals read right with --currency: "
             f"{summary['dunwell_ok_with_currency']}.", "",
             "Files the peer reads right and dunwell does not:", ""]
    if not summary["peer_ok_dunwell_not"]:
        lines.append("none")
    for r in results:
        if verdict(r, "peer") == "ok" and verdict(r, "dunwell") != "ok":
            d = r["dunwell"]
            lines.append(f"- {r['source']}/{r['file']} ({r['format']}): dunwell "
                         f"{d['verdict']} {d['count']}/{r['want_count']} net {d['net']} "
                         f"(want {r['want_net']} {r['currency']}; the peer's currency: "
                         f"{'/'.join(r['peer']['currencies']) or 'none'}; dunwell with --currency: "
                         f"{verdict(r, 'dunwell_with_currency')}) {d['message']}")
    return "\n".join(lines)


def print_row(r: dict) -> None:
    """One file's line on the console, with the error line of a tool that did not read it."""
    cells = "  ".join(f"{tool} {verdict(r, tool):7} {r[tool]['count']:>4}"
                      for tool in ("dunwell", "peer") if tool in r)
    print(f"{r['source']:16} {r['file']:36} {r['format']:7} want {r['want_count']:>4}  {cells}")
    for tool in ("dunwell", "peer"):
        if tool in r and r[tool]["verdict"] != "ok":
            print(f"    {tool}: {r[tool]['message'] or 'net ' + str(r[tool]['net'])}"[:220])


def main() -> int:
    """Read every file with both tools, print the tables, save the figures."""
    peer, why_not = peer_python()
    cases = sample_cases() + bank_csv_cases() + blind_cases() + fixture_cases()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases:
            results.append(compare(case, peer, Path(tmp)))
            print_row(results[-1])
    summary = totals(results)
    peer_note = PEER if peer else f"the peer (not run: {why_not})"
    print(f"\n{len(cases)} files (samples found: {SAMPLES.is_dir()}); "
          f"load {os.getloadavg()[0]:.1f}")
    print("\n".join(format_table(results)))
    for key, value in summary.items():
        print(f"{key}: {value}")
    if peer is None:
        print(f"peer not run: {why_not}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"peer": PEER if peer else f"not run: {why_not}",
                               "load_1min": round(os.getloadavg()[0], 1), **summary,
                               "markdown": markdown(results, summary, peer_note),
                               "results": results}, indent=2, ensure_ascii=False) + "\n",
                   encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
