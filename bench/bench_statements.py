"""Benchmark the statement readers on 100,000 transactions per format, beside the peer.

Generates one file per format (MT940, CAMT.053, OFX, BAI2, a bank CSV with a built-in
profile), converts each with `dunwell statement convert FILE -o out.csv` in a fresh
process, and checks the count and the net sum of what it wrote. When the peer package
`bankstatementparser` 0.0.29 installs into a throwaway venv (.dunwell/peer, made here),
it converts the same files (`create_parser(FILE).export_csv(OUT)`) side by side; when it
does not install, the output says why. CPU time (user + system of the child) is the
figure to compare on a shared machine; each pair is run interleaved, best of `--repeat`.
Writes bench/out/statements.json. Run: `python bench/bench_statements.py [N] [--repeat R]
[--formats csv,ofx]` (all formats unless named).
"""

from __future__ import annotations

import csv
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out" / "statements.json"
PEER_VENV = HERE.parent / ".dunwell" / "peer"
PEER = "bankstatementparser==0.0.29"
PER_STATEMENT = 1000
TARGET_SECONDS = 10.0
PEER_SCRIPT = ("import sys\nfrom bankstatementparser import create_parser\n"
               "create_parser(sys.argv[1]).export_csv(sys.argv[2])\n")


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


def write_ofx(path: Path, n: int) -> None:
    """One OFX 1.02 SGML bank statement with n transactions and its ledger balance."""
    total = sum(_amount(i) for i in range(n))
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write("OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\n"
                  "CHARSET:1252\nCOMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n<OFX>\n"
                  "<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>\n"
                  "<STMTRS><CURDEF>USD<BANKACCTFROM><BANKID>121000248<ACCTID>4001234567"
                  "<ACCTTYPE>CHECKING</BANKACCTFROM>\n<BANKTRANLIST><DTSTART>20250101"
                  "<DTEND>20250131\n")
        for i in range(n):
            cents = _amount(i)
            out.write(f"<STMTTRN><TRNTYPE>{'CREDIT' if cents > 0 else 'DEBIT'}"
                      f"<DTPOSTED>202501{i % 28 + 1:02d}120000<TRNAMT>{'-' if cents < 0 else ''}"
                      f"{_dot(cents)}<FITID>F{i}<NAME>Customer {i % 977}"
                      f"<MEMO>Invoice INV-{i:07d}</STMTTRN>\n")
        out.write(f"</BANKTRANLIST><LEDGERBAL><BALAMT>{'-' if total < 0 else ''}{_dot(total)}"
                  "<DTASOF>20250131</LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n")


def write_bai2(path: Path, n: int) -> None:
    """One BAI2 group and account with n detail records, opening and closing ledger."""
    total = sum(_amount(i) for i in range(n))
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write("01,SENDERBANK,RECEIVER,250201,0800,1,80,,2/\n"
                  "02,RECEIVER,SENDERBANK,1,250131,2400,USD,2/\n"
                  f"03,4001234567,USD,010,0,,,015,{total},,/\n")
        for i in range(n):
            cents = _amount(i)
            code = "195" if cents > 0 else "475"
            out.write(f"16,{code},{abs(cents)},0,B{i},C{i},Customer {i % 977} "
                      f"INV-{i:07d}/\n")
        out.write(f"49,{total},{n + 2}/\n98,{total},1,{n + 4}/\n99,{total},1,{n + 6}/\n")


def write_csv(path: Path, n: int) -> None:
    """A Wise statement export (a built-in profile) with n rows."""
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write("TransferWise ID,Date,Amount,Currency,Description,Payment Reference,"
                  "Running Balance\n")
        balance = 0
        for i in range(n):
            cents = _amount(i)
            balance += cents
            out.write(f"TRANSFER-{i},{i % 28 + 1:02d}-01-2025,{'-' if cents < 0 else ''}"
                      f"{_dot(cents)},EUR,Customer {i % 977},INV-{i:07d},"
                      f"{'-' if balance < 0 else ''}{_dot(balance)}\n")


def _bal(code: str, cents: int) -> str:
    ind = "DBIT" if cents < 0 else "CRDT"
    return (f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">{_dot(cents)}"
            f"</Amt><CdtDbtInd>{ind}</CdtDbtInd><Dt><Dt>2025-01-01</Dt></Dt></Bal>")


FORMATS = (("mt940", write_mt940, "sta"), ("camt053", write_camt, "xml"),
           ("ofx", write_ofx, "ofx"), ("bai2", write_bai2, "bai2"), ("csv", write_csv, "csv"))


def expected_sum(n: int) -> Decimal:
    """The net sum every generator writes for n transactions."""
    return Decimal(sum(_amount(i) for i in range(n))).scaleb(-2)


