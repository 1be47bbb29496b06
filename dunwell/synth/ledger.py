"""Synthetic customer master and invoice export, shaped like real ERP exports."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from dunwell.synth import names as nm

# BBAN length and IBAN length per country; US and ID pay from accounts without an IBAN.
_BBAN_DIGITS = {"DE": 18, "FR": 23, "NL": 10, "ES": 20, "GB": 14, "CH": 17}
_NL_BANKS = ["ABNA", "INGB", "RABO", "TRIO", "SNSB"]
_GB_BANKS = ["NWBK", "BARC", "LOYD", "HBUK", "MIDL"]
HOME_CURRENCY = {"DE": "EUR", "FR": "EUR", "NL": "EUR", "ES": "EUR", "ID": "IDR", "US": "USD",
                 "GB": "GBP", "CH": "CHF"}
# Typical gross amount in major units and its spread, per currency.
_AMOUNT_SCALE = {"EUR": 1.0, "USD": 1.1, "GBP": 0.85, "CHF": 0.95, "IDR": 17000.0}


def ibans(rng: np.random.Generator, countries: np.ndarray) -> np.ndarray:
    """IBANs with a valid mod-97 check; empty where the country has no IBAN."""
    out = np.full(len(countries), "", dtype=object)
    digits = rng.integers(0, 10, size=(len(countries), 23))
    for i, country in enumerate(countries):
        if country not in _BBAN_DIGITS:
            continue
        bban = "".join(map(str, digits[i, : _BBAN_DIGITS[country]]))
        if country in ("NL", "GB"):
            banks = _NL_BANKS if country == "NL" else _GB_BANKS
            bban = banks[digits[i, 22] % len(banks)] + bban
        out[i] = iban_with_check(country, bban)
    return out


def iban_with_check(country: str, bban: str) -> str:
    """Prefix a BBAN with the country and the ISO 13616 mod-97 check digits."""
    numeric = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    return f"{country}{98 - int(numeric) % 97:02d}{bban}"


def german_ibans(bban: np.ndarray) -> np.ndarray:
    """German IBANs for 18-digit BBANs, check digits computed vectorised."""
    # "DE00" is 131400 in the ISO 13616 letter code, appended after the BBAN.
    check = 98 - ((bban % 97) * (10**6 % 97) + 131400) % 97
    text = pd.Series(check).astype(str).str.zfill(2) + pd.Series(bban).astype(str).str.zfill(18)
    return ("DE" + text).to_numpy(dtype=object)


def _billing_addresses(slugs: pd.Series, country: pd.Series) -> pd.Series:
    """billing@<company>.<tld>, one domain per company: a repeated slug gets a number."""
    domains = slugs.where(slugs != "", "company") + "." + country.map(nm.TLD)
    seen = domains.groupby(domains).cumcount()
    numbered = slugs.where(slugs != "", "company") + "-" + (seen + 1).astype(str)
    unique = domains.where(seen == 0, numbered + "." + country.map(nm.TLD))
    return "billing@" + unique


def customers(rng: np.random.Generator, n: int) -> pd.DataFrame:
    """The customer master: names with legal forms, languages, time zones, IBANs."""
    countries = rng.choice(nm.COUNTRIES, size=n, p=nm.COUNTRY_WEIGHTS)
    names = pd.Series(nm.company_names(rng, countries), dtype="str")
    country = pd.Series(countries, dtype="str")
    iban = pd.Series(ibans(rng, countries), dtype="str").where(rng.random(n) < 0.85, "")
    frame = pd.DataFrame({
        "customer_id": pd.Series([f"C{i:06d}" for i in range(1, n + 1)], dtype="str"),
        "name": names,
        "email": _billing_addresses(nm.slug(names), country),
        "iban": iban,
        "segment": pd.Series(np.where(rng.random(n) < 0.1, "standard", ""), dtype="str"),
        "language": country.map(nm.LANGUAGE),
        "country": country,
        "timezone": country.map(nm.TIMEZONE),
        "do_not_contact": rng.random(n) < 0.02,
        "line": np.arange(2, n + 2, dtype="int64"),
    })
    return frame


def parents(rng: np.random.Generator, children: np.ndarray,
            customer_names: pd.Series) -> pd.DataFrame:
    """Parent companies paying for the given subsidiaries, two subsidiaries per parent.

    A parent's name never repeats a customer's (legal form aside): a holding named like
    an unrelated customer would be a different case.
    """
    n_parents = (len(children) + 1) // 2
    countries = rng.choice(nm.COUNTRIES, size=n_parents, p=nm.COUNTRY_WEIGHTS)
    taken = set(nm.suffix_dropped(customer_names))
    pnames = np.array([f"{n.removesuffix(' Tbk').removeprefix('PT ')} Holding"
                       for n in nm.company_names(rng, countries, taken)], dtype=object)
    return pd.DataFrame({
        "customer_id": pd.Series(children, dtype="str"),
        "parent_name": pd.Series(pnames[np.arange(len(children)) // 2], dtype="str"),
        "parent_iban": pd.Series(ibans(rng, np.full(len(children), "DE")), dtype="str"),
    })


def invoices(rng: np.random.Generator, master: pd.DataFrame, n: int, as_of: date) -> pd.DataFrame:
    """Invoices over the last ten months; a few big customers get many of them.

    Customer sizes are heavy-tailed (Pareto) but capped at 200 times the smallest
    weight: uncapped, one customer of 25,000 took 60 % of a million invoices in one
    seed, which no ledger looks like; capped, the biggest customer has about 2,400
    invoices at any size and the median one about 12.
    """
    weights = np.minimum(rng.pareto(1.2, size=len(master)) + 0.2, 200.0)
    who = rng.choice(len(master), size=n, p=weights / weights.sum())
    country = master["country"].to_numpy()[who]
    currency = _invoice_currency(rng, country)
    issue = np.datetime64(as_of, "D") - rng.integers(0, 300, size=n).astype("timedelta64[D]")
    due = issue + rng.choice([14, 30, 30, 60], size=n).astype("timedelta64[D]")
    amount_minor = _gross_amounts(rng, currency)
    frame = pd.DataFrame({
        "customer_id": master["customer_id"].to_numpy()[who],
        "customer_name": master["name"].to_numpy()[who],
        "currency": currency,
        "amount_minor": amount_minor,
        "open_minor": amount_minor,
        "issue_date": pd.to_datetime(issue),
        "due_date": pd.to_datetime(due),
        "status": "open",
        "email": np.where(rng.random(n) < 0.03, "ap@c" + pd.Series(who).astype(str) + ".example",
                          ""),
        "disputed": False,
        "promise_to_pay_date": pd.NaT,
    }).sort_values(["issue_date", "customer_id"], kind="stable", ignore_index=True)
    year = frame["issue_date"].dt.year
    seq = frame.groupby(year).cumcount() + 4000 + (year % 7) * 300
    frame.insert(0, "invoice_id", "INV-" + year.astype(str) + "-" + seq.astype(str).str.zfill(6))
    frame["line"] = np.arange(2, n + 2, dtype="int64")
    return frame.astype({c: "str" for c in ("invoice_id", "customer_id", "customer_name",
                                               "currency", "status", "email")})


def _invoice_currency(rng: np.random.Generator, country: np.ndarray) -> np.ndarray:
    home = pd.Series(country).map(HOME_CURRENCY).to_numpy()
    euro = rng.random(len(country)) < np.where(country == "ID", 0.4, 0.15)
    return np.where(euro & (home != "EUR"), "EUR", home).astype(object)


def _gross_amounts(rng: np.random.Generator, currency: np.ndarray) -> np.ndarray:
    major = rng.lognormal(mean=7.0, sigma=1.1, size=len(currency))
    major *= pd.Series(currency).map(_AMOUNT_SCALE).to_numpy()
    minor = np.round(major * 100).astype("int64")
    round_sum = rng.random(len(currency)) < 0.15
    minor[round_sum] = np.maximum(minor[round_sum] // 5000 * 5000, 5000)
    return minor


def assign_status(rng: np.random.Generator, frame: pd.DataFrame, keep_open: np.ndarray,
                  as_of: date) -> pd.DataFrame:
    """Paid, cancelled, credit notes, disputes, promises and partial payments, by age."""
    n = len(frame)
    out = frame.copy()
    age = (np.datetime64(as_of, "D") - out["issue_date"].to_numpy().astype("datetime64[D]"))
    age_days = age.astype("int64")
    roll = rng.random(n)
    paid = ~keep_open & (roll < np.clip(age_days / 120, 0.1, 0.9))
    cancelled = ~keep_open & ~paid & (rng.random(n) < 0.03)
    credit = ~keep_open & ~paid & ~cancelled & (rng.random(n) < 0.02)
    out.loc[paid, "status"] = "paid"
    out.loc[paid, "open_minor"] = 0
    out.loc[cancelled, "status"] = "cancelled"
    out.loc[cancelled, "open_minor"] = 0
    out.loc[credit, "status"] = "credit_note"
    out.loc[credit, "amount_minor"] = -out.loc[credit, "amount_minor"] // 4
    out.loc[credit, "open_minor"] = out.loc[credit, "amount_minor"]
    open_now = out["status"].eq("open").to_numpy()
    partial = open_now & ~keep_open & (rng.random(n) < 0.06)
    share = rng.uniform(0.2, 0.8, size=n)
    out.loc[partial, "open_minor"] = np.round(out["amount_minor"].to_numpy() * share)[partial]
    out["disputed"] = open_now & ~keep_open & (rng.random(n) < 0.03)
    overdue = open_now & (out["due_date"].to_numpy() < np.datetime64(as_of))
    promised = overdue & (rng.random(n) < 0.06)
    promise = np.datetime64(as_of, "D") + rng.integers(-10, 21, size=n).astype("timedelta64[D]")
    out.loc[promised, "promise_to_pay_date"] = pd.to_datetime(promise[promised])
    return out
