"""How payers write (and mistype) invoice numbers in the remittance field."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dunwell.synth import names as nm

INVOICE_WORD = {"de": "Rechnung", "fr": "Facture", "es": "Factura", "id": "Faktur",
                "en": "Invoice"}
GENERIC_TEXT = ["", "Zahlung", "Payment", "Ueberweisung", "Virement", "Pago proveedor",
                "Pembayaran", "Transfer", "Zahlung offene Posten", "Reglement fournisseur"]
# How a parent company says whom it pays for, by the subsidiary's language.
BEHALF_TEXT = {"de": ["i.A. {}", "Zahlung im Auftrag von {}"], "fr": ["pour le compte de {}"],
               "es": ["Pago por cuenta de {}"], "id": ["Pembayaran atas nama {}"],
               "en": ["on behalf of {}"]}
# How `statement convert` writes a statement's ultimate debtor after the text.
ULTIMATE_DEBTOR_TEXT = "{} / on behalf of {}"
BATCH_TEXT = ["Sammelzahlung", "Payment advice follows", "Paiement groupe", "Pago agrupado",
              "Bulk payment", "Zahlungsavis folgt"]


def pick(rng: np.random.Generator, options: list[str], n: int) -> np.ndarray:
    """n random choices from a list of texts."""
    return np.asarray(options, dtype=object)[rng.integers(len(options), size=n)]


def on_behalf(rng: np.random.Generator, names: pd.Series, language: pd.Series) -> pd.Series:
    """'i.A. Mueller Bau GmbH', 'Transfer / on behalf of MUELLER BAU GMBH': the subsidiary
    a parent pays for, as typed or as a statement's ultimate debtor."""
    roll = rng.random(len(names))
    styles = [BEHALF_TEXT.get(lang, BEHALF_TEXT["en"]) for lang in language.tolist()]
    generic = pick(rng, [t for t in GENERIC_TEXT if t], len(names))
    pick_style = rng.integers(0, 2, size=len(names))
    spelled = names.where(roll < 0.5, nm.upper_case(names).where(roll < 0.75, names))
    out = [ULTIMATE_DEBTOR_TEXT.format(g, n) if r >= 0.75 else style[k % len(style)].format(n)
           for n, g, r, style, k in zip(spelled.tolist(), generic, roll, styles, pick_style,
                                        strict=True)]
    return pd.Series(out, index=names.index, dtype="str")


def no_dashes(refs: pd.Series) -> pd.Series:
    """'INV2026004711' for 'INV-2026-004711'."""
    return refs.str.replace("-", "", regex=False)


def zeros_dropped(refs: pd.Series) -> pd.Series:
    """'INV-2026-4711' for 'INV-2026-004711'."""
    return refs.str.replace(r"-0+(\d)", r"-\1", regex=True)


def prefixed(rng: np.random.Generator, refs: pd.Series, language: pd.Series) -> pd.Series:
    """'Rechnung INV-2026-004711', 'Facture n 2026-004711', 'Invoice INV2026004711'."""
    word = language.map(INVOICE_WORD).fillna("Invoice")
    style = rng.integers(3, size=len(refs))
    bare = refs.str.replace(r"^INV-", "", regex=True)
    text = np.where(style == 0, word + " " + refs,
                    np.where(style == 1, word + " Nr. " + bare, word + " " + no_dashes(refs)))
    return pd.Series(text, index=refs.index, dtype="str")


def with_typo(rng: np.random.Generator, refs: pd.Series) -> pd.Series:
    """One wrong digit, a swapped pair or a lost digit in the number part."""
    kinds = rng.integers(3, size=len(refs))
    spots = rng.integers(0, 5, size=len(refs))
    digits = rng.integers(0, 10, size=len(refs))
    return pd.Series([_typo(r, int(k), int(s), int(d)) for r, k, s, d in
                      zip(refs.tolist(), kinds, spots, digits, strict=True)],
                     index=refs.index, dtype="str")


def _typo(ref: str, kind: int, spot: int, digit: int) -> str:
    pos = len(ref) - 1 - spot
    if kind == 0:
        new = str(digit) if str(digit) != ref[pos] else str((digit + 1) % 10)
        return ref[:pos] + new + ref[pos + 1:]
    if kind == 1 and ref[pos - 1] != ref[pos]:
        return ref[:pos - 1] + ref[pos] + ref[pos - 1] + ref[pos + 1:]
    return ref[:pos] + ref[pos + 1:]
