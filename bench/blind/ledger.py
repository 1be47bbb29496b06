"""The bank statement being written, and the truth of what each line pays."""

from __future__ import annotations

import numpy as np
import pandas as pd
import parties as P
import remittance as R

OUR_ACCOUNTS = {"EUR": "DE02120300000000202051", "USD": "GB33BUKB20201555555555",
                "GBP": "GB94BARC10201530093459", "CHF": "CH9300762011623852957",
                "IDR": "0123456789"}
DATE_FMT = {"de": "%d.%m.%Y", "fr": "%d/%m/%Y", "es": "%d/%m/%Y", "id": "%d-%m-%Y",
            "en": "%Y-%m-%d"}


class Ledger:
    """Collects bank rows and truth rows; the customer table gives payers their faces."""

    def __init__(self, rng: np.random.Generator, cust: pd.DataFrame) -> None:
        self.rng = rng
        self.bank: list[tuple] = []
        self.truth: list[tuple] = []
        c = cust
        self.c_id = c["customer_id"].to_numpy()
        self.c_name = c["name"].to_numpy()
        self.c_form = c["_form"].to_numpy()
        self.c_country = c["country"].to_numpy()
        self.c_lang = c["language"].to_numpy()
        self.c_iban = c["iban"].to_numpy()
        self.c_real = c["_real_iban"].to_numpy()
        self.c_parent = c["_parent"].to_numpy()
        self.c_parent_iban = c["_parent_iban"].to_numpy()

    def txn(self, day, minor: int, ccy: str, name: str, iban: str, text: str,
            lang: str = "en") -> int:
        """Book one bank row; returns its index."""
        # SEPA carries 70 characters of name (older formats fewer: see name_variant)
        self.bank.append((day, int(minor), ccy, name[:70].rstrip(), iban,
                          self._finish(text, lang),
                          OUR_ACCOUNTS[ccy]))
        return len(self.bank) - 1

    def link(self, t: int, invoice_id: str, applied: int, kind: str, expect: str,
             noise: str = "") -> None:
        """The right booking: transaction `t` pays `applied` of `invoice_id`."""
        self.truth.append((t, invoice_id, int(applied), kind, expect, noise))

    def nothing(self, t: int, kind: str, noise: str = "") -> None:
        """Transaction `t` pays no invoice."""
        self.truth.append((t, "", self.bank[t][1], kind, "none", noise))

    def _finish(self, text: str, lang: str) -> str:
        """Bank-side mangling: MT940 upper case, SEPA end-to-end prefixes, 140 characters."""
        roll = self.rng.random()
        if roll < 0.12:
            text = P.translit(text).upper()
        elif roll < 0.2 and lang == "de":
            e2e = "NOTPROVIDED" if roll < 0.16 else f"E2E{int(self.rng.integers(10**9)):09d}"
            text = f"EREF+{e2e} SVWZ+{text}"
        return text[:140]

    def payer(self, ci: int, variant: float = 0.3, known_iban: bool = True
              ) -> tuple[str, str, list[str]]:
        """Name and account the bank shows for customer `ci`, and what was changed."""
        rng, tags = self.rng, []
        name = str(self.c_name[ci])
        if rng.random() < variant:
            name, tag = P.name_variant(rng, name, str(self.c_form[ci]))
            tags.append(tag)
        country, real = str(self.c_country[ci]), str(self.c_real[ci])
        if not real:  # US and Indonesian payers: a domestic account, or nothing
            if rng.random() < 0.5:
                return name, P.domestic_account(rng, country, ""), tags + ["iban_domestic"]
            return name, "", tags + ["iban_missing"]
        if not known_iban:
            return name, P.iban(rng, country), tags + ["iban_unknown"]
        roll = rng.random()
        for limit, tag in ((0.05, "iban_checksum"), (0.10, "iban_domestic"),
                           (0.15, "iban_missing"), (0.18, "iban_other_account")):
            if roll < limit:
                return name, self._bad_iban(tag, country, real), tags + [tag]
        return name, real, tags

    def _bad_iban(self, tag: str, country: str, real: str) -> str:
        if tag == "iban_checksum":
            return P.iban_typo(self.rng, real)
        if tag == "iban_domestic":
            return P.domestic_account(self.rng, country, real)
        if tag == "iban_other_account":
            return P.iban(self.rng, country)
        return ""

    def ref_text(self, ci: int, ref: str, issue, minor: int, ccy: str) -> str:
        """A remittance text naming `ref` in the payer's language and habits."""
        lang = str(self.c_lang[ci])
        if self.c_country[ci] == "US" and self.rng.random() < 0.5:
            tpl = R.pick(self.rng, R.ACH)
        else:
            tpl = R.pick(self.rng, R.REF[lang])
        day = pd.Timestamp(issue).strftime(DATE_FMT[lang])
        return tpl.format(r=ref, d=day, c=self.c_id[ci], a=fmt(minor))

    def generic(self, ci: int) -> str:
        """A text that names nothing."""
        return R.pick(self.rng, R.GENERIC[str(self.c_lang[ci])])

    def frame(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Bank rows sorted by date with transaction ids, and the truth keyed by them."""
        bank = pd.DataFrame(self.bank, columns=[
            "booking_date", "amount", "currency", "counterparty_name", "counterparty_iban",
            "remittance_info", "account"])
        order = np.lexsort((self.rng.random(len(bank)), bank["booking_date"].to_numpy()))
        tid = np.empty(len(bank), dtype=object)
        tid[order] = [f"BT{k + 1:08d}" for k in range(len(bank))]
        bank.insert(0, "transaction_id", tid)
        truth = pd.DataFrame(self.truth, columns=[
            "t", "invoice_id", "applied_amount", "kind", "expect", "noise"])
        truth.insert(0, "transaction_id", tid[truth["t"].to_numpy()])
        return bank.iloc[order], truth.drop(columns="t").sort_values("transaction_id")


def fmt(minor: int) -> str:
    """Minor units as the contract's decimal string."""
    sign = "-" if minor < 0 else ""
    return f"{sign}{abs(minor) // 100}.{abs(minor) % 100:02d}"


def fmt_col(minor: pd.Series) -> pd.Series:
    """Vectorised `fmt`."""
    a = minor.abs()
    sign = np.where(minor < 0, "-", "")
    return sign + (a // 100).astype(str) + "." + (a % 100).astype(str).str.zfill(2)
