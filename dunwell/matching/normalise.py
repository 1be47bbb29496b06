"""Normalised keys: payer names, IBANs and invoice numbers as integers, vectorised.

An invoice number's key is its digits as an integer with their count (so that
leading zeros still count); a second key drops each group's leading zeros, so
'INV-2026-4711' finds 'INV-2026-004711'. Letters and prefixes never count.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd

MAX_DIGITS = 17
MIN_DIGITS = 4
_TOKEN = r"(\d+(?:[-/._]\d+)*)"
_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "é": "e", "è": "e",
                           "ê": "e", "ë": "e", "à": "a", "â": "a", "á": "a", "í": "i", "î": "i",
                           "ï": "i", "ó": "o", "ô": "o", "ú": "u", "û": "u", "ù": "u", "ñ": "n",
                           "ç": "c", "ø": "o", "å": "a", "æ": "ae"})
# Legal forms and filler words that say nothing about who pays.
_NOISE = ("gmbh", "mbh", "co", "kg", "ag", "ek", "ohg", "gbr", "ug", "sarl", "sas", "sa", "eurl",
          "sasu", "snc", "bv", "nv", "vof", "sl", "slu", "sau", "srl", "spa", "pt", "tbk", "cv",
          "inc", "llc", "corp", "corporation", "ltd", "limited", "plc", "llp", "lp", "the",
          "firma", "fa", "und", "and", "et", "y", "haftungsbeschraenkt")
_NOISE_RE = re.compile(r"\b(?:" + "|".join(_NOISE) + r")\b")
_INITIALS = re.compile(r"(?<=\b[a-z])\.(?=[a-z]\b)")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_NOT_IBAN = re.compile(r"[^A-Z0-9]")


def per_distinct(values: pd.Series, change: Callable[[pd.Series], pd.Series]) -> np.ndarray:
    """Apply a vectorised text change once per distinct value, then spread it to every row."""
    codes, distinct = pd.factorize(values.fillna("").astype("str"), sort=False)
    changed = change(pd.Series(distinct, dtype="str")).to_numpy()
    return changed[codes] if len(codes) else changed[:0]


def payer_name(names: pd.Series) -> pd.Series:
    """Lower case, transliterated, without punctuation, legal forms or filler words."""
    return pd.Series(per_distinct(names, _clean_name), index=names.index, dtype="str")


def _clean_name(distinct: pd.Series) -> pd.Series:
    return pd.Series([_clean_one(name) for name in distinct.tolist()], dtype="str")


def _clean_one(name: str) -> str:
    text = _INITIALS.sub("", name.lower().translate(_TRANSLIT))
    text = _NOISE_RE.sub(" ", _NON_ALNUM.sub(" ", text))
    return " ".join(text.split())


# Words payers use for one transfer covering several invoices, in the languages served.
_SEVERAL = re.compile(
    r"sammel|zahlungsavis|mehrere rechnungen|diverse rechnungen|bulk payment|"
    r"payment advice|remittance advice|several invoices|multiple invoices|paiement group|"
    r"avis de paiement|plusieurs factures|pago agrupado|varias facturas|pembayaran gabungan",
    re.IGNORECASE)


def says_several(texts: pd.Series) -> np.ndarray:
    """Remittance texts announcing a payment of several invoices ('Sammelzahlung')."""
    return _contains(texts, _SEVERAL)


# What Python's \s matches in ASCII; RE2's \s leaves out \x0b and \x1c-\x1f.
_ASCII_SPACE = r"[\t\n\x0b\x0c\r\x1c-\x1f ]"


def _contains(texts: pd.Series, pattern: re.Pattern[str]) -> np.ndarray:
    r"""Where a case-insensitive pattern occurs.

    pandas hands a pattern with \b, \d or \s to Python's re, row by row, as soon as one
    text is not ASCII. On ASCII texts those mean the same to Arrow's RE2 (\s spelled out;
    it stands outside brackets in our patterns), which takes them in one vectorised pass;
    only the others go to re.
    """
    texts = texts.fillna("").astype("str")
    ascii_only = texts.str.isascii().to_numpy(dtype=bool)
    found = np.zeros(len(texts), dtype=bool)
    found[ascii_only] = texts[ascii_only].str.contains(
        pattern.pattern.replace(r"\s", _ASCII_SPACE), case=False, regex=True).to_numpy(dtype=bool)
    found[~ascii_only] = texts[~ascii_only].str.contains(
        pattern.pattern, case=False, regex=True).to_numpy(dtype=bool)
    return found


# Who a payment is for when the payer pays for someone else: SEPA's ultimate debtor
# ('ABWA+' in German statements, which `statement convert` writes as 'on behalf of')
# and what payers type, in the languages served.
_BEHALF_WORDS = (r"(?:\bABWA\+|\bon behalf of\b|\bo/b/o\b|\bi\.\s?A\.|"
                 r"\bim Auftrag(?: von| der| des)?\b|\bpour (?:le )?compte de\b|"
                 r"\bpor cuenta de\b|\bper conto di\b|\bnamens\b|\batas nama\b)")
_BEHALF_WORD = re.compile(_BEHALF_WORDS, re.IGNORECASE)
_BEHALF = re.compile(_BEHALF_WORDS + r"\s*:?\s*([^/;|]*[^/;|\s])", re.IGNORECASE)
_NEXT_TAG = re.compile(r"\s*\b(?:EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|COAM|OAMT|IBAN|BIC)\+")


def on_behalf(texts: pd.Series) -> pd.Series:
    """The party a remittance text says the payment is made for ('i.A. Müller GmbH'), or ''."""
    def extract(distinct: pd.Series) -> pd.Series:
        found = distinct.map(lambda t: _BEHALF.search(t))
        return pd.Series([_NEXT_TAG.split(m.group(1))[0].strip() if m else ""
                          for m in found.tolist()], dtype="str")

    out = pd.Series("", index=texts.index, dtype="str")
    # Few texts name a party: find them in one vectorised pass, extract from those only.
    some = _contains(texts, _BEHALF_WORD)
    if some.any():
        out[some] = per_distinct(texts[some], extract)
    return out


def iban(values: pd.Series) -> pd.Series:
    """IBANs in electronic form: upper case, no spaces."""
    clean = per_distinct(values, lambda d: pd.Series(
        [v if v.isalnum() and v.isupper() else _NOT_IBAN.sub("", v.upper())
         for v in d.tolist()], dtype="str"))
    return pd.Series(clean, index=values.index, dtype="str")


_IBAN_SHAPE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")


def iban_fails_checksum(keys: pd.Series) -> np.ndarray:
    """True for values shaped like an IBAN whose ISO 7064 check (mod 97) fails.

    Other account identifiers (a domestic account number) are not IBANs and pass.
    """
    def judge(distinct: pd.Series) -> pd.Series:
        shaped = distinct.str.fullmatch(_IBAN_SHAPE.pattern).to_numpy(dtype=bool)
        bad = np.zeros(len(distinct), dtype=bool)
        bad[shaped] = _mod97(distinct[shaped].tolist()) != 1
        return pd.Series(bad, dtype=bool)

    return per_distinct(keys, judge).astype(bool)


def _mod97(iban_keys: list[str]) -> np.ndarray:
    """ISO 7064 mod 97 of IBAN-shaped keys: the first four characters moved to the end,
    letters read as 10-35, the digits so written taken modulo 97, one column at a time."""
    rest = np.zeros(len(iban_keys), dtype=np.int64)
    if not iban_keys:
        return rest
    chars = np.array(iban_keys, dtype="S").view(np.uint8).reshape(len(iban_keys), -1)
    for j in [*range(4, chars.shape[1]), 0, 1, 2, 3]:
        c = chars[:, j].astype(np.int64)
        # Past a key's end the byte is 0 and the remainder stays as it is.
        rest = np.where(c >= 65, (rest * 100 + c - 55) % 97,
                        np.where(c >= 48, (rest * 10 + c - 48) % 97, rest))
    return rest


def number_keys(tokens: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Two keys per number token: all digits, and digits with groups' leading zeros dropped.

    Keys are value * 32 + digit count, computed on a byte matrix, one column at a time;
    more than MAX_DIGITS digits gives -1.
    """
    # only ASCII digits count; any other character becomes '?' so it cannot break the bytes
    ascii_tokens = tokens.astype("str").str.encode("ascii", errors="replace")
    raw = np.array(ascii_tokens.tolist(), dtype="S").reshape(-1)
    width = max(raw.dtype.itemsize, 1)
    chars = np.frombuffer(raw.tobytes(), dtype=np.uint8).reshape(len(raw), width)
    digit = (chars >= 48) & (chars <= 57)
    value = np.zeros(len(raw), dtype=np.int64)
    count = np.zeros(len(raw), dtype=np.int64)
    short = np.zeros(len(raw), dtype=np.int64)
    short_count = np.zeros(len(raw), dtype=np.int64)
    leading = np.ones(len(raw), dtype=bool)
    for j in range(width):
        d, here = chars[:, j].astype(np.int64) - 48, digit[:, j]
        after = digit[:, j + 1] if j + 1 < width else np.zeros(len(raw), dtype=bool)
        value = np.where(here & (count < MAX_DIGITS + 1), value * 10 + d, value)
        count += here
        leading = np.where(here, leading & (d == 0) & after, True)
        keep = here & ~leading & (short_count < MAX_DIGITS + 1)
        short = np.where(keep, short * 10 + d, short)
        short_count += keep
    full_key = np.where(count <= MAX_DIGITS, value * 32 + count, -1)
    short_key = np.where(short_count <= MAX_DIGITS, short * 32 + short_count, -1)
    return full_key, short_key


