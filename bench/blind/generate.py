"""Blind test data for dunwell: contract CSVs and the truth of every booking.

Usage: generate.py --invoices N --seed S --out DIR
Writes invoices.csv, customers.csv, bank.csv (CONTRACT.md columns) and truth.csv
(transaction_id, invoice_id, applied_amount, kind, expect, noise). Written from the
contract and public remittance practice only, without reading dunwell's matcher.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
import parties as P
import remittance as R
import world as W
from ledger import Ledger, fmt_col

# share of invoices paid inside the statement window, by what the payment looks like
KINDS = {
    "exact_ref": 42, "ref_typo": 4, "ref_noprefix": 4, "rf_ref": 6, "multi_listed": 3,
    "multi_unlisted": 1.2, "partial": 2.5, "instalments": 1.5, "second_instalment": 2,
    "overpayment": 1.5, "bank_fee": 3, "early_discount": 3, "third_party": 3,
    "generic_text": 5, "name_only": 3, "currency_diff": 1, "psp_payout": 2.5,
}
# kinds where a person should decide (or nobody: money that pays no invoice)
EXPECT = {"same_amount_generic": "review", "psp_payout": "review", "currency_diff": "review",
          "disputed_paid": "review"}
FEES = {"EUR": [500, 750, 1000, 1250, 1500, 2000, 2500], "USD": [1000, 1500, 2000, 2500, 3500],
        "GBP": [500, 600, 800, 1000, 1500, 2000], "CHF": [500, 1000, 1500, 2000],
        "IDR": [650_000, 2_500_000, 3_000_000]}
ROUND_SUMS = {"IDR": [10_000_000, 50_000_000]}
FX = {"EUR": ("USD", 1.08), "USD": ("EUR", 0.92), "GBP": ("EUR", 1.17), "CHF": ("EUR", 1.05),
      "IDR": ("USD", 0.0000635)}


def assign(rng: np.random.Generator, inv: pd.DataFrame) -> pd.DataFrame:
    """Decide each invoice's fate: kind, payment date, status and open amount."""
    n = len(inv)
    names, w = list(KINDS), np.array(list(KINDS.values()), dtype=float)
    kind = rng.choice(names, n, p=w / w.sum()).astype(object)
    sub = inv["subscription"].to_numpy()
    kind[sub] = np.where(rng.random(sub.sum()) < 0.85, "same_amount_ref", "same_amount_generic")
    short = ~np.char.startswith(inv["invoice_id"].to_numpy().astype(str), "INV-")
    kind[short & np.isin(kind, ["exact_ref", "ref_noprefix"])] = "short_ref"
    offset = np.clip(np.round(rng.normal(3, 12, n)), -20, 90).astype("timedelta64[D]")
    pay = np.maximum(inv["due_date"].to_numpy() + offset,
                     inv["issue_date"].to_numpy() + np.timedelta64(1, "D"))
    early = inv["issue_date"].to_numpy() + rng.integers(3, 11, n).astype("timedelta64[D]")
    pay = np.where(kind == "early_discount", early, pay)
    roll = rng.random(n)
    status = np.where(roll < 0.01, "cancelled", np.where(roll < 0.018, "credit_note", "open"))
    will_pay = (rng.random(n) < 0.93) & (status == "open")
    status = np.where(will_pay & (pay < W.WINDOW[0]), "paid", status).astype(object)
    amount = np.where(status == "credit_note", -inv["amount"], inv["amount"])
    open_ = np.where(status == "paid", 0, amount)
    in_window = will_pay & (pay >= W.WINDOW[0]) & (pay <= W.WINDOW[1])
    second = in_window & (kind == "second_instalment")
    first_part = W.round_to((amount * rng.uniform(0.3, 0.6, n)).astype(np.int64), 100)
    open_ = np.where(second & (first_part > 0), amount - first_part, open_)
    return inv.assign(kind=kind, pay=pay, status=status, amount=amount, open=open_,
                      paid=in_window, disputed=rng.random(n) < 0.01)


