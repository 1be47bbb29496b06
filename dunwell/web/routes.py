"""The workbench's pages and actions: HTTP in, `dunwell.workbench` calls, HTML or a redirect out."""

from __future__ import annotations

from datetime import date
from urllib.parse import quote, urlencode

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from dunwell import access, workbench
from dunwell.errors import Forbidden, InputError
from dunwell.money import format_plain
from dunwell.web import gate_routes
from dunwell.web.app import LOGIN_COOKIE, SESSION_COOKIE, Pages, first, login_token, read_form

PAGE = 50
DONE = {  # what a redirect after an action says; codes, so no text is reflected from the URL
    "accepted": "Booked. The payer's name and IBAN are remembered for this customer.",
    "rejected": "Rejected: it will not be proposed again.",
    "pause": "Reminders paused.", "resume": "Reminders resumed.", "pin": "Segment pinned.",
    "dispute": "Dispute recorded: no reminders for that invoice.",
    "resolved": "Dispute resolved: the invoice is dunned again.",
    "promise": "Promise to pay recorded.",
    "allocated": "Booked by hand. The payer is remembered for this customer.",
    "plan": "Payment plan agreed: its invoices get no ladder reminders while it is kept.",
    "plan_cancelled": "Payment plan cancelled: its invoices are reminded by the ladder again.",
    "difference": "Booked, with the difference recorded. The payer is remembered.",
    "parked": "Parked: it is out of the queue until someone un-parks it.",
    "unparked": "Back in the queue.",
    "bulk": "Booked the best candidate of each payment. Payers are remembered.",
    "refund": "Marked as a refund: it left the unmatched list.",
    "unrelated": "Marked as unrelated money: it left the unmatched list.",
    "unmarked": "Unmarked: the money is unmatched again.",
}
DIFFERENCES = (("bank_fee", "Bank fee (written off)"),
               ("early_payment_discount", "Early-payment discount (written off)"),
               ("short_payment", "Short payment (the rest stays owed)"))


def _safe_next(target: str) -> str:
    """Only a path on this site: never an open redirect."""
    return target if target.startswith("/") and not target.startswith("//") else "/today"


def _redirect(path: str, **query: str) -> RedirectResponse:
    shown = {k: v for k, v in query.items() if v}
    return RedirectResponse(path + (f"?{urlencode(shown)}" if shown else ""), status_code=303)


def _page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    return max(1, int(raw)) if raw.isdigit() else 1


def register(app: FastAPI, pages: Pages) -> None:
    """Attach every route to the app."""
    _sign_in_routes(app, pages)
    _review_routes(app, pages)
    _customer_routes(app, pages)
    _audit_routes(app, pages)
    _unmatched_routes(app, pages)
    gate_routes.register(app, pages)


def _sign_in_routes(app: FastAPI, pages: Pages) -> None:
    @app.get("/")
    async def home() -> Response:
        return _redirect("/today")

    @app.get("/login")
    async def login_form(request: Request) -> Response:
        if pages.auth is not None:
            return pages.render(request, "login.html", sso=True)
        token = login_token()
        response = pages.render(request, "login.html", login_csrf=token,
                                next=_safe_next(request.query_params.get("next", "/today")))
        response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict",
                            secure=request.url.scheme == "https", max_age=3600)
        return response

    @app.post("/login")
    async def login(request: Request) -> Response:
        if pages.auth is not None:
            raise Forbidden("sign-in goes through single sign-on here, not a password")
        form = await read_form(request)
        if not access.same_token(request.cookies.get(LOGIN_COOKIE, ""), first(form, "csrf")):
            raise Forbidden("the sign-in form is out of date; reload the page and try again")
        target = _safe_next(first(form, "next", "/today"))
        result = access.sign_in(pages.engine, first(form, "name"),
                                (form.get("password") or [""])[0])
        if result is None:
            token = login_token()
            response = pages.render(request, "login.html", 401, login_csrf=token, next=target,
                                    name=first(form, "name"), failed=True)
            response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict",
                                secure=request.url.scheme == "https", max_age=3600)
            return response
        cookie, _ = result
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(SESSION_COOKIE, cookie, httponly=True, samesite="lax",
                            secure=request.url.scheme == "https",
                            max_age=access.SESSION_HOURS * 3600)
        response.delete_cookie(LOGIN_COOKIE)
        return response

    @app.post("/logout")
    async def logout(request: Request) -> Response:
        await pages.posted(request)
        access.sign_out(pages.engine, request.cookies.get(SESSION_COOKIE))
        response = _redirect("/login")
        response.delete_cookie(SESSION_COOKIE)
        return response

    @app.get("/today")
    async def today(request: Request) -> Response:
        signed = pages.signed_in(request)
        facts = workbench.today(pages.engine, signed.actor)
        latest = next((r for r in facts["runs"] if r.summary), None)
        extras = await gate_routes.today_extras(pages, signed)
        return pages.render(request, "today.html", title="Today", latest=latest, **facts,
                            **extras, done=gate_routes.STARTED.get(
                                request.query_params.get("done", ""), ""))


