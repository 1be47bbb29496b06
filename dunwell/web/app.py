"""The workbench's FastAPI app: sign-in, sessions, CSRF, templates, error pages.

Routes only translate HTTP to calls of `dunwell.workbench` and back; the rules
(who may do what, what a decision changes) live there. Every page is rendered
by Jinja2 with autoescaping; every POST carries the session's CSRF token.
"""

from __future__ import annotations

import logging
import secrets
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import Engine

from dunwell import access
from dunwell.access import HeaderAuth, SignedIn
from dunwell.errors import DunwellError, Forbidden, InputError
from dunwell.money import exponent

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "dunwell_session"
LOGIN_COOKIE = "dunwell_login"
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
                               "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; "
                               "base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


class NeedSignIn(Exception):
    """No live session: the browser is sent to the sign-in page."""


def money(amount: Any, currency: str) -> str:
    """1234.5 EUR -> '1,234.50': grouped, with the currency's own decimals."""
    if amount is None or amount == "":
        return ""
    try:
        places = exponent(currency)
    except DunwellError:
        places = 2
    return f"{Decimal(str(amount)):,.{places}f}"


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["money"] = money
    env.globals["may"] = access.may
    return env


class Pages:
    """The template environment, the database engine and the sign-in mode the routes share."""

    def __init__(self, engine: Engine, auth: HeaderAuth | None = None) -> None:
        self.engine = engine
        self.env = _environment()
        self.auth = auth

    def render(self, request: Request, template: str, status: int = 200,
               **context: Any) -> Response:
        """A page, with the signed-in person (if any) and their CSRF token in its context."""
        signed = getattr(request.state, "signed", None)
        html = self.env.get_template(template).render(
            request=request, signed=signed, actor=signed.actor if signed else None,
            csrf=signed.csrf_token if signed else "", **context)
        return HTMLResponse(html, status_code=status)

    def signed_in(self, request: Request) -> SignedIn:
        """The person of this request's session cookie (or, with single sign-on, of the
        proxy's header); NeedSignIn when there is none."""
        signed = access.session_of(self.engine, request.cookies.get(SESSION_COOKIE))
        if self.auth is not None:
            signed = self._from_proxy(request, self.auth, signed)
        if signed is None:
            raise NeedSignIn()
        request.state.signed = signed
        return signed

    def _from_proxy(self, request: Request, auth: HeaderAuth,
                    signed: SignedIn | None) -> SignedIn:
        """The user the trusted proxy names; their session is reused while it is theirs."""
        if not auth.trusts(request.client.host if request.client else None):
            raise Forbidden("this workbench signs people in through the single sign-on "
                            "proxy, and this request did not come through it")
        name = request.headers.get(auth.header, "").strip()
        if not name:
            raise Forbidden(f"the single sign-on proxy named nobody ({auth.header} is empty)")
        if signed is not None and signed.actor.name == name:
            return signed
        opened = access.header_sign_in(self.engine, name)
        if opened is None:
            raise Forbidden(f"{name} has no role in the workbench yet; an admin adds them "
                            f"with: dunwell web user add {name} --role viewer --no-password")
        request.state.new_session, signed = opened
        return signed

    async def posted(self, request: Request) -> tuple[SignedIn, dict[str, list[str]]]:
        """The person and the form of a POST whose CSRF token matches their session's."""
        signed = self.signed_in(request)
        form = await read_form(request)
        if not access.same_token(signed.csrf_token, first(form, "csrf")):
            raise Forbidden("the form's security token is missing or out of date; "
                            "reload the page and try again")
        return signed, form


async def read_form(request: Request) -> dict[str, list[str]]:
    """An urlencoded form body, every field as a list (a form may repeat a name)."""
    if not request.headers.get("content-type", "").startswith(
            "application/x-www-form-urlencoded"):
        return {}
    body = await request.body()
    return parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)


def first(form: dict[str, list[str]], name: str, default: str = "") -> str:
    """The first value of a form field, stripped."""
    values = form.get(name) or [default]
    return values[0].strip()


def create_app(engine: Engine, auth: HeaderAuth | None = None,
               plan_ahead: bool = False) -> FastAPI:
    """The workbench on this database; `auth` switches sign-in to a single sign-on proxy;
    `plan_ahead` plans the next dunning run in the background as the app starts, so the
    Dunning page's first visitor does not wait seconds for it (`dunwell web` does)."""
    from contextlib import asynccontextmanager

    from dunwell.web import routes

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> Any:
        if plan_ahead:
            threading.Thread(target=_plan_ahead, args=(engine,), name="plan-ahead",
                             daemon=True).start()
        yield

    app = FastAPI(title="dunwell workbench", docs_url=None, redoc_url=None, openapi_url=None,
                  lifespan=lifespan)
    pages = Pages(engine, auth)
    app.state.pages = pages
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response = await call_next(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        opened = getattr(request.state, "new_session", None)
        if opened:  # a session the proxy's header opened: its cookie carries the CSRF pairing
            response.set_cookie(SESSION_COOKIE, opened, httponly=True, samesite="lax",
                                secure=request.url.scheme == "https",
                                max_age=access.SESSION_HOURS * 3600)
        return response

    @app.exception_handler(NeedSignIn)
    async def to_sign_in(request: Request, _exc: NeedSignIn) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        return pages.render(request, "error.html", 403, title="Not allowed", message=str(exc))

    @app.exception_handler(InputError)
    async def bad_input(request: Request, exc: InputError) -> Response:
        return pages.render(request, "error.html", 400, title="That did not work",
                            message=exc.problem)

    routes.register(app, pages)
    return app


def _plan_ahead(engine: Engine) -> None:
    from dunwell import approvals

    try:
        approvals.warm(engine)
    except Exception:  # noqa: BLE001 - the page plans on demand and shows the error itself
        logging.getLogger(__name__).warning("planning the next dunning run ahead failed",
                                            exc_info=True)


def login_token() -> str:
    """A fresh token for the sign-in form (double-submitted as cookie and field)."""
    return secrets.token_urlsafe(24)
