"""Report and mail tasks: render the controller report, deliver it with retries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from dunwell.connectors import storage
from dunwell.connectors.outbound import mail
from dunwell.connectors.outbound.report import ReportInputs, build_report, send_report
from dunwell.connectors.storage import marks
from dunwell.dunning import make_env, render
from dunwell.errors import DeliveryError
from dunwell.model import DunningAction
from dunwell.tasks.local import NO_CACHE, run_logger, task
from dunwell.tasks.outputs import actions_frame

if TYPE_CHECKING:
    from dunwell.connectors.root import Adapters


def renderer_for(adapters: Adapters) -> Callable[[Any], EmailMessage]:
    """A function that turns a planned reminder into an email ready for the transport."""
    env = make_env(jinja2.FileSystemLoader(str(adapters.templates_dir)))
    company = adapters.dunning_policy.company
    sender = adapters.settings.mail_from

    def to_email(message: Any) -> EmailMessage:
        rendered = render(message, env, company)
        domain = mail.sender_domain(rendered.headers.get("From", sender))
        return mail.build_email(rendered.subject, sender, [message.recipient], rendered.text,
                                rendered.html, headers=rendered.headers, domain=domain)

    return to_email


@task(name="build report", cache_policy=NO_CACHE)
def make_report(adapters: Adapters, as_of: datetime, reconciled: Any,
                actions: list[DunningAction], checked: Any,
                deliveries: dict[str, dict[str, int]] | None = None) -> Any:
    """The controller report as files in the output folder; after sending, with the
    deliveries that did not complete."""
    with storage.transaction(adapters.engine) as session:
        marked = marks.marked_money_of(session, reconciled.transactions)
    inputs = ReportInputs(
        as_of=as_of.date(), company=adapters.dunning_policy.company.get("name", "dunwell"),
        transactions=reconciled.transactions, invoices=reconciled.invoices_after,
        matches=reconciled.matches, discrepancies=reconciled.discrepancies,
        review_queue=reconciled.review_candidates, actions=actions_frame(actions),
        quality=tuple(checked.results), quarantined=checked.quarantine,
        data_docs=Path(checked.data_docs) if checked.data_docs else None,
        deliveries=deliveries or {}, marked_money=marked,
    )
    return build_report(inputs, adapters.work_dir)


@task(name="email report", cache_policy=NO_CACHE)
def deliver_report(adapters: Adapters, report: Any, email_to: list[str] | None) -> dict[str, str]:
    """Send the report to its recipients; a failed send leaves it on disk and says so."""
    recipients = list(email_to or adapters.settings.report_recipients)
    paths = {"report": str(adapters.out_dir / report.html_path.name)}
    if not recipients:
        return paths | outbox_path(adapters)
    try:
        send_report(report, adapters.transport, recipients,
                    report_subject(adapters.settings.report_subject, report.as_of),
                    adapters.settings.mail_from)
    except DeliveryError as exc:
        run_logger().error("report not delivered, kept at %s: %s", paths["report"], exc)
        paths["report_delivery"] = f"failed: {exc}"
    return paths | outbox_path(adapters)


def report_subject(subject: str, as_of: Any) -> str:
    """`dunwell daily report, 2026-11-20`: which day a mail is about, visible in the inbox."""
    return f"{subject}, {as_of.isoformat()}" if as_of else subject


def outbox_path(adapters: Adapters) -> dict[str, str]:
    """The outbox folder, named only when messages were written into it."""
    folder = getattr(adapters.transport, "directory", None)
    if folder is None or not Path(folder).is_dir() or not any(Path(folder).glob("*.eml")):
        return {}
    return {"outbox": str(folder)}