def _review_routes(app: FastAPI, pages: Pages) -> None:
    @app.get("/review")
    async def review_list(request: Request) -> Response:
        signed = pages.signed_in(request)
        params = request.query_params
        text, parked = params.get("q", ""), params.get("parked") == "1"
        queue = workbench.review_queue(pages.engine, signed.actor, text=text, parked=parked,
                                       after=params.get("after", ""),
                                       before=params.get("before", ""), limit=PAGE)
        return pages.render(request, "review_list.html",
                            title="Parked payments" if parked else "Review queue", queue=queue,
                            rows=queue.rows, q=text, parked=parked, done=_done(request))

    @app.get("/review/bulk")
    async def review_bulk(request: Request) -> Response:
        signed = pages.signed_in(request)
        text = request.query_params.get("q", "")
        rows = workbench.review_bulk_preview(pages.engine, signed.actor, text)
        return pages.render(request, "review_bulk.html", title="Accept a filtered set",
                            rows=rows, q=text)

    @app.get("/review/payment")
    async def review_payment(request: Request) -> Response:
        signed = pages.signed_in(request)
        transaction_id = request.query_params.get("id", "")
        payment = workbench.review_payment(pages.engine, signed.actor, transaction_id)
        return pages.render(request, "review_item.html", title=f"Payment {transaction_id}",
                            payment=payment, differences=DIFFERENCES, done=_done(request))

    @app.post("/review/accept")
    async def review_accept(request: Request) -> Response:
        signed, form = await pages.posted(request)
        transaction_id = first(form, "transaction_id")
        invoices = [v.strip() for v in form.get("invoice", []) if v.strip()]
        difference = first(form, "difference")
        workbench.review_accept(pages.engine, signed.actor, transaction_id, invoices,
                                first(form, "why"), difference=difference)
        return _after_decision(pages, signed, form, transaction_id,
                               "difference" if difference else "accepted")

    @app.post("/review/accept-best")
    async def review_accept_best(request: Request) -> Response:
        signed, form = await pages.posted(request)
        ids = [v.strip() for v in form.get("transaction_id", []) if v.strip()]
        booked = workbench.review_accept_best(pages.engine, signed.actor, ids,
                                              first(form, "why"))
        return _redirect("/review", done="bulk", n=str(booked))

    @app.post("/review/park")
    async def review_park(request: Request) -> Response:
        signed, form = await pages.posted(request)
        transaction_id = first(form, "transaction_id")
        workbench.review_park(pages.engine, signed.actor, transaction_id, first(form, "note"))
        return _after_decision(pages, signed, form, transaction_id, "parked")

    @app.post("/review/unpark")
    async def review_unpark(request: Request) -> Response:
        signed, form = await pages.posted(request)
        transaction_id = first(form, "transaction_id")
        workbench.review_unpark(pages.engine, signed.actor, transaction_id, first(form, "why"))
        return _redirect("/review/payment", id=transaction_id, done="unparked")

    @app.post("/review/reject")
    async def review_reject(request: Request) -> Response:
        signed, form = await pages.posted(request)
        transaction_id = first(form, "transaction_id")
        workbench.review_reject(pages.engine, signed.actor, transaction_id,
                                first(form, "invoice"), first(form, "why"))
        payment = workbench.review_payment(pages.engine, signed.actor, transaction_id)
        if payment.candidates:
            return _redirect("/review/payment", id=transaction_id, done="rejected")
        return _after_decision(pages, signed, form, transaction_id, "rejected")


def _done(request: Request) -> str:
    """The notice of the action that redirected here (a code, never text from the URL)."""
    code, count = request.query_params.get("done", ""), request.query_params.get("n", "")
    notice = DONE.get(code, "")
    if code == "bulk" and count.isdigit():
        notice = notice.replace("each payment", f"{int(count):,} payment"
                                + ("" if count == "1" else "s"))
    return notice


def _after_decision(pages: Pages, signed: access.SignedIn, form: dict[str, list[str]],
                    transaction_id: str, done: str) -> Response:
    """Back to the list it came from, else on to the next payment waiting."""
    if first(form, "back") == "list":
        return _redirect("/review", q=first(form, "q"), done=done)
    following = workbench.next_waiting(pages.engine, signed.actor, after=transaction_id)
    if following is None:
        return _redirect("/review", done=done)
    return _redirect("/review/payment", id=following, done=done)


