"""The creditor's books: customers and their invoices, vectorised where it counts.

Invoices are issued between June and November 2026; the bank statement covers
September to November, so some invoices were paid before it (status paid), most
are paid inside it, and some are still open at its end.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import parties as P

ISSUE_FROM = np.datetime64("2026-06-10")
ISSUE_DAYS = 163  # up to 2026-11-20
WINDOW = (np.datetime64("2026-09-01"), np.datetime64("2026-11-30"))
# how many major units one unit of each currency is worth, roughly, in EUR
TO_EUR = {"EUR": 1.0, "USD": 0.92, "GBP": 1.17, "CHF": 1.05, "IDR": 0.0000585}


def customers(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """`n` customers with unique names, IBANs, parents, languages and time zones."""
    codes = list(P.COUNTRIES)
    weights = np.array([P.COUNTRIES[c]["w"] for c in codes])
    country = rng.choice(codes, n, p=weights / weights.sum())
    rows, seen = [], set()
    for i, c in enumerate(country):
        name, family, _ = P.company_name(rng, c)
        while name in seen:
            name, family, _ = P.company_name(rng, c)
            if rng.random() < 0.2:
                name = f"{name[: name.rfind(' ')]} {rng.choice(P.CITIES[c].split('|'))}" \
                       f"{name[name.rfind(' '):]}" if c != "ID" else f"{name} {i}"
        seen.add(name)
        rows.append(_customer_row(rng, i, c, name, family))
    return pd.DataFrame(rows)


def _customer_row(rng: np.random.Generator, i: int, c: str, name: str, family: str) -> dict:
    info = P.COUNTRIES[c]
    lang = str(rng.choice(info["lang"]))
    form = next((f for f in sorted(P.FORMS[c], key=len, reverse=True)
                 if name.endswith(" " + f) or name.startswith(f + " ")), "")
    real_iban = P.iban(rng, c) if info["iban"] else ""
    domain = P.translit(f"{family}-{name.split()[1 if c != 'ID' else 2]}").lower()
    domain = "".join(ch for ch in domain.replace(" ", "-") if ch.isalnum() or ch == "-")
    has_parent = rng.random() < 0.08
    ccy = info["ccy"]
    if c in ("CH", "GB") and rng.random() < 0.15:
        ccy = "EUR"
    return {
        "customer_id": f"C{i + 100001:07d}", "name": name,
        "email": f"{P.MAILBOX[lang]}@{domain.strip('-')}.{P.TLD[c]}",
        "iban": real_iban if rng.random() < 0.8 else "",
        "language": lang, "country": c, "timezone": str(rng.choice(info["tz"])),
        "do_not_contact": "true" if rng.random() < 0.01 else "false",
        # hidden truth, not written to customers.csv
        "_ccy": ccy, "_form": form, "_real_iban": real_iban,
        "_parent": f"{family} {P.HOLDING[c]} {P.FORMS[c][0]}" if has_parent else "",
        "_parent_iban": P.iban(rng, c) if has_parent and info["iban"] else "",
        "_subscription": rng.random() < 0.08,
        "_terms": int(rng.choice([14, 30, 30, 30, 45, 60])),
    }


def round_to(minor: np.ndarray, step: np.ndarray | int) -> np.ndarray:
    """Round integer minor units to a multiple of `step` (half up)."""
    return (minor + step // 2) // step * step


def major_to_minor(rng: np.random.Generator, eur: np.ndarray, ccy: np.ndarray) -> np.ndarray:
    """Amounts drawn in EUR, expressed in each currency as the market would price them."""
    rate = np.array([TO_EUR[c] for c in ccy])
    minor = np.round(eur / rate * 100).astype(np.int64)
    step = np.where(ccy == "IDR", 100_000, np.where(ccy == "CHF", 5, 1))
    whole = rng.random(len(eur)) < 0.25  # many invoices are round sums
    step = np.where(whole & (ccy != "IDR"), 100, step)
    return np.maximum(round_to(minor, step), step)


def invoices(rng: np.random.Generator, n: int, cust: pd.DataFrame) -> pd.DataFrame:
    """`n` invoices of `cust`, with the numbering, amounts and dates a ledger has."""
    w = rng.lognormal(0, 1.0, len(cust))
    ci = rng.choice(len(cust), n, p=w / w.sum())
    ccy = cust["_ccy"].to_numpy()[ci]
    eur = np.clip(rng.lognormal(np.log(650), 1.1, n), 8, 250_000)
    sub = cust["_subscription"].to_numpy()
    sub_eur = np.clip(rng.lognormal(np.log(120), 0.8, len(cust)), 9, 5_000)
    eur = np.where(sub[ci], sub_eur[ci], eur)
    minor = major_to_minor(rng, eur, ccy)
    if sub.any():  # one price per subscription customer, whatever rounding said
        first = pd.Series(minor).groupby(ci).transform("first").to_numpy()
        minor = np.where(sub[ci], first, minor)
    issue = ISSUE_FROM + rng.integers(0, ISSUE_DAYS, n).astype("timedelta64[D]")
    order = np.argsort(issue, kind="stable")
    ci, ccy, minor, issue = ci[order], ccy[order], minor[order], issue[order]
    due = issue + cust["_terms"].to_numpy()[ci].astype("timedelta64[D]")
    return pd.DataFrame({"ci": ci, "invoice_id": _numbers(rng, n), "currency": ccy,
                         "amount": minor, "issue_date": issue, "due_date": due,
                         "subscription": sub[ci]})


def _numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    """Mostly INV-2026-000123; 3 % from small series numbered like R-102."""
    width = 6 if n < 800_000 else 7
    seq = np.arange(n) + 1001
    ids = np.char.add("INV-2026-", np.char.zfill(seq.astype(str), width))
    short = rng.random(n) < 0.03
    k = np.flatnonzero(short)
    letters = [str(x) for x in rng.permutation([chr(65 + i) for i in range(26)])]
    prefixes = letters + [a + b for a in letters for b in letters]
    pos = np.arange(len(k))
    pre = np.array(prefixes)[pos // 900]
    ids[k] = np.char.add(np.char.add(pre, "-"), (pos % 900 + 100).astype(str))
    return ids
