"""The failure alert: a failed flow run reaches the operators by SMTP, or the alerts folder."""

from __future__ import annotations

import socket
import uuid
from email import message_from_bytes, policy
from pathlib import Path
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller
from prefect import flow
from prefect.states import Failed

from dunwell.flows.hooks import alert_operators

SECRET_URL = "postgresql+psycopg://dunwell:hunter2secret@db.internal:5432/dunwell"
CUSTOMER_EMAIL = "anna.schmidt@kunde.de"
IBAN = "DE89370400440532013000"


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    # aiosmtpd waits 1 s for its thread by default: too short on a loaded machine
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port(),
                            ready_timeout=60)
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


@pytest.fixture
def settings_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A clean working folder and settings: operators' address, no SMTP, no secrets around."""
    for name in ("DUNWELL_SMTP_HOST", "DUNWELL_SMTP_USER", "DUNWELL_SMTP_PASSWORD",
                 "DUNWELL_CONFIG", "DUNWELL_SMTP_PORT", "DUNWELL_SMTP_SECURITY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DUNWELL_REPORT_RECIPIENTS", "ops@example.com,controller@example.com")
    monkeypatch.setenv("DUNWELL_DATABASE_URL", f"sqlite:///{tmp_path / 'dunwell.db'}")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _failed_run(message: str) -> tuple[SimpleNamespace, SimpleNamespace, object]:
    run = SimpleNamespace(id=uuid.uuid4(), name="brave-otter", deployment_id=None)
    return SimpleNamespace(name="dunwell-daily"), run, Failed(message=message)


def test_without_smtp_the_alert_is_an_eml_file_in_the_alerts_folder(settings_env: Path) -> None:
    flow_obj, run, state = _failed_run("Flow run encountered an exception: OSError: disk full")

    alert_operators(flow_obj, run, state)

    files = list((settings_env / ".dunwell" / "alerts").glob("*.eml"))
    assert len(files) == 1
    msg = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    body = msg.get_content()
    assert "dunwell-daily" in msg["Subject"] and str(run.id)[:8] in msg["Subject"]
    assert msg["To"] == "ops@example.com, controller@example.com"
    assert str(run.id) in body and "disk full" in body and "Failed" in body


def test_the_alert_masks_passwords_emails_and_ibans_in_the_state_message(
        settings_env: Path) -> None:
    flow_obj, run, state = _failed_run(
        f"could not connect to {SECRET_URL}; last reminder to {CUSTOMER_EMAIL}, payer {IBAN}")

    alert_operators(flow_obj, run, state)

    raw = next((settings_env / ".dunwell" / "alerts").glob("*.eml")).read_bytes()
    body = message_from_bytes(raw, policy=policy.default).get_content()
    for secret in ("hunter2secret", CUSTOMER_EMAIL, IBAN):
        assert secret not in body and secret.encode() not in raw
    assert "dunwell:***@db.internal" in body and "<email>" in body and "<iban>" in body


def test_a_failed_flow_run_emails_the_operators_over_smtp(
        prefect_api: None, settings_env: Path, smtp_server,
        monkeypatch: pytest.MonkeyPatch) -> None:
    controller, inbox = smtp_server
    monkeypatch.setenv("DUNWELL_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("DUNWELL_SMTP_PORT", str(controller.port))
    monkeypatch.setenv("DUNWELL_SMTP_SECURITY", "none")

    @flow(name="dunwell-broken", on_failure=[alert_operators], retries=0)
    def broken() -> None:
        raise RuntimeError("statement folder unreachable")

    state = broken(return_state=True)

    assert state.is_failed()
    assert len(inbox.messages) == 1
    mail_from, rcpt_tos, content = inbox.messages[0]
    msg = message_from_bytes(content, policy=policy.default)
    assert sorted(rcpt_tos) == ["controller@example.com", "ops@example.com"]
    assert "receivables@example.com" in mail_from
    assert msg["Subject"].startswith("dunwell: dunwell-broken run failed")
    body = msg.get_content()
    assert str(state.state_details.flow_run_id) in body
    assert "statement folder unreachable" in body
    assert not (settings_env / ".dunwell" / "alerts").exists()


def test_when_smtp_is_down_the_alert_falls_back_to_the_alerts_folder(
        settings_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as closed:  # bound but not listening: refused, and no one else's
        closed.bind(("127.0.0.1", 0))
        monkeypatch.setenv("DUNWELL_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("DUNWELL_SMTP_PORT", str(closed.getsockname()[1]))
        monkeypatch.setenv("DUNWELL_SMTP_SECURITY", "none")
        flow_obj, run, state = _failed_run("boom")

        alert_operators(flow_obj, run, state)

    files = list((settings_env / ".dunwell" / "alerts").glob("*.eml"))
    assert len(files) == 1 and str(run.id) in files[0].read_text()