def _customer_routes(app: FastAPI, pages: Pages) -> None:
    @app.get("/customer")
    async def customer(request: Request) -> Response:
        signed = pages.signed_in(request)
        customer_id = request.query_params.get("id", "")
        view = workbench.customer_view(pages.engine, signed.actor, customer_id)
        return pages.render(request, "customer.html", title=view.customer.name, view=view,
                            segments=_segments(), **gate_routes.customer_extras(pages, signed,
                                                                                customer_id),
                            done=DONE.get(request.query_params.get("done", ""), ""))

    @app.post("/customer/state")
    async def customer_state(request: Request) -> Response:
        signed, form = await pages.posted(request)
        customer_id, action = first(form, "customer_id"), first(form, "action")
        segment = first(form, "segment") or None
        workbench.customer_state(pages.engine, signed.actor, customer_id, action, segment,
                                 first(form, "note"))
        return _redirect("/customer", id=customer_id, done=action)

    @app.post("/invoice/dispute")
    async def invoice_dispute(request: Request) -> Response:
        signed, form = await pages.posted(request)
        resolved = first(form, "resolved") == "yes"
        workbench.invoice_dispute(pages.engine, signed.actor, first(form, "invoice_id"), resolved,
                                  "", first(form, "note"))
        return _redirect("/customer", id=first(form, "customer_id"),
                         done="resolved" if resolved else "dispute")

    @app.post("/invoice/promise")
    async def invoice_promise(request: Request) -> Response:
        signed, form = await pages.posted(request)
        try:
            promised = date.fromisoformat(first(form, "promised"))
        except ValueError:
            raise InputError("promised", "give the promised date as YYYY-MM-DD") from None
        workbench.invoice_promise(pages.engine, signed.actor, first(form, "invoice_id"), promised,
                                  "", first(form, "note"))
        return _redirect("/customer", id=first(form, "customer_id"), done="promise")


def _segments() -> list[str]:
    return workbench.policy_segments()


def _audit_routes(app: FastAPI, pages: Pages) -> None:
    @app.get("/audit")
    async def audit(request: Request) -> Response:
        signed = pages.signed_in(request)
        text, number = request.query_params.get("q", ""), _page_number(request)
        entries, total = workbench.audit_log(pages.engine, signed.actor, text=text, limit=PAGE,
                                             offset=(number - 1) * PAGE)
        return pages.render(request, "audit.html", title="Audit log", entries=entries,
                            total=total, q=text, page=number, pages=max(1, -(-total // PAGE)))

    @app.get("/audit.csv")
    async def audit_csv(request: Request) -> Response:
        signed = pages.signed_in(request)
        body = workbench.audit_csv(pages.engine, signed.actor, request.query_params.get("q", ""))
        name = quote(f"dunwell-audit-{date.today().isoformat()}.csv")
        return Response(body, media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f"attachment; filename={name}"})


def _unmatched_routes(app: FastAPI, pages: Pages) -> None:
    @app.get("/unmatched")
    async def unmatched(request: Request) -> Response:
        signed = pages.signed_in(request)
        number, marked = _page_number(request), request.query_params.get("marked") == "1"
        rows, total, marks = workbench.unmatched(pages.engine, signed.actor, limit=PAGE,
                                                 offset=(number - 1) * PAGE, marked=marked)
        return pages.render(request, "unmatched_list.html",
                            title="Refunds and unrelated money" if marked else "Unmatched money",
                            rows=rows, total=total, marks=marks, marked=marked, page=number,
                            pages=max(1, -(-total // PAGE)), done=_done(request))

    @app.get("/unmatched/payment")
    async def unmatched_payment(request: Request) -> Response:
        signed = pages.signed_in(request)
        params = request.query_params
        payment = workbench.review_payment(pages.engine, signed.actor, params.get("id", ""))
        amount = params.get("amount", format_plain(payment.amount - payment.booked,
                                                   payment.currency))
        tolerance, text = params.get("tolerance", "1.00"), params.get("q", "")
        found = workbench.search_open_invoices(pages.engine, signed.actor, payment.currency,
                                               amount=amount, tolerance=tolerance, text=text)
        return pages.render(request, "unmatched_item.html",
                            title=f"Payment {payment.transaction_id}", payment=payment,
                            found=found, amount=amount, tolerance=tolerance, q=text,
                            done=_done(request))

    @app.post("/unmatched/allocate")
    async def allocate(request: Request) -> Response:
        signed, form = await pages.posted(request)
        workbench.allocate(pages.engine, signed.actor, first(form, "transaction_id"),
                           [v.strip() for v in form.get("invoice", []) if v.strip()],
                           first(form, "why"))
        return _redirect("/unmatched", done="allocated")

    @app.post("/unmatched/mark")
    async def mark(request: Request) -> Response:
        signed, form = await pages.posted(request)
        kind = first(form, "kind")
        workbench.payment_mark(pages.engine, signed.actor, first(form, "transaction_id"), kind,
                               first(form, "note"))
        return _redirect("/unmatched", done=kind)

    @app.post("/unmatched/unmark")
    async def unmark(request: Request) -> Response:
        signed, form = await pages.posted(request)
        transaction_id = first(form, "transaction_id")
        workbench.payment_unmark(pages.engine, signed.actor, transaction_id, first(form, "why"))
        return _redirect("/unmatched/payment", id=transaction_id, done="unmarked")