def timed(argv: list[str], env: dict[str, str] | None = None) -> dict[str, object]:
    """Run a command in a fresh process: exit code, wall and CPU seconds of the child."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"exit": proc.returncode, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
            "stderr": proc.stderr.strip().splitlines()[-1:] if proc.returncode else []}


def dunwell_argv(path: Path, out: Path) -> list[str]:
    """`dunwell statement convert FILE -o OUT`, the installed command of this venv."""
    exe = Path(sys.executable).with_name("dunwell")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "dunwell.cli"]
    return [*command, "statement", "convert", str(path), "-o", str(out)]


def written(out: Path, amount_column: str) -> tuple[int, Decimal | None]:
    """Rows and net sum of a CSV someone wrote (None when the sum cannot be read)."""
    if not out.exists():
        return 0, None
    with open(out, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    try:
        return len(rows), sum((Decimal(r[amount_column]) for r in rows), Decimal(0))
    except (KeyError, ArithmeticError, TypeError):
        return len(rows), None


def peer_python() -> tuple[Path | None, str]:
    """The peer's interpreter in its throwaway venv (made and installed when missing), or
    None and why it is not there."""
    python = PEER_VENV / "bin" / "python"
    check = [str(python), "-c", "import bankstatementparser"]
    if python.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return python, ""
    made = subprocess.run([sys.executable, "-m", "venv", "--clear", str(PEER_VENV)],
                          capture_output=True, text=True)
    if made.returncode != 0:
        return None, f"cannot make a venv at {PEER_VENV}: {made.stderr.strip()[-200:]}"
    pip = subprocess.run([str(python), "-m", "pip", "install", "-q", PEER], capture_output=True,
                         text=True)
    if pip.returncode != 0:
        return None, f"pip install {PEER} failed: {pip.stderr.strip()[-300:]}"
    return python, ""


def compare(name: str, path: Path, n: int, folder: Path, peer: Path | None,
            repeat: int) -> dict[str, object]:
    """dunwell and the peer on one file, interleaved, best CPU of `repeat` runs each."""
    env = {**os.environ, "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    ours: list[dict[str, object]] = []
    theirs: list[dict[str, object]] = []
    for _ in range(repeat):
        ours.append(timed(dunwell_argv(path, folder / "dunwell.csv"), env))
        if peer is not None:
            theirs.append(timed([str(peer), "-c", PEER_SCRIPT, str(path),
                                 str(folder / "peer.csv")]))
    best = min(ours, key=lambda r: r["cpu_s"])
    count, total = written(folder / "dunwell.csv", "amount")
    row: dict[str, object] = {
        "format": name, "transactions": n, "megabytes": round(path.stat().st_size / 1e6, 1),
        "dunwell_exit": best["exit"], "dunwell_cpu_s": best["cpu_s"],
        "dunwell_wall_s": best["wall_s"], "dunwell_rows": count,
        "dunwell_sum_ok": total == expected_sum(n) and count == n}
    if theirs:
        peer_best = min(theirs, key=lambda r: r["cpu_s"])
        peer_count, peer_total = written(folder / "peer.csv", "amount")
        row.update({"peer_exit": peer_best["exit"], "peer_cpu_s": peer_best["cpu_s"],
                    "peer_wall_s": peer_best["wall_s"], "peer_rows": peer_count,
                    "peer_sum_ok": peer_total == expected_sum(n) and peer_count == n,
                    "faster": best["cpu_s"] < peer_best["cpu_s"] or peer_best["exit"] != 0})
        (folder / "peer.csv").unlink(missing_ok=True)
    (folder / "dunwell.csv").unlink(missing_ok=True)
    return row


def main(n: int = 100_000, repeat: int = 1, formats: list[str] | None = None) -> int:
    """Generate, convert with dunwell and the peer, print a table, save the figures; exit 1
    when dunwell's output is wrong or a format misses the target."""
    peer, why_not = peer_python()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, writer, suffix in FORMATS:
            if formats and name not in formats:
                continue
            path = folder / f"bench.{suffix}"
            writer(path, n)
            results.append(compare(name, path, n, folder, peer, repeat))
            path.unlink()
    print(f"{n:,} transactions per format, `dunwell statement convert FILE -o out.csv` vs "
          f"{PEER} (create_parser(FILE).export_csv(OUT)), fresh process each, CPU s "
          f"(best of {repeat}); load {os.getloadavg()[0]:.1f}")
    print(f"{'format':8} {'dunwell cpu':>11} {'wall':>6} {'rows ok':>7} | {'peer cpu':>8} "
          f"{'wall':>6} {'rows ok':>7} | faster")
    for r in results:
        peer_cells = (f"{r['peer_cpu_s']:>8.2f} {r['peer_wall_s']:>6.1f} "
                      f"{str(r['peer_sum_ok']):>7}" if "peer_cpu_s" in r else f"{'-':>24}")
        print(f"{r['format']:8} {r['dunwell_cpu_s']:>11.2f} {r['dunwell_wall_s']:>6.1f} "
              f"{str(r['dunwell_sum_ok']):>7} | {peer_cells} | {r.get('faster', '-')}")
    if peer is None:
        print(f"peer not run: {why_not}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"python": platform.python_version(), "machine": platform.machine(),
                               "peer": PEER if peer else f"not run: {why_not}",
                               "load_1min": round(os.getloadavg()[0], 1),
                               "results": results}, indent=2) + "\n", encoding="utf-8")
    ok = all(r["dunwell_sum_ok"] and r["dunwell_cpu_s"] < TARGET_SECONDS * 2 for r in results)
    return 0 if ok else 1


def _option(args: list[str], name: str) -> str | None:
    """The value after `name` in `args`, both taken out; None when not given."""
    if name not in args:
        return None
    at = args.index(name)
    value = args[at + 1]
    del args[at:at + 2]
    return value


if __name__ == "__main__":
    args = sys.argv[1:]
    times = int(_option(args, "--repeat") or 1)
    named = _option(args, "--formats")
    chosen = named.split(",") if named else None
    unknown = set(chosen or ()) - {name for name, _, _ in FORMATS}
    if unknown:
        sys.exit(f"unknown formats {sorted(unknown)}; known: {[f for f, _, _ in FORMATS]}")
    sys.exit(main(int(args[0]) if args else 100_000, times, chosen))
