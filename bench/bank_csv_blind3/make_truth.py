"""Independent truth: re-reads every written file with a small hand-written
reader per layout (not dunwell), sums the booked rows with money in positive,
checks the result against make_corpus.py's by-construction figures and writes
truth.json in the format bench/bench_bank_csv_blind.py expects."""
from __future__ import annotations

import csv
import io
import json
from decimal import Decimal as D
from pathlib import Path

HERE = Path(__file__).resolve().parent


def comma(s: str, thousands: str = ".") -> D:
    return D(s.replace(thousands, "").replace(",", ".").replace("+", ""))


def at_raiffeisen_elba(raw):  # headerless: date;text;valuta;amount;ccy;timestamp;
    rows = list(csv.reader(io.StringIO(raw.decode("cp1252")), delimiter=";"))
    return [comma(r[3]) for r in rows if r], {r[4] for r in rows if r}


def cz_raiffeisenbank(raw):
    rows = list(csv.reader(io.StringIO(raw.decode("cp1250")), delimiter=";"))
    hdr, body = rows[0], rows[1:]
    i = hdr.index("Zaúčtovaná částka"); c = hdr.index("Měna účtu"); fee = hdr.index("Poplatek")
    assert all(r[fee] == "" for r in body), "a fee column is filled: decide how it counts"
    return [comma(r[i], " ") for r in body], {r[c] for r in body}


def fi_nordea(raw):
    lines = [l for l in raw.decode("utf-8").split("\r\n") if l.strip()]
    assert lines[0].startswith("Tilinumero\t")
    rows = [l.split("\t") for l in lines[1:]]
    hdr, body = rows[0], rows[1:]
    i = hdr.index("Määrä")
    return [comma(r[i]) for r in body], {"EUR"}  # no currency in the file: a Finnish EUR account


def hu_otp(raw):  # headerless; [1] T=debit / J=credit, [2] amount, [3] ccy, [6] balance
    rows = list(csv.reader(io.StringIO(raw.decode("cp1250")), delimiter=";"))
    out = []
    for r in rows:
        amt = abs(D(r[2]))
        out.append(-amt if r[1] == "T" else amt)
        assert (D(r[2]) < 0) == (r[1] == "T")
    return out, {r[3] for r in rows}


def pl_millennium(raw):
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))
    out = []
    for r in rows:
        deb, cred = r["Obciążenia"], r["Uznania"]
        assert bool(deb) != bool(cred)
        out.append(D(deb) if deb else D(cred))  # Obciążenia already carry the minus
        assert (D(deb) < 0) if deb else (D(cred) > 0)
    return out, {r["Waluta"] for r in rows}


def fr_credit_agricole(raw):
    text = raw.decode("cp1252")
    start = text.index("Date;Libellé;Débit euros;Crédit euros;")
    rows = list(csv.reader(io.StringIO(text[start:], newline=""), delimiter=";"))
    out = []
    for r in rows[1:]:
        if not r or not r[0]:
            continue
        out.append(-comma(r[2], " ") if r[2] else comma(r[3], " "))
    return out, {"EUR"}  # 'euros' in the header


def pt_montepio(raw):
    lines = raw.decode("cp1252").splitlines()
    h = next(i for i, l in enumerate(lines) if l.startswith("DATA MOV.\t"))
    hdr = lines[h].split("\t")
    i = hdr.index("IMPORTÂNCIA")
    body = [l.split("\t") for l in lines[h + 1:] if l.strip()]
    return [comma(r[i]) for r in body], {"EUR"}  # 'Moeda EUR' in the preamble


def uk_lloyds(raw):
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))
    out = [D(r["Credit Amount"]) if r["Credit Amount"] else -D(r["Debit Amount"]) for r in rows]
    return out, {"GBP"}  # a UK current account; no currency in the file


def us_amex_card(raw):
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))
    # card export: a charge is printed positive; for the card holder it is money out
    return [-D(r["Amount"]) for r in rows], {"USD"}


def paypal_gbp(raw):
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    booked = [r for r in rows if r["Status"] == "Completed"]
    return [D(r["Net"].replace(",", "")) for r in booked], {r["Currency"] for r in booked}


def wise_eur(raw):
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))
    return [D(r["Amount"]) for r in rows], {r["Currency"] for r in rows}


def stripe_balance_usd(raw):
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))
    for r in rows:
        assert D(r["gross"]) - D(r["fee"]) == D(r["net"])
    return [D(r["net"]) for r in rows], {r["currency"].upper() for r in rows}


READERS = {f.__name__ + ".csv": f for f in (
    at_raiffeisen_elba, cz_raiffeisenbank, fi_nordea, hu_otp, pl_millennium, fr_credit_agricole,
    pt_montepio, uk_lloyds, us_amex_card, paypal_gbp, wise_eur, stripe_balance_usd)}

SOURCES = json.loads((HERE / "sources.json").read_text(encoding="utf-8"))


def main():
    built = json.loads((HERE / "expected_by_construction.json").read_text(encoding="utf-8"))
    truth = {}
    for name, reader in READERS.items():
        amounts, ccys = reader((HERE / name).read_bytes())
        net = sum(amounts, D("0.00"))
        want = built[name]
        assert len(amounts) == want["count"], (name, len(amounts), want["count"])
        assert net == D(want["net_sum"]), (name, net, want["net_sum"])
        assert ccys == {want["currency"]}, (name, ccys)
        truth[name] = {"bank": want["bank"], "source": SOURCES[name], "count": len(amounts),
                       "net_sum": str(net), "currency": want["currency"]}
        if want.get("pending_rows_not_counted"):
            truth[name]["pending_rows_not_counted"] = want["pending_rows_not_counted"]
        if want.get("notes"):
            truth[name]["notes"] = want["notes"]
        print(f"{name:26} {len(amounts):3} {net:>12} {want['currency']}  ok")
    (HERE / "truth.json").write_text(json.dumps(truth, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
