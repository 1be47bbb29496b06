"""Render a planned message into subject, plain text, HTML and safe headers.

Pure given the template text: the caller builds the environment over a
loader (`jinja2.FileSystemLoader("config/templates")` in production, a
`DictLoader` in tests). Templates run sandboxed; HTML is autoescaped, the
plain text is rendered by an overlay without escaping. Files are
`<language>/<template>.j2`; each extends `<language>/_base.j2`, which extends
the `layout` it is given (`_layout.txt.j2` or `_layout.html.j2`).
Money and dates are formatted for the letter's locale with babel.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from email.utils import formataddr
from typing import Any
from urllib.parse import quote
from weakref import WeakKeyDictionary

from babel.dates import format_date
from jinja2 import BaseLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from dunwell.dunning.records import EMAIL_ADDRESS, PlannedMessage
from dunwell.money import format_money, format_plain

LOCALES = {"en": "en_GB", "de": "de_DE", "fr": "fr_FR", "es": "es_ES", "id": "id_ID"}
PLAN_OFFER_STAGES = frozenset({"firm", "final"})
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u0085]+")
_SPACES = re.compile(r" {2,}")
# bidirectional marks, embeddings, overrides and isolates: "Evil\u202egpj.exe" would show
# as "Evilexe.jpg" in a mail client's To: line
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_FRENCH_PUNCTUATION = re.compile(
    r"(<[^>]*>|&#?\w+;)|(?<=[^\s&;])[ \u00a0]?([:;?!])(?=[\s<)]|$)")
NARROW_NBSP = "\u202f"


class UnsafeAddress(ValueError):
    """A recipient that is not one plain email address (never sent, never guessed at)."""


@dataclass(frozen=True, slots=True)
class RenderedEmail:
    """A message ready for the transport: headers are single-line and encoded."""

    subject: str
    text: str
    html: str
    headers: dict[str, str]


def make_env(loader: BaseLoader) -> SandboxedEnvironment:
    """The sandboxed, autoescaping environment with the money, day and paragraphs filters."""
    env = SandboxedEnvironment(
        loader=loader, autoescape=True, undefined=StrictUndefined,
        trim_blocks=True, lstrip_blocks=True,
    )
    env.filters["money"] = _money
    env.filters["day"] = _day
    env.filters["paragraphs"] = _paragraphs
    return env


@pass_context
def _money(ctx: Context, amount: Decimal, currency: str | None = None) -> str:
    return format_money(amount, currency or ctx["currency"], ctx["locale"])


@pass_context
def _day(ctx: Context, value: date) -> str:
    return format_date(value, format="long", locale=ctx["locale"])


def _paragraphs(value: str) -> Markup:
    parts = [p.strip() for p in re.split(r"\n\s*\n", str(escape(value))) if p.strip()]
    return Markup("".join(f"<p>{p}</p>\n" for p in parts))


def one_line(value: str, limit: int = 200) -> str:
    """Header-safe text: no CR, LF or other control characters, spaces collapsed, bounded."""
    return _SPACES.sub(" ", _CONTROL.sub(" ", _BIDI.sub("", value))).strip(" ")[:limit]


def address(name: str, email: str) -> str:
    """`Name <addr>` with the name quoted or RFC 2047-encoded; refuses anything but one address."""
    clean = _CONTROL.sub("", email).strip()
    if not EMAIL_ADDRESS.fullmatch(clean):
        raise UnsafeAddress(f"not a single email address: {email!r}")
    return formataddr((one_line(name, 120), clean), charset="utf-8")


def _payment_link(template: str, message: PlannedMessage) -> str:
    if not template:
        return ""
    values = {
        "reference": message.reference, "customer_id": message.customer_id,
        "amount": format_plain(message.total, message.currency), "currency": message.currency,
    }
    return template.format(**{k: quote(v, safe="") for k, v in values.items()})


def context(message: PlannedMessage, company: dict[str, str]) -> dict[str, Any]:
    """Everything a template may use: the message, its lines, company and how to pay."""
    fees = [x.compensation for x in message.lines if x.compensation is not None]
    interest = [x.interest for x in message.lines if x.interest is not None]
    return {
        "customer_name": message.customer_name,
        "stage": message.stage,
        "currency": message.currency,
        "locale": LOCALES.get(message.language, message.language),
        "lines": message.lines,
        "total": message.total,
        "reference": message.reference,
        "payment_link": _payment_link(company.get("payment_link", ""), message),
        "company": company,
        "offer_plan": message.stage in PLAN_OFFER_STAGES,
        "late_fees": sum(fees, Decimal(0)) if fees else None,
        "late_interest": sum(interest, Decimal(0)) if interest else None,
        "facts": message.facts,
    }


def _headers(message: PlannedMessage, company: dict[str, str], subject: str) -> dict[str, str]:
    headers = {
        "To": address(message.customer_name, message.recipient),
        "Subject": subject,
        "Auto-Submitted": "auto-generated",
        "Content-Language": message.language,
        "X-Dunwell-Key": message.key,
    }
    if company.get("mail_from"):
        headers["From"] = address(company.get("name", ""), company["mail_from"])
    if company.get("contact_email"):
        headers["Reply-To"] = address(company.get("contact_name", ""), company["contact_email"])
    return headers


_TEXT_ENVS: WeakKeyDictionary[SandboxedEnvironment, SandboxedEnvironment] = WeakKeyDictionary()


def _text_env(env: SandboxedEnvironment) -> SandboxedEnvironment:
    # Its own template cache: a template compiled with autoescape must not be reused for text.
    if env not in _TEXT_ENVS:
        _TEXT_ENVS[env] = env.overlay(autoescape=False, cache_size=400)
    return _TEXT_ENVS[env]


def french_typography(value: str) -> str:
    """A narrow no-break space before : ; ? ! as French typesetting wants (HTML tags and
    entities, URLs and times such as 09:30 are left alone)."""
    return _FRENCH_PUNCTUATION.sub(
        lambda m: m.group(1) or NARROW_NBSP + m.group(2), value)


def render(message: PlannedMessage, env: SandboxedEnvironment,
           company: dict[str, str]) -> RenderedEmail:
    """Subject, plain text, HTML and headers of one planned message, in its language."""
    name = f"{message.language}/{message.template}.j2"
    ctx = context(message, company)
    text_t = _text_env(env).get_template(name)
    subject = one_line("".join(text_t.blocks["subject"](text_t.new_context(ctx))))
    text = text_t.render(layout="_layout.txt.j2", **ctx)
    html = env.get_template(name).render(layout="_layout.html.j2", **ctx)
    if message.language == "fr":
        subject, text, html = (french_typography(part) for part in (subject, text, html))
    headers = _headers(message, company, subject) if message.recipient else {"Subject": subject}
    return RenderedEmail(subject=subject, text=text, html=html, headers=headers)
