"""ISO 4217 currencies and their minor units, owned here rather than read from CLDR.

CLDR (and so babel) gives some currencies the digits people use in cash, not
the ones ISO 4217 defines for accounting: babel 2.19 says IDR has 0 decimals,
ISO says 2. Amounts on invoices and statements follow ISO, so the exponent of
every code comes from this table, taken from ISO 4217 list one (amendment
179, 2025). Funds, precious metals and testing codes (XAU, XDR, XTS, XXX, ...)
have no minor unit and are not money an invoice can be in: they are unknown here.
"""

from __future__ import annotations

_NOT_TWO: dict[str, int] = {
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
    "PYG": 0, "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0,
    "XPF": 0,
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
    "CLF": 4, "UYW": 4,
}

_TWO = (
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD "
    "BTN BWP BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP "
    "ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR "
    "JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU "
    "MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR "
    "RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS "
    "TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG"
).split()

_WITHDRAWN: dict[str, int] = {
    "BYR": 0, "CUC": 2, "CYP": 2, "EEK": 2, "HRK": 2, "LTL": 2, "LVL": 2, "MRO": 2,
    "MTL": 2, "SIT": 2, "SKK": 2, "SLL": 2, "STD": 2, "VEF": 2, "ZWL": 2,
}
"""Withdrawn codes (ISO 4217 list three) that older statements still carry."""

MINOR_UNITS: dict[str, int] = {**{code: 2 for code in _TWO}, **_NOT_TWO, **_WITHDRAWN}
"""Every ISO 4217 currency with a minor unit -> its number of decimals."""

NO_CURRENCY = "XXX"
"""ISO's code for 'no currency': banks' test statements use it, invoices never can."""

STATEMENT_DECIMALS = 2
"""How a statement's amounts in a code without a minor unit (XXX) are kept: as written, 2 places."""


def is_currency(code: str) -> bool:
    """True for an ISO 4217 code (upper case) that money can be in; XXX and metals are not."""
    return code in MINOR_UNITS


def display_exponent(code: str) -> int:
    """Decimals to print a code with: ISO's where it has one, else 2 (validation names the code)."""
    return MINOR_UNITS.get(code, STATEMENT_DECIMALS)



_NATIONAL: dict[str, str] = {
    **dict.fromkeys("AT BE CY DE EE ES FI FR GR HR IE IT LT LU LV MC MT NL PT SI SK SM AD VA"
                    .split(), "EUR"),
    "GB": "GBP", "CH": "CHF", "LI": "CHF", "PL": "PLN", "CZ": "CZK", "HU": "HUF", "SE": "SEK",
    "DK": "DKK", "NO": "NOK", "IS": "ISK", "RO": "RON",
}


def national_currency(country: str) -> str | None:
    """The currency an account in this IBAN country is kept in unless it says otherwise
    (ISO 3166 alpha-2); None where the country has none of its own or changed it lately."""
    return _NATIONAL.get(country)