def group_multi(rng: np.random.Generator, inv: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Group ids of invoices paid together, -1 for an invoice paid alone.

    A multi_* invoice takes along its customer's next invoices paid within 45 days;
    a PSP payout bundles 3-12 invoices of any customers in one currency.
    """
    kind, ci = inv["kind"].to_numpy().copy(), inv["ci"].to_numpy()
    pay = inv["pay"].to_numpy()
    out = np.full(len(inv), -1)
    idx = np.flatnonzero(inv["paid"].to_numpy()
                         & np.isin(kind, ["exact_ref", "multi_listed", "multi_unlisted"]))
    order = idx[np.lexsort((pay[idx], ci[idx]))]
    gid = 0
    for p, r in enumerate(order):
        if out[r] >= 0 or kind[r] == "exact_ref":
            continue
        members, size, q = [r], int(rng.integers(2, 6)), p + 1
        while q < len(order) and len(members) < size and ci[order[q]] == ci[r] \
                and pay[order[q]] - pay[r] <= np.timedelta64(45, "D"):
            if out[order[q]] < 0 and kind[order[q]] == "exact_ref":
                members.append(order[q])
            q += 1
        if len(members) > 1:
            out[members], kind[members], gid = gid, kind[r], gid + 1
    psp = np.flatnonzero(inv["paid"].to_numpy() & (kind == "psp_payout"))
    psp = psp[np.lexsort((pay[psp], inv["currency"].to_numpy()[psp]))]
    ccy = inv["currency"].to_numpy()[psp]
    for c in np.unique(ccy):
        rows = psp[ccy == c]
        bounds = np.cumsum(rng.integers(3, 13, len(rows)))
        batch = np.searchsorted(bounds, np.arange(len(rows)), side="right")
        out[rows] = gid + batch
        gid += int(batch.max()) + 1 if len(rows) else 0
    counts = np.bincount(out[out >= 0], minlength=gid)
    out[(out >= 0) & (counts[np.maximum(out, 0)] < 2)] = -1
    return out, kind


def pay_single(led: Ledger, r, fx_rng: np.random.Generator) -> None:
    """One payment (or two, for instalments) for one invoice, as `r.kind` says."""
    rng, kind, ci = led.rng, r.kind, r.ci
    name, iban, tags = led.payer(ci, 1.0 if kind == "name_only" else 0.3, kind != "name_only")
    if kind == "third_party":
        name, iban, tags = third_party(led, ci)
    if kind == "instalments":
        return pay_instalments(led, r, name, iban, tags)
    ref = reference(rng, kind, r.invoice_id)
    minor, ccy, text = shape(led, r, ref, fx_rng)
    applied = minor if kind in ("partial", "bank_fee", "early_discount") else r.open
    t = led.txn(r.pay, minor, ccy, name, iban, text, str(led.c_lang[ci]))
    led.link(t, r.invoice_id, applied, kind, EXPECT.get(kind, "auto"), " ".join(tags))
    if kind in ("exact_ref", "rf_ref", "generic_text") and rng.random() < 0.02:
        day = min(r.pay + np.timedelta64(int(rng.integers(1, 5)), "D"), W.WINDOW[1])
        led.nothing(led.txn(day, minor, ccy, name, iban, led.bank[t][5]), "duplicate")


def reference(rng: np.random.Generator, kind: str, invoice_id: str) -> str:
    """The invoice number as this payer writes it."""
    if kind == "ref_typo":
        return R.typo(rng, invoice_id)
    if kind == "ref_noprefix":
        return R.reformat(rng, invoice_id)
    if kind == "short_ref" and rng.random() < 0.3:  # R-102 as "R102", "R 102", "r-102"
        return R.pick(rng, [invoice_id.replace("-", ""), invoice_id.replace("-", " "),
                            invoice_id.lower()])
    if kind == "rf_ref":
        return R.rf_reference(invoice_id, paper=rng.random() < 0.4)
    return invoice_id


def shape(led: Ledger, r, ref: str, fx_rng: np.random.Generator) -> tuple[int, str, str]:
    """Amount, currency and text of a single payment of kind `r.kind`."""
    rng, kind, ccy, lang = led.rng, r.kind, r.currency, str(led.c_lang[r.ci])
    text = led.ref_text(r.ci, ref, r.issue_date, r.open, ccy)
    simple = {"generic_text": (r.open, led.generic(r.ci)), "rf_ref": (r.open, ref),
              "name_only": (r.open, led.generic(r.ci)),
              "same_amount_generic": (r.open, led.generic(r.ci)),
              "second_instalment": (r.open, R.REST[lang].format(r=ref))}
    if kind in simple:
        return simple[kind][0], ccy, simple[kind][1]
    if kind == "partial":
        part = int(W.round_to(np.int64(r.open * rng.uniform(0.3, 0.7)), 100))
        return max(100, part), ccy, R.PARTIAL[lang].format(r=ref)
    if kind == "overpayment":
        return r.open + int(rng.choice(ROUND_SUMS.get(ccy, [1000, 2000, 5000, 10000]))), ccy, text
    if kind == "bank_fee":
        fees = [f for f in FEES[ccy] if f * 5 < r.open] or [FEES[ccy][0]]
        return r.open - int(rng.choice(fees)), ccy, text
    if kind == "early_discount":
        return r.open - (r.open * 2 + 50) // 100, ccy, R.SKONTO[lang].format(r=ref)
    if kind == "third_party" and rng.random() < 0.4:
        return r.open, ccy, R.ON_BEHALF[lang].format(n=led.c_name[r.ci]) + text
    if kind == "currency_diff":
        to, rate = FX[ccy]
        return int(round(r.open * rate * float(fx_rng.uniform(0.985, 1.015)))), to, text
    return r.open, ccy, text


def pay_instalments(led: Ledger, r, name: str, iban: str, tags: list[str]) -> None:
    """Two payments, each half, each naming the invoice."""
    lang = str(led.c_lang[r.ci])
    first = int(W.round_to(np.int64(r.open // 2), 100)) or r.open // 2
    gap = np.timedelta64(25, "D")
    day1 = r.pay - gap if r.pay - gap >= W.WINDOW[0] else r.pay
    day2 = min(day1 + gap, W.WINDOW[1])
    for k, (day, part) in enumerate(((day1, first), (day2, r.open - first)), start=1):
        text = R.INSTALMENT[lang].format(k=k, r=r.invoice_id)
        t = led.txn(day, part, r.currency, name, iban, text, lang)
        led.link(t, r.invoice_id, part, "instalments", "auto", " ".join(tags))


REGION = {"DE": 0, "AT": 1, "CH": 1, "FR": 2, "ES": 3, "GB": 4, "NL": 4, "US": 5, "ID": 6}


def third_party(led: Ledger, ci: int) -> tuple[str, str, list[str]]:
    """A parent company, a factoring company or a payroll bureau paying for `ci`."""
    rng = led.rng
    if led.c_parent[ci] and rng.random() < 0.7:
        return str(led.c_parent[ci]), str(led.c_parent_iban[ci]), ["payer_parent"]
    country = str(led.c_country[ci])
    account = P.iban(rng, country) if P.COUNTRIES[country]["iban"] else ""
    region = REGION[country]
    if rng.random() < 0.6:
        return P.FACTORS[region], account, ["payer_factoring"]
    return P.PAYROLL[min(region, len(P.PAYROLL) - 1)], account, ["payer_payroll"]


def pay_group(led: Ledger, g: pd.DataFrame) -> None:
    """One payment for several invoices of one customer, listed or not."""
    rng, ci, kind = led.rng, int(g["ci"][0]), str(g["kind"][0])
    name, iban, tags = led.payer(ci)
    lang = str(led.c_lang[ci])
    if kind == "multi_listed":
        sep = R.pick(rng, R.SEPARATORS)
        text = led.ref_text(ci, sep.join(g["invoice_id"]), g["issue_date"][0],
                            int(g["open"].sum()), str(g["currency"][0]))
    else:
        text = R.pick(rng, R.MULTI_NOREF[lang]).format(c=led.c_id[ci])
    t = led.txn(g["pay"].max(), int(g["open"].sum()), str(g["currency"][0]), name, iban,
                text, lang)
    for inv_id, open_ in zip(g["invoice_id"], g["open"], strict=True):
        led.link(t, inv_id, open_, kind, "auto", " ".join(tags))


PSPS = [("STRIPE PAYMENTS EUROPE LTD", "IE29AIBK93115212345678", "STRIPE PAYOUT po_1{x}"),
        ("PayPal (Europe) S.a r.l. et Cie, S.C.A.", "LU280019400644750000",
         "PAYPAL TRANSFER {n} ABBUCHUNG VOM PAYPAL-KONTO"),
        ("Adyen N.V.", "NL64ABNA0417164300", "Adyen settlement batch {n} merchant BLINDCO")]


def pay_psp(led: Ledger, g: pd.DataFrame) -> None:
    """A payment provider's payout: many customers' invoices, net of its fees."""
    rng, ccy = led.rng, str(g["currency"][0])
    name, iban, tpl = PSPS[int(rng.integers(len(PSPS)))]
    fixed = 200_000 if ccy == "IDR" else 25
    fees = (g["open"] * 0.015).round().astype(np.int64) + fixed
    x = "".join(rng.choice(list("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789"),
                           22))
    text = tpl.format(x=x, n=int(rng.integers(10**9, 10**10)))
    day = min(g["pay"].max() + np.timedelta64(2, "D"), W.WINDOW[1])
    t = led.txn(day, int((g["open"] - fees).sum()), ccy, name, iban, text)
    for inv_id, open_ in zip(g["invoice_id"], g["open"], strict=True):
        led.link(t, inv_id, open_, "psp_payout", "review")


UNRELATED = [
    ("Finanzamt München", "Erstattung Umsatzsteuer 2025 StNr 143/123/45678", "de"),
    ("HM Revenue & Customs", "HMRC VAT REPAYMENT", "en"),
    ("IRS TREAS 310", "TAX REF", "en"),
    ("Direction Générale des Finances Publiques", "REMBOURSEMENT CREDIT TVA", "fr"),
    ("Agencia Tributaria", "DEVOLUCION IVA 2025", "es"),
    ("", "Zinsen 3. Quartal 2026", "de"), ("", "INTEREST CREDIT", "en"),
    ("Allianz Versicherungs-AG", "Schadenregulierung 2026/{n}", "de"),
    ("{p}", "Rückzahlung Gehaltsvorschuss", "de"), ("{p}", "Salary overpayment refund", "en"),
    ("{p}", "Reisekostenrückerstattung", "de"),
    ("Bundesagentur für Arbeit", "Kurzarbeitergeld Erstattung", "de"),
]
REFUNDS = [("Office Depot Deutschland GmbH", "Gutschrift GS-{n}"),
           ("Amazon Payments Europe", "Refund order 302-{n}"),
           ("Lufthansa", "Erstattung Ticket 220{n}"),
           ("Telekom Deutschland GmbH", "Gutschrift {n}")]
OUTGOING = [("{p}", "Gehalt {m}"), ("{p}", "Salary {m}"), ("Immobilien Verwaltung Nord GmbH",
            "Miete {m}"), ("", "Kontofuehrungsgebuehren"), ("Finanzamt", "USt-VZ {m}"),
            ("{s}", "Rechnung {n}"), ("{s}", "Invoice INV-{n}"), ("{s}", "RE-{n} Lieferung"),
            ("Telekom Deutschland GmbH", "SEPA-Lastschrift Kd {n}")]
PEOPLE = ["Anna Schmidt", "Jonas Weber", "Léa Martin", "Carlos Ruiz", "Emily Clarke",
          "Budi Santoso", "Sophie Keller", "Tom Hughes"]


def extras(led: Ledger, inv: pd.DataFrame, n_paid: int) -> None:
    """Money that pays no invoice: refunds, tax, interest, outgoing, misdirected."""
    rng = led.rng
    span = int((W.WINDOW[1] - W.WINDOW[0]).astype(int)) + 1
    supplier = [P.company_name(rng, c)[0] for c in ("DE", "FR", "GB", "US")]

    def day():
        return W.WINDOW[0] + np.timedelta64(int(rng.integers(span)), "D")

    def fill(s: str) -> str:
        return s.format(p=R.pick(rng, PEOPLE), s=R.pick(rng, supplier), m="Oktober 2026",
                        n=int(rng.integers(10_000, 99_999)))

    eur = lambda lo, hi: int(rng.integers(lo, hi)) * 100  # noqa: E731
    for _ in range(int(n_paid * 0.04)):
        who, text, lang = UNRELATED[int(rng.integers(len(UNRELATED)))]
        led.nothing(led.txn(day(), eur(5, 20_000), "EUR", fill(who), "", fill(text), lang),
                    "unrelated")
    for _ in range(int(n_paid * 0.01)):
        who, text = REFUNDS[int(rng.integers(len(REFUNDS)))]
        led.nothing(led.txn(day(), eur(10, 2_000), "EUR", who, "", fill(text)), "refund")
    for _ in range(int(n_paid * 0.12)):
        who, text = OUTGOING[int(rng.integers(len(OUTGOING)))]
        ccy = "EUR" if rng.random() < 0.8 else str(rng.choice(["USD", "GBP"]))
        led.nothing(led.txn(day(), -eur(20, 30_000), ccy, fill(who), "", fill(text)),
                    "outgoing")
    unpaid = inv[(inv["status"] == "open") & ~inv["paid"] & (inv["open"] > 0)]
    for _, r in unpaid.sample(min(len(unpaid), max(1, n_paid // 200)), random_state=rng
                              ).iterrows():
        text = R.pick(rng, R.GENERIC["en"] + R.GENERIC["de"])
        led.nothing(led.txn(day(), int(r["open"]), r["currency"], R.pick(rng, PEOPLE), "", text),
                    "misdirected")


def groups(inv: pd.DataFrame):
    """The invoices paid together, one dict of column arrays per payment."""
    grouped = inv[inv["group"] >= 0].sort_values("group", kind="stable")
    cols = {c: grouped[c].to_numpy() for c in
            ("ci", "kind", "invoice_id", "open", "currency", "pay", "issue_date")}
    bounds = np.flatnonzero(np.diff(grouped["group"].to_numpy())) + 1
    for part in np.split(np.arange(len(grouped)), bounds):
        if len(part):
            yield {c: a[part] for c, a in cols.items()}


def build(n: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Customers, invoices, bank rows and truth for `n` invoices."""
    rng = np.random.default_rng(seed)
    cust = W.customers(rng, max(40, n // 8))
    inv = assign(rng, W.invoices(rng, n, cust))
    inv["group"], inv["kind"] = group_multi(rng, inv)  # may turn exact_ref into multi_*
    single = inv["paid"] & (inv["group"] < 0)
    inv.loc[single & inv["kind"].isin(["multi_listed", "multi_unlisted", "psp_payout"]),
            "kind"] = "exact_ref"
    inv.loc[single & inv["disputed"] & (inv["kind"] == "exact_ref"), "kind"] = "disputed_paid"
    led = Ledger(rng, cust)
    fx_rng = np.random.default_rng(seed + 1)
    for r in inv.loc[single].itertuples(index=False):
        pay_single(led, r, fx_rng)
    for g in groups(inv):
        (pay_psp if g["kind"][0] == "psp_payout" else pay_group)(led, g)
    extras(led, inv, int(inv["paid"].sum()))
    bank, truth = led.frame()
    return cust, inv, bank, also_right(inv, disputed(inv, truth))


def disputed(inv: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """A payment of a disputed invoice is for a person to book, whatever its kind."""
    hit = truth["invoice_id"].isin(inv.loc[inv["disputed"], "invoice_id"])
    truth.loc[hit & (truth["expect"] == "auto"), "expect"] = "review"
    truth.loc[hit, "noise"] = (truth.loc[hit, "noise"] + " invoice_disputed").str.strip()
    return truth


def also_right(inv: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """For a generic payment of one of several identical invoices, the others are as right."""
    key = inv.set_index("invoice_id")[["ci", "open"]]
    generic = truth["kind"] == "same_amount_generic"
    rows = key.loc[truth.loc[generic, "invoice_id"]]
    alike = inv[(inv["status"] == "open") & (inv["open"] > 0)].merge(
        rows.drop_duplicates(), on=["ci", "open"])
    ids = alike.groupby(["ci", "open"])["invoice_id"].agg(" ".join)
    others = ids.reindex(pd.MultiIndex.from_frame(rows)).fillna("").to_numpy()
    mine = truth.loc[generic, "invoice_id"].to_numpy()
    truth["also_right"] = ""
    truth.loc[generic, "also_right"] = [" ".join(i for i in o.split() if i != m)
                                        for o, m in zip(others, mine, strict=True)]
    return truth


def write(out: Path, cust: pd.DataFrame, inv: pd.DataFrame, bank: pd.DataFrame,
          truth: pd.DataFrame) -> None:
    """The contract's CSV files, plus truth.csv."""
    out.mkdir(parents=True, exist_ok=True)
    cust[[c for c in cust.columns if not c.startswith("_")]].to_csv(
        out / "customers.csv", index=False)
    names = cust["name"].to_numpy()[inv["ci"].to_numpy()]
    pd.DataFrame({
        "invoice_id": inv["invoice_id"], "customer_id": cust["customer_id"].to_numpy()[inv["ci"]],
        "customer_name": names, "currency": inv["currency"], "amount": fmt_col(inv["amount"]),
        "open_amount": fmt_col(inv["open"]), "issue_date": inv["issue_date"].dt.date,
        "due_date": inv["due_date"].dt.date, "status": inv["status"], "email": "",
        "disputed": np.where(inv["disputed"], "true", "false"), "promise_to_pay_date": "",
    }).to_csv(out / "invoices.csv", index=False)
    bank = bank.assign(booking_date=pd.to_datetime(bank["booking_date"]).dt.date,
                       amount=fmt_col(bank["amount"]))
    bank.to_csv(out / "bank.csv", index=False)
    truth.assign(applied_amount=fmt_col(truth["applied_amount"])).to_csv(
        out / "truth.csv", index=False)


def main() -> None:
    """Command line: generate.py --invoices N --seed S --out DIR."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--invoices", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    start = time.perf_counter()
    cust, inv, bank, truth = build(args.invoices, args.seed)
    write(args.out, cust, inv, bank, truth)
    print(f"{len(cust)} customers, {len(inv)} invoices, {len(bank)} bank rows, "
          f"{len(truth)} truth rows -> {args.out} ({time.perf_counter() - start:.1f} s)")
    print(truth.drop_duplicates("transaction_id")["kind"].value_counts().to_string())


if __name__ == "__main__":
    main()
