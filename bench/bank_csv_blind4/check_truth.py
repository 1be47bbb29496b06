"""Independent re-parse of every corpus file (by hand-written per-bank rules,
not from make_corpus.py's lists) to double-check truth.json: count, net from
the holder's view, and where the file has balances, that they add up."""
import csv
import io
import json
from decimal import Decimal as D
from pathlib import Path

HERE = Path(__file__).resolve().parent


def de(s):  # '1.234,56' / '-3 897,20' / '12,00 €' -> Decimal
    s = s.replace("€", "").replace("\xa0", "").replace(" ", "").replace(".", "").replace(",", ".")
    return D(s)


def rows(name, enc, delim, skip):
    text = (HERE / name).read_bytes().decode(enc)
    return list(csv.reader(io.StringIO(text), delimiter=delim))[skip:]


def postbank():
    r = rows("de_postbank.csv", "cp1252", ";", 8)
    hdr, data = r[0], r[1:]
    amts = [de(x[hdr.index("Betrag (€)")]) for x in data]
    bals = [de(x[hdr.index("Saldo (€)")]) for x in data]
    for i in range(len(data) - 1):  # newest first: bal[i] = bal[i+1] + amt[i]
        assert bals[i] == bals[i + 1] + amts[i]
    return amts


def volksbank():
    r = rows("de_volksbank_vr.csv", "cp1252", ";", 12)
    hdr = r[0]
    amts, saldo = [], {}
    for x in r[1:]:
        if len(x) < 13:
            continue
        v = de(x[11]) * (1 if x[12] == "H" else -1)
        if x[9] in ("Anfangssaldo", "Endsaldo"):
            saldo[x[9]] = v
        else:
            assert x[12] in "SH" and hdr[11] == "Umsatz"
            amts.append(v)
    assert saldo["Anfangssaldo"] + sum(amts) == saldo["Endsaldo"]
    return amts


def handelsbanken():
    r = rows("se_handelsbanken.csv", "iso-8859-1", ";", 5)
    amts = [de(x[3]) for x in r[1:]]
    bals = [de(x[4]) for x in r[1:]]
    for i in range(len(amts) - 1):
        assert bals[i] == bals[i + 1] + amts[i]
    return amts


def george():
    r = rows("at_erste_george.csv", "utf-8-sig", ",", 0)
    return [de(x[r[0].index("Betrag")]) for x in r[1:]]


def aib():
    r = rows("ie_aib.csv", "utf-8", ",", 0)
    out = []
    for x in r[1:]:
        x = [c.strip() for c in x]
        dr, cr = x[3], x[4]
        assert bool(dr) != bool(cr)
        out.append(D(cr) if cr else -D(dr))
    return out


def nationwide():
    r = rows("uk_nationwide.csv", "cp1252", ",", 5)
    g = lambda s: D(s.replace("£", "").replace(",", "")) if s else D(0)
    out = [g(x[4]) - g(x[3]) for x in r]
    bals = [g(x[5]) for x in r]
    for i in range(1, len(r)):
        assert bals[i] == bals[i - 1] + out[i]
    return out


def scotia():
    return [D(x[1]) for x in rows("ca_scotiabank.csv", "utf-8", ",", 0)]


def mercury():
    r = rows("us_mercury.csv", "utf-8", ",", 0)
    h = r[0]
    return [D(x[h.index("Amount")]) for x in r[1:] if x[h.index("Status")] == "Sent"]


def pnc():
    r = rows("us_pnc.csv", "utf-8", ",", 0)
    begin, end = D(r[0][3]), D(r[0][4])
    out = [D(x[1]) * (1 if x[5] == "CREDIT" else -1) for x in r[1:]]
    assert begin + sum(out) == end
    return out


def bbva():
    r = rows("es_bbva.csv", "cp1252", ";", 4)
    amts = [de(x[4]) for x in r[1:]]
    bals = [de(x[6]) for x in r[1:]]
    for i in range(len(amts) - 1):
        assert bals[i] == bals[i + 1] + amts[i]
    return amts


truth = json.loads((HERE / "truth.json").read_text(encoding="utf-8"))
checks = {"de_postbank.csv": postbank, "de_volksbank_vr.csv": volksbank, "se_handelsbanken.csv": handelsbanken,
          "at_erste_george.csv": george, "ie_aib.csv": aib, "uk_nationwide.csv": nationwide,
          "ca_scotiabank.csv": scotia, "us_mercury.csv": mercury, "us_pnc.csv": pnc, "es_bbva.csv": bbva}
assert set(checks) == set(truth)
bad = 0
for name, fn in checks.items():
    a = fn()
    net = sum(a, D("0.00"))
    ok = len(a) == truth[name]["count"] and net == D(truth[name]["net_sum"])
    bad += not ok
    print(f"{'ok ' if ok else 'BAD'} {name:24} {len(a):3} {net:>12}  truth {truth[name]['count']} {truth[name]['net_sum']}")
raise SystemExit(bad)
