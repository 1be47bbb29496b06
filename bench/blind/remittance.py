"""What payers type: remittance texts by language, mistyped numbers, RF references.

Sources: ISO 11649 (RF creditor reference, mod 97-10), SEPA unstructured remittance
(140 characters, often prefixed by EREF/SVWZ in German exports), NACHA CCD+ addenda
(80 characters, ANSI X12 `RMR*IV*<invoice>*<amount>\\`), SWIFT field 70 `/INV/`.
"""

from __future__ import annotations

import re

import numpy as np

REF = {
    "de": ["Rechnung {r}", "RE {r}", "Re.-Nr. {r}", "Rechnungsnr. {r} vom {d}", "Rg. {r}",
           "SVWZ+RE {r}", "{r}", "Zahlung Rechnung {r} Kd-Nr {c}"],
    "en": ["Invoice {r}", "INV {r}", "Payment for invoice {r}", "{r}", "Inv no {r} dd {d}",
           "/INV/{r}", "Ref {r} thank you"],
    "fr": ["Facture {r}", "FACT {r}", "Règlement facture {r}", "{r}", "Fact. n° {r} du {d}"],
    "es": ["Factura {r}", "Pago factura {r}", "FRA {r}", "{r}", "Fra. nº {r} de {d}"],
    "id": ["Pembayaran invoice {r}", "Bayar INV {r}", "pembayaran {r}", "{r}", "Inv {r}"],
}
ACH = ["RMR*IV*{r}*{a}\\", "RMR*IV*{r}**{a}\\", "{r}"]
GENERIC = {
    "de": ["Zahlung", "Rechnung", "Überweisung", "Zahlung offene Posten", "Rechnungsausgleich"],
    "en": ["payment", "invoice", "PAYMENT", "Payment - thank you", "Bill payment"],
    "fr": ["paiement", "facture", "virement", "Règlement"],
    "es": ["pago", "factura", "transferencia", "Pago proveedores"],
    "id": ["pembayaran", "transfer", "bayar tagihan"],
}
MULTI_NOREF = {
    "de": ["Sammelzahlung Kd-Nr {c}", "Zahlung lt. Avis", "Ausgleich Kontoauszug {c}",
           "Sammelüberweisung"],
    "en": ["Payment as per remittance advice", "Statement payment {c}", "Multiple invoices",
           "Account {c} balance"],
    "fr": ["Règlement relevé {c}", "Paiement selon avis", "Règlement plusieurs factures"],
    "es": ["Pago agrupado cliente {c}", "Pago según aviso", "Pago varias facturas"],
    "id": ["Pembayaran beberapa invoice {c}", "Pelunasan tagihan"],
}
PARTIAL = {"de": "Teilzahlung {r}", "en": "Part payment inv {r}", "fr": "Acompte facture {r}",
           "es": "Pago parcial factura {r}", "id": "Cicilan invoice {r}"}
INSTALMENT = {"de": "{k}. Rate Rechnung {r}", "en": "Instalment {k} of 2 invoice {r}",
              "fr": "Échéance {k}/2 facture {r}", "es": "Plazo {k}/2 factura {r}",
              "id": "Cicilan ke-{k} invoice {r}"}
REST = {"de": "Restzahlung {r}", "en": "Balance of invoice {r}", "fr": "Solde facture {r}",
        "es": "Resto factura {r}", "id": "Pelunasan sisa {r}"}
SKONTO = {"de": "RE {r} abzgl. 2% Skonto", "en": "Invoice {r} less 2% discount",
          "fr": "Facture {r} escompte 2%", "es": "Factura {r} dto. pronto pago 2%",
          "id": "Invoice {r} diskon 2%"}
ON_BEHALF = {"de": "i.A. {n} ", "en": "on behalf of {n} ", "fr": "pour le compte de {n} ",
             "es": "por cuenta de {n} ", "id": "a.n. {n} "}
SEPARATORS = [", ", " ", "/", " + ", "; "]


def rf_reference(invoice_id: str, paper: bool) -> str:
    """ISO 11649 creditor reference built from the invoice number's digits."""
    body = re.sub(r"\D", "", invoice_id)[-21:] or "0"
    digits = "".join(str(int(ch, 36)) for ch in body + "RF00")
    ref = f"RF{98 - int(digits) % 97:02d}{body}"
    if not paper:
        return ref
    return " ".join(ref[i:i + 4] for i in range(0, len(ref), 4))


def typo(rng: np.random.Generator, ref: str) -> str:
    """One keying error in the digits: substitution, transposition, dropped or doubled."""
    pos = [i for i, ch in enumerate(ref) if ch.isdigit()]
    if len(pos) < 2:
        return ref + str(rng.integers(10))
    kind = rng.integers(4)
    i = int(rng.choice(pos[:-1]))
    if kind == 0:
        return ref[:i] + str((int(ref[i]) + int(rng.integers(1, 10))) % 10) + ref[i + 1:]
    if kind == 1 and ref[i + 1].isdigit() and ref[i] != ref[i + 1]:
        return ref[:i] + ref[i + 1] + ref[i] + ref[i + 2:]
    if kind == 2:
        return ref[:i] + ref[i + 1:]
    return ref[:i] + ref[i] + ref[i:]


def reformat(rng: np.random.Generator, ref: str) -> str:
    """The number without its prefix, with spaces, or in lower case, as payers type it."""
    parts = re.split(r"[-/ ]", ref)
    roll = rng.integers(5)
    if roll == 0 and len(parts) > 1:
        return "".join(parts[1:])
    if roll == 1 and len(parts) > 1:
        return "-".join(parts[1:])
    if roll == 2:
        return " ".join(parts)
    if roll == 3:
        return ref.lower().replace("-", "")
    return ref.replace("-", " - ", 1)


def pick(rng: np.random.Generator, options: list[str]) -> str:
    """One template, uniformly."""
    return options[int(rng.integers(len(options)))]
