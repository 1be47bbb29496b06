"""Letters render in each language with local money and dates; headers resist injection."""

from __future__ import annotations

import dataclasses
from email import message_from_string
from email import policy as email_policy

import pytest
from dunning_kit import (
    TEMPLATES,
    at,
    customer,
    customers,
    history,
    invoice,
    invoices,
    policy,
    run,
    sent,
)
from jinja2 import DictLoader, FileSystemLoader
from jinja2.exceptions import SecurityError

from dunwell.dunning import PlannedMessage, UnsafeAddress, make_env, render

ENV = make_env(FileSystemLoader(TEMPLATES))
COMPANY = policy().company


def _message(
    language: str = "en",
    stage: str = "friendly",
    name: str = "Acme GmbH",
    email: str = "ap@acme.example",
    **cust: object,
) -> PlannedMessage:
    """A planned letter for one invoice of EUR 1,234.50 due 2026-11-15, at `stage`."""
    sent_before = {
        "friendly": [],
        "firm": [("friendly", "2026-11-18")],
        "final": [("friendly", "2026-10-20"), ("firm", "2026-10-31")],
    }[stage]
    due = {"friendly": "2026-11-15", "firm": "2026-11-11", "final": "2026-10-17"}[stage]
    c = customers(customer("C1", name, email=email, language=language, **cust))
    inv = invoices(invoice("INV-7", "C1", due, amount="1234.50"))
    hist = history(*[sent("C1", s, "INV-7", d) for s, d in sent_before])
    pol = policy(**cust.pop("_policy", {})) if "_policy" in cust else policy()
    result = run(inv, c, hist, at("2026-11-25"), pol)
    assert [m.stage for m in result.messages] == [stage]
    return result.messages[0]


@pytest.mark.parametrize(
    ("language", "amount", "day", "greeting", "subject"),
    [
        (
            "en",
            "€1,234.50",
            "15 November 2026",
            "Dear Acme GmbH,",
            "Payment reminder: €1,234.50 open",
        ),
        (
            "de",
            "1.234,50\xa0€",
            "15. November 2026",
            "Guten Tag Acme GmbH,",
            "Zahlungserinnerung: 1.234,50\xa0€ offen",
        ),
        (
            "fr",
            "1\u202f234,50\xa0€",
            "15 novembre 2026",
            "Bonjour Acme GmbH,",
            "Rappel de paiement\u202f: 1\u202f234,50\xa0€ dû",
        ),
        (
            "es",
            "1.234,50\xa0€",
            "15 de noviembre de 2026",
            "Estimado/a Acme GmbH:",
            "Recordatorio de pago: 1.234,50\xa0€ pendiente",
        ),
        (
            "id",
            "€1.234,50",
            "15 November 2026",
            "Yth. Acme GmbH,",
            "Pengingat pembayaran: €1.234,50 belum dibayar",
        ),
    ],
)
def test_each_language_formats_money_and_dates_for_its_locale(
    language, amount, day, greeting, subject
) -> None:
    email = render(_message(language), ENV, COMPANY)
    assert email.subject == subject
    for part in (email.text, email.html):
        assert amount in part and day in part and "INV-7" in part
        assert COMPANY["iban"] in part and COMPANY["contact_email"] in part
    assert email.text.startswith(greeting)
    assert email.headers["Content-Language"] == language


@pytest.mark.parametrize("language", ["en", "de", "fr", "es", "id"])
@pytest.mark.parametrize("stage", ["friendly", "firm", "final"])
def test_a_payment_plan_is_offered_from_firm_on(language: str, stage: str) -> None:
    email = render(_message(language, stage), ENV, COMPANY)
    offer = {
        "en": "payment plan",
        "de": "Ratenzahlung",
        "fr": "échéancier",
        "es": "plan de pagos",
        "id": "rencana cicilan",
    }[language]
    assert (offer in email.text) == (stage != "friendly")


