"""Independent re-read of each file from its bytes (per-bank rules), compared with truth.json."""
import csv, io, json
from decimal import Decimal as D
T = json.load(open("truth.json", encoding="utf-8"))
def num(s, dec=",", thou="."):
    s = s.strip().replace(" EUR", "")
    if thou: s = s.replace(thou, "")
    return D(s.replace(dec, ".").replace(" ", ""))
def rd(name, enc, delim):
    return list(csv.reader(io.StringIO(open(name, encoding=enc, newline="").read()), delimiter=delim))
got = {}
r = rd("de_comdirect.csv", "cp1252", ";"); h = [i for i, x in enumerate(r) if x[:1] == ["Buchungstag"]][0]
v = [num(x[4]) for x in r[h+1:] if x and x[0][:1].isdigit()]; got["de_comdirect.csv"] = v
r = rd("ee_lhv.csv", "utf-8-sig", ","); v = []
for x in r[1:]:
    a = abs(D(x[8])); v.append(-a if x[7] == "D" else a)
got["ee_lhv.csv"] = v
r = list(csv.DictReader(open("us_usaa.csv", encoding="utf-8")))
got["us_usaa.csv"] = [D(x["Amount"]) for x in r if x["Status"] == "Posted"]
r = rd("ca_desjardins.csv", "latin-1", ","); got["ca_desjardins.csv"] = [D(x[8] or 0) - D(x[7] or 0) for x in r]
r = rd("fr_lcl.csv", "cp1252", ";"); got["fr_lcl.csv"] = [num(x[1], thou="") for x in r if x[2]]
r = rd("pt_cgd.csv", "cp1252", ";"); h = [i for i, x in enumerate(r) if x and x[0].startswith("Data mov")][0]
got["pt_cgd.csv"] = [(num(x[4]) if x[4] else 0) - (num(x[3]) if x[3] else 0) for x in r[h+1:] if x and x[0][:1].isdigit()]
r = rd("tr_garanti.csv", "cp1254", ";"); h = [i for i, x in enumerate(r) if x[:1] == ["Tarih"]][0]
got["tr_garanti.csv"] = [num(x[3]) for x in r[h+1:] if x]
r = list(csv.DictReader(open("uk_metro.csv", encoding="utf-8")))
got["uk_metro.csv"] = [D(x["Money In"] or 0) - D(x["Money Out"] or 0) for x in r]
r = rd("sk_tatra_banka.csv", "cp1250", ";"); got["sk_tatra_banka.csv"] = [num(x[2], thou=" ") for x in r[1:] if x]
r = list(csv.DictReader(open("qonto_eur.csv", encoding="utf-8"), delimiter=";"))
got["qonto_eur.csv"] = [num(x["Total amount (incl. VAT)"], thou="") for x in r if x["Status"] == "settled"]
ok = True
for k, t in T.items():
    c, n = len(got[k]), sum(got[k], D("0.00"))
    good = c == t["count"] and n == D(t["net_sum"])
    ok &= good
    print(f"{k:22} {c:3} {n:>12} {t['currency']}  truth {t['count']:3} {t['net_sum']:>12}  {'OK' if good else 'MISMATCH'}")
print("ALL OK" if ok else "FAIL")
