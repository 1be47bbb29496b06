"""Card exports whose one amount column is signed from the issuer's side: purchases positive.

A card account's export signs its amounts either from the card holder's side (a purchase
is money out, negative: Chase, most banks' own cards) or from the issuer's (a purchase adds
to what is owed, positive: Discover, American Express). dunwell books from the holder's
side. The payment rows say which: the holder's payment to the issuer ("INTERNET PAYMENT -
THANK YOU", "AUTOPAY PAYMENT", category "Payments and Credits", type "Payment") is money
in from the holder's side, so when those are printed negative and purchases positive, the
export is the issuer's view and every amount is negated. A card export whose payment rows
do not say so is refused, never signed by a guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

# The issuer's thanks for a payment, or the category/type cell naming one: card-statement
# wording, not a bank account's.
_PAYMENT_PHRASE = re.compile(r"\bpayment\b.{0,40}\bthank\s*you\b|\bautopay\b|\bauto-pay\b"
                             r"|^payments? (?:and|&) credits?$"
                             # "payment received" as card issuers abroad print it (Nubank)
                             r"|\bpagamento recebido\b|\bpago recibido\b|\bpaiement re[cç]u\b"
                             r"|\bzahlung erhalten\b|\bbetaling ontvangen\b"
                             r"|\bpagamento ricevuto\b", re.I)
_PAYMENT_CELL = {"payment", "payments", "payment received"}
_HOLDER_COLUMNS = {"card member", "cardmember", "card holder", "cardholder", "card holder name"}
_TRANSACTION_DATES = {"trans. date", "trans date", "transaction date"}
_POST_DATES = {"post date", "posted date"}


class CardSignUnsure(Exception):
    """A card export whose amounts could be signed either way: the message says why."""


def card_names(folded: list[str]) -> str | None:
    """Why the column names say card account (a card member column; a transaction date
    beside a post date, the card statement's pair), else None."""
    names = set(folded)
    holder = names & _HOLDER_COLUMNS
    if holder:
        return f"a {sorted(holder)[0]!r} column"
    if names & _TRANSACTION_DATES and names & _POST_DATES:
        return "a transaction date beside a post date"
    return None


def holder_sign(folded: list[str], amount_at: int, body: list[list[str]],
                value: Callable[[str], Decimal | None]) -> tuple[int, str] | None:
    """1 when the amounts are already the holder's (payments positive), -1 when they are
    the issuer's (payments negative, purchases positive), with a line saying so; None for
    an export that is no card account. CardSignUnsure when it is one and cannot tell."""
    why = named = card_names(folded)
    payments: list[int] = []
    purchases: list[int] = []
    for row in body:
        number = value(row[amount_at].strip()) if amount_at < len(row) else None
        if not number:
            continue
        texts = [c.strip() for i, c in enumerate(row) if i != amount_at and c.strip()]
        phrase = any(_PAYMENT_PHRASE.search(t) for t in texts)
        cell = why is not None and any(t.lower() in _PAYMENT_CELL for t in texts)
        (payments if phrase or cell else purchases).append(1 if number > 0 else -1)
        if phrase and why is None:
            why = "rows of payments to the card issuer"
    if why is None:
        return None
    paid = set(payments)
    if named is None and paid == {-1} and purchases.count(-1) > len(purchases) / 2:
        # "AUTOPAY" rows negative like most others: a bank account paying its bills, or a
        # holder's card charged by a merchant so named; either way the signs are right
        return None
    if len(paid) == 1 and purchases and purchases.count(-paid.pop()) > len(purchases) / 2:
        sign = 1 if payments[0] > 0 else -1
        side = ("the holder's side (purchases negative): kept" if sign == 1 else
                "the issuer's side (purchases positive, payments negative): negated so money "
                "out is negative")
        return sign, f"a card export ({why}); its amounts are signed from {side}"
    raise CardSignUnsure(
        f"this looks like a card export ({why}) and its payment rows do not say whether "
        "purchases are printed positive (the issuer's side) or negative; set invert_sign: "
        "true in a profile when purchases are positive")