def test_the_final_notice_shows_eu_late_payment_amounts_when_the_pack_is_on() -> None:
    eu = {
        "eu_late_payment": {
            "enabled": True,
            "reference_rate": "2.15",
            "fixed_compensation": {"EUR": "40.00"},
        }
    }
    email = render(_message("en", "final", _policy={"packs": eu}), ENV, COMPANY)
    # 1234.50 * 10.15% * 39 days / 365 = 13.3870... -> 13.39
    assert "fixed compensation of €40.00" in email.text
    assert "statutory interest of €13.39" in email.text


def test_customer_data_cannot_inject_headers_or_markup() -> None:
    evil = "Eve <b>Corp</b>\r\nBcc: all@victims.example"
    email = render(_message(name=evil), ENV, COMPANY)
    assert "\n" not in email.headers["To"] and "\r" not in email.headers["To"]
    parsed = message_from_string(f"To: {email.headers['To']}\n\nx", policy=email_policy.default)
    assert parsed["Bcc"] is None
    assert [a.addr_spec for a in parsed["To"].addresses] == ["ap@acme.example"]
    assert "<b>" not in email.html and "&lt;b&gt;Corp&lt;/b&gt;" in email.html
    assert "<b>Corp</b>" in email.text  # plain text is not HTML: shown as written


def test_non_ascii_names_are_encoded_in_headers() -> None:
    email = render(_message(name="Müller & Söhne"), ENV, COMPANY)
    assert email.headers["To"].startswith("=?utf-8?")
    assert email.headers["To"].endswith("<ap@acme.example>")


def test_an_address_smuggling_a_second_recipient_is_refused() -> None:
    msg = dataclasses.replace(_message(), recipient="ap@acme.example\r\nBcc: x@evil.example")
    with pytest.raises(UnsafeAddress):
        render(msg, ENV, COMPANY)


def test_templates_run_sandboxed() -> None:
    env = make_env(
        DictLoader(
            {"en/friendly.j2": "{% block subject %}{{ lines.__class__.__mro__ }}{% endblock %}"}
        )
    )
    with pytest.raises(SecurityError):
        render(_message(), env, COMPANY)


def test_the_payment_link_is_filled_and_url_encoded() -> None:
    email = render(
        _message(), ENV, {**COMPANY, "payment_link": "https://pay.example/{reference}?a={amount}"}
    )
    assert "https://pay.example/INV-7?a=1234.50" in email.text
    assert 'href="https://pay.example/INV-7?a=1234.50"' in email.html


@pytest.mark.parametrize(
    ("language", "label", "amount"),
    [
        ("en", "Credit note", "-€30.00"),
        ("de", "Gutschrift", "-30,00\xa0€"),
        ("id", "Nota kredit", "-€30,00"),
    ],
)
def test_a_netted_credit_note_is_shown_as_its_own_line(
    language: str, label: str, amount: str
) -> None:
    inv = invoices(
        invoice("X1", "C1", "2026-11-15"),
        invoice("CN1", "C1", "2026-11-01", amount="-30.00", status="credit_note"),
    )
    message = run(
        inv, customers(customer("C1", language=language)), None, at("2026-11-25")
    ).messages[0]
    email = render(message, ENV, COMPANY)
    assert f"{label} CN1: {amount}" in email.text
    assert f"{label} CN1</td>" in email.html and amount in email.html


@pytest.mark.parametrize("mark", ["\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069",
                                  "\u200e", "\u200f", "\u061c", "\u202a", "\u202b"])
def test_bidi_controls_in_a_customer_name_never_reach_the_to_display_name(mark: str) -> None:
    """'Evil<RLO>exe.gpj' would read 'Eviljpg.exe' in the recipient's mail client."""
    email = render(_message(name=f"Evil{mark}exe.gpj GmbH"), ENV, COMPANY)
    parsed = message_from_string(f"To: {email.headers['To']}\n\nx", policy=email_policy.default)
    [to] = parsed["To"].addresses
    assert to.display_name == "Evilexe.gpj GmbH" and to.addr_spec == "ap@acme.example"
    assert mark not in email.headers.get("Subject", "")
