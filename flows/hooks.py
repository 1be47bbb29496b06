"""Flow-run hooks: tell the operators when a run fails, so nobody learns it from a customer.

`alert_operators` is a Prefect `on_failure` (and `on_crashed`) hook. It emails the
operators the flow's name, the run's id and name, its state and the state message,
and a link to the run in the Prefect UI; no parameters, no data rows. Email
addresses, IBANs and passwords inside the state message are masked. Recipients are
the `alert_recipients` setting, else `report_recipients`. Without an SMTP host (or
when SMTP delivery fails) the alert is written as an `.eml` file into
`.dunwell/alerts/` of the run's working folder, so it is never lost.
"""

from __future__ import annotations

import logging
import re
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from dunwell.connectors import root
from dunwell.connectors.outbound.mail import (
    FileOutbox,
    SmtpTransport,
    Transport,
    build_email,
    sender_domain,
)
from dunwell.connectors.settings.config import Settings, mask_url
from dunwell.errors import ConfigError, DeliveryError

log = logging.getLogger(__name__)
ALERTS_DIR = Path(".dunwell") / "alerts"
MAX_MESSAGE_CHARS = 600
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")


def alert_operators(flow: Any, flow_run: Any, state: Any) -> None:
    """Email the operators that `flow_run` of `flow` ended in `state` (a Prefect hook)."""
    try:
        settings: Settings | None = root.load()
    except ConfigError as exc:
        log.warning("settings unreadable (%s); writing the alert to %s", exc, ALERTS_DIR)
        settings = None
    recipients = _recipients(settings)
    msg = alert_message(flow, flow_run, state, settings, recipients)
    deliver_alert(msg, settings, Path.cwd() / ALERTS_DIR)


def alert_message(flow: Any, flow_run: Any, state: Any, settings: Settings | None,
                  recipients: list[str]) -> EmailMessage:
    """The alert: which flow, which run, what state and why; nothing about customers."""
    flow_name = getattr(flow, "name", str(flow))
    run_id = str(getattr(flow_run, "id", ""))
    state_name = getattr(state, "name", None) or str(getattr(state, "type", "failed"))
    reason = scrub(getattr(state, "message", None) or "(no message)")
    lines = [
        f"The flow run {getattr(flow_run, 'name', '')!s} of {flow_name} ended as {state_name}.",
        "",
        f"flow:        {flow_name}",
        f"deployment:  {getattr(flow_run, 'deployment_id', None) or '-'}",
        f"flow run id: {run_id}",
        f"state:       {state_name}",
        f"message:     {reason}",
    ]
    link = _ui_link(run_id)
    if link:
        lines += ["", f"Logs and details: {link}"]
    lines += ["", "Fix the cause, then run the deployment again: a rerun never books a "
              "payment or sends a reminder twice."]
    sender = settings.mail_from if settings else "dunwell@localhost"
    return build_email(f"dunwell: {flow_name} run {state_name.lower()} ({run_id[:8]})",
                       sender, recipients or ["operators@localhost"], "\n".join(lines),
                       headers={"X-Dunwell-Alert": "flow-run-failed"},
                       domain=sender_domain(sender))


def deliver_alert(msg: EmailMessage, settings: Settings | None, alerts_dir: Path) -> str:
    """Send over SMTP when configured; the file outbox otherwise or when SMTP fails."""
    transport: Transport = FileOutbox(alerts_dir)
    if settings is not None and settings.smtp_enabled:
        try:
            return _smtp(settings).send(msg)
        except DeliveryError as exc:
            log.warning("alert not delivered by SMTP (%s); writing it to %s", exc, alerts_dir)
    return transport.send(msg)


def scrub(text: str) -> str:
    """The state message on at most a few lines, without passwords, emails or IBANs."""
    text = mask_url(str(text))
    text = _EMAIL.sub("<email>", text)
    text = _IBAN.sub("<iban>", text)
    return text if len(text) <= MAX_MESSAGE_CHARS else text[:MAX_MESSAGE_CHARS] + " ..."


def _recipients(settings: Settings | None) -> list[str]:
    if settings is None:
        return []
    return list(getattr(settings, "alert_recipients", None) or settings.report_recipients)


def _smtp(settings: Settings) -> SmtpTransport:
    """The configured SMTP relay, failing fast: an alert must not hold up the worker."""
    return SmtpTransport.from_settings(settings, attempts=2, backoff=1.0, timeout=15.0)


def _ui_link(run_id: str) -> str:
    """The run's page in the Prefect UI, when a UI address is known."""
    try:
        from prefect.settings import PREFECT_UI_URL

        base = PREFECT_UI_URL.value()
    except Exception:  # noqa: BLE001 - a link is a courtesy; the alert goes out without it
        return ""
    return f"{str(base).rstrip('/')}/runs/flow-run/{run_id}" if base and run_id else ""
