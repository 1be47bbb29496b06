"""Pages of what goes out: the next run's messages (preview, approve, exclude) and the
messages as they were sent. HTTP in, `dunwell.approvals` calls, HTML or a redirect out."""

from __future__ import annotations

import time
from collections import OrderedDict
from datetime import date
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dunwell import access, approvals, payment_plans, sent
from dunwell.web.app import Pages, first

DONE = {
    "approved": "Approved: the run sends them.",
    "excluded": "Excluded: the run holds it back, and the reason is in the audit log.",
    "none": "Nothing was waiting for approval there.",
}
FRAME_HEADERS = {  # an email's own HTML, shown inside the page: no scripts, no requests out
    "Content-Security-Policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'; "
                               "img-src data:; frame-ancestors 'self'",
    "X-Frame-Options": "SAMEORIGIN",
}


_PREVIEWS: OrderedDict[tuple[str, str], tuple[float, Any]] = OrderedDict()
PREVIEW_SECONDS = 60.0  # the page and its HTML frame ask for the same preview at once


def _preview(pages: Pages, actor: Any, day: date, key: str) -> Any:
    """The service's preview, kept a minute so that the page's HTML frame does not plan the
    whole run a second time."""
    access.require(actor, "view")
    now, wanted = time.monotonic(), (day.isoformat(), key)
    hit = _PREVIEWS.get(wanted)
    if hit is not None and now - hit[0] < PREVIEW_SECONDS:
        return hit[1]
    result = approvals.preview(pages.engine, actor, day, key)
    _PREVIEWS[wanted] = (now, result)
    while len(_PREVIEWS) > 32:
        _PREVIEWS.popitem(last=False)
    return result


def _back(day: str, done: str, anchor: str = "") -> RedirectResponse:
    from urllib.parse import urlencode

    query = urlencode({"day": day, "done": done})
    return RedirectResponse(f"/dunning?{query}{anchor}", status_code=303)


def register(app: FastAPI, pages: Pages) -> None:
    """Attach the dunning, sent-message and payment-plan routes."""
    register_plans(app, pages)
    register_launch(app, pages)

    @app.get("/dunning")
    async def dunning(request: Request) -> Response:
        signed = pages.signed_in(request)
        day = approvals.run_day(request.query_params.get("day", ""))
        seen = approvals.outlook(pages.engine, signed.actor, day)
        return pages.render(request, "dunning.html", title="Dunning before it goes out",
                            outlook=seen, day=day.isoformat(),
                            done=DONE.get(request.query_params.get("done", ""), ""))

    @app.get("/dunning/preview")
    async def preview(request: Request) -> Response:
        signed = pages.signed_in(request)
        day = approvals.run_day(request.query_params.get("day", ""))
        key = request.query_params.get("key", "")
        row, email = _preview(pages, signed.actor, day, key)
        return pages.render(request, "dunning_preview.html", title=f"{row.stage} to "
                            f"{row.customer_name}", row=row, email=sent.parts(email),
                            day=day.isoformat())

    @app.get("/dunning/preview.html")
    async def preview_html(request: Request) -> Response:
        signed = pages.signed_in(request)
        day = approvals.run_day(request.query_params.get("day", ""))
        _, email = _preview(pages, signed.actor, day, request.query_params.get("key", ""))
        return HTMLResponse(sent.parts(email).html or "<p>(no HTML part)</p>",
                            headers=FRAME_HEADERS)

    @app.post("/dunning/approve")
    async def approve(request: Request) -> Response:
        signed, form = await pages.posted(request)
        _PREVIEWS.clear()  # a decision changes what a preview says about its message
        day_text = first(form, "day")
        keys = [v.strip() for v in form.get("key", []) if v.strip()] or None
        count = approvals.approve(pages.engine, signed.actor, approvals.run_day(day_text),
                                  stage=first(form, "stage"),
                                  segment=first(form, "segment") or None, keys=keys,
                                  why=first(form, "why"))
        return _back(day_text, "approved" if count else "none")

    @app.post("/dunning/exclude")
    async def exclude(request: Request) -> Response:
        signed, form = await pages.posted(request)
        _PREVIEWS.clear()
        day_text = first(form, "day")
        approvals.exclude(pages.engine, signed.actor, approvals.run_day(day_text),
                          first(form, "key"), first(form, "why"))
        return _back(day_text, "excluded")

    @app.get("/message")
    async def message(request: Request) -> Response:
        signed = pages.signed_in(request)
        found = sent.message(pages.engine, signed.actor, request.query_params.get("key", ""))
        return pages.render(request, "message.html", title=f"{found.stage} to "
                            f"{found.customer_id}", found=found)

    @app.get("/message.html")
    async def message_html(request: Request) -> Response:
        signed = pages.signed_in(request)
        found = sent.message(pages.engine, signed.actor, request.query_params.get("key", ""))
        return HTMLResponse(found.html or "<p>(no HTML part)</p>", headers=FRAME_HEADERS)


def customer_extras(pages: Pages, signed: Any, customer_id: str) -> dict[str, Any]:
    """What the customer page shows of this module: messages as sent and payment plans."""
    day = approvals.run_day("")
    return {"messages": sent.of_customer(pages.engine, signed.actor, customer_id),
            "plans": payment_plans.of_customer(pages.engine, signed.actor, customer_id, day),
            "today": day.isoformat()}


def register_plans(app: FastAPI, pages: Pages) -> None:
    """The payment-plan actions of the customer page: agree a plan, cancel one."""

    @app.post("/customer/plan")
    async def payment_plan(request: Request) -> Response:
        signed, form = await pages.posted(request)
        customer_id = first(form, "customer_id")
        payment_plans.create(pages.engine, signed.actor, customer_id,
                             [v for v in form.get("invoice", []) if v.strip()],
                             (form.get("instalments") or [""])[0], first(form, "note"))
        return _to_customer(customer_id, "plan")

    @app.post("/customer/plan/cancel")
    async def cancel_plan(request: Request) -> Response:
        signed, form = await pages.posted(request)
        customer_id = first(form, "customer_id")
        payment_plans.cancel(pages.engine, signed.actor, first(form, "plan_id"),
                             first(form, "note"), customer_id=customer_id)
        return _to_customer(customer_id, "plan_cancelled")


def _to_customer(customer_id: str, done: str) -> RedirectResponse:
    from urllib.parse import urlencode

    return RedirectResponse(f"/customer?{urlencode({'id': customer_id, 'done': done})}",
                            status_code=303)


STARTED = {"started": "Started on the Prefect server; its state shows below."}


async def today_extras(pages: Pages, signed: Any) -> dict[str, Any]:
    """The Today page's trends and the runs started from here (Prefect is asked off the loop)."""
    from starlette.concurrency import run_in_threadpool

    from dunwell import launch, trends

    return {"charts": trends.trends(pages.engine, signed.actor),
            "prefect": launch.prefect_api(),
            "started": await run_in_threadpool(launch.recent, pages.engine, signed.actor),
            "launch_labels": launch.LABELS}


def register_launch(app: FastAPI, pages: Pages) -> None:
    """The Today page's button: a deployment run on the Prefect server."""
    from starlette.concurrency import run_in_threadpool

    from dunwell import launch

    @app.post("/runs/start")
    async def start_run(request: Request) -> Response:
        signed, form = await pages.posted(request)
        await run_in_threadpool(launch.start, pages.engine, signed.actor, first(form, "what"),
                                as_of=first(form, "as_of"), dry_run=first(form, "dry_run") == "yes")
        return RedirectResponse("/today?done=started", status_code=303)