# ISO 11649 creditor reference: RF, two check digits, up to 21 characters, on paper in
# groups of four ('RF18 2026 0021 07'). The characters after the check digits are ours.
_RF_START = re.compile(r"\bRF\d{2}", re.IGNORECASE)
_RF = r"\bRF\d{2} ?((?:[A-Za-z0-9]{4} ){0,5}[A-Za-z0-9]{1,21})\b"


def creditor_references(texts: pd.Series) -> pd.Series:
    """Texts with each RF creditor reference replaced by its reference part, unspaced."""
    texts = texts.fillna("").astype("str")
    has = _contains(texts, _RF_START)
    if not has.any():
        return texts
    out = texts.copy()
    out[has] = per_distinct(texts[has], lambda d: d.str.replace(
        _RF, lambda m: " " + m.group(1).replace(" ", "") + " ", case=False, regex=True))
    return out


def remittance_tokens(texts: pd.Series) -> pd.DataFrame:
    """Number tokens found in free text with their keys: one row per (row position, token).

    An RF creditor reference counts by its reference part. A token written as a calendar
    date ('dd 2026-10-12', 'vom 12.10.2026') is a date: it names an invoice only by all
    its digits as written (`short` is -2, matching nothing; `date` True), never with zeros
    dropped or a typo away, or 'Inv 2026-004711 dd 2026-10-12' would name INV-2026-001012.
    """
    tokens = _number_tokens(creditor_references(texts)).drop_duplicates(ignore_index=True)
    full, short = number_keys(tokens["token"]) if len(tokens) else (np.zeros(0, "int64"),) * 2
    date = is_date(tokens["token"]) if len(tokens) else np.zeros(0, dtype=bool)
    short = np.where(date, -2, short)
    keep = (full >= 0) & (full % 32 >= MIN_DIGITS)
    return tokens[keep].assign(full=full[keep], short=short[keep],
                               date=date[keep]).reset_index(drop=True)


