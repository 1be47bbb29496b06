"""Normalised keys: payer names, IBANs and invoice numbers as integers, vectorised.

An invoice number's key is its digits as an integer with their count (so that
leading zeros still count); a second key drops each group's leading zeros, so
'INV-2026-4711' finds 'INV-2026-004711'. Letters and prefixes never count.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MAX_DIGITS = 17
MIN_DIGITS = 4
_TOKEN = r"(\d+(?:[-/._]\d+)*)"
_LEADING_ZEROS = r"(?:(?<=^)|(?<=[-/._]))0+(?=\d)"
_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "é": "e", "è": "e",
                           "ê": "e", "ë": "e", "à": "a", "â": "a", "á": "a", "í": "i", "î": "i",
                           "ï": "i", "ó": "o", "ô": "o", "ú": "u", "û": "u", "ù": "u", "ñ": "n",
                           "ç": "c", "ø": "o", "å": "a", "æ": "ae"})
# Legal forms and filler words that say nothing about who pays.
_NOISE = ("gmbh", "mbh", "co", "kg", "ag", "ek", "ohg", "gbr", "ug", "sarl", "sas", "sa", "eurl",
          "sasu", "snc", "bv", "nv", "vof", "sl", "slu", "sau", "srl", "spa", "pt", "tbk", "cv",
          "inc", "llc", "corp", "corporation", "ltd", "limited", "plc", "llp", "lp", "the",
          "firma", "fa", "und", "and", "et", "y", "haftungsbeschraenkt")
_NOISE_PATTERN = r"\b(?:" + "|".join(_NOISE) + r")\b"


def payer_name(names: pd.Series) -> pd.Series:
    """Lower case, transliterated, without punctuation, legal forms or filler words."""
    distinct = pd.Series(pd.unique(names.fillna("")), dtype="str")
    clean = distinct.str.lower().map(lambda s: s.translate(_TRANSLIT))
    clean = clean.str.replace(r"(?<=\b[a-z])\.(?=[a-z]\b)", "", regex=True)
    clean = clean.str.replace(r"[^a-z0-9]+", " ", regex=True)
    clean = clean.str.replace(_NOISE_PATTERN, " ", regex=True)
    clean = clean.str.replace(r"\s+", " ", regex=True).str.strip()
    return names.fillna("").map(dict(zip(distinct, clean, strict=True))).astype("str")


def iban(values: pd.Series) -> pd.Series:
    """IBANs in electronic form: upper case, no spaces."""
    return values.fillna("").astype("str").str.upper().str.replace(r"[^A-Z0-9]", "", regex=True)


def _encode(digits: pd.Series) -> np.ndarray:
    """Digit strings to integer keys carrying their length: value * 32 + length."""
    value = pd.to_numeric(digits, errors="coerce").fillna(-1).to_numpy(dtype="int64")
    return value * 32 + digits.str.len().to_numpy(dtype="int64")


def number_keys(tokens: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Two keys per number token: all digits, and digits with groups' leading zeros dropped."""
    full = tokens.str.replace(r"\D", "", regex=True)
    short = tokens.str.replace(_LEADING_ZEROS, "", regex=True).str.replace(r"\D", "", regex=True)
    return _encode(full), _encode(short)


def invoice_tokens(invoice_ids: pd.Series) -> pd.Series:
    """The number part of each invoice id: 'INV-2026-004711' -> '2026-004711'."""
    found = invoice_ids.fillna("").str.findall(_TOKEN)
    return found.map(lambda parts: "-".join(parts)).astype("str")


def remittance_tokens(texts: pd.Series) -> pd.DataFrame:
    """Number tokens found in free text: one row per (row position, token)."""
    found = texts.fillna("").str.findall(_TOKEN)
    exploded = found.explode().dropna()
    tokens = pd.DataFrame({"row": exploded.index.to_numpy(), "token": exploded.astype("str")})
    digits = tokens["token"].str.count(r"\d")
    keep = digits.between(MIN_DIGITS, MAX_DIGITS).to_numpy()
    return tokens[keep].drop_duplicates().reset_index(drop=True)


def deletions(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every one-digit deletion of each key: (source position, deleted index, new key)."""
    value, length = keys // 32, keys % 32
    longest = int(length.max()) if len(keys) else 0
    src, pos, out = [], [], []
    for p in range(longest):
        ok = np.flatnonzero((length > p) & (length > MIN_DIGITS))
        width = length[ok] - p
        high = value[ok] // np.power(10, width)
        low = value[ok] % np.power(10, width - 1)
        out.append((high * np.power(10, width - 1) + low) * 32 + length[ok] - 1)
        src.append(ok)
        pos.append(np.full(len(ok), p))
    if not out:
        empty = np.zeros(0, dtype="int64")
        return empty, empty, empty
    return np.concatenate(src), np.concatenate(pos), np.concatenate(out)
