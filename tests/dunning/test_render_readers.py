"""What readers of a reminder notice: a part payment is explained, the contact line is in
the letter's language, French punctuation is set the French way."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest
from dunning_kit import TEMPLATES, policy
from jinja2 import FileSystemLoader
from test_render import _message

from dunwell.dunning import make_env, render
from dunwell.dunning.render import NARROW_NBSP, french_typography

ENV = make_env(FileSystemLoader(TEMPLATES))
COMPANY = policy().company

# language -> (paid 834.50 as the letter writes it, 3 November 2026, still open 400.00, team)
PARTLY_PAID = {
    "en": ("€834.50", "3 November 2026", "€400.00", "our accounts receivable team"),
    "de": ("834,50\xa0€", "3. November 2026", "400,00\xa0€", "unsere Debitorenbuchhaltung"),
    "fr": ("834,50\xa0€", "3 novembre 2026", "400,00\xa0€", "notre service clients comptabilité"),
    "es": ("834,50\xa0€", "3 de noviembre de 2026", "400,00\xa0€",
           "nuestro departamento de cobros"),
    "id": ("€834,50", "3 November 2026", "€400,00", "tim piutang kami"),
}


def _partly_paid(language: str):  # noqa: ANN202 - a PlannedMessage
    message = _message(language)
    line = dataclasses.replace(message.lines[0], open_amount=Decimal("400.00"),
                               paid_on=date(2026, 11, 3))
    return dataclasses.replace(message, lines=(line,), total=Decimal("400.00"))


@pytest.mark.parametrize("language", sorted(PARTLY_PAID))
def test_a_part_payment_is_named_with_its_date_and_what_is_still_open(language: str) -> None:
    paid, day, still_open, _team = PARTLY_PAID[language]
    email = render(_partly_paid(language), ENV, COMPANY)
    for body in (email.text, email.html):
        assert paid in body, body
        assert day in body, body
        assert still_open in body, body


def test_a_fully_open_invoice_mentions_no_part_payment() -> None:
    email = render(_message("en"), ENV, COMPANY)
    assert "part payment" not in email.text
    assert "part payment" not in email.html


@pytest.mark.parametrize("language", sorted(PARTLY_PAID))
def test_the_contact_line_is_in_the_letters_language(language: str) -> None:
    email = render(_message(language), ENV, COMPANY)
    assert PARTLY_PAID[language][3] in email.text
    if language != "en":
        assert "Accounts Receivable" not in email.text


def test_french_letters_put_a_narrow_no_break_space_before_double_punctuation() -> None:
    email = render(_partly_paid("fr"), ENV, COMPANY)
    for body in (email.text, email.html, email.subject):
        for mark in ":?;!":
            assert f" {mark}" not in body.replace("://", "")
    assert f"inexact{NARROW_NBSP}?" in email.text
    assert f"reste dû{NARROW_NBSP}:" in email.text


@pytest.mark.parametrize(("before", "after"), [
    ("Total dû: 12", f"Total dû{NARROW_NBSP}: 12"),
    ("Une question ? Oui !", f"Une question{NARROW_NBSP}? Oui{NARROW_NBSP}!"),
    ("https://pay.example/?a=1&amp;b=2", "https://pay.example/?a=1&amp;b=2"),
    ("Dupont &amp; fils", "Dupont &amp; fils"),
    ("à 09:30 heures", "à 09:30 heures"),
])
def test_french_typography_leaves_urls_entities_and_times_alone(before: str,
                                                                  after: str) -> None:
    assert french_typography(before) == after


def test_french_typography_leaves_html_tags_alone() -> None:
    tag = '<body style="font-family: sans-serif; color: #222;">'
    assert french_typography(tag + "Merci !") == tag + f"Merci{NARROW_NBSP}!"