# pandas' ArrowDtype of strings: its split gives Arrow lists, which explode in Arrow.
_ARROW_TEXT = pd.api.types.pandas_dtype("large_string[pyarrow]")


def _number_tokens(texts: pd.Series) -> pd.DataFrame:
    """(row, token) of every number token, row by row in text order, as re.findall finds them.

    ASCII texts go through Arrow's RE2 in one pass: a token starts at a digit, so each
    token written as ' token' and each run of other characters as ' ' splits into the
    tokens. As Arrow's own string type, the split explodes without Python objects. Only
    the few other texts go through Python's re, whose \\d also takes non-ASCII digits.
    """
    ascii_only = texts.str.isascii().to_numpy(dtype=bool)
    spaced = texts[ascii_only].reset_index(drop=True).astype(_ARROW_TEXT).str.replace(
        _TOKEN + "|[^0-9]+", r" \1", regex=True)
    words = spaced.str.split(" ").explode()
    words = words[words.ne("").fillna(False).to_numpy(dtype=bool)]
    others = texts[~ascii_only].reset_index(drop=True).str.findall(_TOKEN).explode().dropna()
    row = np.concatenate([np.flatnonzero(ascii_only)[words.index.to_numpy(dtype=np.int64)],
                          np.flatnonzero(~ascii_only)[others.index.to_numpy(dtype=np.int64)]])
    order = np.argsort(row, kind="stable")
    token = np.concatenate([words.to_numpy(dtype=object), others.to_numpy(dtype=object)])
    return pd.DataFrame({"row": texts.index.to_numpy()[row[order]], "token": token[order]})


