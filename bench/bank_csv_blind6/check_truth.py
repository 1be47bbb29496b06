"""Re-read every corpus file from its bytes with simple per-bank rules and check
count / net sum / currency against truth.json.  Shares no code with
make_corpus.py on purpose.

Run: python3 check_truth.py   (exit 0 when everything agrees)
"""

from __future__ import annotations

import csv
import io
import json
import sys
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent


def dec(s: str, mark: str) -> Decimal:
    s = s.strip().replace("\u00a0", "").replace(" ", "")
    if mark == ",":
        s = s.replace(".", "").replace(",", ".")
    else:
        s = s.replace(",", "")
    return Decimal(s)


def rows(text: str, sep: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text), delimiter=sep))


def nordea(b: bytes):
    assert b.startswith(b"\xef\xbb\xbf")
    r = rows(b.decode("utf-8-sig"), ";")
    hdr, body = r[0], r[1:]
    assert hdr[0] == "Kirjauspäivä" and hdr[1] == "Määrä"
    booked = [x for x in body if x and x[0] != "Varaus"]
    for x in booked:
        assert len(x[0]) == 10 and x[0][4] == "/"
    return [dec(x[1], ",") for x in booked], {x[8] for x in booked}


def swedbank(b: bytes):
    t = b.decode("iso-8859-15")
    lines = t.splitlines()
    assert lines[0].startswith("* Transaktioner Period")
    r = rows("\n".join(lines[1:]), ",")
    hdr = r[0]
    i_amt, i_ccy = hdr.index("Belopp"), hdr.index("Valuta")
    body = [x for x in r[1:] if x]
    return [dec(x[i_amt], ".") for x in body], {x[i_ccy] for x in body}


def mbank(b: bytes):
    t = b.decode("cp1250")
    lines = t.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("#Data księgowania"))
    amts = []
    for x in rows("\n".join(lines[start + 1:]), ";"):
        if not x or not x[0] or x[0].startswith("#"):
            break
        amts.append(dec(x[6], ","))
    ccy = lines[lines.index("#Waluta;") + 1].rstrip(";")
    # the turnover summary in the preamble must agree too
    razem = next(ln for ln in lines if ln.startswith("Razem;")).split(";")
    assert int(razem[1]) == len(amts) and dec(razem[2], ",") == sum(amts, Decimal(0))
    return amts, {ccy}


def fio(b: bytes):
    t = b.decode("utf-8")
    lines = t.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("ID pohybu;"))
    r = [x for x in rows("\n".join(lines[start:]), ";") if x]
    hdr = r[0]
    i_amt, i_ccy = hdr.index("Objem"), hdr.index("Měna")
    body = r[1:]
    info = dict(ln.split(";", 1) for ln in lines[:start] if ";" in ln)
    amts = [dec(x[i_amt], ",") for x in body]
    assert dec(info["closingBalance"], ",") - dec(info["openingBalance"], ",") == sum(amts, Decimal(0))
    return amts, {x[i_ccy] for x in body}


def belfius(b: bytes):
    t = b.decode("iso-8859-1")
    lines = t.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("Rekening;Boekingsdatum"))
    r = [x for x in rows("\n".join(lines[start:]), ";") if x]
    hdr = r[0]
    i_amt, i_ccy = hdr.index("Bedrag"), hdr.index("Devies")
    body = r[1:]
    assert all(len(x) == 15 for x in body)
    return [dec(x[i_amt], ",") for x in body], {x[i_ccy] for x in body}


def boursorama(b: bytes):
    assert b.startswith(b"\xef\xbb\xbf")
    r = [x for x in rows(b.decode("utf-8-sig"), ";") if x]
    hdr = r[0]
    i_amt = hdr.index("amount")
    return [dec(x[i_amt], ",") for x in r[1:]], {"EUR"}


def danske(b: bytes):
    r = [x for x in rows(b.decode("iso-8859-1"), ";") if x]
    hdr = r[0]
    i_amt, i_st = hdr.index("Beløp"), hdr.index("Status")
    booked = [x for x in r[1:] if x[i_st] == "Utført"]
    return [dec(x[i_amt], ",") for x in booked], {"NOK"}


def rbc(b: bytes):
    r = [x for x in rows(b.decode("utf-8"), ",") if x]
    hdr = r[0]
    i_cad, i_usd = hdr.index("CAD$"), hdr.index("USD$")
    assert all(x[i_usd] == "" for x in r[1:])
    return [dec(x[i_cad], ".") for x in r[1:]], {"CAD"}


def ally(b: bytes):
    lines = [ln for ln in b.decode("utf-8").splitlines() if ln.strip()]
    hdr = [h.strip() for h in lines[0].split(",")]
    i_amt, i_typ = hdr.index("Amount"), hdr.index("Type")
    amts = []
    for ln in lines[1:]:
        f = [v.strip() for v in ln.split(",")]
        a = dec(f[i_amt], ".")
        assert (a > 0) == (f[i_typ] == "Deposit")
        amts.append(a)
    return amts, {"USD"}


def td(b: bytes):
    r = [x for x in rows(b.decode("utf-8"), ",") if x]
    amts = []
    for x in r:
        out = dec(x[2], ".") if x[2] else Decimal(0)
        inn = dec(x[3], ".") if x[3] else Decimal(0)
        assert (out == 0) != (inn == 0)
        amts.append(inn - out)
    return amts, {"CAD"}


RULES = {"fi_nordea.csv": nordea, "se_swedbank.csv": swedbank, "pl_mbank.csv": mbank,
         "cz_fio.csv": fio, "be_belfius.csv": belfius, "fr_boursorama.csv": boursorama,
         "no_danske.csv": danske, "ca_rbc.csv": rbc, "us_ally.csv": ally, "ca_td.csv": td}


def main() -> int:
    truth = json.loads((HERE / "truth.json").read_text(encoding="utf-8"))
    assert set(truth) == set(RULES), (set(truth) ^ set(RULES))
    bad = 0
    for name, want in truth.items():
        assert set(want) == {"bank", "source", "count", "net_sum", "currency", "notes"}
        amts, ccys = RULES[name]((HERE / name).read_bytes())
        net = f"{sum(amts, Decimal(0)):.2f}"
        ok = (len(amts) == want["count"] and net == want["net_sum"]
              and ccys == {want["currency"]} and 8 <= len(amts) <= 30)
        bad += not ok
        print(f"{'ok ' if ok else 'BAD'} {name:18} count {len(amts):3}/{want['count']:<3} "
              f"net {net:>10}/{want['net_sum']:<10} {sorted(ccys)}/{want['currency']}")
    print("all agree" if not bad else f"{bad} file(s) disagree")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