# Year first (ISO 8601, '2026/10/12') or day first ('12.10.2026', '12/10/2026'), with a
# real month and day.
_DATE = re.compile(r"(?:(?:19|20)\d\d([-/.])(?:0?[1-9]|1[0-2])\1(?:0?[1-9]|[12]\d|3[01])|"
                   r"(?:0?[1-9]|[12]\d|3[01])([-/.])(?:0?[1-9]|1[0-2])\2(?:19|20)\d\d)")


def is_date(tokens: pd.Series) -> np.ndarray:
    """Number tokens that are written as a calendar date."""
    return per_distinct(tokens, lambda d: d.str.fullmatch(_DATE.pattern)).astype(bool)


# Spaces and punctuation between words; '*', backslash and '~' separate the elements and
# segments of a US ACH addendum ('RMR*IV*R-102*57.98' and a backslash, ANSI X12 820).
_WORDS = r"[\s,;:()+*\\~]+"


def compact_id(values: pd.Series) -> pd.Series:
    """An identifier as printed, upper case, letters and digits only: 'r-102' -> 'R102'."""
    return pd.Series(per_distinct(values, lambda d: d.str.upper().str.replace(
        r"[^0-9A-Z]", "", regex=True)), index=values.index, dtype="str")


def remittance_words(texts: pd.Series, longest: int) -> pd.DataFrame:
    """(row position, word) for every word of at most `longest` characters with a digit,
    compacted like `compact_id`; a short prefix spaced from its number ('R 102') too."""
    texts = texts.fillna("").astype("str")
    words = texts.str.split(_WORDS).explode().dropna()
    # SWIFT fields run into their number ('/INV/R-102'): the parts between slashes too.
    slashed = words[words.str.contains("/", regex=False)]
    words = pd.concat([words, slashed.str.split("/").explode().dropna()])
    words = words[(words.str.len() <= longest + 4) & words.str.contains(r"\d", regex=True)]
    spaced = texts.str.findall(_SPACED).explode().dropna()
    both = pd.concat([words, spaced.map("".join) if len(spaced) else spaced.astype("str")])
    frame = pd.DataFrame({"row": both.index.to_numpy(), "word": compact_id(both).to_numpy()})
    return frame[frame["word"] != ""].drop_duplicates(ignore_index=True)


_SPACED = r"\b([A-Za-z]{1,4}) (\d{1,3})\b"


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
        src.append(ok.astype(np.int32))
        pos.append(np.full(len(ok), p, dtype=np.int8))
    if not out:
        empty = np.zeros(0, dtype="int64")
        return empty, empty, empty
    return np.concatenate(src), np.concatenate(pos), np.concatenate(out)
